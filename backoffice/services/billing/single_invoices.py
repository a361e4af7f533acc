"""Invoices issued one at a time, outside the campaign.

- *régularisation*: employees hired after the annual declaration, at the year's prices;
- *droit d'entrée*: the joining fee per new employee;
- *cotisation trimestrielle*: a quarter of the annual prices, for members billed quarterly;
- *absence non excusée*: the fee of a missed appointment (one invoice per appointment).

Their texts are printed on the invoice: French. The SEPA discount applies to the annual
contribution only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import Meaning, format_day, year_problem
from backoffice.i18n import tr
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    Employee,
    FollowUpCategory,
    Invoice,
    InvoiceKind,
    Member,
    WorkforceDeclaration,
)
from backoffice.services.billing import pricing, tariffs
from backoffice.services.billing.campaign import tariff_or_refuse
from backoffice.services.billing.declarations import MAX_EMPLOYEES, check_counts
from backoffice.services.billing.invoicing import (
    IssuedInvoice,
    Period,
    check_due_date,
    create_invoice,
    member_or_refuse,
)
from backoffice.services.billing.pricing import Line
from backoffice.services.errors import Conflict, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

REGULARISATION_LABELS = {
    FollowUpCategory.SI: "Régularisation – salariés embauchés après la déclaration (SI)",
    FollowUpCategory.SIA: "Régularisation – salariés embauchés après la déclaration (SIA)",
    FollowUpCategory.SIR: "Régularisation – salariés embauchés après la déclaration (SIR)",
}
QUARTER_NAMES = {1: "1er trimestre", 2: "2e trimestre", 3: "3e trimestre", 4: "4e trimestre"}


def _year_period(year: int, label: str) -> Period:
    return Period(label, date(year, 1, 1), date(year, 12, 31))


def _counts_or_refuse(counts: dict[FollowUpCategory, int]) -> None:
    check_counts(*(counts.get(category, 0) for category in FollowUpCategory))
    if not any(counts.values()):
        raise ValidationFailed.single(
            "headcount_si", tr("Employees: enter at least one employee to bill.")
        )


def _category_lines(
    labels: dict[FollowUpCategory, str],
    counts: dict[FollowUpCategory, int],
    prices: dict[FollowUpCategory, int],
) -> list[Line]:
    return [
        Line(labels[category], counts[category], prices[category], category)
        for category in FollowUpCategory
        if counts.get(category, 0) > 0
    ]


# -- régularisation ------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadcountFacts:
    """What the regularisation form proposes: declared, present, and hired since."""

    declared: dict[FollowUpCategory, int]
    declared_at: datetime | None
    present: dict[FollowUpCategory, int]
    hired_since: dict[FollowUpCategory, int]


def headcount_facts(session: Session, actor: Actor, member_id: int, year: int) -> HeadcountFacts:
    require(session, actor, Permission.BILLING_VIEW)
    declaration = session.scalar(
        select(WorkforceDeclaration).where(
            WorkforceDeclaration.member_id == member_id, WorkforceDeclaration.year == year
        )
    )
    declared = (
        {
            FollowUpCategory.SI: declaration.headcount_si,
            FollowUpCategory.SIA: declaration.headcount_sia,
            FollowUpCategory.SIR: declaration.headcount_sir,
        }
        if declaration
        else dict.fromkeys(FollowUpCategory, 0)
    )
    since = clock.local(declaration.declared_at).date() if declaration else date(year, 1, 1)
    present: Counter[FollowUpCategory] = Counter()
    hired: Counter[FollowUpCategory] = Counter()
    employees = session.execute(
        select(Employee.follow_up_category, Employee.hired_on).where(
            Employee.member_id == member_id,
            Employee.hired_on <= date(year, 12, 31),
            (Employee.exited_on.is_(None)) | (Employee.exited_on >= date(year, 1, 1)),
        )
    )
    for category, hired_on in employees:
        present[category] += 1
        if since < hired_on and hired_on.year == year:
            hired[category] += 1
    return HeadcountFacts(
        declared,
        declaration.declared_at if declaration else None,
        {category: present[category] for category in FollowUpCategory},
        {category: hired[category] for category in FollowUpCategory},
    )


def issue_regularisation(
    session: Session,
    actor: Actor,
    member_id: int,
    year: int,
    counts: dict[FollowUpCategory, int],
    due_on: date | None = None,
) -> IssuedInvoice:
    """Bill employees not counted in the declaration, at the year's prices (no discount)."""
    require(session, actor, Permission.BILLING_ISSUE)
    _counts_or_refuse(counts)
    due = check_due_date(due_on, clock.today())
    tariff = tariff_or_refuse(session, year)
    member = member_or_refuse(session, member_id)
    prices = tariffs.prices_of(tariff).per_category_cents
    lines = _category_lines(REGULARISATION_LABELS, counts, prices)
    amounts = pricing.totals(lines, tariff.vat_rate_bp)
    return create_invoice(
        session,
        actor,
        member,
        InvoiceKind.REGULARISATION,
        year,
        _year_period(year, f"Régularisation année {year}"),
        amounts,
        [due],
        tariff_id=tariff.id,
    )


