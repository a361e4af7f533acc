"""The members list (model checked, search, sort, open) and a member's page (edit, refusal
keeping what was typed, conflict with another writer resolved explicitly)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from backoffice.db import Database
from backoffice.models import DocumentChannel, Member
from backoffice.ops.context import AppContext
from backoffice.services import members as member_service
from backoffice.services.permissions import Actor
from backoffice.views.conflict_dialog import ConflictDialog, Resolution
from backoffice.views.members.member_view import MemberView
from backoffice.views.members.page import MembersPage
from backoffice.views.widgets.rows_model import Column, RowsModel
from tests import factories
from tests.gui.conftest import idle


@pytest.fixture
def forty_members(sqlite_database: Database) -> list[int]:
    with sqlite_database.transaction() as session:
        ids = [
            factories.member(session, legal_name=f"ENTREPRISE {n:02d} É", city=city).id
            for n, city in zip(range(40), ["Colmar", "Mulhouse"] * 20, strict=True)
        ]
        for member_id in ids[:3]:
            factories.employee(session, member_id)
        return ids


def test_members_list_searches_sorts_and_opens(
    qtbot: QtBot, qtmodeltester: object, context: AppContext, forty_members: list[int]
) -> None:
    page = MembersPage(context)
    qtbot.addWidget(page)
    page.activated()
    qtbot.waitUntil(lambda: page.model.rowCount() == 40, timeout=10000)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    assert page.count.text() == "40 adhérents"
    page.search.setText("entreprise COLMAR")
    qtbot.waitUntil(lambda: page.model.rowCount() == 20, timeout=10000)
    assert all(page.model.data(page.model.index(row, 4)) == "Colmar" for row in range(20))
    page.search.setText("")
    qtbot.waitUntil(lambda: page.model.rowCount() == 40, timeout=10000)
    first = page.model.data(page.model.index(0, 1))
    page.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    page.model.sort(1, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(39, 1)) == first, timeout=10000)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.tabs.count() == 2
    view = page.tabs.widget(1)
    assert isinstance(view, MemberView)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10000)
    qtbot.waitUntil(idle(context))


def test_member_edit_saves_and_refusal_keeps_typing(
    qtbot: QtBot, sqlite_database: Database, context: AppContext, forty_members: list[int]
) -> None:
    member_id = forty_members[0]
    view = MemberView(context, member_id)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10000)
    assert view.employees.rowCount() == 1
    assert not view.save_button.isEnabled()
    view.form.inputs["siret"].setText("12345678901234")
    view.form.inputs["siret"].textEdited.emit("x")
    view.save()
    qtbot.waitUntil(lambda: "SIRET" in view.errors.text(), timeout=10000)
    assert view.form.inputs["siret"].text() == "12345678901234"  # kept
    view.form.inputs["siret"].setText("73282932000074")
    view.form.inputs["city"].setText("Guebwiller")
    view.form.inputs["city"].textEdited.emit("x")
    view.save()
    qtbot.waitUntil(
        lambda: view.detail is not None and view.detail.values["city"] == "Guebwiller",
        timeout=10000,
    )
    with sqlite_database.session() as session:
        assert session.get(Member, member_id).city == "Guebwiller"
    qtbot.waitUntil(idle(context))


def test_member_edit_conflict_is_shown_and_resolved(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    sqlite_database: Database,
    context: AppContext,
    sqlite_actors: dict[str, Actor],
    forty_members: list[int],
) -> None:
    member_id = forty_members[1]
    view = MemberView(context, member_id)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10000)
    with sqlite_database.transaction() as session:  # a colleague saves meanwhile
        version = session.get(Member, member_id).version
        member_service.update_member(
            session,
            sqlite_actors["administrative"],
            member_id,
            version,
            {"phone": "03 89 99 99 99"},
        )
    shown: list[list[tuple[str, str, str, str]]] = []

    def choose(dialog: ConflictDialog) -> int:
        shown.append(dialog.rows)
        dialog.resolution = Resolution.KEEP_MINE
        return 1

    monkeypatch.setattr(ConflictDialog, "exec", choose)
    view.blockSignals(True)  # the live refresh would reload the form under our feet
    view.form.inputs["city"].setText("Thann")
    view.form.inputs["city"].textEdited.emit("x")
    view.save()
    qtbot.waitUntil(
        lambda: bool(shown) and view.detail is not None and view.detail.values["city"] == "Thann",
        timeout=10000,
    )
    rows = {label: (mine, current) for label, _opened, mine, current in shown[0]}
    assert rows["Ville"] == ("Thann", "Mulhouse")
    assert rows["Téléphone"] == ("03 89 00 00 00", "03 89 99 99 99")
    with sqlite_database.session() as session:
        member = session.get(Member, member_id)
        assert (member.city, member.phone) == ("Thann", "03 89 99 99 99")
    qtbot.waitUntil(idle(context))


def test_rows_model_passes_the_model_tester(qtmodeltester: object) -> None:
    model: RowsModel[tuple[str, int]] = RowsModel(
        [
            Column("Nom", lambda r: r[0]),
            Column("N", lambda r: str(r[1]), lambda r: r[1], align_right=True),
        ],
        key=lambda r: r[0],
    )
    model.set_rows([("b", 2), ("a", 1), ("c", 3)])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.replace_rows([("a", 10)])
    assert model.data(model.index(1, 1)) == "10"


def test_a_table_is_sorted_as_its_header_says_from_the_start(qtbot: QtBot) -> None:
    from backoffice.views.widgets.table import DataTable

    model: RowsModel[tuple[str, int]] = RowsModel([Column("Nom", lambda r: r[0])])
    table = DataTable("sorted_from_start")
    qtbot.addWidget(table)
    table.set_rows_model(model)
    model.set_rows([("b", 2), ("c", 3), ("a", 1)])
    shown = [table.model().index(row, 0).data() for row in range(3)]
    assert shown in (["a", "b", "c"], ["c", "b", "a"])


def test_the_history_is_written_in_french_with_names(
    qtbot: QtBot, sqlite_database: Database, context: AppContext, forty_members: list[int]
) -> None:
    """Issue 20, 7.4: who by name, the action in French, amounts and dates as shown."""
    from backoffice.services import audit

    member_id = forty_members[2]
    with sqlite_database.transaction() as session:
        audit.record(
            session,
            context.actor,
            "payment.record",
            "payment",
            1,
            member_id=member_id,
            after={"amount_cents": 10050, "method": "cheque", "received_on": "2026-05-15"},
        )
        audit.record(
            session,
            "portal:A00042",
            "member.edit",
            "member",
            member_id,
            member_id=member_id,
            before={"city": "Thann"},
            after={"city": "Cernay"},
        )
    view = MemberView(context, member_id)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    history = next(
        view.tabs.widget(i)
        for i in range(view.tabs.count())
        if view.tabs.tabText(i) == "Historique"
    )
    view.tabs.setCurrentWidget(history)
    qtbot.waitUntil(lambda: history.history.rowCount() == 2, timeout=10000)
    rows = [
        [history.history.data(history.history.index(row, column)) for column in range(6)]
        for row in range(2)
    ]
    payment = next(row for row in rows if row[2] == "Paiement enregistré")
    assert payment[1] == context.actor.full_name
    assert "montant : 100,50\u00a0€" in payment[5] and "15/05/2026" in payment[5]
    edit = next(row for row in rows if row[2] == "Fiche entreprise modifiée")
    assert edit[1] == "Portail (A00042)"
    assert "Ville : Thann" in edit[4] and "Ville : Cernay" in edit[5]
    assert not any("staff:" in cell or "_cents" in cell for row in rows for cell in row)
    qtbot.waitUntil(idle(context))


def test_an_impossible_date_is_said_and_never_locks_the_form(
    qtbot: QtBot, sqlite_database: Database, context: AppContext, forty_members: list[int]
) -> None:
    """Issue 20, 7.7: 12/13/2020 leaves Save and Undo usable and Save says why; a joining
    date years ahead is refused with a sentence, what was typed staying."""
    view = MemberView(context, forty_members[3])
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10000)
    started = view.form.inputs["activity_started_on"]
    started.setText("12/13/2020")
    started.textEdited.emit("12/13/2020")
    assert view.save_button.isEnabled() and view.revert_button.isEnabled()
    view.save()
    assert "pas une date" in view.errors.text()
    view.revert()
    assert started.text() != "12/13/2020" and not view.save_button.isEnabled()
    joined = view.form.inputs["joined_on"]
    joined.setText("01/01/2031")
    joined.textEdited.emit("01/01/2031")
    view.save()
    qtbot.waitUntil(lambda: "plus d'un an" in view.errors.text(), timeout=10000)
    assert joined.text() == "01/01/2031"
    qtbot.waitUntil(idle(context))


def test_the_documents_preference_is_chosen_saved_and_told_in_the_history(
    qtbot: QtBot, sqlite_database: Database, context: AppContext, forty_members: list[int]
) -> None:
    """Issue 17, 3: « Envoi des documents : par e-mail / par courrier » on the record."""
    member_id = forty_members[4]
    view = MemberView(context, member_id)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10000)
    combo = view.form.documents_by
    assert [combo.itemText(i) for i in range(combo.count())] == ["par e-mail", "par courrier"]
    assert combo.currentText() == "par e-mail" and not view.save_button.isEnabled()
    combo.setCurrentIndex(combo.findText("par courrier"))
    assert view.save_button.isEnabled()
    view.save()
    qtbot.waitUntil(
        lambda: view.detail is not None and view.detail.values["documents_by"] == "post",
        timeout=10000,
    )
    assert combo.currentText() == "par courrier" and not view.save_button.isEnabled()
    with sqlite_database.session() as session:
        assert session.get(Member, member_id).documents_by == DocumentChannel.POST
    history = next(
        view.tabs.widget(i)
        for i in range(view.tabs.count())
        if view.tabs.tabText(i) == "Historique"
    )
    view.tabs.setCurrentWidget(history)
    qtbot.waitUntil(lambda: history.history.rowCount() == 1, timeout=10000)
    before, after = (history.history.data(history.history.index(0, c)) for c in (4, 5))
    assert before == "Envoi des documents : par e-mail"
    assert after == "Envoi des documents : par courrier"
    qtbot.waitUntil(idle(context))
