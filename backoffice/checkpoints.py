"""SQLite's write-ahead log copied back into the database beside a long run of commits
(a bulk import), rather than by the commits themselves.

SQLite copies the log into the database file (a *checkpoint*) in the connection whose
commit makes the log reach ``wal_autocheckpoint`` pages (``db.py``: 80 MiB), and that
commit waits for it: a quarter to a third of a second, twice in a year of bank statements.
During a run of commits, :func:`beside` keeps a thread with a connection of its own that
asks for a passive checkpoint after each commit. It copies what is committed while the run
goes on (SQLite lets go of the interpreter meanwhile), and the run's own automatic
checkpoints find little left to copy. A passive checkpoint never waits for a writer nor
holds one up; one that cannot run now is simply asked again after the next commit.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator

from backoffice.db import Database


class _Checkpointer:
    def __init__(self, path: str) -> None:
        self.path = path
        self.wanted = threading.Event()
        self.stopping = False
        self.connection: sqlite3.Connection | None = None
        self.thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)

    def _run(self) -> None:
        connection = sqlite3.connect(
            self.path, timeout=15, isolation_level=None, check_same_thread=False
        )
        self.connection = connection
        try:
            while True:
                self.wanted.wait()
                self.wanted.clear()
                if self.stopping:
                    return
                with contextlib.suppress(sqlite3.Error):  # busy, interrupted: asked again
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            connection.close()

    def stop(self) -> None:
        """Stop now: a checkpoint under way is interrupted (what it copied stays copied;
        SQLite's own checkpoints copy the rest)."""
        self.stopping = True
        self.wanted.set()
        if self.connection is not None:
            # the thread may have closed it already, seeing it should stop
            with contextlib.suppress(sqlite3.Error):
                self.connection.interrupt()
        self.thread.join()


@contextlib.contextmanager
def beside(database: Database) -> Iterator[Callable[[], None]]:
    """Within the block, a call of what it yields after each commit has the log copied
    back by another thread. Nothing on PostgreSQL or an in-memory database."""
    path = database.url.database
    if database.backend != "sqlite" or not path or path == ":memory:":
        yield lambda: None
        return
    checkpointer = _Checkpointer(path)
    checkpointer.thread.start()
    try:
        yield checkpointer.wanted.set
    finally:
        checkpointer.stop()
