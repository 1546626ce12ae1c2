"""widen email and price

Revision ID: a005
Revises: a004
Create Date: 2024-05-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a005"
down_revision = "a004"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column(
        "users",
        "email",
        existing_type=sa.String(255),
        type_=sa.String(320),
        existing_nullable=False,
    )
    op.alter_column(
        "products",
        "price",
        existing_type=sa.Numeric(10, 2),
        type_=sa.Numeric(12, 2),
        existing_nullable=False,
    )


def downgrade():
    op.alter_column(
        "products",
        "price",
        existing_type=sa.Numeric(12, 2),
        type_=sa.Numeric(10, 2),
        existing_nullable=False,
    )
    op.alter_column(
        "users",
        "email",
        existing_type=sa.String(320),
        type_=sa.String(255),
        existing_nullable=False,
    )
