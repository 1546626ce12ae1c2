"""create orders with a status enum

Revision ID: a004
Revises: a003
Create Date: 2024-05-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a004"
down_revision = "a003"
branch_labels = None
depends_on = None

order_status = postgresql.ENUM("pending", "paid", "shipped", name="order_status")


def upgrade():
    order_status.create(op.get_bind())
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column(
            "status",
            postgresql.ENUM("pending", "paid", "shipped", name="order_status", create_type=False),
            nullable=False,
            server_default="pending",
        ),
        sa.Column("total", sa.Numeric(10, 2), nullable=False),
        sa.Column("tenant_id", sa.Integer, nullable=False, server_default="1"),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("NOW()"),
            nullable=False,
        ),
    )
    op.create_foreign_key(
        "fk_orders_user_id", "orders", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )


def downgrade():
    op.drop_constraint("fk_orders_user_id", "orders", type_="foreignkey")
    op.drop_table("orders")
    order_status.drop(op.get_bind())
