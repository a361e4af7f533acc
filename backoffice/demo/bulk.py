"""Chunked bulk inserts with SQLAlchemy Core (no ORM objects: a million rows stay cheap).

Rows are buffered per table as tuples and written in foreign-key order with the driver's
own bulk path — ``COPY`` on PostgreSQL, one ``executemany`` on SQLite — the fastest a
row can reach the database. A demo module adds its rows with :meth:`BulkWriter.add`
(a dict: fine for thousands of rows) or, for the big tables, declares the columns once
with :meth:`BulkWriter.table` and appends tuples (no dict per row).
"""

from __future__ import annotations

import contextlib
import gc
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, exc, func, insert, select, text

from backoffice.models import Base

CACHED_VALUES = 200_000  # processed values kept per column between chunks


class Rows(list[tuple[Any, ...]]):
    """The buffered rows of one table: tuples in the order of ``columns``."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        super().__init__()
        self.columns = columns


Batch = dict[str, Rows]


class _Processed(dict[Any, Any]):
    """A column's bind processor, remembered per value: a million rows hold a few thousand
    distinct dates, and a constant instant (``created_at``) is processed once."""

    def __init__(self, process: Callable[[Any], Any]) -> None:
        super().__init__()
        self.process = process

    def __missing__(self, value: Any) -> Any:
        processed = self[value] = self.process(value)
        return processed


def _processed_column(values: Sequence[Any], processed: _Processed) -> list[Any]:
    try:
        return list(map(processed.__getitem__, values))
    except TypeError:  # unhashable values (JSON): processed one by one
        return [processed.process(value) for value in values]


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
        self.rows: Batch = {}
        self.counts: dict[str, int] = {}
        self._queue: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        # Each column's processed values, kept from chunk to chunk (dates, instants and
        # enums repeat across the whole load); a column of many distinct values starts
        # over when its memory grows past CACHED_VALUES.
        self._processed_values: dict[tuple[str, str], _Processed] = {}
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def table(self, name: str, columns: Sequence[str]) -> Rows:
        """The buffer of ``name``'s rows as tuples of ``columns`` (append to it)."""
        rows = self.rows.get(name)
        if rows is None:
            rows = self.rows[name] = Rows(tuple(columns))
        elif rows.columns != tuple(columns):
            raise ValueError(f"{name}: rows of other columns already buffered")
        return rows

    def add(self, table: str, row: dict[str, Any]) -> None:
        """Buffer ``row`` (its values are taken now: change the dict before adding it)."""
        rows = self.rows.get(table)
        if rows is None:
            rows = self.table(table, tuple(row))
        if rows.columns == tuple(row):
            rows.append(tuple(row.values()))
        elif set(rows.columns) == set(row):
            rows.append(tuple(row[name] for name in rows.columns))
        else:
            raise ValueError(f"{table}: every row must have the columns {rows.columns}")

    def flush(self, *, background: bool = False) -> None:
        batch, self.rows = self.rows, {}
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
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    def _insert(self, table: Table, rows: Rows) -> None:
        """The driver's bulk path with values passed through the columns' own bind
        processors (UTC instants, enums, dates), so that rows are stored exactly as the
        ORM stores them; the processing is column by column, each distinct value once."""
        dialect = self.connection.dialect
        names = list(rows.columns)
        if dialect.name == "postgresql":
            self._copy(table, names, self._processed(table, names, rows))
            return
        statement = insert(table).compile(dialect=dialect, column_keys=names)
        order = list(statement.positiontup or names)
        if order != names:
            index = [names.index(name) for name in order]
            reordered = Rows(tuple(order))
            reordered.extend(tuple(row[i] for i in index) for row in rows)
            rows, names = reordered, order
        self.connection.exec_driver_sql(str(statement), self._processed(table, names, rows))

    def _processed(self, table: Table, names: list[str], rows: Rows) -> list[tuple[Any, ...]]:
        dialect = self.connection.dialect
        processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
        if not any(processors):
            return rows
        columns = list(zip(*rows, strict=True))
        for index, process in enumerate(processors):
            if process is not None:
                key = (table.name, names[index])
                processed = self._processed_values.get(key)
                if processed is None or len(processed) > CACHED_VALUES:
                    processed = self._processed_values[key] = _Processed(process)
                columns[index] = _processed_column(columns[index], processed)  # type: ignore[call-overload]
        return list(zip(*columns, strict=True))

    def _copy(self, table: Table, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        import psycopg

        raw = self.connection.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as error:  # as SQLAlchemy would raise it (IntegrityError...)
            raise exc.DBAPIError.instance(statement, None, error, psycopg.Error) from error

    def next_id(self, table: Table) -> int:
        self.drain()
        return (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector off during a bulk load: millions of new tuples would set
    it off again and again, to find no cycle (a tenth of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def analyze(connection: Connection, tables: Sequence[str] = ()) -> None:
    """Statistics for the planner after a bulk load (autovacuum would come much later):
    of every table, or of ``tables`` only."""
    if not tables:
        connection.execute(text("ANALYZE"))
    for table in tables:
        connection.execute(text(f"ANALYZE {table}"))
