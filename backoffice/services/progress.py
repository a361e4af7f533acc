"""Progress and cancellation of long services, without Qt.

A long service takes a :class:`Progress` and calls :meth:`Progress.step` now and then; when
the user cancelled, ``step`` raises :class:`Cancelled` and the unit of work rolls back
whole. The ops layer relays the reports to a progress dialog.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from backoffice.i18n import tr
from backoffice.services.errors import ServiceError


class Cancelled(ServiceError):
    def __init__(self) -> None:
        super().__init__(tr("Cancelled: nothing was saved."))


class Progress:
    def __init__(self, on_report: Callable[[int, int, str], None] | None = None) -> None:
        self._on_report = on_report
        self._cancelled = threading.Event()

    def step(self, done: int, total: int, message: str = "") -> None:
        """Report ``done`` out of ``total``; raises :class:`Cancelled` if asked to stop."""
        if self._cancelled.is_set():
            raise Cancelled
        if self._on_report is not None:
            self._on_report(done, total, message)

    def check(self) -> None:
        if self._cancelled.is_set():
            raise Cancelled

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


def silent() -> Progress:
    """A progress nobody watches (command line, tests)."""
    return Progress()
