"""Reading invoices and schedules (the member page, the portal-like schedule view)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import CreditNote, Instalment, Invoice, InvoiceKind
from backoffice.services.permissions import Actor, Permission, require


class InstalmentStatus(StrEnum):
    PAID = "paid"
    DUE = "due"  # not yet due
    OVERDUE = "overdue"
    PARTIAL = "partial"  # partly paid, still due
    CANCELLED = "cancelled"  # credited (avoir) or re-planned


def status_label(status: InstalmentStatus) -> str:
    """The word staff (lists, Excel exports) and members (portal) read for a status."""
    return {
        InstalmentStatus.PAID: tr("Paid"),
        InstalmentStatus.DUE: tr("Due"),
        InstalmentStatus.OVERDUE: tr("Overdue"),
        InstalmentStatus.PARTIAL: tr("Partly paid"),
        InstalmentStatus.CANCELLED: tr("Cancelled"),
    }[status]


@dataclass(frozen=True)
class InvoiceSummary:
    id: int
    number: str
    kind: InvoiceKind
    issued_on: date
    period_label: str
    total_ttc_cents: int
    paid_cents: int
    credited_cents: int
    remaining_cents: int


@dataclass(frozen=True)
class InstalmentRow:
    id: int
    invoice_id: int
    invoice_number: str
    position: int
    issued_on: date
    due_on: date
    amount_cents: int  # débit
    paid_cents: int  # crédit
    credited_cents: int
    remaining_cents: int
    status: InstalmentStatus
    days_late: int


def instalment_status(
    amount: int, paid: int, credited: int, due_on: date, superseded: bool, today: date
) -> InstalmentStatus:
    remaining = amount - paid - credited
    if superseded or (remaining == 0 and credited > 0 and paid == 0):
        return InstalmentStatus.CANCELLED
    if remaining == 0:
        return InstalmentStatus.PAID
    if due_on < today:
        return InstalmentStatus.OVERDUE
    return InstalmentStatus.PARTIAL if paid else InstalmentStatus.DUE


def member_invoices(session: Session, actor: Actor, member_id: int) -> list[InvoiceSummary]:
    require(session, actor, Permission.BILLING_VIEW)
    live = Instalment.superseded_at.is_(None)
    sums = (
        select(
            Instalment.invoice_id,
            func.sum(Instalment.paid_cents).label("paid"),
            func.sum(Instalment.credited_cents).label("credited"),
            func.sum(
                Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
            ).label("remaining"),
        )
        .where(live)
        .group_by(Instalment.invoice_id)
        .subquery()
    )
    rows = session.execute(
        select(Invoice, sums.c.paid, sums.c.credited, sums.c.remaining)
        .outerjoin(sums, sums.c.invoice_id == Invoice.id)
        .where(Invoice.member_id == member_id)
        .order_by(Invoice.issued_on.desc(), Invoice.number.desc())
    )
    return [
        InvoiceSummary(
            invoice.id,
            invoice.number,
            invoice.kind,
            invoice.issued_on,
            invoice.period_label,
            invoice.total_ttc_cents,
            paid or 0,
            credited or 0,
            remaining or 0,
        )
        for invoice, paid, credited, remaining in rows
    ]


def schedule(
    session: Session,
    actor: Actor,
    *,
    member_id: int | None = None,
    invoice_id: int | None = None,
    include_superseded: bool = False,
) -> list[InstalmentRow]:
    """The schedule (échéancier) of an invoice or of all a member's invoices, like the
    portal's: issue date, due date, debit, credit, status."""
    require(session, actor, Permission.BILLING_VIEW)
    today = clock.today()
    statement = select(Instalment, Invoice.number, Invoice.issued_on).join(Invoice)
    if member_id is not None:
        statement = statement.where(Invoice.member_id == member_id)
    if invoice_id is not None:
        statement = statement.where(Instalment.invoice_id == invoice_id)
    if not include_superseded:
        statement = statement.where(Instalment.superseded_at.is_(None))
    rows = session.execute(
        statement.order_by(Instalment.due_on, Invoice.number, Instalment.position)
    )
    result = []
    for instalment, number, issued_on in rows:
        status = instalment_status(
            instalment.amount_cents,
            instalment.paid_cents,
            instalment.credited_cents,
            instalment.due_on,
            instalment.superseded_at is not None,
            today,
        )
        late = (today - instalment.due_on).days if status == InstalmentStatus.OVERDUE else 0
        result.append(
            InstalmentRow(
                instalment.id,
                instalment.invoice_id,
                number,
                instalment.position,
                issued_on,
                instalment.due_on,
                instalment.amount_cents,
                instalment.paid_cents,
                instalment.credited_cents,
                instalment.remaining_cents,
                status,
                late,
            )
        )
    return result


def credit_notes_of(session: Session, actor: Actor, invoice_id: int) -> list[CreditNote]:
    require(session, actor, Permission.BILLING_VIEW)
    return list(
        session.scalars(
            select(CreditNote)
            .where(CreditNote.invoice_id == invoice_id)
            .order_by(CreditNote.issued_on)
        )
    )
