"""The direct-debit panel, driven as staff use it: prepare → review → export, the
pre-notifications, a new mandate refused then accepted, files and returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from backoffice.db import Database
from backoffice.i18n import tr
from backoffice.models import Instalment, SepaCollection, SepaMandate, SepaState
from backoffice.ops import errors as error_dialogs
from backoffice.ops.context import AppContext
from backoffice.services.permissions import Actor
from backoffice.views.sepa import (
    collection_tab,
    files_tab,
    prenotifications_tab,
    return_dialog,
)
from backoffice.views.sepa.mandate_dialog import MandateDialog
from backoffice.views.sepa.panel import SepaPanel
from backoffice.views.sepa.return_dialog import ReturnDialog
from backoffice.views.widgets import dialogs, files
from tests import factories
from tests.sepa.builders import COLLECTION, due, export, prenotify
from tests.sepa.xsd import assert_valid

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("isolated_settings")]


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes and error dialogs answered without a user: what they said is kept."""
    said: list[str] = []

    def error(_parent: object, failure: BaseException, *_args: Any, **_kw: Any) -> Any:
        said.append(getattr(failure, "message", str(failure)))
        return error_dialogs.Choice.CLOSE

    monkeypatch.setattr(error_dialogs, "show", error)
    for module in (collection_tab, files, files_tab, prenotifications_tab, return_dialog):
        monkeypatch.setattr(module, "inform", lambda _p, _t, text: said.append(text))
        if hasattr(module, "confirm"):
            monkeypatch.setattr(module, "confirm", lambda _p, _t, question, _a: True)
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, question, _a: True)  # @action(ask=…)
    return said


@pytest.fixture
def staff(sqlite_database: Database) -> dict[str, Actor]:
    with sqlite_database.transaction() as session:
        actors = factories.staff_of_every_role(session)
    due(sqlite_database, actors["billing"], 48607, 145822, 30000)
    return actors


def panel_for(qtbot: QtBot, database: Database, actor: Actor) -> tuple[SepaPanel, AppContext]:
    context = AppContext(database, actor)
    panel = SepaPanel(context)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    return panel, context


def idle(context: AppContext) -> bool:
    return not context._running


