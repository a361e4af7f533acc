"""Qt objects are destroyed on the GUI thread only, whatever the workers do.

A Qt object destroyed in a worker thread crashes the process, at random: once in five runs
of the accounts views before these rules. Two ways led there: Python's collector running
in a worker (it runs in whichever thread allocates) and freeing a closed dialog's cycle;
and a worker dropping the last reference to what its work captured.
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from backoffice.ops.context import AppContext
from backoffice.ops.garbage import GuiThreadCollector
from backoffice.ops.operation import Operation
from tests.gui.conftest import idle


class _Dialog(QWidget):
    """A widget of the application's own (PySide frees a Python subclass in the freeing
    thread; shiboken hands some plain Qt classes back to their thread)."""


def _record_destruction(qt_object: QObject, threads: list[int]) -> None:
    """Note the thread that destroys ``qt_object`` (run in the destroying thread)."""
    qt_object.destroyed.connect(
        lambda: threads.append(threading.get_ident()), Qt.ConnectionType.DirectConnection
    )


def _allocate_a_lot(_session: Session | None = None) -> list[list[int]]:
    """Enough containers to cross every generation's collection threshold."""
    return [[index] for index in range(300_000)]


def test_automatic_collection_is_off_and_due_generations_are_collected() -> None:
    assert not gc.isenabled()
    collector = GuiThreadCollector()
    try:
        garbage = _Dialog()
        garbage.cycle = garbage  # type: ignore[attr-defined]
        threads: list[int] = []
        _record_destruction(garbage, threads)
        del garbage
        allocated = _allocate_a_lot()
        assert threads == []  # nothing collected behind our back
        assert collector.collect_due() > 0
        assert gc.get_count()[0] < gc.get_threshold()[0]
        assert threads == [threading.get_ident()]
        del allocated
    finally:
        collector.deleteLater()


def test_a_cycle_with_a_qt_object_is_not_collected_by_a_worker(
    context: AppContext, _gui_thread_collector: GuiThreadCollector
) -> None:
    go = threading.Event()

    def allocate_when_told(session: Session) -> int:
        go.wait(10)
        return len(_allocate_a_lot(session))

    Operation(context, None, allocate_when_told, writes=False).run()
    gc.collect()  # the counts start from zero: the worker alone crosses the thresholds
    closed_dialog = _Dialog()
    closed_dialog.cycle = closed_dialog  # type: ignore[attr-defined]
    threads: list[int] = []
    _record_destruction(closed_dialog, threads)
    del closed_dialog
    go.set()
    assert context.wait_for_background_work(20000)
    assert threads == []
    _gui_thread_collector.collect_due()
    gc.collect()
    assert threads == [threading.get_ident()]


def test_what_the_work_captured_is_freed_on_the_gui_thread(
    qtbot: QtBot, context: AppContext
) -> None:
    threads: list[int] = []
    for _ in range(30):
        # A top-level widget owned by Python, captured by the work only: freeing its last
        # reference destroys it, in the thread that frees it.
        dialog = _Dialog()
        _record_destruction(dialog, threads)
        Operation(context, None, lambda _session, dialog=dialog: dialog.objectName()).run()
        del dialog
    qtbot.waitUntil(idle(context), timeout=20000)
    context.wait_for_background_work()
    qtbot.waitUntil(lambda: len(threads) == 30, timeout=5000)
    assert set(threads) == {threading.get_ident()}
