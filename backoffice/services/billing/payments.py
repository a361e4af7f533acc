"""Recording payments: they settle the oldest due instalments first.

A payment may be partial; what exceeds the debt stays on the payment as the member's
credit (``amount - allocated``). A bounced cheque or a returned direct debit *reverses*
the payment: it stays on record, its allocations stop counting, and the instalments it
had settled are due again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import Meaning, day_problem
from backoffice.i18n import tr
from backoffice.models import Instalment, Invoice, Member, Payment, PaymentAllocation, PaymentMethod
from backoffice.money import cents_problem, format_eur
from backoffice.services import audit
from backoffice.services.accounting import events as accounting_events
from backoffice.services.errors import FieldError, NotFound, ServiceError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require


@dataclass(frozen=True)
class PaymentOutcome:
    payment_id: int
    allocated_cents: int
    credit_cents: int  # what was left over, kept as the member's credit
    settled_instalment_ids: tuple[int, ...]


def open_instalments(
    session: Session,
    member_id: int,
    invoice_id: int | None = None,
    instalment_ids: list[int] | None = None,
) -> list[Instalment]:
    """Unsettled instalments, oldest due first (then oldest invoice), locked for update."""
    statement = (
        select(Instalment)
        .join(Invoice)
        .where(
            Invoice.member_id == member_id,
            Instalment.superseded_at.is_(None),
            Instalment.amount_cents > Instalment.paid_cents + Instalment.credited_cents,
        )
        .order_by(Instalment.due_on, Invoice.issued_on, Invoice.id, Instalment.position)
        .with_for_update()
    )
    if invoice_id is not None:
        statement = statement.where(Instalment.invoice_id == invoice_id)
    if instalment_ids is not None:
        statement = statement.where(Instalment.id.in_(instalment_ids))
    return list(session.scalars(statement))


# No payment the service receives comes near: ten million euros (a typing slip does).
PAYMENT_CEILING_CENTS = 1_000_000_000


def outstanding_cents(session: Session, member_id: int, invoice_id: int | None = None) -> int:
    return sum(item.remaining_cents for item in open_instalments(session, member_id, invoice_id))


def record_payment(
    session: Session,
    actor: Actor,
    member_id: int,
    amount_cents: int,
    method: PaymentMethod,
    received_on: date,
    *,
    invoice_id: int | None = None,
    reference: str | None = None,
    instalment_ids: list[int] | None = None,
    collection_id: int | None = None,
    allow_overpayment: bool = False,
    journal: bool = True,
) -> PaymentOutcome:
    """Record a payment and settle the oldest due instalments (of ``invoice_id`` when
    given, else of all the member's invoices). More than owed needs ``allow_overpayment``
    (the staff confirmed it); the excess is kept as a credit. Its entry is posted in the
    books at once, unless ``journal`` is False: the caller recording many payments posts
    them together (``accounting.events.post_payments``)."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    problem = cents_problem(
        tr("Amount"),
        amount_cents,
        ceiling_cents=PAYMENT_CEILING_CENTS,
        allow_zero=True,
        allow_negative=True,
    )
    if problem:
        raise ValidationFailed.single("amount", problem)
    if amount_cents <= 0:
        raise ValidationFailed.single("amount", tr("The amount must be positive."))
    if received_on > clock.today():
        raise ValidationFailed.single(
            "received_on", tr("The payment date cannot be in the future.")
        )
    if problem := day_problem(Meaning.PAYMENT_RECEIVED, lambda: tr("Received on"), received_on):
        raise ValidationFailed.single("received_on", problem)
    if session.get(Member, member_id) is None:
        raise NotFound(tr("This member no longer exists."))
    if invoice_id is not None:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None or invoice.member_id != member_id:
            raise NotFound(tr("This invoice does not belong to the member."))
    instalments = open_instalments(session, member_id, invoice_id, instalment_ids)
    owed = sum(item.remaining_cents for item in instalments)
    if amount_cents > owed and not allow_overpayment:
        raise ValidationFailed(
            [
                FieldError(
                    "amount",
                    tr(
                        "{amount} is more than what is owed ({owed}); confirm to keep the "
                        "difference as a credit.",
                        amount=format_eur(amount_cents),
                        owed=format_eur(owed),
                    ),
                )
            ]
        )
    payment = Payment(
        member_id=member_id,
        invoice_id=invoice_id,
        method=method,
        amount_cents=amount_cents,
        received_on=received_on,
        reference=reference,
        recorded_at=clock.now(),
        recorded_by_id=actor.staff_id,
        collection_id=collection_id,
    )
    session.add(payment)
    left = amount_cents
    settled: list[int] = []
    for instalment in instalments:
        if left == 0:
            break
        share = min(left, instalment.remaining_cents)
        instalment.paid_cents += share
        payment.allocations.append(
            PaymentAllocation(instalment_id=instalment.id, amount_cents=share)
        )
        left -= share
        settled.append(instalment.id)
    session.flush()
    if journal:
        accounting_events.post_payment(session, payment.id)
    audit.record(
        session,
        actor,
        "payment.record",
        "payment",
        payment.id,
        member_id=member_id,
        summary=tr("{amount} by {method}", amount=format_eur(amount_cents), method=method.value),
        after={
            "amount_cents": amount_cents,
            "method": method,
            "invoice_id": invoice_id,
            "reference": reference,
            "credit_cents": left,
            "instalments": settled,
        },
    )
    return PaymentOutcome(payment.id, amount_cents - left, left, tuple(settled))


def reverse_payment(
    session: Session,
    actor: Actor,
    payment_id: int,
    reason: str,
    *,
    reversed_on: date | None = None,
) -> list[int]:
    """Undo a payment that did not go through (the money went back on ``reversed_on``,
    today by default); returns the instalments due again."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    payment = session.get(Payment, payment_id, with_for_update=True)
    if payment is None:
        raise NotFound(tr("This payment no longer exists."))
    if payment.reversed_at is not None:
        raise ServiceError(tr("This payment was already reversed."))
    if not reason.strip():
        raise ValidationFailed.single("reason", tr("A reason is required."))
    reopened = []
    for allocation in payment.allocations:
        instalment = session.get(Instalment, allocation.instalment_id, with_for_update=True)
        assert instalment is not None
        instalment.paid_cents -= allocation.amount_cents
        reopened.append(instalment.id)
    payment.reversed_at = clock.now()
    payment.reversed_on = reversed_on or clock.today()
    payment.reversed_by_id = actor.staff_id
    payment.reversal_reason = reason.strip()
    accounting_events.post_reversal(session, payment.id)
    audit.record(
        session,
        actor,
        "payment.reverse",
        "payment",
        payment.id,
        member_id=payment.member_id,
        summary=reason.strip(),
        after={"instalments": reopened},
    )
    return reopened


def member_credit_cents(session: Session, member_id: int) -> int:
    """Money received and not allocated to any instalment (overpayments)."""
    received = (
        session.scalar(
            select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(
                Payment.member_id == member_id, Payment.reversed_at.is_(None)
            )
        )
        or 0
    )
    allocated = (
        session.scalar(
            select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0))
            .join(Payment)
            .where(Payment.member_id == member_id, Payment.reversed_at.is_(None))
        )
        or 0
    )
    return int(received) - int(allocated)
