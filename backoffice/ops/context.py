"""What every view needs: the database, the logged-in staff member, the change bus."""

from __future__ import annotations

import itertools
from typing import Protocol

from PySide6.QtCore import QObject, QSettings, Qt, QThreadPool, Signal

from backoffice.db import Database
from backoffice.services.permissions import Actor, Permission, allows
from backoffice.services.tracking import Touched

ALL_TABLES = "*"
_keys = itertools.count(1)


def job_key() -> int:
    """A key for the ``worker_signals`` channel, unique in the process (operations and
    the background sender's runs share the channel)."""
    return next(_keys)


class ChangeNotice(dict[str, set[int]]):
    """What changed (table → ids; ``{"*": set()}`` when unknown) and the view whose
    operation wrote it (``initiator``; None for the portal, another workstation or work
    started by no view). A view that updates itself after its own operation skips the
    notices it initiated: Anki's ``handler is not self`` rule."""

    def __init__(self, touched: Touched, initiator: QObject | None = None) -> None:
        super().__init__(touched)
        self.initiator = initiator

    def initiated_by(self, *views: QObject) -> bool:
        """Whether one of ``views`` ran the operation that wrote this (dialogs it opened
        are initiators of their own)."""
        return self.initiator is not None and any(self.initiator is view for view in views)


class ChangeBus(QObject):
    """Announces what changed, whoever wrote it: this workstation's operations, another
    workstation, or the portal. Receivers get a :class:`ChangeNotice`."""

    changed = Signal(object)

    def announce(self, touched: Touched, initiator: QObject | None = None) -> None:
        if touched:
            self.changed.emit(ChangeNotice(touched, initiator))


def concerns(touched: Touched, *tables: str) -> bool:
    """Whether a change notification touches one of ``tables``."""
    return ALL_TABLES in touched or any(table in touched for table in tables)


class WorkerSignals(QObject):
    """The one channel from worker threads back to the GUI thread, owned by the context.

    Workers hold no reference to any other Qt object: when Python frees a Qt object, its
    C++ side is destroyed in the freeing thread, and a widget or an operation destroyed in
    a worker thread crashes the process.
    """

    finished = Signal(int, object)  # operation key, its outcome
    progressed = Signal(int, int, int, str)  # operation key, done, total, message


class Receiver(Protocol):
    """A running operation, as the context sees it."""

    def deliver(self, outcome: object) -> None: ...

    def report_progress(self, done: int, total: int, message: str) -> None: ...


class AppContext(QObject):
    # The logged-in staff member was disabled or changed role: the sentence to show at the
    # login dialog, which the main window returns to.
    rights_changed = Signal(str)

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
        # Counts logins: an operation started before the last one cannot end it.
        self.login_number = 0
        self._rights_changed_at: int | None = None
        self.settings = settings or QSettings()
        self.bus = ChangeBus(self)
        self.pool = QThreadPool(self)
        # SQLite has one writer; a few workers keep reads parallel without contention.
        self.pool.setMaxThreadCount(4)
        # Created after the pool: children are destroyed in creation order, and the pool's
        # destructor waits for the workers that still emit on these signals.
        self.worker_signals = WorkerSignals(self)
        queued = Qt.ConnectionType.QueuedConnection
        self.worker_signals.finished.connect(self._deliver, queued)
        self.worker_signals.progressed.connect(self._report_progress, queued)
        self._running: dict[int, Receiver] = {}

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise RuntimeError("no staff member is logged in yet")
        return self._actor

    @actor.setter
    def actor(self, actor: Actor) -> None:
        self._actor = actor
        self.login_number += 1

    def staff_rights_changed(self, login_number: int, message: str) -> None:
        """An operation of login ``login_number`` was refused because the staff member's
        account or role changed: announced once per login, none for an older login."""
        if login_number == self.login_number and self._rights_changed_at != login_number:
            self._rights_changed_at = login_number
            self.rights_changed.emit(message)

    def allows(self, permission: Permission) -> bool:
        return self._actor is not None and allows(self._actor.role, permission)

    def keep(self, key: int, operation: Receiver) -> None:
        """Hold a running operation until it finishes (Qt would not)."""
        self._running[key] = operation

    def release(self, key: int) -> None:
        self._running.pop(key, None)

    def _deliver(self, key: int, outcome: object) -> None:
        operation = self._running.get(key)
        if operation is not None:
            operation.deliver(outcome)

    def _report_progress(self, key: int, done: int, total: int, message: str) -> None:
        operation = self._running.get(key)
        if operation is not None:
            operation.report_progress(done, total, message)

    def wait_for_background_work(self, timeout_ms: int = 10000) -> bool:
        return self.pool.waitForDone(timeout_ms)
