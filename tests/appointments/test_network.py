"""The care network: centres and opening hours, professionals and sessions, kinds of
visit, agenda blocks, referents — edited by administrators, refused when it would strand
booked appointments."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import time

import pytest
from sqlalchemy import delete, select

from backoffice.db import Database
from backoffice.models import AuditEvent, Member, ProfessionalKind, VisitType
from backoffice.services import audit
from backoffice.services.appointments import blocks, booking, centres, professionals
from backoffice.services.appointments import visit_types as visits
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.periods import WeeklyHours
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests.appointments.builders import MONDAY, TUESDAY, Network, at, book


def centre_row(database: Database, actor: Actor, centre_id: int) -> centres.CentreRow:
    with database.session() as session:
        return next(c for c in centres.list_centres(session, actor) if c.id == centre_id)


def professional_row(database: Database, actor: Actor, pro_id: int):
    with database.session() as session:
        return professionals.list_professionals(session, actor, only=pro_id)[0]


def test_a_new_centre_with_its_opening_hours(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    admin = actors["administrator"]
    values = centres.CentreValues(
        code="THA",
        name="Centre médical de Thann",
        address_line1="5 rue de la Gare",
        postcode="68800",
        city="Thann",
        opening=(WeeklyHours(0, time(8), time(12)), WeeklyHours(0, time(14), time(17))),
    )
    with database.transaction() as session:
        created = centres.save_centre(session, admin, None, None, values)
    assert created.values.opening == values.opening
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        centres.save_centre(
            session,
            admin,
            None,
            None,
            replace(
                values,
                postcode="6880",
                opening=(WeeklyHours(2, time(8), time(12)), WeeklyHours(2, time(11), time(13))),
            ),
        )
    assert {error.field for error in refused.value.errors} == {"code", "postcode", "opening"}
    assert "THA" in refused.value.message and "se chevauchent" in refused.value.message
    with database.transaction() as session, pytest.raises(PermissionDenied):
        centres.save_centre(session, actors["medical_assistant"], None, None, values)


def test_hours_that_would_strand_appointments_are_refused(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    admin = actors["administrator"]
    book(database, actors["medical_assistant"], world, world.employee.id, at(TUESDAY, 16))
    current = centre_row(database, admin, world.centre.id)
    mornings = tuple(h for h in current.values.opening if h.starts < time(12))
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        centres.save_centre(
            session, admin, current.id, current.version, replace(current.values, opening=mornings)
        )
    assert "02/03/2027 de 16:00 à 16:30" in refused.value.message
    with database.transaction() as session, pytest.raises(ValidationFailed) as closing:
        centres.save_centre(
            session, admin, current.id, current.version, replace(current.values, is_active=False)
        )
    assert "un rendez-vous à venir" in closing.value.message
    with database.transaction() as session:
        saved = centres.save_centre(
            session,
            admin,
            current.id,
            current.version,
            replace(current.values, phone="03 89 11 22 33"),
        )
    assert saved.version == current.version + 1
    with database.transaction() as session, pytest.raises(Conflict):
        centres.save_centre(session, admin, current.id, current.version, current.values)


def test_a_professional_with_sessions_inside_the_centres_hours(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    admin = actors["administrator"]
    session_values = professionals.SessionValues(world.centre.id, 3, time(8, 30), time(12), 20)
    values = professionals.ProfessionalValues(
        kind=ProfessionalKind.NURSE,
        title="M.",
        first_name="Hugo",
        last_name="Keller",
        email="h.keller@exemple.fr",
        sessions=(session_values,),
    )
    with database.transaction() as session:
        created = professionals.save_professional(session, admin, None, None, values)
    assert created.display_name == "M. Hugo Keller"
    assert created.centres == "Centre médical de Mulhouse"
    late = replace(session_values, starts_at=time(17), ends_at=time(19))
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        professionals.save_professional(
            session, admin, created.id, created.version, replace(values, sessions=(late,))
        )
    assert "n'est pas ouvert" in refused.value.message


def test_a_referent_with_appointments_cannot_leave_before_they_are_moved(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    admin = actors["administrator"]
    book(database, actors["medical_assistant"], world, world.employee.id, at(TUESDAY, 9))
    current = professional_row(database, admin, world.doctor.id)
    assert current.members == 1
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        professionals.save_professional(
            session, admin, current.id, current.version, replace(current.values, is_active=False)
        )
    assert "un rendez-vous à venir" in refused.value.message
    assert "référent d'un adhérent" in refused.value.message
    no_tuesday = tuple(s for s in current.values.sessions if s.weekday != 1)
    with database.transaction() as session, pytest.raises(ValidationFailed) as stranded:
        professionals.save_professional(
            session,
            admin,
            current.id,
            current.version,
            replace(current.values, sessions=no_tuesday),
        )
    assert "tomberait en dehors (le 02/03/2027 de 09:00" in stranded.value.message
    with database.transaction() as session:
        moved = professionals.reassign_members(
            session, admin, world.doctor.id, world.other_doctor.id
        )
    assert moved == 1
    with database.session() as session:
        assert (
            session.get(Member, world.member.id).referent_professional_id == world.other_doctor.id
        )
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "member.referent"))
        assert event.member_id == world.member.id


@pytest.fixture
def reference_visit_types(database: Database) -> Iterator[None]:
    """Visit types are reference data, kept between PostgreSQL tests: put them back."""
    with database.session() as session:
        kept = [audit.snapshot(visit) for visit in session.scalars(select(VisitType))]
    yield
    with database.transaction() as session:
        session.execute(delete(VisitType).where(VisitType.code.not_in([v["code"] for v in kept])))
        for values in kept:
            session.merge(VisitType(**values))


def test_visit_types_keep_their_code(
    database: Database, actors: dict[str, Actor], world: Network, reference_visit_types: None
) -> None:
    admin = actors["administrator"]
    with database.session() as session:
        vip = next(v for v in visits.list_visit_types(session, admin) if v.code == "vip_embauche")
    assert vip.duration_minutes == 30 and vip.is_hiring_visit
    with database.transaction() as session:
        visits.save_visit_type(session, admin, replace(vip, duration_minutes=40), create=False)
        created = visits.save_visit_type(
            session,
            admin,
            visits.VisitTypeRow("occasionnelle", "Visite occasionnelle", 20),
            create=True,
        )
        assert created.position > vip.position
    with database.session() as session:
        assert session.get(VisitType, "vip_embauche").duration_minutes == 40
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        visits.save_visit_type(session, admin, visits.VisitTypeRow("Bad Code", "", 2), create=True)
    assert {error.field for error in refused.value.errors} == {"code", "label", "duration_minutes"}


def test_blocks_refuse_booked_periods_and_can_be_removed(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        blocks.add_block(
            session, assistant, world.doctor.id, at(TUESDAY, 8), at(TUESDAY, 12), "Congé"
        )
    assert "un rendez-vous y est réservé (le 02/03/2027" in refused.value.message
    with database.transaction() as session, pytest.raises(ValidationFailed) as past:
        blocks.add_block(session, assistant, world.doctor.id, at(MONDAY, 7), at(MONDAY, 8), "Congé")
    assert past.value.errors[0].field == "ends_at"
    with database.transaction() as session:
        block = blocks.add_block(
            session, assistant, world.doctor.id, at(TUESDAY, 14), at(TUESDAY, 16), "Formation"
        )
    with database.transaction() as session, pytest.raises(ValidationFailed) as blocked:
        booking.book_appointment(
            session,
            assistant,
            world.colleague.id,
            "periodique",
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 15)),
        )
    assert "Formation" in blocked.value.message
    with database.transaction() as session:
        blocks.remove_block(session, assistant, block.id)
        assert booking.book_appointment(
            session,
            assistant,
            world.colleague.id,
            "periodique",
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 15)),
        ).id
    with database.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "agenda_block")
        ).all()
    assert actions == ["agenda_block.add", "agenda_block.remove"]
