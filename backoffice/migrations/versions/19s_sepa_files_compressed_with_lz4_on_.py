"""SEPA files compressed with lz4 on PostgreSQL

A collection keeps its whole pain.008 file (13 MB for 20,000 debits). PostgreSQL compresses
such a value with pglz by default, which took a third of a second of the export; lz4 does
it in a tenth with the same size on disk. Where the server has no lz4 (built without it, or
older than PostgreSQL 14) nothing changes. SQLite stores the bytes as they are.

Revision ID: 19s
Revises: 17a
Create Date: 2026-12-04 14:40:59.703855
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "19s"
down_revision = "17a"
branch_labels = None
depends_on = None


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    choices = bind.scalar(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    )
    return bool(choices) and "lz4" in choices


def upgrade() -> None:
    if _lz4_available():
        op.execute("ALTER TABLE sepa_collections ALTER COLUMN xml SET COMPRESSION lz4")


def downgrade() -> None:
    if _lz4_available():
        op.execute("ALTER TABLE sepa_collections ALTER COLUMN xml SET COMPRESSION pglz")
