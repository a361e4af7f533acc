"""Paramètres › Modèles d'e-mails (issue 17.3): the administrator edits the French text of
each message, with its fields listed (a double-click writes one), a live preview with a
real member, a French sentence for an unknown field, save and restore the default."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from backoffice.db import Database
from backoffice.models import MailKind, MailTemplate, Role
from backoffice.ops.context import AppContext
from backoffice.services.mail import templates
from backoffice.services.permissions import Actor
from backoffice.views.settings import mail_templates_tab
from backoffice.views.settings.dialog import SettingsDialog
from backoffice.views.settings.mail_templates_tab import MailTemplatesTab
from tests.gui.conftest import idle
from tests.mail.builders import member

pytestmark = pytest.mark.gui


def open_tab(qtbot: QtBot, context: AppContext) -> tuple[SettingsDialog, MailTemplatesTab]:
    dialog = SettingsDialog(context, tab="mail_templates")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tab = dialog.tabs["mail_templates"]
    assert isinstance(tab, MailTemplatesTab)
    qtbot.waitUntil(lambda: tab.loaded, timeout=15000)
    return dialog, tab


def field_row(tab: MailTemplatesTab, name: str) -> int:
    model = tab.fields_table.model()
    return next(
        row for row in range(model.rowCount()) if model.index(row, 0).data() == "{" + name + "}"
    )


def stored(database: Database, kind: MailKind) -> tuple[str, str] | None:
    with database.session() as session:
        row = session.get(MailTemplate, kind)
        return (row.subject, row.text) if row is not None else None


def test_the_administrator_edits_previews_and_saves_a_template(
    qtbot: QtBot,
    qtmodeltester: object,
    sqlite_database: Database,
    context: AppContext,
    recorded_errors: list[BaseException],
) -> None:
    member(sqlite_database, legal_name="AAA TRANSPORTS DU RHIN", member_code="100001")
    dialog, tab = open_tab(qtbot, context)
    qtmodeltester.check(tab.kinds)  # type: ignore[attr-defined]
    qtmodeltester.check(tab.field_rows)  # type: ignore[attr-defined]
    assert tab.kinds.rowCount() == len(MailKind)
    tab.select_kind(MailKind.INVOICE)
    assert tab.subject.text() == templates.DEFAULTS[MailKind.INVOICE][0]
    listed = [tab.field_rows.row_at(row).name for row in range(tab.field_rows.rowCount())]
    assert sorted(listed) == sorted(templates.allowed_fields(MailKind.INVOICE))
    # The preview: a real member of the database, examples for the rest.
    shown = tab.preview.toPlainText()
    assert "100001 AAA TRANSPORTS DU RHIN" in tab.preview_note.text()
    assert "Facture F2027-000123" in shown and "1 458,22 €" in shown

    # An unknown field: one French sentence, the input in red, no preview.
    tab.subject.setFocus()
    tab.subject.setText("Votre facture {numero}")
    tab.subject.textEdited.emit(tab.subject.text())
    assert "le champ {numero} n'existe pas pour ce message" in tab.problems.text()
    assert tab.subject.styleSheet() and not tab.body.styleSheet()  # the subject in red
    assert "corrigé" in tab.preview.toPlainText()

    # A double-click on a field writes it where the cursor is.
    tab.subject.setText("Votre facture ")
    tab.subject.setCursorPosition(len(tab.subject.text()))
    tab._last_editor = tab.subject  # offscreen windows do not always get focus events
    index = tab.fields_table.model().index(field_row(tab, "invoice_number"), 0)
    tab.fields_table.doubleClicked.emit(index)
    assert tab.subject.text() == "Votre facture {invoice_number}"
    assert tab.problems.text() == ""
    assert "Votre facture F2027-000123" in tab.preview.toPlainText()
    tab.body.setPlainText("Bonjour {member_name},\n\nVoici la facture {invoice_number}.")
    assert "Bonjour AAA TRANSPORTS DU RHIN" in tab.preview.toPlainText()
    state = tab.kinds.rows[[r.kind for r in tab.kinds.rows].index(MailKind.INVOICE)].state
    assert state == "modifié, pas encore enregistré"

    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=15000)
    assert stored(sqlite_database, MailKind.INVOICE) == (
        "Votre facture {invoice_number}",
        "Bonjour {member_name},\n\nVoici la facture {invoice_number}.",
    )
    assert stored(sqlite_database, MailKind.REMINDER) is None  # untouched: still the default
    assert not recorded_errors
    qtbot.waitUntil(idle(context), timeout=10000)


def test_restoring_the_default_asks_first_and_a_refusal_keeps_what_was_typed(
    qtbot: QtBot,
    sqlite_database: Database,
    context: AppContext,
    sqlite_actors: dict[str, Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with sqlite_database.transaction() as session:
        templates.save(
            session, sqlite_actors["administrator"], MailKind.REMINDER, "Relance", "Payez."
        )
    dialog, tab = open_tab(qtbot, context)
    tab.select_kind(MailKind.REMINDER)
    assert tab.body.toPlainText() == "Payez."
    assert tab.restore_button.isEnabled()
    answers = iter([False, True])
    asked: list[str] = []

    def fake_confirm(_parent: object, _title: str, question: str, _action: str) -> bool:
        asked.append(question)
        return next(answers)

    monkeypatch.setattr(mail_templates_tab, "confirm", fake_confirm)
    tab.restore_button.click()  # "Cancel": nothing changes
    assert tab.body.toPlainText() == "Payez."
    tab.restore_button.click()
    assert "« Relance »" in asked[0]
    assert (tab.subject.text(), tab.body.toPlainText()) == templates.DEFAULTS[MailKind.REMINDER]
    assert not tab.restore_button.isEnabled()  # it is the default now

    # Another kind names a field that does not exist: the save is refused, on that kind.
    tab.select_kind(MailKind.CONVOCATION)
    tab.body.setPlainText("Convocation de {salarie}")
    tab.select_kind(MailKind.INVOICE)
    dialog.save()
    assert dialog.isVisible() and dialog.current_tab() == "mail_templates"
    assert tab.kind == MailKind.CONVOCATION
    assert tab.body.toPlainText() == "Convocation de {salarie}"  # what was typed is kept
    assert "{salarie}" in dialog.error.text() and "n'existe pas" in dialog.error.text()
    tab.body.setPlainText("Convocation de {employee_name}")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=15000)
    assert stored(sqlite_database, MailKind.REMINDER) is None  # back to the default
    assert stored(sqlite_database, MailKind.CONVOCATION) == (
        templates.DEFAULTS[MailKind.CONVOCATION][0],
        "Convocation de {employee_name}",
    )
    qtbot.waitUntil(idle(context), timeout=10000)


def test_other_roles_read_the_templates_without_changing_them(
    qtbot: QtBot, make_context: Callable[[Role], AppContext]
) -> None:
    context = make_context(Role.BILLING)
    _dialog, tab = open_tab(qtbot, context)
    assert not tab.body.isEnabled() and not tab.subject.isEnabled()
    assert not tab.restore_button.isEnabled()
    tab.select_kind(MailKind.CHANGE_REJECTED)
    assert "{reason}" in tab.body.toPlainText()
    assert tab.fields_table.model().rowCount() > 0
    qtbot.waitUntil(idle(context), timeout=10000)
