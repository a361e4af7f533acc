"""payment allocations indexed by payment

What a payment settled is read by its payment (the books' entry of a payment, a reversal,
a bank import posting thousands of payments): without the index each read scanned every
allocation.

Revision ID: 15p
Revises: 19s
Create Date: 2026-12-04 15:04:39.812441
"""

from __future__ import annotations

from alembic import op

revision = "15p"
down_revision = "19s"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_allocations_payment_id"), ["payment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_allocations_payment_id"))
