"""The care network (centres, professionals, consultation sessions) and the agenda:
attended visits of the last weeks and confirmed appointments of the coming days."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.demo.bulk import BulkWriter
from backoffice.demo.data import CENTRES
from backoffice.demo.employees import EmployeeFacts
from backoffice.demo.members import MemberFacts
from backoffice.demo.people import NamePools, phone
from backoffice.models import (
    CentreOpeningHours,
    ConsultationSession,
    Employee,
    HealthProfessional,
    ProfessionalKind,
    VisitCentre,
)
from backoffice.models.employees import FollowUpCategory

MORNING = (time(8, 30), time(12, 0))
AFTERNOON = (time(13, 30), time(17, 0))


@dataclass
class CareNetwork:
    doctors_by_centre: dict[int, list[int]]
    sessions: list[tuple[int, int, int, time, time, int]]  # pro, centre, weekday, start, end, step


def build_care_network(
    session: Session, rng: random.Random, pools: NamePools, member_count: int
) -> CareNetwork:
    centre_count = min(len(CENTRES), max(4, member_count // 2500))
    professional_count = max(12, member_count // 400)
    centres: list[VisitCentre] = []
    for code, name, line1, postcode, city in CENTRES[:centre_count]:
        centre = VisitCentre(
            code=code,
            name=name,
            address_line1=line1,
            postcode=postcode,
            city=city,
            phone=phone(rng),
            email=f"centre.{code.lower()}@sante-travail-rv.fr",
            access_notes="Parking gratuit devant le centre. Accès PMR.",
        )
        for weekday in range(5):
            centre.opening_hours.append(
                CentreOpeningHours(weekday=weekday, opens_at=time(8), closes_at=time(12, 15))
            )
            centre.opening_hours.append(
                CentreOpeningHours(weekday=weekday, opens_at=time(13, 15), closes_at=time(17, 30))
            )
        centres.append(centre)
    session.add_all(centres)
    session.flush()
    network = CareNetwork({centre.id: [] for centre in centres}, [])
    for index in range(professional_count):
        centre = centres[index % len(centres)]
        is_doctor = index % 3 != 2
        female = rng.random() < 0.6
        first = rng.choice(pools.female_first if female else pools.male_first)
        last = rng.choice(pools.last)
        professional = HealthProfessional(
            kind=ProfessionalKind.DOCTOR if is_doctor else ProfessionalKind.NURSE,
            title="Dr" if is_doctor else ("Mme" if female else "M."),
            first_name=first,
            last_name=last,
            email=f"{first[0].lower()}.{last.lower().replace(' ', '')}@sante-travail-rv.fr",
            phone=phone(rng),
            secretary_name=f"{rng.choice(pools.female_first)} {rng.choice(pools.last)}",
            secretary_phone=phone(rng),
            secretary_email=f"secretariat.{centre.code.lower()}@sante-travail-rv.fr",
        )
        days_off = rng.randrange(5)
        for weekday in range(5):
            if weekday == days_off:
                continue
            for start, end in (MORNING, AFTERNOON):
                professional.sessions.append(
                    ConsultationSession(
                        centre_id=centre.id,
                        weekday=weekday,
                        starts_at=start,
                        ends_at=end,
                        slot_minutes=15,
                    )
                )
        session.add(professional)
        session.flush()
        if is_doctor:
            network.doctors_by_centre[centre.id].append(professional.id)
        network.sessions += [
            (professional.id, s.centre_id, s.weekday, s.starts_at, s.ends_at, s.slot_minutes)
            for s in professional.sessions
        ]
    return network


@dataclass
class EmployeePool:
    """A bounded sample of each centre's active employees, to book appointments for."""

    capacity: int
    rng: random.Random
    by_centre: dict[int, list[tuple[int, int, EmployeeFacts]]] = field(default_factory=dict)
    seen: dict[int, int] = field(default_factory=dict)
    new_hires: list[tuple[int, str, EmployeeFacts]] = field(default_factory=list)

    def offer(self, member: MemberFacts, account_login: str) -> None:
        if member.ceased_on is not None:
            return
        pool = self.by_centre.setdefault(member.centre_id, [])
        capacity, rand = self.capacity, self.rng.random
        count = self.seen.get(member.centre_id, 0)
        for employee in member.active:
            if employee.from_portal and len(self.new_hires) < capacity:
                self.new_hires.append((member.id, account_login, employee))
            count += 1
            if count <= capacity:
                pool.append((member.id, member.centre_id, employee))
            elif (slot := int(rand() * count)) < capacity:
                # reservoir sampling keeps a uniform sample
                pool[slot] = (member.id, member.centre_id, employee)
        self.seen[member.centre_id] = count