# -- joining fee ---------------------------------------------------------------------------


def issue_joining_fee(
    session: Session,
    actor: Actor,
    member_id: int,
    year: int,
    new_employees: int,
    due_on: date | None = None,
) -> IssuedInvoice:
    """The joining fee of a member's new employees, issued by billing staff."""
    return _issue_joining_fee(
        session,
        actor,
        member_id,
        year,
        new_employees,
        due_on,
        permission=Permission.BILLING_ISSUE,
    )


def issue_new_member_joining_fee(
    session: Session, actor: Actor, member_id: int, year: int, new_employees: int
) -> IssuedInvoice:
    """The joining fee issued with a new member, under the administrative staff's right
    to record members."""
    return _issue_joining_fee(
        session, actor, member_id, year, new_employees, permission=Permission.MEMBERS_EDIT
    )


def _issue_joining_fee(
    session: Session,
    actor: Actor,
    member_id: int,
    year: int,
    new_employees: int,
    due_on: date | None = None,
    *,
    permission: Permission = Permission.BILLING_ISSUE,
) -> IssuedInvoice:
    """``permission``: what the caller requires (recording a new member issues its joining
    fee under the administrative staff's right to create members)."""
    require(session, actor, permission)
    if problem := year_problem(Meaning.BILLED_YEAR, lambda: tr("Year"), year):
        raise ValidationFailed.single("year", problem)
    if isinstance(new_employees, bool) or not isinstance(new_employees, int):
        new_employees = 0  # refused below, as any number that is not a count
    if not 1 <= new_employees <= MAX_EMPLOYEES:
        raise ValidationFailed.single(
            "new_employees",
            tr(
                "New employees: {count} is not a number of employees to bill (1 to {most}).",
                count=new_employees,
                most=MAX_EMPLOYEES,
            ),
        )
    due = check_due_date(due_on, clock.today())
    tariff = tariff_or_refuse(session, year)
    if tariff.joining_fee_cents == 0:
        raise ValidationFailed.single(
            "new_employees", tr("The {year} tariff has no joining fee.", year=year)
        )
    member = member_or_refuse(session, member_id)
    line = Line("Droit d'entrée par nouveau salarié", new_employees, tariff.joining_fee_cents)
    return create_invoice(
        session,
        actor,
        member,
        InvoiceKind.JOINING_FEE,
        year,
        _year_period(year, f"Année {year}"),
        pricing.totals([line], tariff.vat_rate_bp),
        [due],
        tariff_id=tariff.id,
    )


# -- quarterly contribution ----------------------------------------------------------------


