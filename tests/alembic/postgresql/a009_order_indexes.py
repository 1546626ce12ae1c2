"""composite and partial indexes on orders

Revision ID: a009
Revises: a008
Create Date: 2024-05-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a009"
down_revision = "a008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_orders_user_status", "orders", ["user_id", "status"])
    op.create_index(
        "ix_orders_active_user",
        "orders",
        ["user_id"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade():
    op.drop_index("ix_orders_active_user", table_name="orders")
    op.drop_index("ix_orders_user_status", table_name="orders")
