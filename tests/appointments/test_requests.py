"""The requests queue: proposals from the referent's agenda, validation, refusal,
cancellation requests on time or too late, claims, and two answers to one request."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    Appointment,
    AppointmentRequest,
    AppointmentStatus,
    AuditEvent,
    Employee,
    RequestStatus,
)
from backoffice.portal import simulator
from backoffice.services.appointments import booking, requests
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.proposals import SlotSearch, propose_slots
from backoffice.services.errors import Conflict, ValidationFailed
from backoffice.services.permissions import Actor
from tests.appointments.builders import NOW, TUESDAY, Network, at, book


def ask(database: Database, world: Network, employee_id: int, **kwargs: object) -> int:
    with database.transaction() as session:
        return simulator.request_appointment(
            session,
            world.member.member_code,
            employee_id,
            kwargs.pop("visit", "periodique"),
            **kwargs,
        ).id


def ask_cancellation(database: Database, world: Network, appointment_id: int, when) -> int:
    with database.transaction() as session:
        return simulator.request_cancellation(
            session, world.member.member_code, appointment_id, submitted_at=when
        ).id


def row(database: Database, actor: Actor, request_id: int) -> requests.RequestRow:
    with database.session() as session:
        return requests.request_row(session, actor, request_id)


def test_queue_lists_pending_requests_oldest_first(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    later = ask(database, world, world.employee.id, submitted_at=NOW - timedelta(hours=1))
    earlier = ask(database, world, world.colleague.id, submitted_at=NOW - timedelta(days=2))
    withdrawn = ask(database, world, world.colleague.id, submitted_at=NOW - timedelta(days=3))
    with database.transaction() as session:
        session.get(AppointmentRequest, withdrawn).status = RequestStatus.WITHDRAWN
    with database.session() as session:
        queue = requests.pending_requests(session, actors["medical_assistant"])
    assert [item.id for item in queue] == [earlier, later]
    assert queue[1].employee == "DUPONT Léa" and queue[1].member_code == world.member.member_code
    assert queue[1].referent_id == world.doctor.id and queue[1].centre_id == world.centre.id


def test_proposals_are_the_referents_free_slots_in_the_wished_period(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    book(database, assistant, world, world.colleague.id, at(TUESDAY, 9))
    with database.session() as session:
        proposals = propose_slots(
            session,
            assistant,
            SlotSearch(world.employee.id, "periodique", first_day=TUESDAY, last_day=TUESDAY),
        )
    assert proposals.professional_id == world.doctor.id
    assert proposals.centre_id == world.centre.id
    starts = [clock.local(slot.starts_at).strftime("%H:%M") for slot in proposals.slots]
    assert starts[:3] == ["08:30", "09:30", "09:45"]  # 08:45 would run into 09:00
    assert "09:00" not in starts and "09:15" not in starts
    assert starts[-1] == "17:00"  # 30 minutes before the end of the session
    assert {slot.professional for slot in proposals.slots} == {"Dr Anne Martin"}


def test_proposals_skip_the_employees_other_appointments_and_the_past(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    with database.transaction() as session:
        booking.book_appointment(
            session,
            assistant,
            world.employee.id,
            "periodique",
            SlotChoice(world.other_doctor.id, world.other_centre.id, at(TUESDAY, 8, 30)),
        )
    with database.session() as session:
        proposals = propose_slots(
            session,
            assistant,
            SlotSearch(world.employee.id, "periodique", first_day=date(2027, 2, 1)),
        )
    assert proposals.first_day == NOW.date()
    first_two = [slot.starts_at for slot in proposals.slots[:3]]
    assert first_two[0] == at(NOW.date(), 9)  # today, from now on
    assert at(TUESDAY, 8, 30) not in [slot.starts_at for slot in proposals.slots]


def test_validating_a_request_books_the_chosen_slot(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    request_id = ask(database, world, world.employee.id)
    seen = row(database, assistant, request_id)
    with database.transaction() as session:
        appointment = requests.accept_booking_request(
            session,
            assistant,
            request_id,
            seen.version,
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 10)),
        )
    with database.session() as session:
        request = session.get(AppointmentRequest, request_id)
        assert request.status == RequestStatus.ACCEPTED
        assert request.appointment_id == appointment.id
        assert session.get(Appointment, appointment.id).request_id == request_id
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["appointment.book", "appointment_request.accept"]
    with database.transaction() as session, pytest.raises(Conflict) as late:
        requests.refuse_request(session, assistant, request_id, seen.version, "Trop tard")
    assert "déjà été traitée" in late.value.message


def test_a_request_for_an_employee_who_left_is_refused_and_stays_pending(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    request_id = ask(database, world, world.employee.id)
    with database.transaction() as session:
        session.get(Employee, world.employee.id).exited_on = date(2027, 2, 15)
    seen = row(database, assistant, request_id)
    assert seen.employee_left_on == date(2027, 2, 15)
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        requests.accept_booking_request(
            session,
            assistant,
            request_id,
            seen.version,
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 10)),
        )
    assert "a quitté" in refused.value.message
    assert row(database, assistant, request_id).status == RequestStatus.PENDING


def test_refusal_needs_a_reason_the_member_will_read(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    request_id = ask(database, world, world.employee.id)
    seen = row(database, assistant, request_id)
    with database.transaction() as session, pytest.raises(ValidationFailed):
        requests.refuse_request(session, assistant, request_id, seen.version, " ")
    with database.transaction() as session:
        requests.refuse_request(
            session, assistant, request_id, seen.version, "Visite déjà faite le 12/02."
        )
    with database.session() as session:
        request = session.get(AppointmentRequest, request_id)
        assert request.status == RequestStatus.REFUSED
        assert request.refusal_reason == "Visite déjà faite le 12/02."


def test_a_withdrawn_request_cannot_be_answered(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    request_id = ask(database, world, world.employee.id)
    seen = row(database, assistant, request_id)
    with database.transaction() as session:
        request = session.get(AppointmentRequest, request_id)
        request.status = RequestStatus.WITHDRAWN
    with database.transaction() as session, pytest.raises(Conflict) as refused:
        requests.refuse_request(session, assistant, request_id, seen.version, "Non")
    assert "retiré" in refused.value.message


def test_cancellation_on_time_frees_the_slot(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    appointment = book(database, assistant, world, world.employee.id, at(date(2027, 3, 4), 10))
    request_id = ask_cancellation(database, world, appointment.id, NOW - timedelta(hours=1))
    seen = row(database, assistant, request_id)
    assert seen.hours_notice == 74 and not seen.late
    with database.transaction() as session:
        result = requests.accept_cancellation_request(session, assistant, request_id, seen.version)
    assert result.status == AppointmentStatus.CANCELLED
    assert row(database, assistant, request_id).status == RequestStatus.ACCEPTED


def test_late_cancellation_is_refused_unless_accepted_as_an_exception(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    appointment = book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    request_id = ask_cancellation(database, world, appointment.id, NOW)
    seen = row(database, assistant, request_id)
    assert seen.hours_notice == 24 and seen.late  # the setting says 48 hours
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        requests.accept_cancellation_request(session, assistant, request_id, seen.version)
    assert "48 heures" in refused.value.message
    with database.session() as session:
        reason = requests.late_cancellation_reason(session)
    with database.transaction() as session:
        requests.refuse_request(session, assistant, request_id, seen.version, reason)
    with database.session() as session:
        assert session.get(Appointment, appointment.id).status == AppointmentStatus.CONFIRMED
        assert "48 heures" in session.get(AppointmentRequest, request_id).refusal_reason


def test_late_cancellation_accepted_as_an_exception_is_audited(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    appointment = book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    request_id = ask_cancellation(database, world, appointment.id, NOW)
    seen = row(database, assistant, request_id)
    with database.transaction() as session:
        requests.accept_cancellation_request(
            session, assistant, request_id, seen.version, accept_late=True
        )
    with database.session() as session:
        summary = session.scalar(
            select(AuditEvent.summary).where(AuditEvent.action == "appointment_request.accept")
        )
    assert "exceptionnel" in summary


def test_a_cancellation_after_the_appointment_is_refused(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    appointment = book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    after = at(TUESDAY, 11)
    request_id = ask_cancellation(database, world, appointment.id, after)
    with clock.frozen(after):
        seen = row(database, assistant, request_id)
        with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
            requests.accept_cancellation_request(
                session, assistant, request_id, seen.version, accept_late=True
            )
    assert "a déjà commencé ou eu lieu" in refused.value.message


def test_a_colleagues_claim_is_taken_over_only_when_asked(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    request_id = ask(database, world, world.employee.id)
    with database.transaction() as session:
        claimed = requests.claim_request(session, actors["medical_assistant"], request_id)
    assert claimed.claimed_by == "Agent medical_assistant"
    with database.transaction() as session, pytest.raises(requests.RequestClaimed) as busy:
        requests.claim_request(session, actors["administrator"], request_id)
    assert "traite cette demande depuis" in busy.value.message
    with database.transaction() as session:
        taken = requests.claim_request(session, actors["administrator"], request_id, take_over=True)
    assert taken.claimed_by == "Agent administrator"
    with database.transaction() as session:
        requests.release_request(session, actors["administrator"], request_id)
    assert row(database, actors["medical_assistant"], request_id).claimed_by is None
