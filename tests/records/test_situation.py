"""A cessation or a return recorded by staff: the consequences a portal request shows,
carried out by the same code."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    Employee,
    Member,
    MemberStatus,
)
from backoffice.services.changes.consequences import situation_consequences
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.membership import situation
from backoffice.services.permissions import Actor
from tests.appointments.builders import TUESDAY, Network, at, book


def test_a_cessation_stops_billing_exits_employees_and_cancels_appointments(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    member_id = world.member.id
    book(database, actors["medical_assistant"], world, world.employee.id, at(TUESDAY, 10))
    with database.session() as session:
        said = situation.consequences(
            session, actors["administrative"], member_id, "cessation", date(2027, 2, 28)
        )
        portal_said = situation_consequences(
            session, member_id, "cessation", date(2027, 2, 28), date(2027, 3, 1)
        )
    assert said == portal_said  # the same sentences as for a portal request
    assert said == [
        "L'adhérent est enregistré comme ayant cessé son activité le 28/02/2027 : plus "
        "aucune facture ne lui est émise ensuite (les factures déjà émises restent dues).",
        "2 salariés sont enregistrés comme sortis le 28/02/2027.",
        "1 rendez-vous à venir est annulé.",
    ]
    with database.session() as session:
        version = session.get(Member, member_id).version
    with database.transaction() as session:
        done = situation.record_situation(
            session, actors["administrative"], member_id, version, "cessation", date(2027, 2, 28)
        )
    assert (done.employees_exited, done.appointments_cancelled) == (2, 1)
    with database.session() as session:
        member = session.get(Member, member_id)
        assert (member.status, member.ceased_on) == (MemberStatus.CEASED, date(2027, 2, 28))
        assert set(session.scalars(select(Employee.exited_on))) == {date(2027, 2, 28)}
        assert session.scalar(select(Appointment.status)) == AppointmentStatus.CANCELLED
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "member.situation"))
        assert event.after["status"] == "ceased" and "2 salariés sortis" in event.summary
    # Then it returns: active again, its former employees stay exited.
    with database.session() as session:
        said = situation.consequences(
            session, actors["administrative"], member_id, "return", date(2027, 3, 1)
        )
    assert len(said) == 2 and "restent sortis" in said[1]
    with pytest.raises(Conflict), database.transaction() as session:
        situation.record_situation(
            session, actors["administrative"], member_id, version, "return", date(2027, 3, 1)
        )
    with database.transaction() as session:
        situation.record_situation(
            session, actors["administrative"], member_id, None, "return", date(2027, 3, 1)
        )
    with database.session() as session:
        member = session.get(Member, member_id)
        assert (member.status, member.ceased_on, member.has_employees) == (
            MemberStatus.ACTIVE,
            None,
            True,
        )


def test_bad_situations_are_refused(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    member_id = world.member.id
    cases = [
        ("cessation", date(2027, 3, 5), "le 05/03/2027 est à venir"),
        ("cessation", date(2010, 1, 1), "ne peut pas précéder"),
        ("return", date(2027, 3, 1), "L'adhérent est actif"),
        ("faillite", date(2027, 3, 1), "n'est pas un changement de situation"),
        ("cessation", None, "champ obligatoire"),
    ]
    for kind, on, expected in cases:
        with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
            situation.record_situation(session, actors["administrative"], member_id, None, kind, on)
        assert expected in refused.value.message, (kind, refused.value.message)
    with pytest.raises(PermissionDenied), database.transaction() as session:
        situation.record_situation(
            session, actors["billing"], member_id, None, "cessation", date(2027, 2, 1)
        )


def test_no_more_employees_keeps_the_member_active(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    with database.transaction() as session:
        done = situation.record_situation(
            session,
            actors["administrative"],
            world.member.id,
            None,
            "no_employees",
            date(2027, 2, 28),
        )
    assert done.employees_exited == 2
    with database.session() as session:
        member = session.get(Member, world.member.id)
        assert (member.status, member.has_employees) == (MemberStatus.ACTIVE, False)
