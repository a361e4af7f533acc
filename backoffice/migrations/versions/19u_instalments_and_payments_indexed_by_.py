"""instalments and payments indexed by their direct-debit file

The debits of one file were found by reading every instalment and every payment: a
collection credited by the bank (its debits recorded as received, those received
already), a return, the file's screen — 40–50 ms a file on the benchmark's 330,000
instalments and 320,000 payments, on both databases. Partial indexes (only the rows of a
file): the transfers, cheques and instalments never collected add nothing to them.

Revision ID: 19u
Revises: 19t
Create Date: 2026-12-04 21:01:14.656050
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "19u"
down_revision = "19t"
branch_labels = None
depends_on = None

_OF_A_FILE = sa.text("collection_id IS NOT NULL")
_INDEXES = (
    ("instalments", "ix_instalments_collection_id"),
    ("payments", "ix_payments_collection_id"),
)


def upgrade() -> None:
    for table, name in _INDEXES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(
                name, ["collection_id"], sqlite_where=_OF_A_FILE, postgresql_where=_OF_A_FILE
            )


def downgrade() -> None:
    for table, name in reversed(_INDEXES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(name)
