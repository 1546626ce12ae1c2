"""add account type

Revision ID: a007
Revises: a006
Create Date: 2024-05-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a007"
down_revision = "a006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "users",
        sa.Column("account_type", sa.String(20), nullable=False, server_default="free"),
    )
    op.alter_column(
        "users",
        "account_type",
        server_default=None,
        existing_type=sa.String(20),
        existing_nullable=False,
        existing_server_default="free",
    )


def downgrade():
    op.drop_column("users", "account_type")
