"""add published

Revision ID: s003
Revises: s002
Create Date: 2024-06-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "s003"
down_revision = "s002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "posts",
        sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_posts_user_published", "posts", ["user_id", "published"])


def downgrade() -> None:
    op.drop_index("ix_posts_user_published", table_name="posts")
    op.drop_column("posts", "published")
