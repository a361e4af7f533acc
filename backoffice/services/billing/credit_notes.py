"""Credit notes (*avoirs*): an issued invoice is never edited nor deleted; a credit note
cancels all or part of it, with a number of its own series (``AV-2027-000001``).

The schedule follows: the credited amount first cancels what is still due, oldest due date
first (as a payment would settle it); beyond that, what the member had already paid on the
invoice is released from its instalments and becomes the member's credit (to refund or to
set against another invoice).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    CreditNote,
    Instalment,
    Invoice,
    Payment,
    PaymentAllocation,
    WriteOff,
)
from backoffice.money import apply_rate, cents_problem, format_eur
from backoffice.services import audit
from backoffice.services.accounting import events as accounting_events
from backoffice.services.billing import numbering
from backoffice.services.billing.numbering import Series
from backoffice.services.billing.payments import open_instalments
from backoffice.services.errors import NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.tracking import mark_touched

REASON_LENGTH = 300


@dataclass(frozen=True)
class Creditable:
    """What is left to credit on an invoice (net of the discount and earlier credit notes)."""

    ht_cents: int
    vat_cents: int
    ttc_cents: int


@dataclass(frozen=True)
class CreditNoteOutcome:
    id: int
    number: str
    invoice_id: int
    invoice_number: str
    is_full: bool
    total_ht_cents: int
    vat_cents: int
    total_ttc_cents: int
    cancelled_due_cents: int  # taken off what was still due
    released_to_credit_cents: int  # already paid, now the member's credit


def creditable(session: Session, invoice: Invoice) -> Creditable:
    done_ht, done_vat, done_ttc = session.execute(
        select(
            func.coalesce(func.sum(CreditNote.total_ht_cents), 0),
            func.coalesce(func.sum(CreditNote.vat_cents), 0),
            func.coalesce(func.sum(CreditNote.total_ttc_cents), 0),
        ).where(CreditNote.invoice_id == invoice.id)
    ).one()
    return Creditable(
        invoice.total_ht_cents - invoice.discount_cents - int(done_ht),
        invoice.vat_cents - int(done_vat),
        invoice.total_ttc_cents - int(done_ttc),
    )


def creditable_of(session: Session, actor: Actor, invoice_id: int) -> Creditable:
    require(session, actor, Permission.BILLING_VIEW)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(tr("This invoice no longer exists."))
    return creditable(session, invoice)


def amounts_for(vat_rate_bp: int, left: Creditable, amount_ht_cents: int | None) -> Creditable:
    """The credit note's HT, VAT and TTC: all that is left, or ``amount_ht_cents`` HT with
    the invoice's VAT rate (never more VAT than is left, so the credit notes of an invoice
    add up to it exactly)."""
    if amount_ht_cents is None or amount_ht_cents == left.ht_cents:
        return left
    if amount_ht_cents <= 0 or amount_ht_cents > left.ht_cents:
        raise ValidationFailed.single(
            "amount",
            tr(
                "Amount excl. VAT: enter more than 0 and at most the {left} left to credit.",
                left=format_eur(left.ht_cents),
            ),
        )
    vat = min(apply_rate(amount_ht_cents, vat_rate_bp), left.vat_cents)
    return Creditable(amount_ht_cents, vat, amount_ht_cents + vat)


def issue_credit_note(
    session: Session,
    actor: Actor,
    invoice_id: int,
    reason: str,
    amount_ht_cents: int | None = None,
) -> CreditNoteOutcome:
    """A full credit note (``amount_ht_cents`` None) or a partial one, HT."""
    require(session, actor, Permission.BILLING_ISSUE)
    if amount_ht_cents is not None and (
        problem := cents_problem(
            tr("Amount excl. VAT"), amount_ht_cents, allow_zero=True, allow_negative=True
        )
    ):
        raise ValidationFailed.single("amount", problem)
    reason = reason.strip()
    if not reason or len(reason) > REASON_LENGTH:
        raise ValidationFailed.single(
            "reason",
            tr("Reason: required, {count} characters at most.", count=REASON_LENGTH),
        )
    invoice = session.get(Invoice, invoice_id, with_for_update=True)
    if invoice is None:
        raise NotFound(tr("This invoice no longer exists."))
    left = creditable(session, invoice)
    if session.scalar(select(WriteOff.id).where(WriteOff.invoice_id == invoice.id).limit(1)):
        raise ValidationFailed.single(
            "amount",
            tr(
                "What was left to pay on invoice {number} was written off as a loss: it "
                "can no longer be credited.",
                number=invoice.number,
            ),
        )
    if left.ttc_cents <= 0:
        raise ValidationFailed.single(
            "amount",
            tr("Invoice {number} is already fully credited.", number=invoice.number),
        )
    amounts = amounts_for(invoice.vat_rate_bp, left, amount_ht_cents)
    today = clock.today()
    number = numbering.take(session, Series.CREDIT_NOTE, today.year).labels()[0]
    note = CreditNote(
        number=number,
        invoice_id=invoice.id,
        issued_on=today,
        issued_at=clock.now(),
        issued_by_id=actor.staff_id,
        reason=reason,
        is_full=amounts == left,
        total_ht_cents=amounts.ht_cents,
        vat_cents=amounts.vat_cents,
        total_ttc_cents=amounts.ttc_cents,
    )
    session.add(note)
    cancelled = _cancel_due(session, invoice, amounts.ttc_cents)
    released = _release_paid(session, invoice, amounts.ttc_cents - cancelled)
    session.flush()
    accounting_events.post_credit_note(session, note.id)
    audit.record(
        session,
        actor,
        "credit_note.issue",
        "credit_note",
        note.id,
        member_id=invoice.member_id,
        summary=tr(
            "Credit note {number} on invoice {invoice} ({amount}): {reason}",
            number=number,
            invoice=invoice.number,
            amount=format_eur(amounts.ttc_cents),
            reason=reason,
        ),
        after={
            "number": number,
            "invoice": invoice.number,
            "is_full": note.is_full,
            "total_ttc_cents": amounts.ttc_cents,
            "cancelled_due_cents": cancelled,
            "released_to_credit_cents": released,
        },
    )
    return CreditNoteOutcome(
        note.id,
        number,
        invoice.id,
        invoice.number,
        note.is_full,
        amounts.ht_cents,
        amounts.vat_cents,
        amounts.ttc_cents,
        cancelled,
        released,
    )


def _cancel_due(session: Session, invoice: Invoice, amount: int) -> int:
    """Credit the unpaid instalments, oldest due first; returns what was taken off."""
    left = amount
    for instalment in open_instalments(session, invoice.member_id, invoice.id):
        if left == 0:
            break
        share = min(left, instalment.remaining_cents)
        instalment.credited_cents += share
        left -= share
    return amount - left


def _release_paid(session: Session, invoice: Invoice, amount: int) -> int:
    """Take ``amount`` of what was paid on the invoice back off its instalments (latest due
    first): the payments' money becomes unallocated, the member's credit."""
    if amount == 0:
        return 0
    left = amount
    paid = session.scalars(
        select(Instalment)
        .where(
            Instalment.invoice_id == invoice.id,
            Instalment.superseded_at.is_(None),
            Instalment.paid_cents > 0,
        )
        .order_by(Instalment.due_on.desc(), Instalment.position.desc())
        .with_for_update()
    )
    for instalment in paid:
        share = min(left, instalment.paid_cents)
        _unallocate(session, instalment.id, share)
        instalment.paid_cents -= share
        instalment.credited_cents += share
        left -= share
        if left == 0:
            break
    if left:
        raise AssertionError("an invoice's instalments always cover its credit notes")
    mark_touched(session, "payment_allocations")
    return amount


def _unallocate(session: Session, instalment_id: int, amount: int) -> None:
    """Reduce the live payments' allocations to an instalment by ``amount``, latest first."""
    allocations = session.scalars(
        select(PaymentAllocation)
        .join(Payment)
        .where(PaymentAllocation.instalment_id == instalment_id, Payment.reversed_at.is_(None))
        .order_by(Payment.received_on.desc(), PaymentAllocation.id.desc())
        .with_for_update()
    )
    left = amount
    for allocation in allocations:
        share = min(left, allocation.amount_cents)
        if share == allocation.amount_cents:
            session.delete(allocation)
        else:
            allocation.amount_cents -= share
        left -= share
        if left == 0:
            return
