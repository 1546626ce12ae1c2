"""nicknames, longer emails (batch mode)

Revision ID: s007
Revises: s006
Create Date: 2024-06-07 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "s007"
down_revision = "s006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(length=30), nullable=True))
        batch_op.alter_column(
            "email",
            existing_type=sa.String(length=255),
            type_=sa.String(length=320),
            existing_nullable=False,
        )
        batch_op.create_index("ix_users_nickname", ["nickname"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_nickname")
        batch_op.alter_column(
            "email",
            existing_type=sa.String(length=320),
            type_=sa.String(length=255),
            existing_nullable=False,
        )
        batch_op.drop_column("nickname")
