"""The building blocks of every screen (``views/widgets``): the live tab, actions declared
once, operations that name their initiator, the date and money inputs, save as."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTabWidget, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from backoffice.models import Role
from backoffice.ops.context import AppContext, ChangeNotice
from backoffice.services.permissions import Permission
from backoffice.views.widgets import files
from backoffice.views.widgets.actions import Actions, action, declared_in, key_text
from backoffice.views.widgets.inputs import DateInput, MoneyInput
from backoffice.views.widgets.live import LiveTab
from tests.gui.conftest import idle

pytestmark = pytest.mark.gui


class CountingTab(LiveTab):
    """Counts its loads; answers its reads with what ``answer`` says."""

    TABLES = ("members",)

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.loads = 0
        self.shown: list[object] = []

    def load(self) -> None:
        self.loads += 1
        self.query(lambda _session, n=self.loads: n, self.shown.append)

    def change_something(self) -> None:
        def work(session: Session) -> None:
            from backoffice.services.tracking import mark_touched

            mark_touched(session, "members", {1})

        self.write(work, "…").run()


def two_tabs(qtbot: QtBot, context: AppContext) -> tuple[QTabWidget, CountingTab, CountingTab]:
    tabs = QTabWidget()
    first, second = CountingTab(context), CountingTab(context)
    tabs.addTab(first, "1")
    tabs.addTab(second, "2")
    qtbot.addWidget(tabs)
    tabs.show()
    qtbot.waitExposed(tabs)
    qtbot.waitUntil(idle(context))
    return tabs, first, second


def test_a_tab_loads_when_first_shown_and_a_hidden_tab_when_shown_again(
    qtbot: QtBot, context: AppContext
) -> None:
    tabs, first, second = two_tabs(qtbot, context)
    assert (first.loads, second.loads) == (1, 0)  # the hidden tab waits to be shown
    tabs.setCurrentWidget(second)
    qtbot.waitUntil(lambda: second.loads == 1)
    tabs.setCurrentWidget(first)
    context.bus.announce({"members": {1}})  # someone changed what both show
    assert first.loads == 2  # on screen: at once
    assert second.loads == 1  # hidden: stale…
    tabs.setCurrentWidget(second)
    assert second.loads == 2  # …reloaded when shown again
    context.bus.announce({"invoices": {1}})  # what neither shows
    assert (first.loads, second.loads) == (2, 2)
    tabs.setCurrentWidget(first)
    assert first.loads == 2  # nothing changed meanwhile: no reload


def test_a_change_refreshes_the_view_that_made_it_once(qtbot: QtBot, context: AppContext) -> None:
    _tabs, first, second = two_tabs(qtbot, context)
    notices: list[ChangeNotice] = []
    context.bus.changed.connect(notices.append)
    first.change_something()
    qtbot.waitUntil(lambda: len(notices) == 1)
    qtbot.waitUntil(idle(context))
    assert notices[0].initiator is first and notices[0].initiated_by(first)
    assert not notices[0].initiated_by(second)
    assert first.loads == 2  # once, for its own change
    assert second.stale


def test_an_answer_older_than_the_last_question_is_dropped(
    qtbot: QtBot, context: AppContext
) -> None:
    tab = CountingTab(context)
    qtbot.addWidget(tab)
    shown: list[str] = []
    gate = __import__("threading").Event()
    tab.query(lambda _session: gate.wait(5) and "old", shown.append)
    tab.query(lambda _session: "new", shown.append)
    qtbot.waitUntil(lambda: shown == ["new"])
    gate.set()
    qtbot.waitUntil(idle(context))
    assert shown == ["new"]


class Reviewing(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.done: list[str] = []
        self.actions = Actions(self, context)

    @action(lambda: "Approve", shortcut="Ctrl+Shift+A", permission=Permission.CHANGES_REVIEW)
    def approve(self) -> None:
        self.done.append("approve")

    @action(lambda: "Look", shortcut="Del")
    def look(self) -> None:
        self.done.append("look")


def test_an_action_declared_once_makes_its_button_shortcut_and_tooltip(
    qtbot: QtBot, make_context
) -> None:
    view = Reviewing(make_context(Role.ADMINISTRATIVE))
    qtbot.addWidget(view)
    button = view.actions.button("approve")
    assert button.text() == "Approve (Ctrl+Maj+A)"
    assert button.toolTip() == "Approve (Ctrl+Maj+A)"
    typing = QPushButton("…", view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    typing.setFocus()
    qtbot.keyClick(
        typing,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert view.done == ["approve"]
    view.actions.enable("approve", False)
    assert not button.isEnabled()
    button.click()
    assert view.done == ["approve"]
    assert key_text("Del") == "Suppr" and key_text("Ctrl+Return") == "Ctrl+Entrée"
    assert {a.name for a in declared_in(__name__)} == {"approve", "look"}


def test_an_action_the_role_may_not_use_is_hidden_and_does_nothing(
    qtbot: QtBot, make_context
) -> None:
    view = Reviewing(make_context(Role.READ_ONLY))
    qtbot.addWidget(view)
    button = view.actions.button("approve")
    assert button.isHidden()
    view.actions.run("approve")
    view.actions.run("look")
    assert view.done == ["look"]


def test_the_date_input_takes_french_and_iso_days_and_refuses_the_impossible(
    qtbot: QtBot,
) -> None:
    edit = DateInput(date(2026, 5, 15))
    qtbot.addWidget(edit)
    days: list[object] = []
    edit.day_changed.connect(days.append)
    assert edit.text() == "15/05/2026"
    edit.setText("2026-06-01")
    edit.editingFinished.emit()
    assert edit.day() == date(2026, 6, 1) and days == [date(2026, 6, 1)]
    edit.setText("12/13/2020")
    assert not edit.is_valid() and "12/13/2020" in edit.toolTip()
    with pytest.raises(ValueError, match="jj/mm/aaaa"):
        edit.day()
    edit.editingFinished.emit()
    assert days == [date(2026, 6, 1)]  # nothing announced for an impossible day
    edit.setText("01/06/2026")
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert edit.day() == date(2026, 6, 2) and days[-1] == date(2026, 6, 2)
    optional = DateInput(None, optional=True)
    qtbot.addWidget(optional)
    assert optional.text() == "" and optional.day() is None


def test_the_money_input_parses_through_the_one_parser(qtbot: QtBot) -> None:
    edit = MoneyInput(145822)
    qtbot.addWidget(edit)
    assert edit.cents() == 145822
    edit.setText("1458.5")
    assert edit.cents() == 145850
    edit.setText("12,345")
    with pytest.raises(ValueError, match="deux décimales"):
        edit.cents()


def test_save_as_writes_the_whole_file_where_chosen(
    qtbot: QtBot, context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "lettre.pdf"
    monkeypatch.setattr(files, "ask_save_path", lambda *_a, **_k: target)
    saved: list[Path] = []
    view = QWidget()
    view.context = context  # type: ignore[attr-defined]
    qtbot.addWidget(view)
    files.save_as(
        view,
        "Lettre",
        "lettre.pdf",
        files.pdf_filter(),
        lambda _s: b"%PDF-1.7",
        kind="letters",
        private=True,
        done=lambda path, _content: saved.append(path),
    )
    qtbot.waitUntil(lambda: saved == [target])
    assert target.read_bytes() == b"%PDF-1.7"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["lettre.pdf"]  # no temporary file left


def test_columns_fit_their_content_the_first_time_then_keep_the_users_widths(
    qtbot: QtBot, isolated_settings: None
) -> None:
    """Issue 20, 7.5: on a fresh workstation the columns are as wide as what they show
    (not Qt's 100 pixels), within reason; once the user widened one, that width is kept."""
    from backoffice.views.widgets.lists import MAX_COLUMN_WIDTH, searchable
    from backoffice.views.widgets.rows_model import Column, RowsModel
    from backoffice.views.widgets.table import DataTable

    rows = [("AIDE À DOMICILE D'ALSACE VAILLANT EURL", "31442703000908", "x" * 400, "")]
    titles = ("Nom", "SIRET", "Note", "Fin")  # the last one stretches to the table's edge

    def table_of(rows: list[tuple[str, ...]]) -> DataTable:
        model: RowsModel[tuple[str, ...]] = RowsModel(
            [Column(title, lambda r, i=i: r[i]) for i, title in enumerate(titles)]
        )
        table = DataTable("fitted_test")
        qtbot.addWidget(table)
        searchable(table, model, 0)
        table.resize(1400, 400)  # room for every column: nothing shrunk to fit
        table.show()
        model.set_rows(rows)
        return table

    table = table_of(rows)
    metrics = table.fontMetrics()
    assert table.columnWidth(0) >= metrics.horizontalAdvance(rows[0][0])  # not cut
    assert table.columnWidth(1) >= metrics.horizontalAdvance(rows[0][1])
    assert table.columnWidth(2) == MAX_COLUMN_WIDTH  # within reason
    table.setColumnWidth(1, 333)  # the user's choice
    again = table_of(
        [*rows, ("Un autre nom bien plus long que le premier de la liste", "", "", "")]
    )
    assert again.columnWidth(1) == 333
    assert again.columnWidth(0) == table.columnWidth(0)  # not fitted a second time


def test_columns_too_wide_for_the_table_give_way_from_the_widest(qtbot: QtBot) -> None:
    """Issue 20, 7.5: in Factures at 1400×900, « Reste dû » and what follows were off
    screen. The widest columns are cut to one level so that every column shows, the
    narrow ones (amounts, dates) whole; none below a readable width nor below its title."""
    from backoffice.views.widgets.lists import NARROWEST_SHRUNK, fit_columns, searchable
    from backoffice.views.widgets.rows_model import Column, RowsModel
    from backoffice.views.widgets.table import DataTable

    row = ("AIDE À DOMICILE D'ALSACE VAILLANT EURL", "Centre médical de Saint-Louis", "1 234,56 €")

    def table_of(titles: tuple[str, str, str], width: int) -> DataTable:
        model: RowsModel[tuple[str, str, str]] = RowsModel(
            [Column(title, lambda r, i=i: r[i]) for i, title in enumerate(titles)]
        )
        table = DataTable(f"shrunk_test_{len(titles[1])}")
        qtbot.addWidget(table)
        searchable(table, model, 0)
        table.resize(width, 300)
        table.show()
        model.set_rows([row])
        return table

    table = table_of(("Nom", "Centre", "Dû"), 420)
    amount = table.fontMetrics().horizontalAdvance(row[2])
    widths = [table.columnWidth(column) for column in range(3)]
    assert table.columnViewportPosition(2) + amount <= table.viewport().width()  # on screen
    assert widths[2] >= amount  # the amount whole
    assert widths[0] == widths[1] >= NARROWEST_SHRUNK  # the two long ones evened out

    table.resize(200, 300)  # too narrow for any reading: cut no further than readable
    table.horizontalHeader().resizeSection(0, 500)
    fit_columns(table)
    assert min(table.columnWidth(0), table.columnWidth(1)) == NARROWEST_SHRUNK

    long_title = "Période souhaitée / rendez-vous du salarié"  # wider than NARROWEST_SHRUNK
    titled = table_of(("Nom", long_title, "Dû"), 420)
    header = titled.horizontalHeader()
    assert titled.columnWidth(1) >= header.fontMetrics().horizontalAdvance(long_title)  # whole
    assert titled.columnWidth(0) == NARROWEST_SHRUNK


def test_a_large_dialog_takes_the_room_the_screen_has(qtbot: QtBot) -> None:
    """The settings dialog (e-mail templates: list, text and preview side by side) was
    900×640 on any screen; it now takes what it wants where the screen has room, never less
    than it had."""
    from PySide6.QtWidgets import QDialog

    from backoffice.views.widgets.dialogs import size_within_screen

    dialog = QDialog()
    qtbot.addWidget(dialog)
    room = dialog.screen().availableGeometry().size()
    size_within_screen(dialog, wanted=(10_000, 10_000), least=(300, 200))
    assert dialog.width() <= room.width() and dialog.height() <= room.height()
    assert dialog.width() >= room.width() * 0.9  # as large as the screen allows
    size_within_screen(dialog, wanted=(10_000, 10_000), least=(5_000, 4_000))
    assert (dialog.width(), dialog.height()) == (5_000, 4_000)  # never below its least
    size_within_screen(dialog, wanted=(400, 300), least=(300, 200))
    assert (dialog.width(), dialog.height()) == (400, 300)  # no larger than wanted
