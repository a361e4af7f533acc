"""Recording payments: they settle the oldest due instalments first.

A payment may be partial; what exceeds the debt stays on the payment as the member's
credit (``amount - allocated``). A bounced cheque or a returned direct debit *reverses*
the payment: it stays on record, its allocations stop counting, and the instalments it
had settled are due again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backoffice import clock
from backoffice.dates import Meaning, day_problem
from backoffice.i18n import tr
from backoffice.models import Instalment, Invoice, Member, Payment, PaymentAllocation, PaymentMethod
from backoffice.money import cents_problem, format_eur
from backoffice.services import audit
from backoffice.services.accounting import events as accounting_events
from backoffice.services.billing.bulk_rows import IdReserver, TableRows, execute_many
from backoffice.services.errors import FieldError, NotFound, ServiceError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.sql_values import among
from backoffice.services.tracking import mark_touched

_CHUNK = 500
_PAYMENT_COLUMNS = (
    "id",
    "member_id",
    "invoice_id",
    "method",
    "amount_cents",
    "received_on",
    "reference",
    "recorded_at",
    "recorded_by_id",
    "collection_id",
)
_ALLOCATION_COLUMNS = ("payment_id", "instalment_id", "amount_cents")


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
    _check_amount_and_day(amount_cents, received_on)
    if session.get(Member, member_id) is None:
        raise NotFound(tr("This member no longer exists."))
    if invoice_id is not None:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None or invoice.member_id != member_id:
            raise NotFound(tr("This invoice does not belong to the member."))
    instalments = open_instalments(session, member_id, invoice_id, instalment_ids)
    owed = sum(item.remaining_cents for item in instalments)
    if amount_cents > owed and not allow_overpayment:
        raise _more_than_owed(amount_cents, owed)
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
    shares = allocate(amount_cents, [item.remaining_cents for item in instalments])
    settled: list[int] = []
    for instalment, share in zip(instalments, shares, strict=False):
        instalment.paid_cents += share
        payment.allocations.append(
            PaymentAllocation(instalment_id=instalment.id, amount_cents=share)
        )
        settled.append(instalment.id)
    left = amount_cents - sum(shares)
    session.flush()
    if journal:
        accounting_events.post_payment(session, payment.id)
    audit.record(
        session,
        actor,
        **_audit_fields(
            payment.id, member_id, amount_cents, method, invoice_id, reference, left, settled
        ),
    )
    return PaymentOutcome(payment.id, amount_cents - left, left, tuple(settled))


def allocate(amount_cents: int, remaining: Sequence[int]) -> list[int]:
    """What a payment settles of each open instalment, in their order (oldest due first):
    each in full while the money lasts, the last one partly; the shares of the instalments
    it reaches (the rest of the payment, if any, is the member's credit)."""
    shares = []
    left = amount_cents
    for owed in remaining:
        if left == 0:
            break
        share = min(left, owed)
        shares.append(share)
        left -= share
    return shares


def _check_amount_and_day(amount_cents: int, received_on: date) -> None:
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


def _more_than_owed(amount_cents: int, owed: int) -> ValidationFailed:
    return ValidationFailed(
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


def _audit_fields(
    payment_id: int,
    member_id: int,
    amount_cents: int,
    method: PaymentMethod,
    invoice_id: int | None,
    reference: str | None,
    credit_cents: int,
    settled: list[int],
) -> dict[str, Any]:
    """The audit event of a payment recorded (``audit.record``'s arguments)."""
    return {
        "action": "payment.record",
        "entity_type": "payment",
        "entity_id": payment_id,
        "member_id": member_id,
        "summary": tr("{amount} by {method}", amount=format_eur(amount_cents), method=method.value),
        "after": {
            "amount_cents": amount_cents,
            "method": method,
            "invoice_id": invoice_id,
            "reference": reference,
            "credit_cents": credit_cents,
            "instalments": settled,
        },
    }


@dataclass
class _Open:
    """An open instalment as a batch sees it: what it still owes, after the payments of
    the batch added before."""

    id: int
    invoice_id: int
    version: int
    remaining: int
    paid: int = 0  # by the batch


@dataclass(frozen=True)
class _Planned:
    member_id: int
    amount_cents: int
    method: PaymentMethod
    received_on: date
    invoice_id: int | None
    reference: str | None
    shares: tuple[tuple[int, int], ...]  # (instalment id, cents)
    collection_id: int | None = None  # a direct debit of that SEPA file


class PaymentBatch:
    """Many payments recorded at once (the transfers of a bank statement), by the rules
    of :func:`record_payment` — each checked the same way, settling the oldest due
    instalments (of its invoice, else of the member) first, more than owed only when
    allowed — written with a few statements for all of them.

    ``PaymentBatch(session, actor, member_ids)`` reads and locks the open instalments of
    these members once; ``owed`` and ``open_by_invoice`` answer from them, including what
    the payments already added settle; ``add`` plans a payment (refused like
    ``record_payment`` would); ``write()`` records them all and returns their outcomes in
    the order they were added (posted to the books unless ``journal=False``: then
    ``accounting.events.post_payments``)."""

    def __init__(self, session: Session, actor: Actor, member_ids: Iterable[int]) -> None:
        require(session, actor, Permission.PAYMENTS_RECORD)
        self.session = session
        self.actor = actor
        self._open: dict[int, list[_Open]] = {}
        self._planned: list[_Planned] = []
        self._invoices: dict[int, int] = {}  # invoice → member, of the open instalments
        members = sorted(set(member_ids))
        remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
        postgresql = session.get_bind().dialect.name == "postgresql"
        for start in range(0, len(members), _CHUNK):
            chunk = members[start : start + _CHUNK]
            whose = among(session, Invoice.member_id, chunk)
            if postgresql:
                # their invoices first: named by id, the open instalments are found through
                # their partial index (by member, PostgreSQL scanned all open instalments)
                invoices = list(session.scalars(select(Invoice.id).where(whose)))
                if not invoices:
                    continue
                whose = among(session, Instalment.invoice_id, invoices)
            rows = session.execute(
                select(
                    Invoice.member_id,
                    Instalment.invoice_id,
                    Instalment.id,
                    Instalment.version,
                    remaining,
                )
                .join(Invoice, Invoice.id == Instalment.invoice_id)
                .where(
                    whose,
                    Instalment.superseded_at.is_(None),
                    Instalment.amount_cents > Instalment.paid_cents + Instalment.credited_cents,
                )
                .order_by(
                    Invoice.member_id,
                    Instalment.due_on,
                    Invoice.issued_on,
                    Invoice.id,
                    Instalment.position,
                )
                .with_for_update()
            )
            for member_id, invoice_id, instalment_id, version, left in rows:
                self._open.setdefault(member_id, []).append(
                    _Open(instalment_id, invoice_id, version, left)
                )
                self._invoices[invoice_id] = member_id
        self._members = set(members)
        # a member with an open instalment exists (its invoice names it); any other is
        # looked for when a payment of theirs is added
        self._known_members = set(self._open)

    def _exists(self, member_id: int) -> bool:
        if member_id not in self._known_members:
            if self.session.get(Member, member_id) is None:
                return False
            self._known_members.add(member_id)
        return True

    def _parts(
        self,
        member_id: int,
        invoice_id: int | None,
        instalment_ids: Collection[int] | None = None,
    ) -> list[_Open]:
        return [
            item
            for item in self._open.get(member_id, ())
            if item.remaining > 0
            and (invoice_id is None or item.invoice_id == invoice_id)
            and (instalment_ids is None or item.id in instalment_ids)
        ]

    def owed(self, member_id: int, invoice_id: int | None = None) -> int:
        """What the member (or that invoice of theirs) still owes, the batch counted."""
        return sum(item.remaining for item in self._parts(member_id, invoice_id))

    def open_by_invoice(self, member_id: int) -> dict[int, list[int]]:
        """The member's open invoices: what each open instalment of theirs still owes."""
        found: dict[int, list[int]] = {}
        for item in self._parts(member_id, None):
            found.setdefault(item.invoice_id, []).append(item.remaining)
        return found

    def add(
        self,
        member_id: int,
        amount_cents: int,
        method: PaymentMethod,
        received_on: date,
        *,
        invoice_id: int | None = None,
        reference: str | None = None,
        instalment_ids: Collection[int] | None = None,
        collection_id: int | None = None,
        allow_overpayment: bool = False,
    ) -> None:
        """Plan a payment of one of the batch's members, refused as ``record_payment``
        refuses it (``instalment_ids``: it settles only these, as ``record_payment``'s;
        ``collection_id``: the SEPA file of a direct debit)."""
        _check_amount_and_day(amount_cents, received_on)
        if member_id not in self._members:
            raise ValueError(f"member {member_id} is not one of the batch's")
        if not self._exists(member_id):
            raise NotFound(tr("This member no longer exists."))
        if invoice_id is not None and self._invoice_member(invoice_id) != member_id:
            raise NotFound(tr("This invoice does not belong to the member."))
        parts = self._parts(member_id, invoice_id, instalment_ids)
        owed = sum(item.remaining for item in parts)
        if amount_cents > owed and not allow_overpayment:
            raise _more_than_owed(amount_cents, owed)
        shares = allocate(amount_cents, [item.remaining for item in parts])
        for item, share in zip(parts, shares, strict=False):
            item.remaining -= share
            item.paid += share
        self._planned.append(
            _Planned(
                member_id,
                amount_cents,
                method,
                received_on,
                invoice_id,
                reference,
                tuple((item.id, share) for item, share in zip(parts, shares, strict=False)),
                collection_id,
            )
        )

    def _invoice_member(self, invoice_id: int) -> int | None:
        if invoice_id not in self._invoices:  # nothing open on it: read whose it is
            self._invoices[invoice_id] = self.session.scalar(
                select(Invoice.member_id).where(Invoice.id == invoice_id)
            )
        return self._invoices[invoice_id]

    def __len__(self) -> int:
        return len(self._planned)

    def write(self, *, journal: bool = True) -> list[PaymentOutcome]:
        """Record the payments planned: one INSERT of the payments, one of their
        allocations, one UPDATE of the instalments, the audit events; their outcomes in
        the order they were added."""
        if not self._planned:
            return []
        session = self.session
        session.flush()
        connection = session.connection()
        payment_ids = IdReserver(session, Payment.__table__).take(len(self._planned))
        # through the driver's bulk path (rows of values, COPY on PostgreSQL): a compiled
        # statement and a dictionary for each of 10,000 payments cost more than the insert
        payments = TableRows(connection, Payment.__table__, _PAYMENT_COLUMNS)
        recorded_at = payments.bind("recorded_at", clock.now())
        for payment_id, item in zip(payment_ids, self._planned, strict=True):
            payments.add(
                (
                    payment_id,
                    item.member_id,
                    item.invoice_id,
                    payments.constant("method", item.method),
                    item.amount_cents,
                    payments.constant("received_on", item.received_on),
                    item.reference,
                    recorded_at,
                    self.actor.staff_id,
                    item.collection_id,
                )
            )
        payments.flush()
        allocations = TableRows(connection, PaymentAllocation.__table__, _ALLOCATION_COLUMNS)
        for payment_id, item in zip(payment_ids, self._planned, strict=True):
            for instalment_id, share in item.shares:
                allocations.add((payment_id, instalment_id, share))
        allocations.flush()
        paid = [item for parts in self._open.values() for item in parts if item.paid]
        if paid:
            updated = execute_many(
                connection,
                "UPDATE instalments SET paid_cents = paid_cents + ?, version = version + 1 "
                "WHERE id = ? AND version = ?",
                [(item.paid, item.id, item.version) for item in paid],
                postgresql="UPDATE instalments AS i SET paid_cents = i.paid_cents + v.paid, "
                "version = i.version + 1 FROM unnest(%s::bigint[], %s::int[], %s::int[]) "
                "AS v(paid, id, version) WHERE i.id = v.id AND i.version = v.version",
            )
            if updated not in (-1, len(paid)):
                raise StaleDataError("instalments changed while the payments were recorded")
            # ORM objects of these instalments this session holds are read again
            ids = {item.id for item in paid}
            for instance in list(session.identity_map.values()):
                if isinstance(instance, Instalment) and instance.id in ids:
                    session.expire(instance)
            for item in paid:
                item.version += 1
                item.paid = 0
        outcomes = []
        events = []
        for payment_id, item in zip(payment_ids, self._planned, strict=True):
            allocated = sum(share for _instalment, share in item.shares)
            settled = [instalment for instalment, _share in item.shares]
            outcomes.append(
                PaymentOutcome(payment_id, allocated, item.amount_cents - allocated, tuple(settled))
            )
            events.append(
                _audit_fields(
                    payment_id,
                    item.member_id,
                    item.amount_cents,
                    item.method,
                    item.invoice_id,
                    item.reference,
                    item.amount_cents - allocated,
                    settled,
                )
            )
        audit.record_many(session, self.actor, events)
        mark_touched(session, "payments", set(payment_ids))
        mark_touched(session, "payment_allocations", None)
        mark_touched(session, "instalments", {item.id for item in paid})
        self._planned = []
        if journal:
            accounting_events.post_payments(session, payment_ids)
        return outcomes


def reverse_payment(
    session: Session,
    actor: Actor,
    payment_id: int,
    reason: str,
    *,
    reversed_on: date | None = None,
    journal: bool = True,
) -> list[int]:
    """Undo a payment that did not go through (the money went back on ``reversed_on``,
    today by default); returns the instalments due again. Posted to the books unless
    ``journal=False`` (then ``accounting.events.post_reversals``, with others)."""
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
    if journal:
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
