"""rename the roles unique, drop descriptions

Revision ID: a011
Revises: a010
Create Date: 2024-05-11 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "a011"
down_revision = "a010"
branch_labels = None
depends_on = None


def upgrade():
    # The name PostgreSQL gave the column's unique constraint.
    op.drop_constraint("roles_name_key", "roles", type_="unique")
    op.create_unique_constraint("uq_roles_name", "roles", ["name"])
    op.execute("UPDATE products SET stock = 0 WHERE description IS NULL")
    op.drop_column("products", "description")


def downgrade():
    op.add_column("products", sa.Column("description", sa.Text(), nullable=True))
    op.execute("UPDATE products SET stock = stock")
    op.drop_constraint("uq_roles_name", "roles", type_="unique")
    op.create_unique_constraint("roles_name_key", "roles", ["name"])
