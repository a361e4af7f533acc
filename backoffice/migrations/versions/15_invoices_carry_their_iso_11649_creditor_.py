"""invoices carry their ISO 11649 creditor reference

Revision ID: 15
Revises: 0001
Create Date: 2026-12-04 05:33:39.606757
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from stdnum.iso7064 import mod_97_10

revision = "15"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 5000


def _reference(number: str) -> str:
    """As ``backoffice.references.creditor_reference`` computed it when written."""
    body = "".join(char for char in number.upper() if char.isalnum())
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"


def upgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("creditor_reference", sa.String(length=25), nullable=True))
    connection = op.get_bind()
    invoices = sa.table(
        "invoices",
        sa.column("id", sa.Integer),
        sa.column("number", sa.String),
        sa.column("creditor_reference", sa.String),
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(invoices.c.id, invoices.c.number)
            .where(invoices.c.id > last_id)
            .order_by(invoices.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            invoices.update()
            .where(invoices.c.id == sa.bindparam("key"))
            .values(creditor_reference=sa.bindparam("reference")),
            [{"key": key, "reference": _reference(number)} for key, number in rows],
        )
        last_id = rows[-1][0]
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.alter_column(
            "creditor_reference", existing_type=sa.String(length=25), nullable=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_invoices_creditor_reference"), ["creditor_reference"]
        )


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_invoices_creditor_reference"), type_="unique")
        batch_op.drop_column("creditor_reference")