def book_agenda(
    writer: BulkWriter,
    rng: random.Random,
    network: CareNetwork,
    pool: EmployeePool,
    today: date,
    assistant_id: int,
    first_id: int,
) -> int:
    """Fill past and coming sessions; returns how many appointments were written."""
    used: set[int] = set()
    attended: list[dict[str, object]] = []
    next_id = first_id
    blocked = _block_sessions(writer, network, today, assistant_id)
    for day in _business_days(today - timedelta(days=28), today + timedelta(days=14)):
        for professional_id, centre_id, weekday, start, end, step in network.sessions:
            if weekday != day.weekday() or (professional_id, day, start) in blocked:
                continue
            candidates = pool.by_centre.get(centre_id, [])
            fill = 0.55 if day < today else max(0.15, 0.6 - 0.03 * (day - today).days)
            moment = clock.at_local(day, start)
            closing = clock.at_local(day, end)
            while moment < closing and candidates:
                member_id, _centre, employee = rng.choice(candidates)
                visit, minutes = _visit_for(employee, rng)
                ends = moment + timedelta(minutes=minutes)
                if ends > closing:
                    break
                if rng.random() >= fill or employee.id in used:
                    moment += timedelta(minutes=step)
                    continue
                used.add(employee.id)
                status = _status(day, today, rng)
                writer.add(
                    "appointments",
                    {
                        "id": next_id,
                        "member_id": member_id,
                        "employee_id": employee.id,
                        "professional_id": professional_id,
                        "centre_id": centre_id,
                        "visit_type_code": visit,
                        "starts_at": moment,
                        "ends_at": ends,
                        "status": status,
                        "request_id": None,
                        "booked_at": moment - timedelta(days=rng.randint(7, 40)),
                        "booked_by_id": assistant_id,
                        "cancelled_at": moment - timedelta(days=2)
                        if status == "cancelled"
                        else None,
                        "cancellation_reason": "Salarié en congés"
                        if status == "cancelled"
                        else None,
                        "outcome_recorded_at": moment + timedelta(hours=2) if day < today else None,
                        "outcome_recorded_by_id": assistant_id if day < today else None,
                        "note": None,
                        "version": 1,
                    },
                )
                if status == "attended":
                    attended.append({"employee": employee.id, "visited": day})
                next_id += 1
                moment = ends
    writer.flush()
    if attended:
        writer.connection.execute(
            update(Employee.__table__)
            .where(Employee.__table__.c.id == bindparam("employee"))
            .values(last_visit_on=bindparam("visited")),
            attended,
        )
    return next_id - first_id


BLOCK_REASONS = ("Formation continue", "Réunion de service", "Congé")


def _block_sessions(
    writer: BulkWriter, network: CareNetwork, today: date, assistant_id: int
) -> set[tuple[int, date, time]]:
    """A few coming sessions blocked (training, meeting, leave), left free of bookings."""
    days = _business_days(today + timedelta(days=2), today + timedelta(days=12))
    blocked: set[tuple[int, date, time]] = set()
    for index, (professional_id, centre_id, weekday, start, end, _step) in enumerate(
        network.sessions[::7][:6]
    ):
        day = next((d for d in days if d.weekday() == weekday), None)
        if day is None:
            continue
        blocked.add((professional_id, day, start))
        writer.add(
            "agenda_blocks",
            {
                "id": index + 1,
                "professional_id": professional_id,
                "centre_id": centre_id if index % 2 else None,
                "starts_at": clock.at_local(day, start),
                "ends_at": clock.at_local(day, end),
                "reason": BLOCK_REASONS[index % len(BLOCK_REASONS)],
                "created_by_id": assistant_id,
            },
        )
    return blocked


def _business_days(start: date, end: date) -> list[date]:
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    return [day for day in days if day.weekday() < 5]


def _visit_for(employee: EmployeeFacts, rng: random.Random) -> tuple[str, int]:
    if employee.from_portal:
        return (
            ("examen_sir", 45)
            if employee.category == FollowUpCategory.SIR
            else ("vip_embauche", 30)
        )
    draw = rng.random()
    if draw < 0.75:
        return "periodique", 30
    if draw < 0.87:
        return "reprise", 30
    return ("pre_reprise", 30) if draw < 0.93 else ("demande", 30)


def _status(day: date, today: date, rng: random.Random) -> str:
    draw = rng.random()
    if day >= today:
        return "cancelled" if draw < 0.04 else "confirmed"
    if draw < 0.85:
        return "attended"
    return "absent" if draw < 0.93 else "excused"
