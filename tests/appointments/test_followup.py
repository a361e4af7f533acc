"""After the visit (outcomes and the employee's last visit), the lists of employees who
need a visit, and booking them in bulk."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    CreditNote,
    Employee,
    FollowUpCategory,
    Invoice,
    InvoiceKind,
)
from backoffice.services.appointments import booking, bulk, needs, outcomes
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from backoffice.services.progress import Cancelled, Progress, silent
from tests import factories
from tests.appointments.builders import MONDAY, NOW, TUESDAY, Network, at, book


def outcome(database: Database, actor: Actor, ids: list[int], status: AppointmentStatus):
    with database.transaction() as session:
        return outcomes.record_outcome(session, actor, ids, status)


def last_visit(database: Database, employee_id: int) -> date | None:
    with database.session() as session:
        return session.get(Employee, employee_id).last_visit_on


# -- outcomes -----------------------------------------------------------------------------


def test_attended_keeps_the_last_visit_and_a_correction_puts_it_back(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    with database.transaction() as session:
        session.get(Employee, world.employee.id).last_visit_on = date(2022, 5, 4)
    row = book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    with pytest.raises(ValidationFailed) as early:
        outcome(database, assistant, [row.id], AppointmentStatus.ATTENDED)
    assert "pas encore eu lieu" in early.value.message
    with clock.frozen(NOW + timedelta(days=1, hours=3)):
        [done] = outcome(database, assistant, [row.id], AppointmentStatus.ATTENDED)
        assert done.status == AppointmentStatus.ATTENDED
        assert last_visit(database, world.employee.id) == TUESDAY
        outcome(database, assistant, [row.id], AppointmentStatus.EXCUSED)
        assert last_visit(database, world.employee.id) == date(2022, 5, 4)
        outcome(database, assistant, [row.id], AppointmentStatus.ABSENT)
    with database.session() as session:
        appointment = session.get(Appointment, row.id)
        assert appointment.status == AppointmentStatus.ABSENT
        assert appointment.outcome_recorded_by_id == assistant.staff_id


def test_outcomes_are_refused_whole_for_a_cancelled_appointment(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    kept = book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    dropped = book(database, assistant, world, world.colleague.id, at(TUESDAY, 10))
    with database.transaction() as session:
        booking.cancel_appointment(session, assistant, dropped.id, dropped.version, "Congés")
    with clock.frozen(NOW + timedelta(days=2)), pytest.raises(ValidationFailed) as refused:
        outcome(database, assistant, [kept.id, dropped.id], AppointmentStatus.ATTENDED)
    assert "annulé" in refused.value.message
    with database.session() as session:
        assert session.get(Appointment, kept.id).status == AppointmentStatus.CONFIRMED


def test_an_invoiced_absence_keeps_its_outcome_until_credited(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    row = book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    later = NOW + timedelta(days=3)
    with clock.frozen(later):
        outcome(database, assistant, [row.id], AppointmentStatus.ABSENT)
        with database.transaction() as session:
            invoice = _no_show_invoice(session, world, row.id)
        with pytest.raises(ValidationFailed) as refused:
            outcome(database, assistant, [row.id], AppointmentStatus.EXCUSED)
        assert "avoir" in refused.value.message
        with database.transaction() as session:
            session.add(
                CreditNote(
                    number="AV-2027-000001",
                    invoice_id=invoice,
                    issued_on=later.date(),
                    issued_at=later,
                    reason="Absence justifiée",
                    is_full=True,
                    total_ht_cents=5000,
                    vat_cents=1000,
                    total_ttc_cents=6000,
                )
            )
        [excused] = outcome(database, assistant, [row.id], AppointmentStatus.EXCUSED)
    assert excused.status == AppointmentStatus.EXCUSED


def _no_show_invoice(session: object, world: Network, appointment_id: int) -> int:
    invoice = Invoice(
        number="2027-000001",
        kind=InvoiceKind.NO_SHOW,
        member_id=world.member.id,
        year=2027,
        period_label="Absence du 02/03/2027",
        period_start=TUESDAY,
        period_end=TUESDAY,
        issued_on=TUESDAY,
        issued_at=NOW,
        appointment_id=appointment_id,
        total_ht_cents=5000,
        discount_cents=0,
        discount_rate_bp=0,
        vat_rate_bp=2000,
        vat_cents=1000,
        total_ttc_cents=6000,
        pays_by_direct_debit=False,
        billing_name="X",
        billing_address_line1="1 rue",
        billing_postcode="68100",
        billing_city="Mulhouse",
    )
    session.add(invoice)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return invoice.id


# -- who needs a visit --------------------------------------------------------------------


def test_new_hires_without_a_hiring_visit(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    with database.transaction() as session:
        fresh = factories.employee(
            session, world.member.id, last_name="Neuf", hired_on=date(2027, 2, 10)
        )
        booked = factories.employee(
            session, world.member.id, last_name="Reserve", hired_on=date(2027, 2, 12)
        )
        sir = factories.employee(
            session,
            world.member.id,
            last_name="Cordiste",
            hired_on=date(2027, 2, 20),
            follow_up_category=FollowUpCategory.SIR,
        )
        factories.employee(
            session,
            world.member.id,
            last_name="Parti",
            hired_on=date(2027, 1, 5),
            exited_on=date(2027, 2, 1),
        )
        ids = (fresh.id, booked.id, sir.id)
    with database.transaction() as session:
        booking.book_appointment(
            session,
            assistant,
            ids[1],
            "vip_embauche",
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9)),
        )
    with database.session() as session:
        found = needs.employees_needing_visit(
            session, assistant, needs.NeedQuery(needs.NeedKind.HIRING)
        )
    assert [row.employee for row in found.rows] == ["CORDISTE Léa", "NEUF Léa"]
    assert found.total == 2
    assert found.rows[0].due_on == date(2027, 2, 20) and found.rows[0].overdue
    assert found.rows[0].visit_type_code == "examen_sir"  # before the assignment
    assert found.rows[1].due_on == date(2027, 5, 10)  # the VIP within three months
    assert found.rows[1].visit_type_code == "vip_embauche"


def test_periodic_visits_fall_due_by_category(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    with database.transaction() as session:
        session.get(Employee, world.employee.id).last_visit_on = date(2022, 3, 15)  # SI: 60
        session.get(Employee, world.colleague.id).last_visit_on = date(2025, 4, 30)  # SIR: 24
        factories.employee(session, world.member.id, last_name="Recent", last_visit_on=MONDAY)
    query = needs.NeedQuery(needs.NeedKind.PERIODIC, due_by=date(2027, 4, 30))
    with database.session() as session:
        found = needs.employees_needing_visit(session, assistant, query)
    assert [(row.employee, row.due_on) for row in found.rows] == [
        ("DUPONT Léa", date(2027, 3, 15)),
        ("SCHMITT Paul", date(2027, 4, 30)),
    ]
    with database.transaction() as session:
        needs.set_intervals(session, actors["administrator"], {"si": 60, "sia": 36, "sir": 12})
        with pytest.raises(ValidationFailed) as refused:
            needs.set_intervals(session, actors["administrator"], {"si": 0, "sia": 36, "sir": 12})
        assert "SI" in refused.value.message
        with pytest.raises(PermissionDenied):
            needs.set_intervals(session, assistant, {"si": 60, "sia": 36, "sir": 12})
    with database.session() as session:
        found = needs.employees_needing_visit(session, assistant, query)
    assert [row.due_on for row in found.rows] == [date(2026, 4, 30), date(2027, 3, 15)]
    book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    with database.session() as session:
        found = needs.employees_needing_visit(session, assistant, query)
    assert [row.employee for row in found.rows] == ["SCHMITT Paul"]  # booked already


def test_bulk_booking_fills_the_referents_first_free_slots(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    with database.transaction() as session:
        hires = [
            factories.employee(session, world.member.id, last_name=f"Nouveau{i}").id
            for i in range(3)
        ]
        orphan_member = factories.member(session)  # no referent, no centre
        orphan = factories.employee(session, orphan_member.id, last_name="Seul").id
    book(database, assistant, world, world.colleague.id, at(TUESDAY, 8, 30))
    plan = bulk.BulkPlan([*hires, orphan], needs.NeedKind.HIRING, TUESDAY, TUESDAY)
    reports: list[tuple[int, int]] = []
    with database.transaction() as session:
        outcome_ = bulk.book_in_bulk(
            session,
            assistant,
            plan,
            Progress(lambda done, total, _m: reports.append((done, total))),
        )
    starts = [clock.local(row.starts_at).strftime("%H:%M") for row in outcome_.booked]
    assert starts == ["09:00", "09:30", "10:00"]
    assert {row.visit_type_code for row in outcome_.booked} == {"vip_embauche"}
    assert [item.employee for item in outcome_.unplaced] == ["SEUL Léa"]
    assert "référent" in outcome_.unplaced[0].reason
    assert reports[-1] == (4, 4)


def test_bulk_booking_reports_employees_without_a_slot_and_rolls_back_when_cancelled(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    with database.transaction() as session:
        many = [
            factories.employee(session, world.member.id, last_name=f"Salarie{i}").id
            for i in range(8)
        ]
    plan = bulk.BulkPlan(
        many, needs.NeedKind.PERIODIC, TUESDAY, TUESDAY, world.nurse.id, world.centre.id
    )
    with database.transaction() as session:
        result = bulk.book_in_bulk(session, assistant, plan, silent())
    assert len(result.booked) == 7  # Tuesday 08:30–12:00 holds seven half-hours
    assert "Aucun créneau libre" in result.unplaced[0].reason
    progress = Progress(lambda done, _total, _m: progress.cancel() if done == 2 else None)
    with pytest.raises(Cancelled), database.transaction() as session:
        bulk.book_in_bulk(
            session,
            assistant,
            bulk.BulkPlan(many, needs.NeedKind.PERIODIC, date(2027, 3, 3), date(2027, 3, 3)),
            progress,
        )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 7
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        bulk.book_in_bulk(
            session,
            assistant,
            bulk.BulkPlan(many, needs.NeedKind.PERIODIC, date(2027, 2, 1), date(2027, 1, 1)),
            silent(),
        )
    assert {error.field for error in refused.value.errors} == {"first_day", "last_day"}
