"""Lists of invoices as the portal shows them (unpaid, paid), and one invoice in full."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Subquery, case, func, or_, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    CreditNote,
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Member,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentReminder,
    StaffUser,
)
from backoffice.services.billing.queries import InstalmentRow, schedule
from backoffice.services.billing.search import matches
from backoffice.services.errors import NotFound
from backoffice.services.permissions import Actor, Permission, require


class Settlement(enum.StrEnum):
    ALL = "all"
    UNPAID = "unpaid"  # something left to pay ("Mes factures non réglées")
    OVERDUE = "overdue"  # something left to pay past its due date
    PAID = "paid"  # nothing left ("Mes factures acquittées")


@dataclass(frozen=True)
class InvoiceQuery:
    year: int | None = None
    kind: InvoiceKind | None = None
    settlement: Settlement = Settlement.ALL
    text: str = ""  # member code or name, invoice number
    member_id: int | None = None
    invoice_id: int | None = None


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    kind: InvoiceKind
    member_id: int
    member_code: str
    member_name: str
    year: int
    issued_on: date
    period_label: str
    total_ttc_cents: int
    paid_cents: int
    credited_cents: int
    remaining_cents: int
    overdue_cents: int
    direct_debit: bool


def _chosen(query: InvoiceQuery) -> list[ColumnElement[bool]]:
    """The conditions on the invoice and its member (the settlement apart)."""
    conditions = matches(query.text, Member.search_text, Invoice.number)
    for column, value in (
        (Invoice.year, query.year),
        (Invoice.kind, query.kind),
        (Invoice.member_id, query.member_id),
        (Invoice.id, query.invoice_id),
    ):
        if value is not None:
            conditions.append(column == value)
    return conditions


def _sums(chosen: list[ColumnElement[bool]]) -> Subquery:
    """What is paid, credited, left and overdue on the chosen invoices only (not on the
    hundreds of thousands of others)."""
    remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
    overdue = case((Instalment.due_on < clock.today(), remaining), else_=0)
    invoice_ids = select(Invoice.id).join(Member, Member.id == Invoice.member_id).where(*chosen)
    return (
        select(
            Instalment.invoice_id,
            func.sum(Instalment.paid_cents).label("paid"),
            func.sum(Instalment.credited_cents).label("credited"),
            func.sum(remaining).label("remaining"),
            func.sum(overdue).label("overdue"),
        )
        .where(Instalment.superseded_at.is_(None), Instalment.invoice_id.in_(invoice_ids))
        .group_by(Instalment.invoice_id)
        .subquery()
    )


def search_invoices(session: Session, actor: Actor, query: InvoiceQuery) -> list[InvoiceRow]:
    require(session, actor, Permission.BILLING_VIEW)
    chosen = _chosen(query)
    sums = _sums(chosen)
    remaining = func.coalesce(sums.c.remaining, 0)
    overdue = func.coalesce(sums.c.overdue, 0)
    statement = (
        select(
            Invoice.id,
            Invoice.number,
            Invoice.kind,
            Invoice.member_id,
            Member.member_code,
            Member.legal_name,
            Invoice.year,
            Invoice.issued_on,
            Invoice.period_label,
            Invoice.total_ttc_cents,
            func.coalesce(sums.c.paid, 0),
            func.coalesce(sums.c.credited, 0),
            remaining,
            overdue,
            Invoice.pays_by_direct_debit,
        )
        .join(Member, Member.id == Invoice.member_id)
        .outerjoin(sums, sums.c.invoice_id == Invoice.id)
        .where(*chosen)
        .order_by(Invoice.issued_on.desc(), Invoice.number.desc())
    )
    if query.settlement == Settlement.UNPAID:
        statement = statement.where(remaining > 0)
    elif query.settlement == Settlement.OVERDUE:
        statement = statement.where(overdue > 0)
    elif query.settlement == Settlement.PAID:
        statement = statement.where(remaining == 0)
    # PostgreSQL sums bigints as numerics: back to integer cents.
    return [
        InvoiceRow(*row[:10], *(int(cents) for cents in row[10:14]), row[14])
        for row in session.execute(statement)
    ]


@dataclass(frozen=True)
class LineRow:
    label: str
    quantity: int
    unit_price_cents: int
    amount_cents: int


@dataclass(frozen=True)
class PaymentRow:
    id: int
    received_on: date
    method: PaymentMethod
    amount_cents: int  # the whole payment
    on_this_invoice_cents: int  # what it settled on this invoice
    reference: str | None
    recorded_by: str
    reversed_at: datetime | None
    reversal_reason: str | None


@dataclass(frozen=True)
class CreditNoteRow:
    id: int
    number: str
    issued_on: date
    reason: str
    is_full: bool
    total_ht_cents: int
    vat_cents: int
    total_ttc_cents: int


@dataclass(frozen=True)
class ReminderRow:
    instalment_id: int
    level: int
    sent_on: date
    amount_due_cents: int


@dataclass(frozen=True)
class InvoiceDetail:
    row: InvoiceRow
    issued_at: datetime
    issued_by: str
    period_start: date
    period_end: date
    billing_lines: tuple[str, ...]
    total_ht_cents: int
    discount_rate_bp: int
    discount_cents: int
    vat_rate_bp: int
    vat_cents: int
    lines: list[LineRow]
    schedule: list[InstalmentRow]  # superseded ones included, for the history
    payments: list[PaymentRow]
    credit_notes: list[CreditNoteRow]
    reminders: list[ReminderRow]


def invoice_detail(session: Session, actor: Actor, invoice_id: int) -> InvoiceDetail:
    require(session, actor, Permission.BILLING_VIEW)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(tr("This invoice no longer exists."))
    [row] = search_invoices(session, actor, InvoiceQuery(invoice_id=invoice_id))
    issuer = session.get(StaffUser, invoice.issued_by_id) if invoice.issued_by_id else None
    address = (
        invoice.billing_name,
        invoice.billing_address_line1,
        invoice.billing_address_line2,
        f"{invoice.billing_postcode} {invoice.billing_city}",
    )
    return InvoiceDetail(
        row=row,
        issued_at=invoice.issued_at,
        issued_by=issuer.full_name if issuer else "",
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        billing_lines=tuple(line for line in address if line),
        total_ht_cents=invoice.total_ht_cents,
        discount_rate_bp=invoice.discount_rate_bp,
        discount_cents=invoice.discount_cents,
        vat_rate_bp=invoice.vat_rate_bp,
        vat_cents=invoice.vat_cents,
        lines=[
            LineRow(line.label, line.quantity, line.unit_price_cents, line.amount_cents)
            for line in session.scalars(
                select(InvoiceLine)
                .where(InvoiceLine.invoice_id == invoice_id)
                .order_by(InvoiceLine.position)
            )
        ],
        schedule=schedule(session, actor, invoice_id=invoice_id, include_superseded=True),
        payments=payments_of(session, invoice_id),
        credit_notes=[
            CreditNoteRow(
                note.id,
                note.number,
                note.issued_on,
                note.reason,
                note.is_full,
                note.total_ht_cents,
                note.vat_cents,
                note.total_ttc_cents,
            )
            for note in session.scalars(
                select(CreditNote)
                .where(CreditNote.invoice_id == invoice_id)
                .order_by(CreditNote.id)
            )
        ],
        reminders=[
            ReminderRow(
                reminder.instalment_id, reminder.level, reminder.sent_on, reminder.amount_due_cents
            )
            for reminder in session.scalars(
                select(PaymentReminder)
                .join(Instalment)
                .where(Instalment.invoice_id == invoice_id)
                .order_by(PaymentReminder.sent_on, PaymentReminder.id)
            )
        ],
    )


def payments_of(session: Session, invoice_id: int) -> list[PaymentRow]:
    """Payments recorded against the invoice or settling one of its instalments."""
    on_invoice = (
        select(
            PaymentAllocation.payment_id,
            func.sum(PaymentAllocation.amount_cents).label("amount"),
        )
        .join(Instalment, Instalment.id == PaymentAllocation.instalment_id)
        .where(Instalment.invoice_id == invoice_id)
        .group_by(PaymentAllocation.payment_id)
        .subquery()
    )
    rows = session.execute(
        select(Payment, func.coalesce(on_invoice.c.amount, 0), StaffUser.full_name)
        .outerjoin(on_invoice, on_invoice.c.payment_id == Payment.id)
        .outerjoin(StaffUser, StaffUser.id == Payment.recorded_by_id)
        .where(or_(Payment.invoice_id == invoice_id, on_invoice.c.payment_id.is_not(None)))
        .order_by(Payment.received_on, Payment.id)
    )
    return [
        PaymentRow(
            payment.id,
            payment.received_on,
            payment.method,
            payment.amount_cents,
            int(settled),
            payment.reference,
            recorder or "",
            payment.reversed_at,
            payment.reversal_reason,
        )
        for payment, settled, recorder in rows
    ]


@dataclass(frozen=True)
class MemberRef:
    id: int
    member_code: str
    name: str

    @property
    def label(self) -> str:
        """« CODE — NAME », as the forms name the member."""
        return f"{self.member_code} — {self.name}"


def find_member(session: Session, actor: Actor, member_code: str) -> MemberRef | None:
    """The member with this code (the single-invoice forms type it)."""
    require(session, actor, Permission.BILLING_VIEW)
    member = session.scalar(select(Member).where(Member.member_code == member_code.strip()))
    return MemberRef(member.id, member.member_code, member.legal_name) if member else None


def member_outstanding(session: Session, actor: Actor, member_id: int) -> int:
    """What the member still owes on all its invoices."""
    require(session, actor, Permission.BILLING_VIEW)
    remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
    return int(
        session.scalar(
            select(func.coalesce(func.sum(remaining), 0))
            .join(Invoice, Invoice.id == Instalment.invoice_id)
            .where(Invoice.member_id == member_id, Instalment.superseded_at.is_(None))
        )
        or 0
    )
