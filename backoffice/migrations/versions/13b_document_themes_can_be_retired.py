"""document themes can be retired

Revision ID: 13b
Revises: 13
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "13b"
down_revision = "13"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_themes", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
