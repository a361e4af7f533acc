"""The WAL copied back into a SQLite database by a thread beside a run of commits; the
collector sparing what existed before a long run."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from backoffice import checkpoints
from backoffice.db import Database


def _write(database: Database, rows: int) -> None:
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, text TEXT)"
        )
        connection.exec_driver_sql(
            "INSERT INTO filler (text) SELECT hex(randomblob(500)) FROM "
            f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) "
            "SELECT i FROM n)"
        )


def _grows(path: Path, size: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.getsize(path) > size:
            return True
        time.sleep(0.02)
    return False


def test_a_commit_reaches_the_database_file_without_the_writer_checkpointing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wal.sqlite3"
    database = Database(f"sqlite:///{path}")
    try:
        _write(database, 10)
        with checkpoints.beside(database) as committed:
            size = os.path.getsize(path)
            _write(database, 4000)  # 4 MB: far below the automatic checkpoint's 80 MiB
            assert not _grows(path, size, seconds=0.3)  # still only in the log
            committed()
            assert _grows(path, size)  # copied back by the thread
            _write(database, 10)  # the database stays usable meanwhile
        with database.engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT count(*) FROM filler").scalar()
        assert count == 4020
    finally:
        database.dispose()


def test_stopping_returns_at_once(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'stop.sqlite3'}")
    try:
        started = time.monotonic()
        with checkpoints.beside(database) as committed:
            committed()
        assert time.monotonic() - started < 2
    finally:
        database.dispose()


@pytest.mark.parametrize("url", ["sqlite://", "postgresql+psycopg://postgres@127.0.0.1/test"])
def test_nothing_beside_an_in_memory_or_postgresql_database(url: str) -> None:
    database = Database(url)
    try:
        with checkpoints.beside(database) as committed:
            committed()  # nothing to do, nothing started
    finally:
        database.dispose()


def test_a_long_run_spares_the_objects_that_existed_from_the_collector() -> None:
    import gc

    from backoffice.services.billing.bulk_rows import collector_sparing_what_exists

    assert gc.get_freeze_count() == 0
    with collector_sparing_what_exists():
        assert gc.get_freeze_count() > 1000  # modules, mappings… left out of the scans
        made = [[item] for item in range(10)]  # what the run makes is still collected
        assert all(gc.is_tracked(item) for item in made)
    assert gc.get_freeze_count() == 0  # and all of it scanned again afterwards
