"""Members: the searchable list, a member's record and its staff edits.

The list is filtered and sorted in SQL (never a proxy model over every row): a search
returns the ordered ids, and the rows of the visible part are fetched on demand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ColumnElement, case, exists, func, literal, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    AuditEvent,
    Employee,
    Instalment,
    Invoice,
    MandateStatus,
    Member,
    MemberStatus,
    SepaMandate,
    StaffUser,
    VisitCentre,
)
from backoffice.models.care_network import HealthProfessional
from backoffice.models.employees import EmployeeRiskFactor, FollowUpCategory, RiskFactor
from backoffice.services import audit, visibility
from backoffice.services.errors import Conflict, FieldError, NotFound, ValidationFailed
from backoffice.services.member_fields import cleaned as cleaned_values
from backoffice.services.member_fields import field_errors, member_fields
from backoffice.services.membership.sirets import siret_taken
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.visibility import FieldGroup, Visibility
from backoffice.text import fold

SORT_COLUMNS = {
    "member_code": Member.member_code,
    "legal_name": Member.legal_name,
    "siret": Member.siret,
    "postcode": Member.postcode,
    "city": Member.city,
    "status": Member.status,
    "joined_on": Member.joined_on,
}


BILLING_SORTS = ("sepa", "overdue")


def sees_billing(session: Session, actor: Actor) -> bool:
    """Whether the staff member may know a member's mandate (IBAN, BIC, RUM) and debts:
    need to know, the others get none of it in the data (not only on the screen)."""
    return visibility.of(session, actor).sees(FieldGroup.BANK)


@dataclass(frozen=True)
class MemberQuery:
    text: str = ""
    status: MemberStatus | None = None
    sepa: bool | None = None  # True: with an active mandate; False: without
    centre_id: int | None = None
    overdue_only: bool = False
    sort: str = "legal_name"
    descending: bool = False


def overdue_condition(member_id: ColumnElement[int], today: date) -> ColumnElement[bool]:
    """The member has an instalment past its due date and not settled."""
    return exists().where(
        Invoice.member_id == member_id,
        Instalment.invoice_id == Invoice.id,
        Instalment.due_on < today,
        Instalment.superseded_at.is_(None),
        Instalment.amount_cents > Instalment.paid_cents + Instalment.credited_cents,
    )


def active_employees() -> ColumnElement[int]:
    """The member's employees still present (a correlated subquery on an indexed key)."""
    return (
        select(func.count())
        .where(Employee.member_id == Member.id, Employee.exited_on.is_(None))
        .scalar_subquery()
    )


def has_active_mandate() -> ColumnElement[bool]:
    return exists().where(
        SepaMandate.member_id == Member.id, SepaMandate.status == MandateStatus.ACTIVE
    )


def sort_column(key: str, today: date) -> ColumnElement[Any]:
    """What the list sorts on for ``key`` (every column of the list, in SQL); flags sort
    as 0/1 and a member without a centre before the others, on both databases."""
    if key == "centre":
        name = select(VisitCentre.name).where(VisitCentre.id == Member.visit_centre_id)
        return func.coalesce(name.scalar_subquery(), "")
    if key == "employees":
        return active_employees()
    if key == "sepa":
        return case((has_active_mandate(), 1), else_=0)
    if key == "overdue":
        return case((overdue_condition(Member.id, today), 1), else_=0)
    return SORT_COLUMNS.get(key, Member.legal_name)


