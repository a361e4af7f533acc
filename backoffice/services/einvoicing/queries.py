"""What the screens show of e-invoicing: an invoice's status and history, the documents
waiting for the platform, the rejections to handle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.models import CreditNote, Invoice, Member
from backoffice.models.einvoicing import DEPOSITED, EInvoice, EInvoiceEvent
from backoffice.services import settings
from backoffice.services.einvoicing.platform import status_label
from backoffice.services.permissions import Actor, Permission, require

IN_TRANSIT = (DEPOSITED, 201, 202)  # given, not yet made available to the buyer
LIMIT = 5000


@dataclass(frozen=True)
class HistoryRow:
    code: int
    label: str
    happened_at: datetime
    source: str
    reason: str
    amount_cents: int | None


@dataclass(frozen=True)
class DocumentStatus:
    einvoice_id: int | None
    number: str
    code: int | None  # None: not deposited yet
    label: str
    at: datetime | None
    reason: str
    task_open: bool
    version: int
    history: tuple[HistoryRow, ...]


def invoice_status(session: Session, actor: Actor, invoice_id: int) -> DocumentStatus | None:
    """The e-invoicing status of an invoice and its history (None: no such invoice)."""
    require(session, actor, Permission.BILLING_VIEW)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        return None
    row = session.scalar(select(EInvoice).where(EInvoice.invoice_id == invoice_id))
    if row is None:
        return DocumentStatus(None, invoice.number, None, "", None, "", False, 0, ())
    history = tuple(
        HistoryRow(
            event.code,
            status_label(event.code),
            event.happened_at,
            event.source,
            event.reason or "",
            event.amount_cents,
        )
        for event in session.scalars(
            select(EInvoiceEvent)
            .where(EInvoiceEvent.einvoice_id == row.id)
            .order_by(EInvoiceEvent.happened_at, EInvoiceEvent.id)
        )
    )
    return DocumentStatus(
        row.id,
        row.number,
        row.status_code,
        status_label(row.status_code),
        row.status_at,
        row.reason or "",
        row.task_open,
        row.version,
        history,
    )


@dataclass(frozen=True)
class QueueRow:
    einvoice_id: int | None
    invoice_id: int | None
    credit_note_id: int | None
    number: str
    member: str
    issued_on: date
    total_ttc_cents: int
    status: str  # label, empty when not deposited yet
    at: datetime | None
    reason: str
    version: int


def start_day(session: Session) -> date:
    return date.fromisoformat(str(settings.get(session, "einvoicing.start_on")))


def waiting(session: Session, actor: Actor) -> list[QueueRow]:
    """Documents not deposited yet (issued since e-invoicing started), then those given
    to the platform and not yet made available to the buyer."""
    require(session, actor, Permission.BILLING_VIEW)
    start = start_day(session)
    rows: list[QueueRow] = []
    for invoice_id, number, name, issued_on, total in session.execute(
        select(
            Invoice.id,
            Invoice.number,
            Member.legal_name,
            Invoice.issued_on,
            Invoice.total_ttc_cents,
        )
        .join(Member, Member.id == Invoice.member_id)
        .outerjoin(EInvoice, EInvoice.invoice_id == Invoice.id)
        .where(Invoice.issued_on >= start, EInvoice.id.is_(None))
        .order_by(Invoice.number)
        .limit(LIMIT)
    ):
        rows.append(
            QueueRow(None, invoice_id, None, number, name, issued_on, total, "", None, "", 0)
        )
    for note_id, number, name, issued_on, total in session.execute(
        select(
            CreditNote.id,
            CreditNote.number,
            Member.legal_name,
            CreditNote.issued_on,
            CreditNote.total_ttc_cents,
        )
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
        .join(Member, Member.id == Invoice.member_id)
        .outerjoin(EInvoice, EInvoice.credit_note_id == CreditNote.id)
        .where(CreditNote.issued_on >= start, EInvoice.id.is_(None))
        .order_by(CreditNote.number)
        .limit(LIMIT)
    ):
        rows.append(QueueRow(None, None, note_id, number, name, issued_on, total, "", None, "", 0))
    rows += _deposited(session, EInvoice.status_code.in_(IN_TRANSIT))
    return rows


def rejected(session: Session, actor: Actor) -> list[QueueRow]:
    """The rejections and refusals the billing staff have not handled yet."""
    require(session, actor, Permission.BILLING_VIEW)
    return _deposited(session, EInvoice.task_open.is_(True))


def _deposited(session: Session, condition) -> list[QueueRow]:
    result = []
    for row, invoice_member, note_member, invoice, note in session.execute(
        select(
            EInvoice,
            Member.legal_name,
            select(Member.legal_name)
            .join(Invoice, Invoice.member_id == Member.id)
            .join(CreditNote, CreditNote.invoice_id == Invoice.id)
            .where(CreditNote.id == EInvoice.credit_note_id)
            .scalar_subquery(),
            Invoice,
            CreditNote,
        )
        .outerjoin(Invoice, Invoice.id == EInvoice.invoice_id)
        .outerjoin(Member, Member.id == Invoice.member_id)
        .outerjoin(CreditNote, CreditNote.id == EInvoice.credit_note_id)
        .where(condition)
        .order_by(EInvoice.status_at.desc())
        .limit(LIMIT)
    ):
        document = invoice or note
        result.append(
            QueueRow(
                row.id,
                row.invoice_id,
                row.credit_note_id,
                row.number,
                invoice_member or note_member or "",
                document.issued_on,
                document.total_ttc_cents,
                status_label(row.status_code),
                row.status_at,
                row.reason or "",
                row.version,
            )
        )
    return result
