"""Live refresh: what the portal or another workstation writes reaches open views.

PostgreSQL: a listening connection receives ``backoffice_changes`` notifications (sent by
triggers, with the table name) and relays them within a fraction of a second. SQLite:
``PRAGMA data_version`` changes when another connection commits; it is polled every few
seconds and announced as "anything may have changed".
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from backoffice.db import Database
from backoffice.ops.context import ALL_TABLES, ChangeBus

log = logging.getLogger(__name__)
SQLITE_POLL_SECONDS = 2.0
DEBOUNCE_MS = 300


class _Watcher(QThread):
    noticed = Signal(object)  # set of table names

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.database.is_postgresql:
                    self._listen()
                else:
                    self._poll()
            except Exception as error:
                log.info("live refresh paused: %s", error)
                self._stop.wait(5)

    def _listen(self) -> None:
        import psycopg

        url = self.database.url
        with psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            dbname=url.database,
            user=url.username,
            password=url.password,
            autocommit=True,
            connect_timeout=5,
        ) as connection:
            connection.execute("LISTEN backoffice_changes")
            while not self._stop.is_set():
                tables = {note.payload for note in connection.notifies(timeout=1.0)}
                if tables:
                    self.noticed.emit(tables)

    def _poll(self) -> None:
        # A driver connection outside any transaction: inside one, SQLite's snapshot (and
        # so data_version) would never move.
        connection = self.database.engine.raw_connection()
        try:
            cursor = connection.cursor()
            seen = cursor.execute("PRAGMA data_version").fetchone()[0]
            while not self._stop.wait(SQLITE_POLL_SECONDS):
                version = cursor.execute("PRAGMA data_version").fetchone()[0]
                if version != seen:
                    seen = version
                    self.noticed.emit({ALL_TABLES})
        finally:
            connection.close()


class LiveRefresh(QObject):
    """Relays other writers' changes to the bus, grouped over a short debounce."""

    def __init__(self, database: Database, bus: ChangeBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self._pending: set[str] = set()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._flush)
        self._watcher = _Watcher(database)
        self._watcher.noticed.connect(self._noticed)

    def start(self) -> None:
        self._watcher.start()

    def stop(self) -> None:
        self._watcher.stop()
        self._watcher.wait(int((SQLITE_POLL_SECONDS + 2) * 1000))

    def _noticed(self, tables: set[str]) -> None:
        self._pending |= tables
        self._debounce.start()

    def _flush(self) -> None:
        tables, self._pending = self._pending, set()
        self.bus.announce({table: set() for table in tables})
