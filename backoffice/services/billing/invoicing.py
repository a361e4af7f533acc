"""Issuing one invoice: its number, its lines, its schedule, in the caller's transaction.

The number is taken first (which locks the series until the commit), then the issue
instant: invoices are numbered in the order of their issue, without gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import Meaning, day_problem, format_day
from backoffice.i18n import tr
from backoffice.models import (
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    MandateStatus,
    Member,
    SepaMandate,
)
from backoffice.money import format_eur
from backoffice.services import audit
from backoffice.services.accounting import events as accounting_events
from backoffice.services.billing import addresses, numbering, schedule
from backoffice.services.billing.numbering import Series
from backoffice.services.billing.pricing import Amounts
from backoffice.services.errors import NotFound, ValidationFailed
from backoffice.services.permissions import Actor
from backoffice.services.tracking import mark_touched

PAYMENT_DAYS = 30  # a single invoice is due 30 days after issue unless staff choose


@dataclass(frozen=True)
class Period:
    label: str  # printed on the invoice, in French: "Année 2027", "2e trimestre 2027"
    start: date
    end: date


@dataclass(frozen=True)
class IssuedInvoice:
    id: int
    number: str
    kind: InvoiceKind
    member_id: int
    total_ttc_cents: int
    instalments: tuple[tuple[date, int], ...]


def pays_by_direct_debit(session: Session, member_id: int, on: date) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    SepaMandate.member_id == member_id,
                    SepaMandate.status == MandateStatus.ACTIVE,
                    SepaMandate.signed_on <= on,
                )
            )
        )
    )


def check_due_date(due_on: date | None, today: date) -> date:
    """The single due date chosen by staff (30 days by default), never in the past."""
    if due_on is None:
        return today + timedelta(days=PAYMENT_DAYS)
    if due_on < today:
        raise ValidationFailed.single(
            "due_on",
            tr(
                "Due date: {date} is already past.",
                date=format_day(due_on),
            ),
        )
    if problem := day_problem(Meaning.DUE, lambda: tr("Due date"), due_on, today):
        raise ValidationFailed.single("due_on", problem)
    return due_on


def member_or_refuse(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(tr("This member no longer exists."))
    return member


def create_invoice(
    session: Session,
    actor: Actor,
    member: Member,
    kind: InvoiceKind,
    year: int,
    period: Period,
    amounts: Amounts,
    due_dates: list[date],
    *,
    tariff_id: int | None,
    minimum_instalment_cents: int = 0,
    appointment_id: int | None = None,
) -> IssuedInvoice:
    """Issue an invoice (permission and input already checked by the caller)."""
    today = clock.today()
    number = numbering.take(session, Series.INVOICE, today.year).labels()[0]
    parts = schedule.plan(amounts.total_ttc_cents, due_dates, minimum_instalment_cents)
    invoice = Invoice(
        number=number,
        kind=kind,
        member_id=member.id,
        year=year,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        issued_on=today,
        issued_at=clock.now(),
        issued_by_id=actor.staff_id,
        tariff_id=tariff_id,
        appointment_id=appointment_id,
        total_ht_cents=amounts.total_ht_cents,
        discount_cents=amounts.discount_cents,
        discount_rate_bp=amounts.discount_rate_bp,
        vat_rate_bp=amounts.vat_rate_bp,
        vat_cents=amounts.vat_cents,
        total_ttc_cents=amounts.total_ttc_cents,
        pays_by_direct_debit=pays_by_direct_debit(session, member.id, today),
        **addresses.of_member(member).invoice_columns(),
    )
    invoice.lines = [
        InvoiceLine(
            position=position,
            label=line.label,
            category=line.category,
            quantity=line.quantity,
            unit_price_cents=line.unit_price_cents,
            amount_cents=line.amount_cents,
        )
        for position, line in enumerate(amounts.lines, start=1)
    ]
    invoice.instalments = [
        Instalment(position=position, due_on=due_on, amount_cents=amount)
        for position, (due_on, amount) in enumerate(parts, start=1)
    ]
    session.add(invoice)
    session.flush()
    mark_touched(session, "instalments", {item.id for item in invoice.instalments})
    accounting_events.post_invoices(session, [invoice.id])
    audit.record(
        session,
        actor,
        "invoice.issue",
        "invoice",
        invoice.id,
        member_id=member.id,
        summary=tr(
            "Invoice {number} issued ({amount})",
            number=number,
            amount=format_eur(amounts.total_ttc_cents),
        ),
        after={
            "number": number,
            "kind": kind,
            "year": year,
            "period": period.label,
            "total_ttc_cents": amounts.total_ttc_cents,
            "lines": [[line.label, line.quantity, line.unit_price_cents] for line in amounts.lines],
            "instalments": [[due.isoformat(), amount] for due, amount in parts],
        },
    )
    return IssuedInvoice(invoice.id, number, kind, member.id, amounts.total_ttc_cents, tuple(parts))
