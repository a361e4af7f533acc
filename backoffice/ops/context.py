"""What every view needs: the database, the logged-in staff member, the change bus."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, QThreadPool, Signal

from backoffice.db import Database
from backoffice.services.permissions import Actor, Permission, allows
from backoffice.services.tracking import Touched

ALL_TABLES = "*"


class ChangeBus(QObject):
    """Announces what changed (table → ids; ``{"*": set()}`` when unknown), whoever wrote
    it: this workstation's operations, another workstation, or the portal."""

    changed = Signal(object)

    def announce(self, touched: Touched) -> None:
        if touched:
            self.changed.emit(dict(touched))


def concerns(touched: Touched, *tables: str) -> bool:
    """Whether a change notification touches one of ``tables``."""
    return ALL_TABLES in touched or any(table in touched for table in tables)


class AppContext(QObject):
    def __init__(
        self,
        database: Database,
        actor: Actor | None = None,
        settings: QSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``actor`` is None only before login (the login dialog runs operations too)."""
        super().__init__(parent)
        self.database = database
        self._actor = actor
        self.settings = settings or QSettings()
        self.bus = ChangeBus(self)
        self.pool = QThreadPool(self)
        # SQLite has one writer; a few workers keep reads parallel without contention.
        self.pool.setMaxThreadCount(4)
        self._running: set[QObject] = set()

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise RuntimeError("no staff member is logged in yet")
        return self._actor

    @actor.setter
    def actor(self, actor: Actor) -> None:
        self._actor = actor

    def allows(self, permission: Permission) -> bool:
        return self._actor is not None and allows(self._actor.role, permission)

    def keep(self, operation: QObject) -> None:
        """Hold a running operation until it finishes (Qt would not)."""
        self._running.add(operation)

    def release(self, operation: QObject) -> None:
        self._running.discard(operation)

    def wait_for_background_work(self, timeout_ms: int = 10000) -> bool:
        return self.pool.waitForDone(timeout_ms)
