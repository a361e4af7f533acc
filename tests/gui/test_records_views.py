"""The records staff keep themselves, on screen: a new member, employees added, exited
and imported, a change of situation, the settings of the code rule and the closure."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Employee, Member, MemberStatus, Role
from backoffice.ops.context import AppContext
from backoffice.services import members as member_service
from backoffice.services import settings
from backoffice.services.employees.importing import LineStatus
from backoffice.services.permissions import Actor
from backoffice.views.members.employee_dialogs import EmployeeDialog, ExitDialog
from backoffice.views.members.import_dialog import ImportDialog
from backoffice.views.members.member_view import employee_columns
from backoffice.views.members.new_member_dialog import NewMemberDialog
from backoffice.views.members.page import MembersPage
from backoffice.views.members.situation_dialog import SituationDialog
from backoffice.views.settings.dialog import SettingsDialog
from backoffice.views.widgets import dialogs
from backoffice.views.widgets.rows_model import RowsModel
from tests import factories
from tests.gui.conftest import idle


def fill(dialog: NewMemberDialog, **values: str) -> None:
    for name, text in values.items():
        dialog.record.inputs[name].setText(text)


def test_a_new_member_from_the_form_and_a_refusal_keeping_what_was_typed(
    qtbot: QtBot, sqlite_database: Database, make_context: Callable[[Role], AppContext]
) -> None:
    context = make_context(Role.ADMINISTRATIVE)
    with sqlite_database.transaction() as session:
        factories.member(session, member_code="100003", siret="87951462800020")
    dialog = NewMemberDialog(context, None)
    qtbot.addWidget(dialog)
    dialog.joining_fee.setChecked(False)
    dialog.first_access.setChecked(False)
    fill(
        dialog,
        legal_name="MENUISERIE KOENIG SARL",
        siret="87951462800020",
        address_line1="14 rue du Ballon",
        postcode="68500",
        city="Guebwiller",
    )
    dialog.submit()
    qtbot.waitUntil(lambda: "100003" in dialog.errors.text(), timeout=10000)
    assert dialog.record.inputs["siret"].styleSheet()  # the SIRET marked in red
    assert dialog.record.inputs["legal_name"].text() == "MENUISERIE KOENIG SARL"  # kept
    fill(dialog, siret="87951462800038")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    created, letter = dialog.result
    assert created.member_code == "100004" and letter is None
    with sqlite_database.session() as session:
        assert session.get(Member, created.member_id).city == "Guebwiller"
    qtbot.waitUntil(idle(context))


def test_only_staff_who_edit_members_see_new_member(
    qtbot: QtBot, make_context: Callable[[Role], AppContext]
) -> None:
    for role, visible in ((Role.ADMINISTRATIVE, True), (Role.BILLING, False)):
        page = MembersPage(make_context(role))
        qtbot.addWidget(page)
        assert page.actions["new_member"].isVisible() is visible


@pytest.fixture
def member_id(sqlite_database: Database) -> int:
    with sqlite_database.transaction() as session:
        member = factories.member(session, member_code="100050")
        factories.employee(session, member.id, last_name="Dupont", hired_on=date(2020, 9, 1))
        return member.id


def test_an_employee_added_then_exited_from_the_dialogs(
    qtbot: QtBot,
    sqlite_database: Database,
    make_context: Callable[[Role], AppContext],
    member_id: int,
    sqlite_actors: dict[str, Actor],
) -> None:
    context = make_context(Role.ADMINISTRATIVE)
    dialog = EmployeeDialog(context, None, member_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.risk_list.count() == 18, timeout=30000)
    dialog.last_name.setText("Koenig")
    dialog.first_name.setText("Paul")
    dialog.hired_on.setText("15/02/2027")
    dialog.pcs_code.setText("632a")
    night = next(
        dialog.risk_list.item(row)
        for row in range(dialog.risk_list.count())
        if dialog.risk_list.item(row).data(Qt.ItemDataRole.UserRole) == "travail_nuit"
    )
    night.setCheckState(Qt.CheckState.Checked)
    assert dialog.recorded.text().startswith("SIA")  # raised by night work, before saving
    dialog.birth_date.setText("31/02/1990")
    dialog.submit()
    assert "n'est pas une date" in dialog.errors.text()
    dialog.birth_date.setText("")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30000)
    assert dialog.result.hiring_visit
    employee_id = dialog.result.id
    with sqlite_database.session() as session:
        rows = member_service.member_employees(session, sqlite_actors["administrative"], member_id)
        from backoffice.services.employees import staff_records

        detail = staff_records.employee_detail(
            session, sqlite_actors["administrative"], employee_id
        )
    # The member's list of employees names the risk factors in French, not by their codes.
    listed = RowsModel(employee_columns())
    listed.set_rows(rows)
    risks = [column.title for column in employee_columns()].index("Risques")
    texts = [listed.index(row, risks).data() for row in range(listed.rowCount())]
    assert "Travail de nuit" in texts and "travail_nuit" not in texts
    exit_dialog = ExitDialog(context, None, detail)
    qtbot.addWidget(exit_dialog)
    exit_dialog.exited_on.change_day(date(2027, 1, 1))
    exit_dialog.submit()
    # 30 s: 10 timed out once in a full run under a load of 15 on 2 cores (passes alone)
    qtbot.waitUntil(lambda: "précéder" in exit_dialog.errors.text(), timeout=30000)
    exit_dialog.exited_on.change_day(date(2027, 3, 31))
    qtbot.waitUntil(lambda: "31/03/2027" in exit_dialog.consequences.text(), timeout=30000)
    exit_dialog.submit()
    qtbot.waitUntil(lambda: exit_dialog.result is not None, timeout=30000)
    with sqlite_database.session() as session:
        assert session.get(Employee, employee_id).exited_on == date(2027, 3, 31)
    qtbot.waitUntil(idle(context))


def test_a_spreadsheet_previewed_then_imported(
    qtbot: QtBot,
    qtmodeltester: object,
    sqlite_database: Database,
    make_context: Callable[[Role], AppContext],
    member_id: int,
    tmp_path: Path,
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Prénom", "Date d'embauche", "Risques"])
    sheet.append(["Koenig", "Paul", "15/02/2027", "amiante"])
    sheet.append(["Weber", "Claire", "hier", None])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "salaries.xlsx"
    path.write_bytes(buffer.getvalue())
    context = make_context(Role.ADMINISTRATIVE)
    dialog = ImportDialog(context, None, member_id, "100050")
    qtbot.addWidget(dialog)
    dialog.choose_file(str(path))
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    qtmodeltester.check(dialog.lines)  # type: ignore[attr-defined]
    assert [line.status for line in dialog.lines.rows] == [LineStatus.NEW, LineStatus.REFUSED]
    assert dialog.summary.text().startswith(
        "1 salarié à importer, 0 déjà enregistré, 1 ligne refusée (les lignes refusées"
    )
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "Importer 1 salarié"
    dialog.refused_only.setChecked(True)
    assert dialog.table.isRowHidden(0) != dialog.table.isRowHidden(1)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert dialog.result.imported == 1
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Employee)) == 2
    # A file with a column no one knows is refused whole, said in the dialog.
    (tmp_path / "bad.csv").write_text("Nom;Prénom;Date d'embauche;Salaire\n", encoding="utf-8")
    dialog = ImportDialog(context, None, member_id, "100050")
    qtbot.addWidget(dialog)
    dialog.choose_file(str(tmp_path / "bad.csv"))
    qtbot.waitUntil(lambda: "Salaire" in dialog.errors.text(), timeout=10000)
    assert dialog.preview is None
    qtbot.waitUntil(idle(context))


def test_a_cessation_shown_then_recorded(
    qtbot: QtBot,
    sqlite_database: Database,
    make_context: Callable[[Role], AppContext],
    member_id: int,
    sqlite_actors: dict[str, Actor],
) -> None:
    context = make_context(Role.ADMINISTRATIVE)
    with sqlite_database.session() as session:
        detail = member_service.member_detail(session, sqlite_actors["administrative"], member_id)
    dialog = SituationDialog(context, None, detail)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "1 salarié" in dialog.consequences.text(), timeout=10000)
    dialog.on.setText("01/01/2099")
    dialog.on.editingFinished.emit()
    qtbot.waitUntil(lambda: "à venir" in dialog.errors.text(), timeout=10000)
    dialog.on.change_day(clock.today() - timedelta(days=3))
    qtbot.waitUntil(lambda: not dialog.errors.text(), timeout=10000)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    with sqlite_database.session() as session:
        assert session.get(Member, member_id).status == MemberStatus.CEASED
    qtbot.waitUntil(idle(context))


def test_the_code_rule_and_the_closure_in_the_settings(
    qtbot: QtBot, sqlite_database: Database, make_context: Callable[[Role], AppContext]
) -> None:
    billing = SettingsDialog(make_context(Role.BILLING), tab="closure")
    qtbot.addWidget(billing)
    assert billing.tabs["closure"].start.isEnabled()  # the staff who take declarations
    assert not billing.tabs["members"].prefix.isEnabled()
    qtbot.waitUntil(lambda: billing.tabs["closure"].loaded, timeout=10000)
    assert billing.tabs["closure"].start.text() == "01/01"
    billing.tabs["closure"].end.setText("10/02")
    billing.save()
    qtbot.waitUntil(lambda: billing.result() == QDialog.DialogCode.Accepted, timeout=10000)
    admin = SettingsDialog(make_context(Role.ADMINISTRATOR), tab="members")
    qtbot.addWidget(admin)
    qtbot.waitUntil(lambda: all(tab.loaded for tab in admin.tabs.values()), timeout=10000)
    admin.tabs["members"].prefix.setText("a-")
    admin.save()
    qtbot.waitUntil(lambda: "préfixe" in admin.error.text(), timeout=10000)
    assert admin.current_tab() == "members"
    admin.tabs["members"].prefix.setText("ad")
    assert admin.tabs["members"].example.text() == "AD100001"
    admin.save()
    qtbot.waitUntil(lambda: admin.result() == QDialog.DialogCode.Accepted, timeout=10000)
    with sqlite_database.session() as session:
        assert settings.get(session, "portal.employees_lock_period")["end"] == "02-10"
        assert settings.get(session, "members.code_rule")["prefix"] == "AD"


def test_documents_searched_filtered_and_themes_kept(
    qtbot: QtBot,
    qtmodeltester: object,
    sqlite_database: Database,
    context: AppContext,
    sqlite_actors: dict[str, Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backoffice.services import documents
    from backoffice.views.documents import themes_dialog
    from backoffice.views.documents.page import DocumentsPage

    admin = sqlite_actors["administrator"]
    with sqlite_database.transaction() as session:
        first, second = documents.themes(session, admin)[:2]
        for theme, title in ((first, "Statuts"), (first, "Règlement"), (second, "Guide DUERP")):
            documents.add_document(
                session,
                admin,
                theme.id,
                title,
                f"{title}.pdf",
                "application/pdf",
                b"%PDF-1.4",
                publish=True,
            )
    page = DocumentsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    page.theme.setCurrentIndex(page.theme.findData(second.id))
    assert [row.title for row in page.model.rows] == ["Guide DUERP"]
    page.theme.setCurrentIndex(0)
    page.proxy.search("duerp")
    assert page.proxy.rowCount() == 1
    panel = themes_dialog.ThemesPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 2, timeout=10000)
    qtmodeltester.check(panel.model)  # type: ignore[attr-defined]
    monkeypatch.setattr(
        themes_dialog.QInputDialog, "getText", lambda *_args, **_kw: ("Fiches métier", True)
    )
    count = panel.model.rowCount()
    panel.create()
    qtbot.waitUntil(lambda: panel.model.rowCount() == count + 1, timeout=10000)
    panel.table.selectRow(0)  # the first theme still holds published documents
    panel.retire()
    qtbot.waitUntil(lambda: "documents publiés" in panel.errors.text(), timeout=10000)
    qtbot.waitUntil(idle(context))


def test_documents_keep_their_selection_and_each_kind_is_previewed(
    qtbot: QtBot,
    sqlite_database: Database,
    context: AppContext,
    sqlite_actors: dict[str, Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 20, 7.10 and issue 13.6: after « Publier / retirer » the document stays
    selected and « Supprimer… » removes it; an image and a text are previewed in the
    application before they are published."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QLabel, QPlainTextEdit

    from backoffice.services import documents
    from backoffice.views.documents import page as documents_page

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(0x336699)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    admin = sqlite_actors["administrator"]
    with sqlite_database.transaction() as session:
        theme = documents.themes(session, admin)[0]
        for title, name, media_type, content in (
            ("Plan d'accès", "plan.png", "image/png", bytes(buffer.data())),
            ("Horaires", "horaires.txt", "text/plain", "Lundi : 8 h – 17 h".encode()),
            ("Statuts", "statuts.pdf", "application/pdf", b"%PDF-1.4"),
        ):
            documents.add_document(session, admin, theme.id, title, name, media_type, content)
    page = documents_page.DocumentsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    by_title = {row.title: row.id for row in page.model.rows}

    shown: list[str] = []

    def look(dialog: QDialog) -> int:
        text = dialog.findChildren(QPlainTextEdit)
        picture = [label for label in dialog.findChildren(QLabel) if label.pixmap()]
        shown.append(
            text[0].toPlainText()
            if text
            else f"{picture[0].pixmap().width()} px"
            if picture
            else ""
        )
        return 0

    monkeypatch.setattr(documents_page.PreviewDialog, "exec", look)
    for count, title in enumerate(("Horaires", "Plan d'accès"), start=1):
        page._select(by_title[title])
        assert page.actions["preview"].isEnabled()
        page.preview()
        qtbot.waitUntil(lambda count=count: len(shown) == count, timeout=10000)
    assert shown == ["Lundi : 8 h – 17 h", "40 px"]

    page._select(by_title["Horaires"])
    page.toggle_published()
    qtbot.waitUntil(
        lambda: any(row.published for row in page.model.rows if row.title == "Horaires"),
        timeout=10000,
    )
    kept = page.selected()
    assert kept is not None and kept.title == "Horaires"  # still selected after the reload
    assert page.actions["remove"].isEnabled()
    monkeypatch.setattr(dialogs, "confirm", lambda *_args: True)  # asked by @action(ask=…)
    page.remove()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10000)
    assert "Horaires" not in [row.title for row in page.model.rows]
    qtbot.waitUntil(idle(context))


def test_adding_a_document_checks_before_closing_and_keeps_what_was_typed(
    qtbot: QtBot,
    sqlite_database: Database,
    context: AppContext,
    sqlite_actors: dict[str, Actor],
    tmp_path: Path,
) -> None:
    """Issue 20, 7.9: the add-document dialog says what is wrong and stays open with the
    title typed (it used to close, then say « Refusé »)."""
    from backoffice.models import Document
    from backoffice.services import documents
    from backoffice.views.documents.add_dialog import AddDocumentDialog

    with sqlite_database.session() as session:
        themes = documents.themes(session, sqlite_actors["administrator"])
    empty = tmp_path / "reglement-interieur.pdf"
    empty.write_bytes(b"")
    dialog = AddDocumentDialog(context, None, themes, empty)
    qtbot.addWidget(dialog)
    assert dialog.title.text() == "Reglement interieur"  # from the file name
    dialog.title.setText("Règlement intérieur 2027")
    dialog.submit()
    qtbot.waitUntil(lambda: "vide" in dialog.errors.text(), timeout=10000)
    assert dialog.result is None and dialog.title.text() == "Règlement intérieur 2027"
    assert dialog.file.styleSheet()  # the file marked in red
    empty.write_bytes(b"%PDF-1.4")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    with sqlite_database.session() as session:
        added = session.get(Document, dialog.result)
        assert added.title == "Règlement intérieur 2027" and not added.is_published
    qtbot.waitUntil(idle(context))


def test_the_dashboard_shows_the_closure_while_it_runs(
    qtbot: QtBot, make_context: Callable[[Role], AppContext]
) -> None:
    from datetime import time

    from backoffice.views.pages.closure_banner import ClosureBanner

    context = make_context(Role.ADMINISTRATIVE)
    banner = ClosureBanner(context)
    qtbot.addWidget(banner)
    with clock.frozen(clock.at_local(date(2027, 1, 12), time(9))):
        banner.show()
        qtbot.waitUntil(lambda: banner.state is not None, timeout=10000)
        assert banner.frame.isVisible()
        assert "du 01/01/2027 au 31/01/2027" in banner.text.text()
        assert "Encore 19 jours." in banner.text.text()
        assert banner.actions["change_dates"].isVisible()
        banner.state = None
        with clock.frozen(clock.at_local(date(2027, 3, 1), time(9))):
            banner.load()
            qtbot.waitUntil(lambda: banner.state is not None, timeout=10000)
        assert not banner.frame.isVisible()
    qtbot.waitUntil(idle(context))
