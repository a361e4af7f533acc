"""What the records concerned by some requests hold now (members, employees, mandates), and
the approved changes still waiting for their effective date on the same fields.

Read in a few queries for many requests at once; values are compared as the portal's text
(``encode_value``) so that "the member saw X, the record now holds Y" is a string compare.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.models import (
    PORTAL_EDITABLE_MEMBER_FIELDS,
    ChangeKind,
    ChangeRequest,
    ChangeRequestField,
    Employee,
    EmployeeRiskFactor,
    MandateStatus,
    Member,
    MemberStatus,
    RiskFactor,
    SepaMandate,
)
from backoffice.models.change_requests import SUBMITTABLE_FIELDS, FieldDecision, encode_value
from backoffice.models.employees import FollowUpCategory
from backoffice.services.changes.facts import DECIDED_APPROVED, RequestFacts, chunks
from backoffice.services.sql_values import among

MEMBER_COLUMNS = (
    "id",
    "member_code",
    "legal_name",
    "siret",
    "status",
    "ceased_on",
    "has_employees",
    "joined_on",
    "version",
    *PORTAL_EDITABLE_MEMBER_FIELDS,
)
EMPLOYEE_COLUMNS = (
    "id",
    "member_id",
    *(name for name in SUBMITTABLE_FIELDS[ChangeKind.EMPLOYEE_ADDED] if name != "risk_factors"),
    *SUBMITTABLE_FIELDS[ChangeKind.EMPLOYEE_EXITED],
)
TargetKey = tuple[str, int, str]  # ("member" | "employee" | "situation" | "mandate", id, field)


@dataclass(frozen=True)
class MandateFacts:
    rum: str
    iban: str
    bic: str
    email: str | None


@dataclass(frozen=True)
class Scheduled:
    """An approved value of another request, waiting for its effective date."""

    request_id: int
    value: str | None
    effective_on: date


@dataclass
class Records:
    members: dict[int, dict[str, Any]] = field(default_factory=dict)
    employees: dict[int, dict[str, Any]] = field(default_factory=dict)
    mandates: dict[int, MandateFacts] = field(default_factory=dict)
    risks: dict[str, tuple[str, FollowUpCategory]] = field(default_factory=dict)
    scheduled: dict[TargetKey, Scheduled] = field(default_factory=dict)
    risk_labels: dict[str, str] = field(default_factory=dict)


def load_records(
    session: Session,
    requests: Collection[RequestFacts],
    *,
    lock_members: bool = False,
    with_scheduled: bool = True,
) -> Records:
    member_ids = sorted({r.member_id for r in requests if r.member_id is not None})
    employee_ids = sorted({r.employee_id for r in requests if r.employee_id is not None})
    records = Records()
    session.flush()  # then read on the connection: no ORM overhead per row
    execute = session.connection().execute
    records.risks = {
        code: (label, category)
        for code, label, category in execute(
            select(RiskFactor.code, RiskFactor.label, RiskFactor.category)
        )
    }
    records.risk_labels = {code: label for code, (label, _category) in records.risks.items()}
    member_columns = [getattr(Member, name) for name in MEMBER_COLUMNS]
    for part in chunks(member_ids):
        statement = select(*member_columns).where(among(session, Member.id, part))
        if lock_members:
            statement = statement.order_by(Member.id).with_for_update()
        for row in execute(statement):
            records.members[row.id] = dict(row._mapping)
        for row in execute(
            select(SepaMandate.member_id, SepaMandate.rum, SepaMandate.iban, SepaMandate.bic)
            .add_columns(SepaMandate.email)
            .where(
                among(session, SepaMandate.member_id, part),
                SepaMandate.status == MandateStatus.ACTIVE,
            )
        ):
            records.mandates[row[0]] = MandateFacts(*row[1:])
    _load_employees(session, employee_ids, records)
    if with_scheduled:
        _load_scheduled(session, member_ids, {r.id for r in requests}, records)
    return records


def _load_employees(session: Session, employee_ids: list[int], records: Records) -> None:
    columns = [getattr(Employee, name) for name in EMPLOYEE_COLUMNS]
    for part in chunks(employee_ids):
        for row in session.execute(select(*columns).where(among(session, Employee.id, part))):
            records.employees[row.id] = dict(row._mapping, risk_factors=[])
        for employee_id, code in session.execute(
            select(EmployeeRiskFactor.employee_id, EmployeeRiskFactor.risk_code).where(
                among(session, EmployeeRiskFactor.employee_id, part)
            )
        ):
            records.employees[employee_id]["risk_factors"].append(code)


def _load_scheduled(
    session: Session, member_ids: list[int], exclude: set[int], records: Records
) -> None:
    for part in chunks(member_ids):
        rows = session.execute(
            select(
                ChangeRequest.id,
                ChangeRequest.kind,
                ChangeRequest.member_id,
                ChangeRequest.employee_id,
                ChangeRequest.effective_on,
                ChangeRequestField.field_name,
                ChangeRequestField.submitted_value,
            )
            .join(ChangeRequestField)
            .where(
                among(session, ChangeRequest.member_id, part),
                ChangeRequest.status.in_(DECIDED_APPROVED),
                ChangeRequest.applied_at.is_(None),
                ChangeRequestField.decision == FieldDecision.APPROVED,
            )
            .order_by(ChangeRequest.effective_on, ChangeRequest.id)
        )
        for request_id, kind, member_id, employee_id, effective_on, name, value in rows:
            if request_id in exclude:
                continue
            key = target_key(kind, member_id, employee_id, name)
            if key is not None:
                records.scheduled[key] = Scheduled(request_id, value, effective_on)


def target_key(
    kind: ChangeKind, member_id: int | None, employee_id: int | None, name: str
) -> TargetKey | None:
    """Which record's field a request's field changes (None for a new employee)."""
    if kind == ChangeKind.COMPANY_RECORD and member_id is not None:
        return ("member", member_id, name)
    if kind == ChangeKind.SITUATION and member_id is not None:
        return ("situation", member_id, name)
    if kind == ChangeKind.SEPA_OPT_IN and member_id is not None:
        return ("mandate", member_id, name)
    if kind in (ChangeKind.EMPLOYEE_EXITED, ChangeKind.EMPLOYEE_UPDATED) and employee_id:
        return ("employee", employee_id, name)
    return None


def current_text(records: Records, request: RequestFacts, name: str) -> str | None:
    """The record's value of a request's field now, as text (None when there is none)."""
    member = records.members.get(request.member_id or 0)
    if request.kind == ChangeKind.COMPANY_RECORD:
        return encode_value(member.get(name)) if member else None
    if request.kind == ChangeKind.SITUATION:
        return _situation_text(member, name)
    if request.kind == ChangeKind.SEPA_OPT_IN:
        mandate = records.mandates.get(request.member_id or 0)
        return getattr(mandate, name) if mandate else None
    employee = records.employees.get(request.employee_id or 0)
    if request.kind == ChangeKind.EMPLOYEE_ADDED or employee is None:
        return None
    return encode_value(employee.get(name))


def _situation_text(member: dict[str, Any] | None, name: str) -> str | None:
    if member is None:
        return None
    ceased = member["status"] == MemberStatus.CEASED
    if name == "situation":
        return "cessation" if ceased else (None if member["has_employees"] else "no_employees")
    return encode_value(member["ceased_on"]) if ceased else None
