"""The figures behind the charts: where the year's collection stands.

- billed vs collected: the annual invoices of a year, their instalments by due month and
  what payments brought in on them by month received (returned payments left out);
- overdue by age: what is late today, by age (as the aged balance);
- direct-debit returns by reason: the instalments of the year's invoices whose debit
  came back, per ISO reason code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import Instalment, Invoice, InvoiceKind, Payment, PaymentAllocation
from backoffice.services.accounting import aged_balance
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.sepa.reason_codes import reason_label


@dataclass(frozen=True)
class MonthFigures:
    month: date  # first day
    billed_cents: int  # instalments falling due that month
    collected_cents: int  # received that month on the year's invoices


@dataclass(frozen=True)
class CampaignFigures:
    year: int
    months: list[MonthFigures]
    billed_cents: int  # the year's annual invoices, incl. VAT, net of credit notes
    collected_cents: int

    @property
    def collected_share(self) -> float:
        """For display only (a percentage): the money itself stays in cents."""
        return self.collected_cents / self.billed_cents if self.billed_cents else 0.0


@dataclass(frozen=True)
class AgeFigures:
    labels: list[str]
    cents: list[int]


@dataclass(frozen=True)
class ReturnReason:
    code: str
    label: str
    count: int
    cents: int


def _month(day: date) -> date:
    return day.replace(day=1)


def campaign(session: Session, actor: Actor, year: int) -> CampaignFigures:
    """Billed (by due month) vs collected (by month received) for the year's campaign."""
    require(session, actor, Permission.BILLING_VIEW)
    annual = (Invoice.year == year, Invoice.kind == InvoiceKind.ANNUAL)
    due = session.execute(
        select(Instalment.due_on, func.sum(Instalment.amount_cents - Instalment.credited_cents))
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(*annual, Instalment.superseded_at.is_(None))
        .group_by(Instalment.due_on)
    )
    received = session.execute(
        select(Payment.received_on, func.sum(PaymentAllocation.amount_cents))
        .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .join(Instalment, Instalment.id == PaymentAllocation.instalment_id)
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(*annual, Payment.reversed_at.is_(None))
        .group_by(Payment.received_on)
    )
    billed: dict[date, int] = defaultdict(int)
    collected: dict[date, int] = defaultdict(int)
    for day, cents in due:
        billed[_month(day)] += int(cents)
    for day, cents in received:
        collected[_month(day)] += int(cents)
    shown = [*billed, *collected] or [date(year, 1, 1), date(year, 12, 1)]
    last = max(shown)
    months = []
    month = min(shown)
    while month <= last:
        months.append(MonthFigures(month, billed[month], collected[month]))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return CampaignFigures(year, months, sum(billed.values()), sum(collected.values()))


def overdue_by_age(session: Session, actor: Actor) -> AgeFigures:
    require(session, actor, Permission.BILLING_VIEW)
    balance = aged_balance.compute(session, clock.today())
    totals = balance.totals
    return AgeFigures(
        [tr("0–30 d"), tr("31–60 d"), tr("61–90 d"), tr("> 90 d")],
        [totals["days_0_30"], totals["days_31_60"], totals["days_61_90"], totals["over_90"]],
    )


def returns_by_reason(session: Session, actor: Actor, year: int) -> list[ReturnReason]:
    """The returned debits of the year's invoices, the most frequent reason first."""
    require(session, actor, Permission.BILLING_VIEW)
    rows = session.execute(
        select(Instalment.rejection_code, func.count(), func.sum(Instalment.amount_cents))
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(Invoice.year == year, Instalment.rejection_code.is_not(None))
        .group_by(Instalment.rejection_code)
    )
    reasons = [
        ReturnReason(code, reason_label(code), count, int(cents)) for code, count, cents in rows
    ]
    reasons.sort(key=lambda reason: (-reason.count, reason.code))
    return reasons


@dataclass(frozen=True)
class CollectionFigures:
    """Everything the collection charts show for a year."""

    campaign: CampaignFigures
    ages: AgeFigures
    returns: list[ReturnReason]


def collection(session: Session, actor: Actor, year: int) -> CollectionFigures:
    return CollectionFigures(
        campaign(session, actor, year),
        overdue_by_age(session, actor),
        returns_by_reason(session, actor, year),
    )


def latest_campaign_year(session: Session) -> int:
    """The year of the latest annual invoices (this year when none was issued yet)."""
    latest = session.scalar(
        select(func.max(Invoice.year)).where(Invoice.kind == InvoiceKind.ANNUAL)
    )
    return int(latest or clock.today().year)


def collection_pdf(session: Session, actor: Actor, year: int) -> bytes:
    """« Point sur l'encaissement » of the year, as a PDF."""
    from backoffice.reports.accounting import collection_pdf as report
    from backoffice.services.billing.documents import identity

    shown = collection(session, actor, year)
    months = [
        (month.month, month.billed_cents, month.collected_cents) for month in shown.campaign.months
    ]
    return report.render(
        identity(session),
        report.CollectionReport(
            year,
            clock.today(),
            months,
            shown.campaign.billed_cents,
            shown.campaign.collected_cents,
            list(zip(shown.ages.labels, shown.ages.cents, strict=True)),
            [(f"{r.code} – {r.label}", r.count, r.cents) for r in shown.returns],
        ),
    )
