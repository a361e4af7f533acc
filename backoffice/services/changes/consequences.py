"""What approving a request will do, in sentences the reviewer reads before deciding:
a cessation stops billing, exits the employees and cancels their appointments; a new hire
needs a hiring visit; a SEPA opt-in gives the discount from the next invoice..."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import ntr, tr
from backoffice.models import (
    PORTAL_EDITABLE_MEMBER_FIELDS,
    ChangeKind,
    FollowUpCategory,
    Tariff,
    VisitType,
)
from backoffice.money import format_rate
from backoffice.services.changes import effects
from backoffice.services.changes import fields as catalogue
from backoffice.services.changes.assessment import Assessment
from backoffice.services.changes.records import Records

BILLING_FIELDS = {name for name in PORTAL_EDITABLE_MEMBER_FIELDS if name.startswith("billing_")}


def _day(value: date) -> str:
    return format_day(value)


def _value(assessment: Assessment, name: str) -> object:
    field = next((f for f in assessment.fields if f.name == name), None)
    if field is None:
        return None
    try:
        return catalogue.decode(catalogue.spec_of(assessment.request.kind, name), field.submitted)
    except ValueError:
        return None


def consequences(session: Session, assessment: Assessment, records: Records) -> list[str]:
    if assessment.missing:
        return []
    kind = assessment.request.kind
    if kind == ChangeKind.COMPANY_RECORD:
        return _company(assessment)
    if kind == ChangeKind.SITUATION:
        return _situation(session, assessment)
    if kind == ChangeKind.SEPA_OPT_IN:
        return _sepa(session, assessment, records)
    if kind == ChangeKind.EMPLOYEE_ADDED:
        return _added(session, assessment, records)
    if kind == ChangeKind.EMPLOYEE_EXITED:
        return _exited(session, assessment)
    return _updated(session, assessment, records)


def _cancelled(appointments: int) -> str:
    if not appointments:
        return tr("No future appointment to cancel.")
    return ntr(
        "{count} future appointment is cancelled.",
        "{count} future appointments are cancelled.",
        appointments,
    )


def _company(assessment: Assessment) -> list[str]:
    names = {field.name for field in assessment.fields if field.changes}
    found = [tr("The member's record is updated on {date}.", date=_day(assessment.effective_on))]
    if names & BILLING_FIELDS:
        found.append(tr("Invoices issued from then on carry the new billing details."))
    if "postcode" in names:
        found.append(tr("The postcode changes: check the member's visit centre and doctor."))
    return found


def _situation(session: Session, assessment: Assessment) -> list[str]:
    member_id = assessment.request.member_id
    on = _value(assessment, "situation_date")
    if member_id is None or not isinstance(on, date):
        return []
    return situation_consequences(
        session, member_id, str(_value(assessment, "situation")), on, assessment.effective_on
    )


def situation_consequences(
    session: Session, member_id: int, situation: str, on: date, effective_on: date
) -> list[str]:
    """What a cessation (or « no more employees ») on ``on`` does, whoever records it."""
    employees = effects.count(session, effects.present_employees(member_id, on))
    appointments = effects.count(session, effects.future_appointments(on, member_id=member_id))
    found = []
    if situation == "cessation":
        found.append(
            tr(
                "The member is recorded as ceased on {date}: no invoice is issued for it "
                "afterwards (invoices already issued stay due).",
                date=_day(on),
            )
        )
    else:
        found.append(tr("The member is recorded as having no employees."))
    found.append(
        ntr(
            "{count} employee is recorded as exited on {date}.",
            "{count} employees are recorded as exited on {date}.",
            employees,
            date=_day(on),
        )
        if employees
        else tr("No employee to record as exited.")
    )
    found.append(_cancelled(appointments))
    if effective_on > clock.today():
        found.append(tr("All this happens on {date}.", date=_day(effective_on)))
    return found


def _sepa(session: Session, assessment: Assessment, records: Records) -> list[str]:
    signed_on = clock.local(assessment.request.submitted_at).date()
    found = [
        tr(
            "A direct-debit mandate with a unique reference (RUM) is created on {date}, "
            "signed on {signed} (the day of the request).",
            date=_day(assessment.effective_on),
            signed=_day(signed_on),
        )
    ]
    rate = session.scalar(
        select(Tariff.sepa_discount_bp)
        .where(Tariff.year <= assessment.effective_on.year)
        .order_by(Tariff.year.desc())
        .limit(1)
    )
    if rate:
        found.append(
            tr(
                "The {rate} direct-debit discount applies to the invoices issued from {date}.",
                rate=format_rate(rate),
                date=_day(assessment.effective_on),
            )
        )
    mandate = records.mandates.get(assessment.request.member_id or 0)
    if mandate is not None:
        found.append(
            tr(
                "It replaces the current mandate {rum} (IBAN {iban}).",
                rum=mandate.rum,
                iban=mandate.iban,
            )
        )
    return found


def _category(assessment: Assessment, records: Records, current: str | None) -> FollowUpCategory:
    codes = _value(assessment, "risk_factors")
    if not any(field.name == "risk_factors" for field in assessment.fields):
        employee = records.employees.get(assessment.request.employee_id or 0, {})
        codes = employee.get("risk_factors", [])
    declared = next(
        (f.submitted for f in assessment.fields if f.name == "follow_up_category"), current
    )
    categories = {code: category for code, (_label, category) in records.risks.items()}
    return catalogue.recorded_category(declared, list(codes or []), categories)  # type: ignore[arg-type]


def hiring_visit(session: Session, category: FollowUpCategory) -> str:
    """The label of the hiring visit a new employee of ``category`` needs."""
    label = session.scalar(
        select(VisitType.label)
        .where(
            VisitType.is_hiring_visit.is_(True),
            VisitType.by_doctor_only.is_(category == FollowUpCategory.SIR),
        )
        .order_by(VisitType.position)
        .limit(1)
    )
    return label or ""


def _added(session: Session, assessment: Assessment, records: Records) -> list[str]:
    category = _category(assessment, records, None)
    return [
        tr(
            "The employee joins the member's staff on {date}, in {category} follow-up.",
            date=_day(assessment.effective_on),
            category=category.value.upper(),
        ),
        tr(
            "A new hire needs a hiring visit ({visit}): book it if the member has not asked "
            "for it on the portal.",
            visit=hiring_visit(session, category),
        ),
    ]


def _exited(session: Session, assessment: Assessment) -> list[str]:
    on = _value(assessment, "exited_on")
    if not isinstance(on, date):
        return []
    appointments = effects.count(
        session, effects.future_appointments(on, employee_id=assessment.request.employee_id)
    )
    return [
        tr(
            "The employee is recorded as exited on {exit} (on {date}).",
            exit=_day(on),
            date=_day(assessment.effective_on),
        ),
        _cancelled(appointments),
    ]


def _updated(session: Session, assessment: Assessment, records: Records) -> list[str]:
    employee = records.employees.get(assessment.request.employee_id or 0, {})
    before = employee.get("follow_up_category")
    after = _category(assessment, records, before.value if before else None)
    found = [tr("The employee's record is updated on {date}.", date=_day(assessment.effective_on))]
    if before is not None and after != before:
        found.append(
            tr(
                "The follow-up category changes from {before} to {after}.",
                before=before.value.upper(),
                after=after.value.upper(),
            )
        )
        if after == FollowUpCategory.SIR:
            found.append(
                tr(
                    "Reinforced follow-up needs a medical examination ({visit}).",
                    visit=hiring_visit(session, after),
                )
            )
    return found
