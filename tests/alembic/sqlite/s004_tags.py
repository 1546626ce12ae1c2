"""tags and their seed rows

Revision ID: s004
Revises: s003
Create Date: 2024-06-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "s004"
down_revision = "s003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.UniqueConstraint("label"),
    )
    tags = sa.table("tags", sa.column("id", sa.Integer), sa.column("label", sa.String))
    op.bulk_insert(tags, [{"id": 1, "label": "news"}, {"id": 2, "label": "howto"}])
    op.create_table(
        "post_tags",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("post_id", "tag_id"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("post_tags")
    op.drop_table("tags")
