"""One employee recorded by staff: added, edited, exited (its future appointments
cancelled, as for a portal exit) or reinstated (an exit recorded by mistake).

Values are named and checked as the portal's requests (``checks``); the follow-up
category is the declared one raised to what the risk factors require. A hire gets the
hiring visit it needs named, so that staff can book it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backoffice import dates
from backoffice.i18n import ntr, tr
from backoffice.models import Employee, EmployeeOrigin, EmployeeRiskFactor, Member, MemberStatus
from backoffice.models.employees import FollowUpCategory
from backoffice.services import audit, validation, visibility
from backoffice.services.changes import effects
from backoffice.services.changes.consequences import hiring_visit
from backoffice.services.employees.checks import EMPLOYEE_FIELDS, RiskCatalogue, label, problems
from backoffice.services.errors import Conflict, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.text import fold

STAFF_EXIT_REASON = "Sortie enregistrée par le service"
AUDITED = (*EMPLOYEE_FIELDS[:-2], "exited_on", "exit_reason")


@dataclass(frozen=True)
class EmployeeDetail:
    id: int
    member_id: int
    version: int
    values: dict[str, object]  # by field name; risk_factors a sorted list of codes


@dataclass(frozen=True)
class EmployeeSaved:
    id: int
    full_name: str
    category: FollowUpCategory
    hiring_visit: str | None  # the visit a new hire needs (None for an edit or an exit)


@dataclass(frozen=True)
class EmployeeExited:
    id: int
    full_name: str
    exited_on: date
    cancelled_appointments: int


def employee_detail(session: Session, actor: Actor, employee_id: int) -> EmployeeDetail:
    """The employee's values; birth date and risk factors only for a role that may see
    health data (``visibility``)."""
    require(session, actor, Permission.MEMBERS_VIEW)
    detail = _detail(_employee(session, employee_id))
    values = visibility.of(session, actor).strip(detail.values)
    assert values is not None
    return EmployeeDetail(detail.id, detail.member_id, detail.version, values)


def _detail(employee: Employee) -> EmployeeDetail:
    values = {name: getattr(employee, name) for name in AUDITED if name != "risk_factors"}
    values["risk_factors"] = employee.risk_codes
    values["follow_up_category"] = employee.follow_up_category.value
    return EmployeeDetail(employee.id, employee.member_id, employee.version, values)


def _employee(session: Session, employee_id: int) -> Employee:
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound(tr("This employee no longer exists."))
    return employee


def _check_version(employee: Employee, expected_version: int | None) -> None:
    if expected_version is not None and employee.version != expected_version:
        raise Conflict(
            tr(
                "This employee was changed by someone else (a colleague or an approved "
                "portal change) since you opened it. Reload it before saving again."
            )
        )


def _snapshot(employee: Employee) -> dict[str, object]:
    return {
        **audit.snapshot(employee, [n for n in AUDITED if n != "risk_factors"]),
        "risk_factors": employee.risk_codes,
    }


def _write(employee: Employee, values: dict[str, object], risks: RiskCatalogue) -> None:
    """Set the values, the risk factors, and the category they require."""
    for name, value in values.items():
        if name not in ("risk_factors", "follow_up_category"):
            setattr(employee, name, value)
    if "risk_factors" in values:
        wanted = set(values["risk_factors"] or [])  # type: ignore[arg-type]
        employee.risk_factors = [link for link in employee.risk_factors if link.risk_code in wanted]
        present = {link.risk_code for link in employee.risk_factors}
        employee.risk_factors += [EmployeeRiskFactor(risk_code=c) for c in sorted(wanted - present)]
    if "risk_factors" in values or "follow_up_category" in values:
        declared = values.get("follow_up_category") or (
            employee.follow_up_category.value if employee.follow_up_category else None
        )
        codes = sorted({link.risk_code for link in employee.risk_factors})
        employee.follow_up_category = risks.category(str(declared) if declared else None, codes)


def _refuse_problems(values: dict[str, object], risks: RiskCatalogue, *, adding: bool) -> None:
    errors = problems(values, risks, adding=adding)
    if errors:
        raise ValidationFailed(errors)


def cleaned(values: dict[str, object]) -> dict[str, object]:
    """Texts trimmed (empty is None), the PCS code in lower case, a category by its value."""
    return {name: _clean(name, value) for name, value in values.items()}


def _clean(name: str, value: object) -> object:
    if isinstance(value, FollowUpCategory):
        return value.value
    if not isinstance(value, str):
        return value
    text = value.strip() or None
    return text.lower() if text and name == "pcs_code" else text


# -- adding --------------------------------------------------------------------------------


def add_employee(
    session: Session, actor: Actor, member_id: int, values: dict[str, object]
) -> EmployeeSaved:
    require(session, actor, Permission.MEMBERS_EDIT)
    member = active_member(session, member_id)
    values = cleaned(values)
    risks = RiskCatalogue.load(session)
    _refuse_problems(values, risks, adding=True)
    twin = present_twin(session, member_id, values)
    if twin is not None:
        raise ValidationFailed.single("last_name", twin)
    employee = Employee(member_id=member_id, origin=EmployeeOrigin.BACKOFFICE)
    _write(employee, {**values, "risk_factors": values.get("risk_factors") or []}, risks)
    session.add(employee)
    member.has_employees = True
    session.flush()
    audit.record(
        session,
        actor,
        "employee.add",
        "employee",
        employee.id,
        member_id=member_id,
        summary=tr("Employee added by staff: {name}", name=employee.full_name),
        after=_snapshot(employee),
    )
    visit = hiring_visit(session, employee.follow_up_category) if not employee.exited_on else None
    return EmployeeSaved(employee.id, employee.full_name, employee.follow_up_category, visit)


def active_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(tr("This member no longer exists."))
    if member.status == MemberStatus.CEASED:
        raise ValidationFailed.single(
            "member",
            tr(
                "The member ceased its activity on {date}: record its return before adding "
                "employees.",
                date=dates.format_day(member.ceased_on),
            ),
        )
    return member


def employee_key(last_name: object, first_name: object, born: object, hired: object) -> tuple:
    """What makes two lines the same person: names (accents and case ignored) and the
    birth date, or the hiring date when the birth date is unknown."""
    return (fold(str(last_name or "")), fold(str(first_name or "")), born or ("hired", hired))


def present_twin(
    session: Session, member_id: int, values: dict[str, object], except_id: int | None = None
) -> str | None:
    """A sentence when the member already has this employee (still present)."""
    key = employee_key(
        values.get("last_name"),
        values.get("first_name"),
        values.get("birth_date"),
        values.get("hired_on"),
    )
    statement = select(Employee).where(
        Employee.member_id == member_id,
        Employee.exited_on.is_(None),
        or_(Employee.birth_date == values.get("birth_date"), Employee.birth_date.is_(None)),
    )
    if except_id is not None:
        statement = statement.where(Employee.id != except_id)
    for other in session.scalars(statement):
        if employee_key(other.last_name, other.first_name, other.birth_date, other.hired_on) == key:
            return tr(
                "{name} is already among the member's employees (hired on {date}).",
                name=other.full_name,
                date=dates.format_day(other.hired_on),
            )
    return None


# -- editing -------------------------------------------------------------------------------


def update_employee(
    session: Session,
    actor: Actor,
    employee_id: int,
    expected_version: int | None,
    values: dict[str, object],
) -> EmployeeSaved:
    """Change what staff may change of an employee (not its exit: see exit_employee)."""
    require(session, actor, Permission.MEMBERS_EDIT)
    employee = _employee(session, employee_id)
    _check_version(employee, expected_version)
    values = cleaned(values)
    exit_fields = {"exited_on", "exit_reason"} & set(values)
    if exit_fields:
        raise ValidationFailed.single(
            sorted(exit_fields)[0], tr("An exit is recorded with « Record the exit ».")
        )
    risks = RiskCatalogue.load(session)
    current = _detail(employee).values
    _refuse_problems({**current, **values}, risks, adding=True)
    before = _snapshot(employee)
    _write(employee, values, risks)
    session.flush()
    changed_before, changed_after = audit.changed_fields(before, _snapshot(employee))
    if changed_after:
        audit.record(
            session,
            actor,
            "employee.edit",
            "employee",
            employee.id,
            member_id=employee.member_id,
            summary=tr("Employee edited by staff: {name}", name=employee.full_name),
            before=changed_before,
            after=changed_after,
        )
    return EmployeeSaved(employee.id, employee.full_name, employee.follow_up_category, None)


# -- exit and reinstatement ----------------------------------------------------------------


def exit_consequences(
    session: Session, actor: Actor, employee_id: int, exited_on: date
) -> list[str]:
    """What recording the exit does, said before it is confirmed."""
    require(session, actor, Permission.MEMBERS_VIEW)
    employee = _employee(session, employee_id)
    count = effects.count(session, effects.future_appointments(exited_on, employee_id=employee.id))
    found = [
        tr(
            "{name} is recorded as having left on {date}.",
            name=employee.full_name,
            date=dates.format_day(exited_on),
        )
    ]
    found.append(
        ntr(
            "{count} future appointment is cancelled.",
            "{count} future appointments are cancelled.",
            count,
        )
        if count
        else tr("No future appointment to cancel.")
    )
    return found


def exit_employee(
    session: Session,
    actor: Actor,
    employee_id: int,
    expected_version: int | None,
    exited_on: date | None,
    reason: str | None = None,
) -> EmployeeExited:
    require(session, actor, Permission.MEMBERS_EDIT)
    employee = _employee(session, employee_id)
    _check_version(employee, expected_version)
    values = cleaned({"exited_on": exited_on, "exit_reason": reason})
    risks = RiskCatalogue.load(session)
    if values["exited_on"] is None:
        raise ValidationFailed.single(
            "exited_on", validation.check_required(label("exited_on"), None) or ""
        )
    _refuse_problems({**_detail(employee).values, **values}, risks, adding=True)
    before = _snapshot(employee)
    employee.exited_on = values["exited_on"]  # type: ignore[assignment]
    employee.exit_reason = str(values["exit_reason"] or STAFF_EXIT_REASON)
    cancelled = effects.cancel_appointments(
        session,
        actor,
        effects.future_appointments(employee.exited_on, employee_id=employee.id),
        effects.EXIT_REASON,
    )
    session.flush()
    changed_before, changed_after = audit.changed_fields(before, _snapshot(employee))
    audit.record(
        session,
        actor,
        "employee.exit",
        "employee",
        employee.id,
        member_id=employee.member_id,
        summary=tr("Exit recorded by staff: {name}", name=employee.full_name)
        + (f" — {tr('{count} appointments cancelled', count=len(cancelled))}" if cancelled else ""),
        before=changed_before,
        after=changed_after,
    )
    return EmployeeExited(employee.id, employee.full_name, employee.exited_on, len(cancelled))


def reinstate_employee(
    session: Session, actor: Actor, employee_id: int, expected_version: int | None
) -> EmployeeSaved:
    """Undo an exit recorded by mistake (appointments cancelled by it stay cancelled)."""
    require(session, actor, Permission.MEMBERS_EDIT)
    employee = _employee(session, employee_id)
    _check_version(employee, expected_version)
    if employee.exited_on is None:
        raise ValidationFailed.single(
            "exited_on", tr("{name} has not left the company.", name=employee.full_name)
        )
    active_member(session, employee.member_id)
    twin = present_twin(session, employee.member_id, _detail(employee).values, employee.id)
    if twin is not None:
        raise ValidationFailed.single("last_name", twin)
    before = _snapshot(employee)
    employee.exited_on = None
    employee.exit_reason = None
    session.flush()
    audit.record(
        session,
        actor,
        "employee.reinstate",
        "employee",
        employee.id,
        member_id=employee.member_id,
        summary=tr("Exit cancelled by staff: {name}", name=employee.full_name),
        before={"exited_on": before["exited_on"], "exit_reason": before["exit_reason"]},
        after={"exited_on": None, "exit_reason": None},
    )
    return EmployeeSaved(employee.id, employee.full_name, employee.follow_up_category, None)
