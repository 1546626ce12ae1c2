"""drop user names

Revision ID: s005
Revises: s004
Create Date: 2024-06-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "s005"
down_revision = "s004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE posts SET body = title WHERE body IS NULL")
    op.drop_index("ix_users_name", table_name="users")
    op.drop_column("users", "name")


def downgrade() -> None:
    op.add_column("users", sa.Column("name", sa.String(length=100), nullable=True))
    op.create_index("ix_users_name", "users", ["name"], unique=False)
    op.execute("UPDATE posts SET body = body")
