"""unique email, positive prices

Revision ID: a006
Revises: a005
Create Date: 2024-05-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a006"
down_revision = "a005"
branch_labels = None
depends_on = None


def upgrade():
    # No name: PostgreSQL names it users_email_key.
    op.create_unique_constraint(None, "users", ["email"])
    op.create_check_constraint("ck_products_price_positive", "products", sa.text("price > 0"))


def downgrade():
    op.drop_constraint("ck_products_price_positive", "products", type_="check")
    op.drop_constraint("users_email_key", "users", type_="unique")
