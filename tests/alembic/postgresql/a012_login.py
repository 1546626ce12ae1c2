"""rename username to login, comment products, sessions outlive users

Revision ID: a012
Revises: a011
Create Date: 2024-05-12 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a012"
down_revision = "a011"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column(
        "users",
        "username",
        new_column_name="login",
        existing_type=sa.String(50),
        existing_nullable=False,
    )
    op.drop_index("ix_user_roles_role_id", table_name="user_roles")
    op.create_table_comment("products", "what we sell", existing_comment=None)
    # No type_: PostgreSQL needs none. The name is the one it gave in a008.
    op.drop_constraint("sessions_user_id_fkey", "sessions")


def downgrade():
    op.create_foreign_key(
        "sessions_user_id_fkey", "sessions", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.drop_table_comment("products", existing_comment="what we sell")
    op.create_index("ix_user_roles_role_id", "user_roles", ["role_id"], unique=False)
    op.alter_column(
        "users",
        "login",
        new_column_name="username",
        existing_type=sa.String(50),
        existing_nullable=False,
    )
