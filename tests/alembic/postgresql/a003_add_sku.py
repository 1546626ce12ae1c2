"""add sku to products

Revision ID: a003
Revises: a002
Create Date: 2024-05-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a003"
down_revision = "a002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("products", sa.Column("sku", sa.String(50), nullable=True))
    op.create_index("ix_products_sku", "products", ["sku"], unique=True)


def downgrade():
    op.drop_index("ix_products_sku", table_name="products")
    op.drop_column("products", "sku")
