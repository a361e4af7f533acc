"""What the hardening tests share: the whole database's content, to prove nothing changed."""

from __future__ import annotations

from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import Base


def database_state(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order (the test databases are small)."""
    state = {}
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = session.execute(select(table).order_by(*order)).all()
            state[table.name] = [tuple(row) for row in rows]
    return state