def quarter_period(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    start = date(year, first_month, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, first_month + 3, 1)
    return Period(f"{QUARTER_NAMES[quarter]} {year}", start, date.fromordinal(end.toordinal() - 1))


def quarter_price(annual_cents: int) -> int:
    """A quarter of the annual price per employee, rounded half up to the cent."""
    return int((Decimal(annual_cents) / 4).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def issue_quarterly(
    session: Session,
    actor: Actor,
    member_id: int,
    year: int,
    quarter: int,
    counts: dict[FollowUpCategory, int],
    due_on: date | None = None,
) -> IssuedInvoice:
    """A quarter's contribution; a member is billed once per quarter."""
    require(session, actor, Permission.BILLING_ISSUE)
    if quarter not in QUARTER_NAMES:
        raise ValidationFailed.single(
            "quarter", tr("Quarter: {quarter} is not a quarter (1 to 4).", quarter=quarter)
        )
    _counts_or_refuse(counts)
    due = check_due_date(due_on, clock.today())
    tariff = tariff_or_refuse(session, year)
    member = member_or_refuse(session, member_id)
    period = quarter_period(year, quarter)
    annual = tariffs.prices_of(tariff).per_category_cents
    prices = {category: quarter_price(cents) for category, cents in annual.items()}
    labels = {
        category: f"{label} – {QUARTER_NAMES[quarter]}"
        for category, label in pricing.CATEGORY_LABELS.items()
    }
    amounts = pricing.totals(_category_lines(labels, counts, prices), tariff.vat_rate_bp)
    issued = create_invoice(
        session,
        actor,
        member,
        InvoiceKind.QUARTERLY,
        year,
        period,
        amounts,
        [due],
        tariff_id=tariff.id,
    )
    # Checked once the series is locked: a colleague's identical invoice is committed by now.
    if _already_billed(session, member_id, InvoiceKind.QUARTERLY, period.start, issued.id):
        raise Conflict(
            tr(
                "The {period} contribution of this member is already invoiced.",
                period=period.label,
            )
        )
    return issued


def _already_billed(
    session: Session, member_id: int, kind: InvoiceKind, start: date, except_id: int
) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    Invoice.member_id == member_id,
                    Invoice.kind == kind,
                    Invoice.period_start == start,
                    Invoice.id != except_id,
                )
            )
        )
    )


# -- missed appointments -------------------------------------------------------------------


@dataclass(frozen=True)
class NoShowRow:
    appointment_id: int
    member_id: int
    member_code: str
    member_name: str
    employee: str
    starts_at: datetime


def billable_no_shows(session: Session, actor: Actor) -> list[NoShowRow]:
    """Appointments missed without excuse and not invoiced yet."""
    require(session, actor, Permission.BILLING_VIEW)
    invoiced = exists().where(Invoice.appointment_id == Appointment.id)
    rows = session.execute(
        select(
            Appointment.id,
            Member.id,
            Member.member_code,
            Member.legal_name,
            Employee.last_name,
            Employee.first_name,
            Appointment.starts_at,
        )
        .join(Member, Member.id == Appointment.member_id)
        .join(Employee, Employee.id == Appointment.employee_id)
        .where(and_(Appointment.status == AppointmentStatus.ABSENT, ~invoiced))
        .order_by(Appointment.starts_at.desc())
    )
    return [
        NoShowRow(appointment_id, member_id, code, name, f"{last.upper()} {first}", starts_at)
        for appointment_id, member_id, code, name, last, first, starts_at in rows
    ]


def issue_no_show(
    session: Session, actor: Actor, appointment_id: int, due_on: date | None = None
) -> IssuedInvoice:
    require(session, actor, Permission.BILLING_ISSUE)
    due = check_due_date(due_on, clock.today())
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(tr("This appointment no longer exists."))
    if appointment.status != AppointmentStatus.ABSENT:
        raise ValidationFailed.single(
            "appointment",
            tr("Only an appointment missed without excuse is billed."),
        )
    day = clock.local(appointment.starts_at).date()
    tariff = tariff_or_refuse(session, day.year)
    if tariff.no_show_fee_cents == 0:
        raise ValidationFailed.single(
            "appointment", tr("The {year} tariff has no missed appointment fee.", year=day.year)
        )
    employee = appointment.employee
    label = (
        f"Absence non excusée à la visite du {format_day(day)} "
        f"({employee.last_name.upper()} {employee.first_name})"
    )
    issued = create_invoice(
        session,
        actor,
        appointment.member,
        InvoiceKind.NO_SHOW,
        day.year,
        Period(f"Rendez-vous du {format_day(day)}", day, day),
        pricing.totals([Line(label, 1, tariff.no_show_fee_cents)], tariff.vat_rate_bp),
        [due],
        tariff_id=tariff.id,
        appointment_id=appointment.id,
    )
    twice = session.scalar(
        select(exists().where(Invoice.appointment_id == appointment.id, Invoice.id != issued.id))
    )
    if twice:
        raise Conflict(tr("This missed appointment is already invoiced."))
    return issued
