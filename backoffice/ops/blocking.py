"""Wait for background work without freezing the window (start-up, before any page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QThread

T = TypeVar("T")


class _Worker(QThread):
    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self.work = work
        self.result: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as error:
            self.error = error


def call_in_background(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread; the GUI keeps painting; its exception is re-raised here."""
    worker = _Worker(work)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    worker.start()
    if not worker.isFinished():
        loop.exec()
    worker.wait()
    if worker.error is not None:
        raise worker.error
    return worker.result  # type: ignore[return-value]
