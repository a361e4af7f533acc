"""Chunked bulk inserts with SQLAlchemy Core (no ORM objects: a million rows stay cheap)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text

from backoffice.models import Base


class BulkWriter:
    """Buffers rows per table and writes them in foreign-key order with ``executemany``."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(row)

    def flush(self) -> None:
        for table in Base.metadata.sorted_tables:
            rows = self.rows.pop(table.name, None)
            if rows:
                self.connection.execute(insert(table), rows)
                self.counts[table.name] += len(rows)

    def next_id(self, table: Table) -> int:
        return (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1


def reset_sequences(connection: Connection) -> None:
    """After inserting explicit ids on PostgreSQL, move each ``serial`` past the maximum."""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
