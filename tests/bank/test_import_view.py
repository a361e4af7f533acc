"""Bank files dropped on Facturation, or chosen in the file dialog, are imported in the
background and their counts shown (pytest-qt, offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models.bank import BankEntry
from backoffice.ops import errors as error_dialogs
from backoffice.ops.context import AppContext
from backoffice.reports.bank import Movement
from backoffice.views.bank import import_files
from backoffice.views.billing.page import BillingPage
from tests.bank import builders

pytestmark = pytest.mark.gui
DAY = date(2026, 11, 2)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    messages: list[str] = []
    errors: list[str] = []
    monkeypatch.setattr(import_files, "inform", lambda _p, _t, text, **_k: messages.append(text))
    monkeypatch.setattr(
        error_dialogs, "show", lambda _p, error, *_a, **_k: errors.append(str(error))
    )
    yield messages
    assert not errors, errors


@pytest.fixture
def context(billing_context: AppContext) -> AppContext:
    return billing_context


def _statement(context: AppContext, tmp_path: Path, name: str, count: int) -> Path:
    with context.database.session() as session:
        iban, bic = builders.service_iban(session)
    movements = [Movement(1000 + n, DAY, f"{name}{n}", name="X") for n in range(count)]
    path = tmp_path / name
    path.write_bytes(builders.camt053([builders.statement(iban, bic, movements, day=DAY)]))
    return path


def _entries(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(BankEntry.id))) or 0


def test_files_dropped_on_facturation_are_imported_each_on_its_own(context, qtbot, tmp_path, shown):
    page = BillingPage(context)
    qtbot.addWidget(page)
    page.show()
    broken = tmp_path / "casse.txt"
    broken.write_bytes(b"0130004" + b" " * 50)
    paths = [
        _statement(context, tmp_path, "a.xml", 2),
        broken,
        _statement(context, tmp_path, "b.xml", 3),
    ]
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, data, buttons, keys)
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, data, buttons, keys)
    assert page.acceptDrops()
    # what Qt delivers to the section during a real drag and drop (a synthetic drop sent
    # with QApplication.sendEvent is ignored when no drag is under way)
    assert page.bank_drop.eventFilter(page, enter) and enter.isAccepted()
    assert page.bank_drop.eventFilter(page, drop)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    # the broken file refused with its reason, the two others imported all the same
    summary, *lines = shown[0].split("\n\n")
    assert summary.startswith("2 fichiers importés, 1 refusé : 5 nouvelles opérations")
    assert lines == [
        "a.xml : importé, 2 nouvelles opérations sur 2, 0 rapprochées, 0 retours, "
        "2 restant à rapprocher.",
        "Refusé : casse.txt, ligne 1 : 57 caractères au lieu de 120 (CFONB 120).",
        "b.xml : importé, 3 nouvelles opérations sur 3, 0 rapprochées, 0 retours, "
        "3 restant à rapprocher.",
    ]
    assert _entries(context.database) == 5


def test_files_chosen_in_the_dialog_are_imported(context, qtbot, tmp_path, shown, monkeypatch):
    path = _statement(context, tmp_path, "c.xml", 4)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *_a, **_k: ([str(path)], ""))
    )
    host = QApplication.activeWindow() or BillingPage(context)
    qtbot.addWidget(host)
    import_files.choose_and_import(host)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert _entries(context.database) == 4