def test_prepare_review_and_export(
    qtbot: QtBot,
    qtmodeltester: Any,
    sqlite_database: Database,
    staff: dict[str, Actor],
    shown: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prenotify(sqlite_database, staff["billing"])
    panel, context = panel_for(qtbot, sqlite_database, staff["billing"])
    panel.show_tab("collection")
    panel.set_collection_date(COLLECTION)
    qtbot.waitUntil(lambda: idle(context), timeout=10000)
    panel.set_collection_date(COLLECTION)  # the suggestion arrived meanwhile
    tab = panel.collection
    tab.prepare()
    qtbot.waitUntil(lambda: len(tab.model.rows) == 3, timeout=10000)
    qtmodeltester.check(tab.model)
    assert "prélèvements : 3 · adhérents : 3" in tab.summary.text()
    assert panel.prenotifications.date.day() == tab.date.day()  # one date for both tabs
    small = next(i for i, line in enumerate(tab.model.rows) if line.amount_cents == 30000)
    tab.model.setData(
        tab.model.index(small, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert "prélèvements : 2 · adhérents : 2" in tab.summary.text()
    assert "échéances écartées : 1" in tab.summary.text()
    target = tmp_path / "prelevements.xml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    tab.export()
    qtbot.waitUntil(lambda: target.exists() and idle(context), timeout=30000)
    assert_valid(target.read_bytes())
    assert any("2 prélèvements" in text and "validé" in text for text in shown)
    with sqlite_database.session() as session:
        (collection,) = session.scalars(select(SepaCollection)).all()
        assert collection.transaction_count == 2 and collection.total_cents == 48607 + 145822
        rows = session.execute(select(Instalment.amount_cents, Instalment.sepa_state))
        states = dict(list(rows))  # (a Result has keys(): dict() would take it for a mapping)
    assert states[30000] == SepaState.PRENOTIFIED and states[48607] == SepaState.SENT
    # Prepared again: the two sent are left out, the one unticked is offered again.
    qtbot.waitUntil(
        lambda: [line.amount_cents for line in tab.model.chosen()] == [30000], timeout=10000
    )


def test_prenotify_from_the_tab_saves_letters(
    qtbot: QtBot,
    qtmodeltester: Any,
    sqlite_database: Database,
    staff: dict[str, Actor],
    shown: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    panel, context = panel_for(qtbot, sqlite_database, staff["billing"])
    panel.show_tab("prenotifications")
    qtbot.waitUntil(lambda: idle(context), timeout=10000)
    panel.set_collection_date(COLLECTION)
    letters = tmp_path / "avis.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(letters), ""))
    panel.prenotifications.notify()
    qtbot.waitUntil(letters.exists, timeout=20000)
    assert letters.read_bytes().startswith(b"%PDF")
    assert any("3 adhérents pré-notifiés : 3 courriers à imprimer" in text for text in shown)
    tab = panel.prenotifications
    qtbot.waitUntil(lambda: len(tab.model.rows) == 3, timeout=10000)
    qtmodeltester.check(tab.model)
    assert "au plus tard le 01/03/2027" in tab.rule.text()


def test_new_mandate_refused_then_created(
    qtbot: QtBot,
    qtmodeltester: Any,
    sqlite_database: Database,
    staff: dict[str, Actor],
    shown: list[str],
) -> None:
    with sqlite_database.transaction() as session:
        member = factories.member(session, legal_name="CHAUFFAGE SCHNEIDER & FILS")
    panel, context = panel_for(qtbot, sqlite_database, staff["billing"])
    tab = panel.mandates
    qtbot.waitUntil(lambda: len(tab.model.rows) == 3, timeout=10000)
    qtmodeltester.check(tab.model)
    dialog = MandateDialog(context, panel)
    qtbot.addWidget(dialog)
    dialog.search.setText("schneider")
    dialog.search.returnPressed.emit()
    qtbot.waitUntil(lambda: dialog.member.count() == 1, timeout=10000)
    assert dialog.holder.text() == "CHAUFFAGE SCHNEIDER & FILS"
    assert "CHAUFFAGE SCHNEIDER + FILS" in dialog.in_file.text()
    dialog.iban.setText("FR76 3000 6000 0112 3456 7890 188")
    dialog.bic.setText("AGRIFRPP")
    dialog.save()
    refused = tr(
        "{field}: {value} is not a valid IBAN (checksum or length).",
        field="IBAN",
        value="FR76 3000 6000 0112 3456 7890 188",
    )
    qtbot.waitUntil(lambda: dialog.errors.text() == refused, timeout=10000)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.iban.text() == "FR76 3000 6000 0112 3456 7890 188"  # what was typed stays
    dialog.iban.setText("FR76 3000 6000 0112 3456 7890 189")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    assert dialog.created is not None and dialog.created.member_id == member.id
    assert dialog.created.name_in_file == "CHAUFFAGE SCHNEIDER + FILS"
    with sqlite_database.session() as session:
        assert session.scalar(select(SepaMandate.rum).where(SepaMandate.member_id == member.id))


def test_files_and_returns(
    qtbot: QtBot,
    qtmodeltester: Any,
    sqlite_database: Database,
    staff: dict[str, Actor],
    shown: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outcome = export(sqlite_database, staff["billing"], late_notice=True)
    panel, _context = panel_for(qtbot, sqlite_database, staff["billing"])
    panel.show_tab("files")
    files = panel.files
    qtbot.waitUntil(lambda: len(files.debits.rows) == 3, timeout=10000)
    qtmodeltester.check(files.files)
    qtmodeltester.check(files.debits)
    assert files.files.rows[0].message_id == outcome.message_id
    panel.show_tab("returns")
    returns = panel.returns
    qtbot.waitUntil(lambda: len(returns.model.rows) == 3, timeout=10000)
    qtmodeltester.check(returns.model)
    row = next(i for i, debit in enumerate(returns.model.rows) if debit.amount_cents == 48607)
    returns.table.setCurrentIndex(
        returns.table.model().index(
            returns.table.model().mapFromSource(returns.model.index(row, 0)).row(), 0
        )
    )
    monkeypatch.setattr(ReturnDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(ReturnDialog, "chosen_code", lambda self: "MD01")
    returns.record_return()
    qtbot.waitUntil(lambda: any("Rejet MD01 enregistré" in text for text in shown), timeout=10000)
    assert any("révoquez le mandat" in text for text in shown)
    with sqlite_database.session() as session:
        instalment = session.scalar(select(Instalment).where(Instalment.amount_cents == 48607))
        assert instalment is not None
        assert (instalment.sepa_state, instalment.rejection_code) == (SepaState.REJECTED, "MD01")


def test_read_only_staff_sees_no_action(
    qtbot: QtBot, sqlite_database: Database, staff: dict[str, Actor]
) -> None:
    panel, context = panel_for(qtbot, sqlite_database, staff["read_only"])
    qtbot.waitUntil(lambda: idle(context), timeout=10000)
    assert not panel.collection.export_button.isVisibleTo(panel)
    assert not panel.prenotifications.notify_button.isVisibleTo(panel)
    assert not panel.collection.prepare_button.isEnabled()