def _like_token(token: str) -> str:
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_member_ids(session: Session, actor: Actor, query: MemberQuery) -> list[int]:
    require(session, actor, Permission.MEMBERS_VIEW)
    if query.sepa is not None or query.overdue_only or query.sort in BILLING_SORTS:
        require(session, actor, Permission.BILLING_VIEW)  # they tell of mandates and debts
    statement = select(Member.id)
    for token in fold(query.text).split():
        statement = statement.where(Member.search_text.like(_like_token(token), escape="\\"))
    if query.status is not None:
        statement = statement.where(Member.status == query.status)
    if query.centre_id is not None:
        statement = statement.where(Member.visit_centre_id == query.centre_id)
    if query.sepa is not None:
        has_mandate = has_active_mandate()
        statement = statement.where(has_mandate if query.sepa else ~has_mandate)
    if query.overdue_only:
        statement = statement.where(overdue_condition(Member.id, clock.today()))
    column = sort_column(query.sort, clock.today())
    ordering = column.desc() if query.descending else column.asc()
    statement = statement.order_by(ordering, Member.id.desc() if query.descending else Member.id)
    # Plain Core: tens of thousands of ids without the ORM's per-row work, fetched in
    # partitions so that the GUI thread gets the GIL between them.
    result = session.connection().execute(statement.execution_options(yield_per=2000))
    return [member_id for part in result.scalars().partitions() for member_id in part]


@dataclass(frozen=True)
class MemberRow:
    id: int
    member_code: str
    legal_name: str
    trade_name: str | None
    siret: str
    postcode: str
    city: str
    status: MemberStatus
    centre: str | None
    sepa: bool | None  # None: the role may not know (see sees_billing)
    employees: int
    overdue: bool | None


def member_rows(session: Session, actor: Actor, ids: list[int]) -> list[MemberRow]:
    """The rows of ``ids`` (a page of the list), in the same order, in one query: each row's
    employee count, mandate and overdue flag are correlated subqueries on indexed keys."""
    require(session, actor, Permission.MEMBERS_VIEW)
    if not ids:
        return []
    employees = active_employees()
    billing = sees_billing(session, actor)
    unknown = literal(None, Boolean)
    statement = (
        select(
            Member.id,
            Member.member_code,
            Member.legal_name,
            Member.trade_name,
            Member.siret,
            Member.postcode,
            Member.city,
            Member.status,
            VisitCentre.name,
            has_active_mandate() if billing else unknown,
            employees,
            overdue_condition(Member.id, clock.today()) if billing else unknown,
        )
        .outerjoin(VisitCentre, Member.visit_centre_id == VisitCentre.id)
        .where(Member.id.in_(ids))
    )
    flag = bool if billing else lambda _value: None
    by_id = {
        row[0]: MemberRow(*row[:9], flag(row[9]), row[10] or 0, flag(row[11]))
        for row in session.execute(statement)
    }
    return [by_id[member_id] for member_id in ids if member_id in by_id]


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


def centre_choices(session: Session) -> list[Choice]:
    return [
        Choice(centre.id, centre.name)
        for centre in session.scalars(select(VisitCentre).order_by(VisitCentre.name))
    ]


def professional_choices(session: Session) -> list[Choice]:
    return [
        Choice(p.id, p.display_name)
        for p in session.scalars(
            select(HealthProfessional)
            .where(HealthProfessional.is_active)
            .order_by(HealthProfessional.last_name)
        )
    ]


# -- one member ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MandateSummary:
    rum: str
    iban: str
    bic: str
    signed_on: date


@dataclass(frozen=True)
class MemberDetail:
    id: int
    member_code: str
    version: int
    status: MemberStatus
    ceased_on: date | None
    has_employees: bool
    values: dict[str, object]  # the editable fields the role may see, by name (see visibility)
    visit_centre_id: int | None
    referent_professional_id: int | None
    centre_name: str | None
    referent_name: str | None
    mandate: MandateSummary | None
    updated_at: datetime


def member_detail(session: Session, actor: Actor, member_id: int) -> MemberDetail:
    """The record; its mandate and billing fields only for a role that may know them (none
    at all otherwise)."""
    require(session, actor, Permission.MEMBERS_VIEW)
    return _detail(session, _member(session, member_id), visibility.of(session, actor))


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(tr("This member no longer exists."))
    return member


