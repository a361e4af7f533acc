"""A small care network for the appointment tests, at a pinned time.

Now is Monday 1 March 2027, 09:00 in Paris. The centre opens Monday to Friday
08:00–12:30 and 13:30–18:00; Dr Martin consults there Monday to Friday 08:30–12:00 and
14:00–17:30 (15-minute grid), the nurse Mme Roux on Tuesday mornings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    CentreOpeningHours,
    ConsultationSession,
    Employee,
    FollowUpCategory,
    HealthProfessional,
    Member,
    ProfessionalKind,
    VisitCentre,
)
from backoffice.services.appointments import booking
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.queries import AppointmentRow
from backoffice.services.permissions import Actor
from tests import factories

NOW = clock.at_local(date(2027, 3, 1), time(9, 0))
MONDAY = date(2027, 3, 1)
TUESDAY = date(2027, 3, 2)


@contextmanager
def pinned() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return clock.at_local(day, time(hour, minute))


@dataclass
class Network:
    centre: VisitCentre
    other_centre: VisitCentre
    doctor: HealthProfessional
    other_doctor: HealthProfessional
    nurse: HealthProfessional
    member: Member
    employee: Employee
    colleague: Employee


def centre(session: Session, code: str, name: str) -> VisitCentre:
    created = VisitCentre(
        code=code,
        name=name,
        address_line1="12 rue de la Sinne",
        postcode="68100",
        city="Mulhouse",
        phone="03 89 00 00 01",
        access_notes="Parking devant le centre.",
    )
    for weekday in range(5):
        created.opening_hours += [
            CentreOpeningHours(weekday=weekday, opens_at=time(8), closes_at=time(12, 30)),
            CentreOpeningHours(weekday=weekday, opens_at=time(13, 30), closes_at=time(18)),
        ]
    session.add(created)
    session.flush()
    return created


def professional(
    session: Session,
    last_name: str,
    centre_id: int,
    *,
    kind: ProfessionalKind = ProfessionalKind.DOCTOR,
    title: str = "Dr",
    periods: tuple[tuple[int, time, time], ...] | None = None,
) -> HealthProfessional:
    created = HealthProfessional(kind=kind, title=title, first_name="Anne", last_name=last_name)
    if periods is None:
        periods = tuple(
            (weekday, start, end)
            for weekday in range(5)
            for start, end in ((time(8, 30), time(12)), (time(14), time(17, 30)))
        )
    created.sessions = [
        ConsultationSession(
            centre_id=centre_id, weekday=weekday, starts_at=start, ends_at=end, slot_minutes=15
        )
        for weekday, start, end in periods
    ]
    session.add(created)
    session.flush()
    return created


def book(
    database: Database,
    actor: Actor,
    world: Network,
    employee_id: int,
    starts: datetime,
    *,
    visit: str = "periodique",
    professional_id: int | None = None,
    centre_id: int | None = None,
) -> AppointmentRow:
    """Book through the service (Dr Martin at the main centre unless told otherwise)."""
    choice = SlotChoice(professional_id or world.doctor.id, centre_id or world.centre.id, starts)
    with database.transaction() as session:
        return booking.book_appointment(session, actor, employee_id, visit, choice)


def network(session: Session) -> Network:
    main = centre(session, "MUL", "Centre médical de Mulhouse")
    other = centre(session, "COL", "Centre médical de Colmar")
    doctor = professional(session, "Martin", main.id)
    other_doctor = professional(session, "Bernard", other.id)
    nurse = professional(
        session,
        "Roux",
        main.id,
        kind=ProfessionalKind.NURSE,
        title="Mme",
        periods=((1, time(8, 30), time(12)),),
    )
    member = factories.member(
        session,
        visit_centre_id=main.id,
        referent_professional_id=doctor.id,
        convocation_contact_name="Mme Claire Weber",
    )
    employee = factories.employee(
        session, member.id, last_name="Dupont", first_name="Léa", hired_on=date(2020, 9, 1)
    )
    colleague = factories.employee(
        session,
        member.id,
        last_name="Schmitt",
        first_name="Paul",
        civility="M.",
        follow_up_category=FollowUpCategory.SIR,
        hired_on=date(2019, 1, 7),
    )
    return Network(main, other, doctor, other_doctor, nurse, member, employee, colleague)
