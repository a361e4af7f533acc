"""Writing off a debt (*passage en perte d'une créance irrécouvrable*).

When a member will never pay (liquidation closed for lack of assets, a debt too small to
pursue), what is left to pay on its invoice is given up: each open instalment is settled
for its remaining amount (counted with the credited part, ``credited_cents``, as a credit
note would), a :class:`WriteOff` row keeps who, when, how much and why, and the loss is
booked (:func:`builders.write_off_entry`). The invoice itself stays as issued.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import Invoice, SepaState, WriteOff
from backoffice.money import format_eur
from backoffice.services import audit
from backoffice.services.accounting import events
from backoffice.services.billing.payments import open_instalments
from backoffice.services.errors import Conflict, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.tracking import mark_touched

REASON_LENGTH = 300
IN_THE_BANKS_HANDS = (SepaState.PRENOTIFIED, SepaState.SENT)


@dataclass(frozen=True)
class WriteOffOutcome:
    invoice_id: int
    invoice_number: str
    amount_cents: int
    write_off_ids: tuple[int, ...]


def write_off_invoice(
    session: Session,
    actor: Actor,
    invoice_id: int,
    reason: str,
    *,
    expected_remaining_cents: int | None = None,
) -> WriteOffOutcome:
    """Give up what is left to pay on an invoice. ``expected_remaining_cents`` is what the
    user saw: a payment meanwhile makes it a conflict."""
    require(session, actor, Permission.ACCOUNTING_MANAGE)
    reason = " ".join(reason.split())
    if not reason or len(reason) > REASON_LENGTH:
        raise ValidationFailed.single(
            "reason", tr("Reason: required, {count} characters at most.", count=REASON_LENGTH)
        )
    invoice = session.get(Invoice, invoice_id, with_for_update=True)
    if invoice is None:
        raise NotFound(tr("This invoice no longer exists."))
    instalments = open_instalments(session, invoice.member_id, invoice.id)
    remaining = sum(item.remaining_cents for item in instalments)
    if remaining == 0:
        raise ValidationFailed.single(
            "invoice", tr("Invoice {number} has nothing left to pay.", number=invoice.number)
        )
    if expected_remaining_cents is not None and remaining != expected_remaining_cents:
        raise Conflict(
            tr(
                "What is left to pay on invoice {number} changed since you opened it "
                "({amount} now); reload and try again.",
                number=invoice.number,
                amount=format_eur(remaining),
            )
        )
    if any(item.sepa_state in IN_THE_BANKS_HANDS for item in instalments):
        raise ValidationFailed.single(
            "invoice",
            tr(
                "An instalment of invoice {number} is announced to the member or in a "
                "direct-debit file: wait for the debit's outcome before writing it off.",
                number=invoice.number,
            ),
        )
    today = clock.today()
    rows = []
    for instalment in instalments:
        row = WriteOff(
            instalment_id=instalment.id,
            invoice_id=invoice.id,
            member_id=invoice.member_id,
            amount_cents=instalment.remaining_cents,
            written_off_on=today,
            reason=reason,
            created_at=clock.now(),
            created_by_id=actor.staff_id,
        )
        instalment.credited_cents += instalment.remaining_cents
        session.add(row)
        rows.append(row)
    session.flush()
    ids = tuple(row.id for row in rows)
    events.post_write_offs(session, ids)
    mark_touched(session, "instalments", {item.id for item in instalments})
    audit.record(
        session,
        actor,
        "invoice.write_off",
        "invoice",
        invoice.id,
        member_id=invoice.member_id,
        summary=tr(
            "Invoice {number}: {amount} written off ({reason})",
            number=invoice.number,
            amount=format_eur(remaining),
            reason=reason,
        ),
        after={"amount_cents": remaining, "reason": reason, "write_offs": list(ids)},
    )
    return WriteOffOutcome(invoice.id, invoice.number, remaining, ids)


def left_to_write_off(session: Session, actor: Actor, invoice_id: int) -> int:
    """What is still to pay on the invoice (what a write-off would give up)."""
    require(session, actor, Permission.ACCOUNTING_MANAGE)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(tr("This invoice no longer exists."))
    return sum(
        item.remaining_cents for item in open_instalments(session, invoice.member_id, invoice.id)
    )
