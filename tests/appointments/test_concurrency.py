"""Two workstations at the same moment, on PostgreSQL: real threads, each with its own
session and transaction. Double booking of a professional or of an employee must be
impossible, and two assistants answering one request: one wins, the other is told."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Appointment, AppointmentStatus
from backoffice.portal import simulator
from backoffice.services.appointments import booking, requests
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.errors import ServiceError
from backoffice.services.permissions import Actor
from tests import factories
from tests.appointments.builders import TUESDAY, Network, at, network

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(pg_database: Database) -> tuple[Network, dict[str, Actor]]:
    with pg_database.transaction() as session:
        built = network(session)
        factories.portal_account(session, built.member)
        actors = factories.staff_of_every_role(session)
        session.expunge_all()
    return built, actors


def race(database: Database, *works: Callable[[object], object]) -> list[object]:
    """Run each work in its own thread and transaction, all released at once; a work's
    outcome is its result or the exception it raised."""
    start = threading.Barrier(len(works))
    outcomes: list[object] = [None] * len(works)

    def run(index: int) -> None:
        start.wait()
        try:
            with database.transaction() as session:
                # hold the transaction open a little after the work, so that the other
                # thread really runs while this one has not committed yet
                outcomes[index] = works[index](session)
                session.execute(text("SELECT pg_sleep(0.2)"))
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def active_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(Appointment.status != AppointmentStatus.CANCELLED)
        )


def test_two_bookings_of_one_professional_at_the_same_time(
    pg_database: Database, world: tuple[Network, dict[str, Actor]]
) -> None:
    net, actors = world
    choice = SlotChoice(net.doctor.id, net.centre.id, at(TUESDAY, 9))
    outcomes = race(
        pg_database,
        *(
            lambda session, employee_id=employee_id: booking.book_appointment(
                session, actors["medical_assistant"], employee_id, "periodique", choice
            )
            for employee_id in (net.employee.id, net.colleague.id)
        ),
    )
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert len(failures) == 1, outcomes
    assert isinstance(failures[0], ServiceError)
    assert "a déjà un rendez-vous" in failures[0].message
    assert active_count(pg_database) == 1


def test_two_bookings_of_one_employee_with_two_professionals(
    pg_database: Database, world: tuple[Network, dict[str, Actor]]
) -> None:
    net, actors = world
    outcomes = race(
        pg_database,
        lambda session: booking.book_appointment(
            session,
            actors["medical_assistant"],
            net.employee.id,
            "periodique",
            SlotChoice(net.doctor.id, net.centre.id, at(TUESDAY, 9)),
        ),
        lambda session: booking.book_appointment(
            session,
            actors["administrator"],
            net.employee.id,
            "periodique",
            SlotChoice(net.other_doctor.id, net.other_centre.id, at(TUESDAY, 9, 15)),
        ),
    )
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], ServiceError), outcomes
    assert "DUPONT Léa a déjà un rendez-vous" in failures[0].message
    assert active_count(pg_database) == 1


def test_two_assistants_validating_one_request(
    pg_database: Database, world: tuple[Network, dict[str, Actor]]
) -> None:
    net, actors = world
    with pg_database.transaction() as session:
        request = simulator.request_appointment(
            session, net.member.member_code, net.employee.id, "periodique"
        )
        request_id, version = request.id, request.version
    outcomes = race(
        pg_database,
        lambda session: requests.accept_booking_request(
            session,
            actors["medical_assistant"],
            request_id,
            version,
            SlotChoice(net.doctor.id, net.centre.id, at(TUESDAY, 9)),
        ),
        lambda session: requests.accept_booking_request(
            session,
            actors["administrator"],
            request_id,
            version,
            SlotChoice(net.doctor.id, net.centre.id, at(TUESDAY, 11)),
        ),
    )
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], ServiceError), outcomes
    assert "déjà été traitée" in failures[0].message
    assert active_count(pg_database) == 1


def test_the_database_itself_refuses_overlaps(
    pg_database: Database, world: tuple[Network, dict[str, Actor]]
) -> None:
    """A writer skipping the service's checks still meets the exclusion constraints."""
    net, _actors = world
    now = clock.now()

    def raw(session: object, employee_id: int, minutes: int) -> None:
        session.add(  # type: ignore[attr-defined]
            Appointment(
                member_id=net.member.id,
                employee_id=employee_id,
                professional_id=net.doctor.id,
                centre_id=net.centre.id,
                visit_type_code="periodique",
                starts_at=at(TUESDAY, 9) + timedelta(minutes=minutes),
                ends_at=at(TUESDAY, 9, 30) + timedelta(minutes=minutes),
                booked_at=now,
            )
        )
        session.flush()  # type: ignore[attr-defined]

    outcomes = race(
        pg_database,
        lambda session: raw(session, net.employee.id, 0),
        lambda session: raw(session, net.colleague.id, 15),
    )
    assert sum(isinstance(o, IntegrityError) for o in outcomes) == 1, outcomes
    assert "ex_appointments_professional_overlap" in str(
        next(o for o in outcomes if isinstance(o, IntegrityError))
    )
    assert active_count(pg_database) == 1
