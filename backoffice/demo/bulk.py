"""Chunked bulk inserts with SQLAlchemy Core (no ORM objects: a million rows stay cheap)."""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table, exc, func, insert, select, text

from backoffice.models import Base

Batch = dict[str, list[dict[str, Any]]]


class BulkWriter:
    """Buffers rows per table and writes them in foreign-key order.

    ``flush(background=True)`` hands the buffered rows to a writer thread and returns at
    once: Python generates the next chunk while the database ingests this one (the
    driver releases the GIL while the server works). At most one chunk waits, so memory
    stays bounded. ``drain()`` waits for the writer; it runs before any other use of the
    connection, and re-raises the writer's error.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.rows: Batch = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self._queue: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(row)

    def flush(self, *, background: bool = False) -> None:
        batch, self.rows = self.rows, defaultdict(list)
        if not background:
            self.drain()
            self._write(batch)
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="bulk-writer", daemon=True)
            self._thread.start()
        self._raise_error()
        self._queue.put(batch)

    def drain(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._raise_error()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._write(batch)
                except BaseException as error:
                    self._error = error

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _write(self, batch: Batch) -> None:
        for table in Base.metadata.sorted_tables:
            rows = batch.get(table.name)
            if rows:
                self._insert(table, rows)
                self.counts[table.name] += len(rows)

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """The driver's bulk path — ``COPY`` on PostgreSQL, ``executemany`` on SQLite —
        with values passed through the columns' own bind processors (UTC instants, enums,
        dates), so that rows are stored exactly as the ORM stores them."""
        dialect = self.connection.dialect
        names = list(rows[0])
        processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
        if dialect.name == "postgresql":
            self._copy(table, names, processors, rows)
            return
        statement = insert(table).compile(dialect=dialect, column_keys=names)
        positional = dialect.paramstyle in ("qmark", "numeric", "format")
        sql = str(statement)
        if positional:
            order = statement.positiontup or names
            index = [names.index(name) for name in order]
            processors = [processors[i] for i in index]
            values = [[row[names[i]] for i in index] for row in rows]
        else:
            values = [[row[name] for name in names] for row in rows]
        for column, process in enumerate(processors):
            if process is not None:
                for value_row in values:
                    value_row[column] = process(value_row[column])
        if positional:
            self.connection.exec_driver_sql(sql, [tuple(row) for row in values])
        else:
            self.connection.exec_driver_sql(
                sql, [dict(zip(names, row, strict=True)) for row in values]
            )

    def _copy(
        self, table: Table, names: list[str], processors: list[Any], rows: list[dict[str, Any]]
    ) -> None:
        import psycopg

        raw = self.connection.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(
                        [
                            process(row[name]) if process else row[name]
                            for name, process in zip(names, processors, strict=True)
                        ]
                    )
        except psycopg.Error as error:  # as SQLAlchemy would raise it (IntegrityError...)
            raise exc.DBAPIError.instance(statement, None, error, psycopg.Error) from error

    def next_id(self, table: Table) -> int:
        self.drain()
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


def analyze(connection: Connection) -> None:
    """Statistics for the planner after a bulk load (autovacuum would come much later)."""
    connection.execute(text("ANALYZE"))
