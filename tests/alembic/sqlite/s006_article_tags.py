"""post tags are article tags

Revision ID: s006
Revises: s005
Create Date: 2024-06-06 10:00:00.000000

"""
from alembic import op

revision = "s006"
down_revision = "s005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.rename_table("post_tags", "article_tags")


def downgrade() -> None:
    op.rename_table("article_tags", "post_tags")
