"""Booking many employees at once, from the list of those who need a visit.

Each employee gets the first free slot, in the chosen days, of the chosen professional
(by default the member's referent) at the chosen centre (by default the member's), one
after the other, through the ordinary booking rules. An employee for whom no slot is
found is reported, not an error; a broken rule is reported the same way. Cancelling
rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import Employee, Member, VisitType
from backoffice.services.appointments.availability import (
    availabilities,
    busy_periods,
    opening_hours,
)
from backoffice.services.appointments.booking import SlotChoice, create_appointment
from backoffice.services.appointments.needs import NeedKind, visit_for
from backoffice.services.appointments.periods import Period, days_between
from backoffice.services.appointments.queries import (
    AppointmentFilter,
    AppointmentRow,
    appointment_rows,
    employee_label,
)
from backoffice.services.appointments.slots import Availability, Slot, free_slots
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress

MAX_DAYS = 92


@dataclass(frozen=True)
class BulkPlan:
    employee_ids: list[int]
    kind: NeedKind  # decides each employee's visit type
    first_day: date
    last_day: date
    professional_id: int | None = None  # None: each member's referent
    centre_id: int | None = None  # None: each member's centre


@dataclass(frozen=True)
class Unplaced:
    employee_id: int
    employee: str
    reason: str


@dataclass(frozen=True)
class BulkOutcome:
    booked: list[AppointmentRow]
    unplaced: list[Unplaced]


def _check(plan: BulkPlan) -> None:
    errors = []
    if not plan.employee_ids:
        errors.append(FieldError("employees", tr("Employees: select at least one employee.")))
    if plan.first_day < clock.today():
        errors.append(FieldError("first_day", tr("From: the first day cannot be in the past.")))
    if plan.last_day < plan.first_day:
        errors.append(FieldError("last_day", tr("Until: the last day comes before the first.")))
    elif (plan.last_day - plan.first_day).days > MAX_DAYS:
        errors.append(
            FieldError("last_day", tr("Until: book over three months at the most at once."))
        )
    if errors:
        raise ValidationFailed(errors)


def book_in_bulk(session: Session, actor: Actor, plan: BulkPlan, progress: Progress) -> BulkOutcome:
    require(session, actor, Permission.APPOINTMENTS_MANAGE)
    _check(plan)
    people = session.execute(
        select(Employee, Member)
        .join(Member, Employee.member_id == Member.id)
        .where(Employee.id.in_(plan.employee_ids))
    ).all()
    order = {employee_id: index for index, employee_id in enumerate(plan.employee_ids)}
    people.sort(key=lambda pair: order[pair[0].id])
    targets = {
        employee.id: (
            plan.professional_id or member.referent_professional_id,
            plan.centre_id or member.visit_centre_id,
        )
        for employee, member in people
    }
    finder = _SlotFinder(session, plan, targets)
    booked_ids: list[int] = []
    unplaced: list[Unplaced] = []
    for done, (employee, _member) in enumerate(people):
        progress.step(done, len(people), employee_label(employee.last_name, employee.first_name))
        visit = visit_for(plan.kind, employee.follow_up_category)
        professional_id, centre_id = targets[employee.id]
        reason, slot = finder.first_slot(employee.id, professional_id, centre_id, visit)
        if slot is not None:
            try:
                appointment = create_appointment(
                    session,
                    actor,
                    employee.id,
                    visit,
                    SlotChoice(slot.professional_id, slot.centre_id, slot.starts_at),
                )
            except ValidationFailed as refusal:
                reason = refusal.message
            else:
                finder.taken(employee.id, slot)
                booked_ids.append(appointment.id)
                continue
        unplaced.append(
            Unplaced(employee.id, employee_label(employee.last_name, employee.first_name), reason)
        )
    progress.step(len(people), len(people))
    booked = appointment_rows(session, actor, AppointmentFilter(ids=booked_ids))
    return BulkOutcome(booked, unplaced)


class _SlotFinder:
    """Availability of the professionals concerned, read once and updated as slots go."""

    def __init__(
        self, session: Session, plan: BulkPlan, targets: dict[int, tuple[int | None, int | None]]
    ) -> None:
        professional_ids = {p for p, _c in targets.values() if p is not None}
        centre_ids = {c for _p, c in targets.values() if c is not None}
        self.plan = plan
        self.days = days_between(plan.first_day, plan.last_day)
        self.availability: dict[int, Availability] = availabilities(
            session, professional_ids, plan.first_day, plan.last_day
        )
        self.opening = opening_hours(session, centre_ids)
        self.busy = busy_periods(session, plan.first_day, plan.last_day, employee_ids=targets)
        self.durations = {
            visit.code: visit.duration_minutes for visit in session.scalars(select(VisitType))
        }

    def first_slot(
        self, employee_id: int, professional_id: int | None, centre_id: int | None, visit: str
    ) -> tuple[str, Slot | None]:
        if professional_id is None or centre_id is None:
            return tr("The member has no referent professional or no visit centre."), None
        slot = next(
            free_slots(
                self.availability[professional_id],
                self.opening,
                self.days,
                self.durations[visit],
                not_before=clock.now(),
                centre_id=centre_id,
                employee_busy=self.busy.get(employee_id, []),
            ),
            None,
        )
        if slot is None:
            return (
                tr(
                    "No free slot between {first} and {last}.",
                    first=format_day(self.plan.first_day),
                    last=format_day(self.plan.last_day),
                ),
                None,
            )
        return "", slot

    def taken(self, employee_id: int, slot: Slot) -> None:
        period = Period(slot.starts_at, slot.ends_at)
        self.availability[slot.professional_id].take(period)
        self.busy.setdefault(employee_id, []).append(period)
        self.busy[employee_id].sort()
