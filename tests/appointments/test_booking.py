"""Booking, moving and cancelling appointments, and every bad input refused in French."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    AgendaBlock,
    Appointment,
    AppointmentRequest,
    AppointmentStatus,
    AuditEvent,
    RequestKind,
    RequestStatus,
)
from backoffice.services.appointments import booking
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests.appointments.builders import MONDAY, NOW, TUESDAY, Network, at


def book(
    database: Database,
    actor: Actor,
    employee_id: int,
    choice: SlotChoice,
    visit: str = "periodique",
):
    with database.transaction() as session:
        return booking.book_appointment(session, actor, employee_id, visit, choice)


def count(database: Database, model: type = Appointment) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_booking_writes_the_appointment_and_the_audit(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    row = book(
        database,
        actors["medical_assistant"],
        world.employee.id,
        SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9, 30)),
    )
    assert row.status == AppointmentStatus.CONFIRMED
    assert row.ends_at - row.starts_at == timedelta(minutes=30)
    assert row.employee == "DUPONT Léa" and row.professional == "Dr Anne Martin"
    with database.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "appointment.book"))
        assert event.entity_id == row.id and event.member_id == world.member.id
        assert event.after["starts_at"].startswith("2027-03-02T08:30")  # UTC
        assert "Dr Anne Martin" in event.summary


@pytest.mark.parametrize(
    ("case", "field", "words"),
    [
        ("past", "starts_at", "passé"),
        ("closed", "starts_at", "horaires d'ouverture"),
        ("no_session", "starts_at", "ne consulte pas"),
        ("blocked", "starts_at", "bloqué"),
        ("professional_busy", "starts_at", "a déjà un rendez-vous"),
        ("employee_busy", "employee", "a déjà un rendez-vous"),
        ("left", "employee", "a quitté"),
        ("nurse_for_doctor_visit", "professional", "médecin"),
    ],
)
def test_bad_bookings_are_refused_in_french_and_nothing_is_written(
    database: Database, actors: dict[str, Actor], world: Network, case: str, field: str, words: str
) -> None:
    assistant = actors["medical_assistant"]
    choice = SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9, 30))
    employee_id, visit = world.employee.id, "periodique"
    if case == "past":
        choice = SlotChoice(world.doctor.id, world.centre.id, at(MONDAY, 8, 30))
    elif case == "closed":  # the centre closes from 12:30 to 13:30
        choice = SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 12, 45))
    elif case == "no_session":
        choice = SlotChoice(world.nurse.id, world.centre.id, at(TUESDAY, 14, 0))
    elif case == "blocked":
        with database.transaction() as session:
            session.add(
                AgendaBlock(
                    professional_id=world.doctor.id,
                    starts_at=at(TUESDAY, 9),
                    ends_at=at(TUESDAY, 10),
                    reason="Formation",
                )
            )
    elif case == "professional_busy":
        book(
            database,
            assistant,
            world.colleague.id,
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9, 15)),
        )
    elif case == "employee_busy":
        book(
            database,
            assistant,
            world.employee.id,
            SlotChoice(world.other_doctor.id, world.other_centre.id, at(TUESDAY, 9, 45)),
        )
    elif case == "left":
        with database.transaction() as session:
            session.get(type(world.employee), world.employee.id).exited_on = date(2027, 2, 26)
    elif case == "nurse_for_doctor_visit":
        choice = SlotChoice(world.nurse.id, world.centre.id, at(TUESDAY, 9, 30))
        visit = "reprise"  # by a doctor only
    before = count(database)
    with pytest.raises(ValidationFailed) as refused:
        book(database, assistant, employee_id, choice, visit)
    assert field in [error.field for error in refused.value.errors]
    assert words in refused.value.message, refused.value.message
    assert count(database) == before


def test_outside_opening_hours_names_the_centre(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        book(
            database,
            actors["medical_assistant"],
            world.employee.id,
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 17, 45)),
        )
    assert "Centre médical de Mulhouse" in refused.value.message


def test_only_assistants_and_administrators_book(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    choice = SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9, 30))
    for role in ("administrative", "billing", "read_only"):
        with pytest.raises(PermissionDenied):
            book(database, actors[role], world.employee.id, choice)
    assert book(database, actors["administrator"], world.employee.id, choice).id


def test_move_keeps_the_visit_and_checks_the_new_slot(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    first = book(
        database,
        assistant,
        world.employee.id,
        SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9)),
    )
    other = book(
        database,
        assistant,
        world.colleague.id,
        SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 10)),
    )
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        booking.move_appointment(
            session,
            assistant,
            first.id,
            first.version,
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 10, 15)),
        )
    assert "SCHMITT Paul" in refused.value.message
    with database.transaction() as session:
        moved = booking.move_appointment(
            session,
            assistant,
            first.id,
            first.version,
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9, 15)),
        )
    assert moved.starts_at == at(TUESDAY, 9, 15) and moved.version == first.version + 1
    with database.transaction() as session, pytest.raises(Conflict):
        booking.move_appointment(
            session,
            assistant,
            first.id,
            first.version,
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 11)),
        )
    with database.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "appointment.move"))
        assert set(event.before) == {"starts_at", "ends_at"}
    assert other.id


def test_cancel_frees_the_slot_and_answers_the_members_request(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    choice = SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9))
    first = book(database, assistant, world.employee.id, choice)
    with database.transaction() as session:
        session.add(
            AppointmentRequest(
                kind=RequestKind.CANCELLATION,
                member_id=world.member.id,
                employee_id=world.employee.id,
                appointment_id=first.id,
                submitted_at=at(MONDAY, 8),
            )
        )
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        booking.cancel_appointment(session, assistant, first.id, first.version, "  ")
    assert refused.value.errors[0].field == "reason"
    with database.transaction() as session:
        cancelled = booking.cancel_appointment(
            session, assistant, first.id, first.version, "Médecin absent"
        )
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.cancellation_reason == "Médecin absent"
    with database.session() as session:
        request = session.scalar(select(AppointmentRequest))
        assert request.status == RequestStatus.ACCEPTED and request.decided_by_id is not None
    again = book(database, assistant, world.colleague.id, choice)
    assert again.starts_at == first.starts_at


def test_an_appointment_that_took_place_cannot_be_cancelled(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    row = book(
        database,
        assistant,
        world.employee.id,
        SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9)),
    )
    with (
        clock.frozen(NOW + timedelta(days=1, hours=1)),
        database.transaction() as session,
        pytest.raises(ValidationFailed) as refused,
    ):
        booking.cancel_appointment(session, assistant, row.id, row.version, "Trop tard")
    assert "absent ou excusé" in refused.value.message
    with database.session() as session:
        assert session.get(Appointment, row.id).status == AppointmentStatus.CONFIRMED