def _detail(session: Session, member: Member, seen: Visibility) -> MemberDetail:
    mandate = (
        session.scalar(
            select(SepaMandate).where(
                SepaMandate.member_id == member.id, SepaMandate.status == MandateStatus.ACTIVE
            )
        )
        if seen.sees(FieldGroup.BANK)
        else None
    )
    values = seen.strip({name: getattr(member, name) for name in member_fields()})
    assert values is not None
    return MemberDetail(
        id=member.id,
        member_code=member.member_code,
        version=member.version,
        status=member.status,
        ceased_on=member.ceased_on,
        has_employees=member.has_employees,
        values=values,
        visit_centre_id=member.visit_centre_id,
        referent_professional_id=member.referent_professional_id,
        centre_name=member.visit_centre.name if member.visit_centre else None,
        referent_name=member.referent_professional.display_name
        if member.referent_professional
        else None,
        mandate=MandateSummary(mandate.rum, mandate.iban, mandate.bic, mandate.signed_on)
        if mandate
        else None,
        updated_at=member.updated_at,
    )


class MemberConflict(Conflict):
    """The record changed since the form was opened; ``current`` is what it is now."""

    def __init__(self, current: MemberDetail) -> None:
        super().__init__(
            tr(
                "This member's record was changed by someone else (a colleague or "
                "an approved portal change) since you opened it. Compare your "
                "values with the current ones before saving again."
            )
        )
        self.current = current


ASSIGNMENT_FIELDS = ("visit_centre_id", "referent_professional_id")


def update_member(
    session: Session, actor: Actor, member_id: int, expected_version: int, values: dict[str, object]
) -> MemberDetail:
    """Save a staff edit of the record (greyed portal fields included). Refused whole when
    a value is invalid, or when someone else changed the record since ``expected_version``."""
    require(session, actor, Permission.MEMBERS_EDIT)
    member = _member(session, member_id)
    if member.version != expected_version:
        raise MemberConflict(_detail(session, member, visibility.of(session, actor)))
    editable = set(member_fields()) | set(ASSIGNMENT_FIELDS)
    unknown = set(values) - editable
    if unknown:
        raise ValidationFailed(
            [
                FieldError(name, tr("{field} cannot be edited here.", field=name))
                for name in sorted(unknown)
            ]
        )
    cleaned = cleaned_values(values)
    errors = [
        FieldError(name, message)
        for name, message in field_errors(
            {k: v for k, v in cleaned.items() if k not in ASSIGNMENT_FIELDS}
        )
    ]
    siret = cleaned.get("siret")
    if isinstance(siret, str) and not any(error.field == "siret" for error in errors):
        taken = siret_taken(session, siret, member.id)
        if taken:
            errors.append(FieldError("siret", taken))
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(member, list(cleaned))
    for name, value in cleaned.items():
        setattr(member, name, value)
    session.flush()
    changed_before, changed_after = audit.changed_fields(
        before, audit.snapshot(member, list(cleaned))
    )
    if changed_after:
        audit.record(
            session,
            actor,
            "member.edit",
            "member",
            member.id,
            member_id=member.id,
            summary=tr("Record edited by staff"),
            before=changed_before,
            after=changed_after,
        )
    session.expire(member)
    return _detail(session, member, visibility.of(session, actor))


# -- employees, history --------------------------------------------------------------------


class EmployeeState(StrEnum):
    """The portal's colours: white (complete), green (added), red (exited)."""

    COMPLETE = "complete"
    ADDED = "added"
    EXITED = "exited"


@dataclass(frozen=True)
class EmployeeRow:
    id: int
    civility: str | None
    last_name: str
    first_name: str
    birth_date: date | None
    pcs_code: str | None
    job_title: str | None
    category: FollowUpCategory
    risks: tuple[str, ...]
    hired_on: date
    exited_on: date | None
    last_visit_on: date | None
    state: EmployeeState = field(default=EmployeeState.COMPLETE)
    risk_labels: tuple[str, ...] = ()  # the risk factors' names, in the order of ``risks``


def employee_state(hired_on: date, exited_on: date | None, today: date) -> EmployeeState:
    if exited_on is not None:
        return EmployeeState.EXITED
    if hired_on.year == today.year:
        # Added since the year's declaration, on the portal or by staff: not in the
        # declaration, possibly to regularise.
        return EmployeeState.ADDED
    return EmployeeState.COMPLETE


