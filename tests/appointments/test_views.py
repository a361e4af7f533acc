"""The appointment screens, driven with pytest-qt on a small network (SQLite; the
services under them are tested on both backends)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QDialog, QFileDialog
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    Appointment,
    AppointmentRequest,
    AppointmentStatus,
    RequestStatus,
)
from backoffice.ops.context import AppContext
from backoffice.portal import simulator
from backoffice.services.appointments.agenda import CellKind
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.choices import network_choices
from backoffice.services.appointments.proposals import SlotSearch, propose_slots
from backoffice.services.permissions import Actor
from backoffice.views.appointments import agenda_tab, needs_tab, requests_tab, slot_dialog
from backoffice.views.appointments.booking_dialog import BookingDialog
from backoffice.views.appointments.network_dialogs import CentreDialog
from backoffice.views.appointments.page import AppointmentsPage
from tests import factories
from tests.appointments.builders import NOW, TUESDAY, Network, at, book, network

pytestmark = pytest.mark.gui


@pytest.fixture
def world(sqlite_database: Database) -> tuple[Network, dict[str, Actor]]:
    with sqlite_database.transaction() as session:
        built = network(session)
        factories.portal_account(session, built.member)
        actors = factories.staff_of_every_role(session)
        session.expunge_all()
    return built, actors


@pytest.fixture
def page(qtbot: Any, sqlite_database: Database, world: tuple[Network, dict[str, Actor]]):
    _net, actors = world
    context = AppContext(sqlite_database, actors["medical_assistant"])
    shown = AppointmentsPage(context)
    qtbot.addWidget(shown)
    shown.resize(1300, 800)
    shown.show()
    yield shown
    context.wait_for_background_work()


def count(database: Database, *conditions: Any) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Appointment).where(*conditions))


def open_tab(qtbot: Any, page: AppointmentsPage, key: str, **options: Any) -> None:
    page.activated()
    qtbot.waitUntil(lambda: page.choices is not None, timeout=30000)
    page.open({"tab": key, **options})


# -- the requests queue -------------------------------------------------------------------------


def test_the_dashboard_link_opens_the_requests(
    qtbot: Any, page: AppointmentsPage, sqlite_database: Database, world: Any, qtmodeltester: Any
) -> None:
    net, _actors = world
    with sqlite_database.transaction() as session:
        simulator.request_appointment(
            session, net.member.member_code, net.employee.id, "periodique"
        )
    open_tab(qtbot, page, "requests")
    assert page.tabs.currentWidget() is page.requests
    qtbot.waitUntil(lambda: page.requests.model.rowCount() == 1, timeout=30000)
    qtmodeltester.check(page.requests.model)
    assert "1 demande en attente" in page.requests.count.text()


def test_validating_a_request_from_the_queue(
    qtbot: Any,
    page: AppointmentsPage,
    sqlite_database: Database,
    world: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    net, actors = world
    with sqlite_database.transaction() as session:
        request_id = simulator.request_appointment(
            session, net.member.member_code, net.employee.id, "periodique"
        ).id
        proposals = propose_slots(
            session,
            actors["medical_assistant"],
            SlotSearch(net.employee.id, "periodique", first_day=TUESDAY, last_day=TUESDAY),
        )
    chosen = proposals.slots[2]

    class Picked:
        visit_type_code = "periodique"

    picked = Picked()
    picked.chosen = chosen  # type: ignore[attr-defined]
    asked: list[Any] = []
    monkeypatch.setattr(
        slot_dialog, "pick_slot", lambda *args, **kwargs: asked.append(args[3]) or picked
    )
    open_tab(qtbot, page, "requests")
    qtbot.waitUntil(lambda: page.requests.model.rowCount() == 1, timeout=30000)
    page.requests.table.selectRow(0)
    page.requests.handle()
    qtbot.waitUntil(lambda: count(sqlite_database) == 1, timeout=30000)
    assert asked[0].employee_id == net.employee.id and asked[0].first_day is None
    with sqlite_database.session() as session:
        request = session.get(AppointmentRequest, request_id)
        assert request.status == RequestStatus.ACCEPTED
        assert session.get(Appointment, request.appointment_id).starts_at == chosen.starts_at
    qtbot.waitUntil(lambda: page.requests.model.rowCount() == 0, timeout=30000)


def test_refusing_a_late_cancellation_proposes_the_rule(
    qtbot: Any,
    page: AppointmentsPage,
    sqlite_database: Database,
    world: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    net, actors = world
    appointment_id = book(
        sqlite_database, actors["medical_assistant"], net, net.employee.id, at(TUESDAY, 9)
    ).id
    with sqlite_database.transaction() as session:
        request_id = simulator.request_cancellation(
            session, net.member.member_code, appointment_id, submitted_at=NOW
        ).id
    monkeypatch.setattr(requests_tab, "cancellation_decision", lambda _p, _r: requests_tab.REFUSE)
    proposed: list[str] = []
    monkeypatch.setattr(
        requests_tab,
        "ask_reason",
        lambda *args, initial="", **kwargs: proposed.append(initial) or initial,
    )
    open_tab(qtbot, page, "requests")
    qtbot.waitUntil(lambda: page.requests.model.rowCount() == 1, timeout=30000)
    assert "trop tard" in page.requests.model.data(page.requests.model.index(0, 6))
    page.requests.table.selectRow(0)
    page.requests.handle()
    qtbot.waitUntil(lambda: page.requests.model.rowCount() == 0, timeout=30000)
    assert "moins de 48 heures" in proposed[0]
    with sqlite_database.session() as session:
        assert session.get(AppointmentRequest, request_id).status == RequestStatus.REFUSED
        assert session.get(Appointment, appointment_id).status == AppointmentStatus.CONFIRMED


# -- the agenda ---------------------------------------------------------------------------------


def agenda_on_tuesday(qtbot: Any, page: AppointmentsPage, net: Network) -> agenda_tab.AgendaTab:
    open_tab(qtbot, page, "agenda", centre_id=net.centre.id, day=TUESDAY.isoformat())
    tab = page.agenda
    qtbot.waitUntil(
        lambda: tab.model.grid is not None and tab.model.grid.query.first_day == TUESDAY,
        timeout=30000,
    )
    return tab


def select_cell(tab: agenda_tab.AgendaTab, column: int, hour: int, minute: int = 0) -> None:
    grid = tab.model.grid
    assert grid is not None
    tab.view.setCurrentIndex(tab.model.index(grid.times.index(time(hour, minute)), column))


def test_the_agenda_model_and_its_spans(
    qtbot: Any, page: AppointmentsPage, sqlite_database: Database, world: Any, qtmodeltester: Any
) -> None:
    net, actors = world
    book(sqlite_database, actors["medical_assistant"], net, net.employee.id, at(TUESDAY, 9))
    tab = agenda_on_tuesday(qtbot, page, net)
    qtmodeltester.check(tab.model)
    grid = tab.model.grid
    row = grid.times.index(time(9))
    assert tab.view.rowSpan(row, 0) == 2
    assert tab.model.data(tab.model.index(row, 0)) == "DUPONT Léa · Visite périodique"
    assert tab.model.headerData(0, Qt.Orientation.Horizontal) == "Dr Anne Martin"
    assert tab.model.headerData(row, Qt.Orientation.Vertical) == "09:00"
    assert "1 rendez-vous" in tab.title.text()


def test_moving_an_appointment_with_cut_and_paste(
    qtbot: Any, page: AppointmentsPage, sqlite_database: Database, world: Any
) -> None:
    net, actors = world
    appointment_id = book(
        sqlite_database, actors["medical_assistant"], net, net.employee.id, at(TUESDAY, 9)
    ).id
    tab = agenda_on_tuesday(qtbot, page, net)
    select_cell(tab, 0, 9)
    tab.cut()
    assert "Ctrl+V" in tab.status.text()
    select_cell(tab, 0, 14)
    assert tab.current()[0].kind == CellKind.FREE
    tab.paste()

    def moved() -> bool:
        with sqlite_database.session() as session:
            return session.get(Appointment, appointment_id).starts_at == at(TUESDAY, 14)

    qtbot.waitUntil(moved, timeout=30000)


def test_booking_a_free_slot_finds_the_employee(
    qtbot: Any, sqlite_database: Database, world: Any
) -> None:
    net, actors = world
    context = AppContext(sqlite_database, actors["medical_assistant"])
    with sqlite_database.session() as session:
        choices = network_choices(session, actors["medical_assistant"])
    dialog = BookingDialog(
        context, None, choices, SlotChoice(net.doctor.id, net.centre.id, at(TUESDAY, 10))
    )
    qtbot.addWidget(dialog)
    dialog.search.setText("schmitt")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=30000)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.booked is not None, timeout=30000)
    assert dialog.booked.employee == "SCHMITT Paul"
    # QDialog.result() is shadowed by the attribute that holds the service's answer.
    assert QDialog.result(dialog) == QDialog.DialogCode.Accepted
    second = BookingDialog(
        context, None, choices, SlotChoice(net.doctor.id, net.centre.id, at(TUESDAY, 10, 15))
    )
    qtbot.addWidget(second)
    second.search.setText("dupont")
    qtbot.waitUntil(lambda: second.model.rowCount() == 1, timeout=30000)
    second.submit()
    qtbot.waitUntil(lambda: "a déjà un rendez-vous" in second.errors.text(), timeout=30000)
    assert second.booked is None
    context.wait_for_background_work()


# -- day lists, convocations, outcomes ----------------------------------------------------------


def test_printing_the_selected_convocations(
    qtbot: Any,
    page: AppointmentsPage,
    sqlite_database: Database,
    world: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    net, actors = world
    for employee_id, hour in ((net.employee.id, 9), (net.colleague.id, 10)):
        book(sqlite_database, actors["medical_assistant"], net, employee_id, at(TUESDAY, hour))
    target = tmp_path / "convocations.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    open_tab(qtbot, page, "list")
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 2, timeout=30000)
    page.list.table.selectAll()
    page.list.print_selection()
    qtbot.waitUntil(target.exists, timeout=10000)
    qtbot.waitUntil(lambda: len(PdfReader(target).pages) == 2, timeout=30000)
    assert "SCHMITT" in PdfReader(target).pages[1].extract_text()


def test_recording_outcomes_of_the_day(
    qtbot: Any, page: AppointmentsPage, sqlite_database: Database, world: Any
) -> None:
    net, actors = world
    first = book(
        sqlite_database, actors["medical_assistant"], net, net.employee.id, at(TUESDAY, 9)
    ).id
    book(sqlite_database, actors["medical_assistant"], net, net.colleague.id, at(TUESDAY, 10))
    with clock.frozen(at(TUESDAY, 18)):
        open_tab(qtbot, page, "list", status="to_record")
        qtbot.waitUntil(lambda: page.list.model.rowCount() == 2, timeout=30000)
        rows = {page.list.model.row_at(i).id: i for i in range(2)}
        page.list.table.selectRow(
            page.list.table.model().mapFromSource(page.list.model.index(rows[first], 0)).row()
        )
        page.list._outcome(AppointmentStatus.ABSENT)
        qtbot.waitUntil(
            lambda: count(sqlite_database, Appointment.status == AppointmentStatus.ABSENT) == 1,
            timeout=30000,
        )
        qtbot.waitUntil(lambda: page.list.model.rowCount() == 1, timeout=30000)


# -- employees to convene -----------------------------------------------------------------------


def test_bulk_booking_from_the_list_of_new_hires(
    qtbot: Any,
    page: AppointmentsPage,
    sqlite_database: Database,
    world: Any,
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: Any,
) -> None:
    net, _actors = world
    with sqlite_database.transaction() as session:
        for name in ("Neuf", "Nouveau"):
            factories.employee(session, net.member.id, last_name=name, hired_on=date(2027, 2, 1))
    monkeypatch.setattr(needs_tab.BulkDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    summaries: list[str] = []
    monkeypatch.setattr(
        needs_tab.QMessageBox, "information", lambda _p, _t, text: summaries.append(text)
    )
    open_tab(qtbot, page, "needs")
    qtbot.waitUntil(lambda: page.needs.model.rowCount() == 2, timeout=30000)
    qtmodeltester.check(page.needs.model)
    page.needs.table.selectAll()
    page.needs.book_selection()
    qtbot.waitUntil(lambda: bool(summaries), timeout=10000)
    assert "2 rendez-vous réservés" in summaries[0]
    assert count(sqlite_database, Appointment.visit_type_code == "vip_embauche") == 2
    qtbot.waitUntil(lambda: page.needs.model.rowCount() == 0, timeout=30000)


# -- the care network ---------------------------------------------------------------------------


def test_a_centre_form_shows_the_refusal_and_saves(
    qtbot: Any, sqlite_database: Database, world: Any
) -> None:
    _net, actors = world
    context = AppContext(sqlite_database, actors["administrator"])
    dialog = CentreDialog(context, None, None, editable=True)
    qtbot.addWidget(dialog)
    dialog.inputs["code"].setText("THA")
    dialog.inputs["name"].setText("Centre médical de Thann")
    dialog.inputs["address_line1"].setText("5 rue de la Gare")
    dialog.inputs["postcode"].setText("68800")
    dialog.inputs["city"].setText("Thann")
    dialog.opening._add_after_last()
    dialog.opening._add_after_last()
    overlapping = dialog.opening.rows[-1]
    overlapping.weekday.setCurrentIndex(0)
    overlapping.starts.setTime(QTime(11, 0))
    dialog.submit()
    qtbot.waitUntil(lambda: "se chevauchent" in dialog.errors.text(), timeout=30000)
    dialog.opening.remove(dialog.opening.rows[-1])
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30000)
    assert dialog.result.values.opening == (dialog.opening.rows[0].hours(),)
    context.wait_for_background_work()


def test_a_read_only_role_sees_no_booking_buttons(
    qtbot: Any, sqlite_database: Database, world: Any
) -> None:
    _net, actors = world
    context = AppContext(sqlite_database, actors["administrative"])
    shown = AppointmentsPage(context)
    qtbot.addWidget(shown)
    assert not shown.requests.can_manage and not shown.agenda.can_manage
    assert not shown.network.editable
    context.wait_for_background_work()


def test_convocations_by_email_or_printed_as_each_member_prefers(
    qtbot: Any,
    page: AppointmentsPage,
    sqlite_database: Database,
    world: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 17, 3: the member who takes its documents by e-mail has its convocation
    queued (the letter attached), the one by post gets it printed."""
    from backoffice.models import DocumentChannel, MailKind, MailMessage, MailStatus, Member
    from backoffice.services.mail import sender
    from backoffice.services.mail.documents import Delivery
    from backoffice.views.appointments import actions
    from backoffice.views.widgets import delivery as delivery_widgets
    from tests.mail.conftest import configure
    from tests.mail.smtp_server import SmtpServer

    net, actors = world
    server = SmtpServer(tmp_path, "none").start()
    try:
        configure(sqlite_database, actors["administrator"], server)
        with sqlite_database.transaction() as session:
            session.get(Member, net.member.id).convocation_email = "rh@boulangerie.fr"
            by_post = factories.member(session, legal_name="GARAGE DU RHIN")
            by_post.documents_by = DocumentChannel.POST
            mechanic = factories.employee(session, by_post.id, last_name="Koenig")
            mechanic_id = mechanic.id
        emailed = book(
            sqlite_database, actors["medical_assistant"], net, net.employee.id, at(TUESDAY, 9)
        ).id
        book(sqlite_database, actors["medical_assistant"], net, mechanic_id, at(TUESDAY, 10))
        asked: list[str] = []
        monkeypatch.setattr(
            delivery_widgets,
            "ask_delivery",
            lambda _parent, _title, question: asked.append(question) or Delivery.PREFERENCE,
        )
        target = tmp_path / "convocations.pdf"
        monkeypatch.setattr(actions, "ask_save_path", lambda *args: target)
        notes: list[str] = []
        monkeypatch.setattr(actions, "show_pdf", lambda *_a, note, **_k: notes.append(note))
        open_tab(qtbot, page, "list")
        qtbot.waitUntil(lambda: page.list.model.rowCount() == 2, timeout=5000)
        page.list.table.selectAll()
        page.list.print_selection()
        qtbot.waitUntil(lambda: bool(notes), timeout=10000)
        assert asked and asked[0].startswith("Comment les convocations doivent-elles partir")
        assert notes[0].startswith(
            "1 convocation placée dans la boîte d'envoi (par e-mail), "
            "1 convocation à imprimer (par courrier)."
        )
        reader = PdfReader(target)
        assert len(reader.pages) == 1 and "KOENIG" in reader.pages[0].extract_text()
        with sqlite_database.session() as session:
            queued = [(m.kind, m.record_id, m.status) for m in session.scalars(select(MailMessage))]
        assert queued == [(MailKind.CONVOCATION, emailed, MailStatus.QUEUED)]
        assert sender.send_queued(sqlite_database, actors["administrator"]).sent == 1
        [received] = server.received
        assert received.recipients == ["rh@boulangerie.fr"]
        [letter] = list(received.message.iter_attachments())
        assert letter.get_filename() == f"convocation-RDV-{emailed:06d}.pdf"
        page.context.wait_for_background_work()
    finally:
        server.stop()