def member_employees(session: Session, actor: Actor, member_id: int) -> list[EmployeeRow]:
    require(session, actor, Permission.MEMBERS_VIEW)
    today = clock.today()
    columns = (
        Employee.id,
        Employee.civility,
        Employee.last_name,
        Employee.first_name,
        Employee.birth_date,
        Employee.pcs_code,
        Employee.job_title,
        Employee.follow_up_category,
        Employee.hired_on,
        Employee.exited_on,
        Employee.last_visit_on,
    )
    rows = session.execute(
        select(*columns)
        .where(Employee.member_id == member_id)
        .order_by(Employee.last_name, Employee.first_name)
    ).all()
    if not visibility.of(session, actor).sees(FieldGroup.HEALTH):
        # Birth dates, risk factors and visits are health data: none at all for this role.
        return [_employee_row(row, (), {}, today, health=False) for row in rows]
    risks = risk_codes(session, [row.id for row in rows])
    labels: dict[str, str] = dict(session.execute(select(RiskFactor.code, RiskFactor.label)).all())
    return [_employee_row(row, tuple(sorted(risks.get(row.id, ()))), labels, today) for row in rows]


def _employee_row(
    row: Any, risks: tuple[str, ...], labels: dict[str, str], today: date, *, health: bool = True
) -> EmployeeRow:
    return EmployeeRow(
        row.id,
        row.civility,
        row.last_name,
        row.first_name,
        row.birth_date if health else None,
        row.pcs_code,
        row.job_title,
        row.follow_up_category,
        risks,
        row.hired_on,
        row.exited_on,
        row.last_visit_on if health else None,
        employee_state(row.hired_on, row.exited_on, today),
        tuple(labels.get(code, code) for code in risks),
    )


def risk_codes(session: Session, employee_ids: list[int]) -> dict[int, list[str]]:
    """The risk factors of these employees, looked up by their ids (the primary key's
    index), a few thousand at a time: a join makes PostgreSQL scan the whole table."""
    risks: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(employee_ids), 5000):
        chunk = employee_ids[start : start + 5000]
        for employee_id, code in session.execute(
            select(EmployeeRiskFactor.employee_id, EmployeeRiskFactor.risk_code).where(
                EmployeeRiskFactor.employee_id.in_(chunk)
            )
        ):
            risks[employee_id].append(code)
    return risks


@dataclass(frozen=True)
class HistoryRow:
    occurred_at: datetime
    actor: str
    action: str
    summary: str | None
    before: dict[str, object] | None
    after: dict[str, object] | None


def member_history(
    session: Session, actor: Actor, member_id: int, limit: int = 500
) -> list[HistoryRow]:
    """The member's history, newest first; ``actor`` is the staff member's name when a
    staff member acted (else the recorded label: ``portal:LOGIN``, ``system``)."""
    require(session, actor, Permission.AUDIT_VIEW)
    return history_rows(session, actor, AuditEvent.member_id == member_id, limit)


def history_rows(
    session: Session, actor: Actor, condition: ColumnElement[bool], limit: int
) -> list[HistoryRow]:
    """The audit events matching ``condition``, newest first, without the fields the
    role may not see in their before and after (``visibility``)."""
    events = session.execute(
        select(AuditEvent, StaffUser.full_name)
        .outerjoin(StaffUser, AuditEvent.staff_id == StaffUser.id)
        .where(condition)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    seen = visibility.of(session, actor)
    return [
        HistoryRow(
            e.occurred_at,
            name or e.actor,
            e.action,
            e.summary,
            seen.strip(e.before),
            seen.strip(e.after),
        )
        for e, name in events
    ]


def search_members(
    session: Session, actor: Actor, query: MemberQuery, first_page: int = 60
) -> tuple[list[int], list[MemberRow]]:
    """The ordered ids of the matching members, and the rows of the first page: one round
    trip for what the list shows first."""
    ids = search_member_ids(session, actor, query)
    return ids, member_rows(session, actor, ids[:first_page])
