"""After the collection date: the debits received, and the returns (R-transactions).

Each debit of a file becomes one direct-debit payment on its instalment (recorded with
the billing rules, all of a file's together: a ``PaymentBatch``), once the collection
date is reached. A debit the bank returns — before or after it was received — marks the
instalment ``rejected`` with the ISO reason code; a payment recorded for it is reversed
(``reverse_payment``), so the instalment is unpaid again and shows among the overdue ones.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import (
    Instalment,
    Invoice,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    SepaCollection,
    SepaState,
)
from backoffice.money import format_eur
from backoffice.reports.sepa import pain008
from backoffice.services import audit
from backoffice.services.accounting import events as accounting_events
from backoffice.services.billing.payments import PaymentBatch, reverse_payment
from backoffice.services.errors import (
    Conflict,
    FieldError,
    NotFound,
    ServiceError,
    ValidationFailed,
)
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent
from backoffice.services.sepa.reason_codes import MANDATE_UNUSABLE, reason_label, reason_labels


@dataclass(frozen=True)
class SettlementOutcome:
    collection_id: int
    recorded: int  # debits recorded as payments now
    already: int  # recorded before (or returned): left alone
    total_cents: int
    credit_cents: int  # received beyond what was still owed (paid otherwise meanwhile)
    payment_ids: tuple[int, ...] = ()  # the payments recorded now


@dataclass(frozen=True)
class ReturnOutcome:
    instalment_id: int
    member_id: int
    code: str
    reversed_payment_ids: tuple[int, ...]
    remaining_cents: int  # owed again
    mandate_unusable: bool  # the code says the account cannot be debited any more


def _file_instalments(session: Session, collection_id: int) -> dict[str, tuple[Row[Any], int]]:
    """The instalments still pointing to the file, by end-to-end id, with their member:
    rows of their ``id`` and ``sepa_state`` (locked), not ORM objects (a file holds
    hundreds of debits)."""
    rows = session.execute(
        select(Instalment.id, Instalment.sepa_state, Instalment.end_to_end_id, Invoice.member_id)
        .join(Invoice)
        .where(Instalment.collection_id == collection_id)
        .with_for_update(of=Instalment)
    )
    return {row.end_to_end_id: (row, row.member_id) for row in rows if row.end_to_end_id}


def _received(session: Session, collection_id: int) -> set[int]:
    return set(
        session.scalars(
            select(PaymentAllocation.instalment_id)
            .join(Payment)
            .where(Payment.collection_id == collection_id, Payment.reversed_at.is_(None))
        )
    )


def record_debits_received(
    session: Session,
    actor: Actor,
    collection_id: int,
    *,
    progress: Progress | None = None,
    only: Collection[str] | None = None,
    transactions: Sequence[pain008.FileTransaction] | None = None,
) -> SettlementOutcome:
    """The bank credited the file's debits: one payment per instalment, on the collection
    date. Debits returned or recorded before are left alone; running it twice is harmless.
    ``only``: the end-to-end ids of the debits credited (a bank credits a file by batch,
    one per sequence type), all of them by default. ``transactions``: the file's, as
    ``pain008.read_transactions(collection.xml)`` reads them, when the caller read them
    already (the bank matcher keeps them: the file is not parsed again)."""
    require(session, actor, Permission.SEPA_MANAGE)
    progress = progress or silent()
    collection = session.get(SepaCollection, collection_id, with_for_update=True)
    if collection is None:
        raise NotFound(tr("This direct-debit file no longer exists."))
    if collection.collection_date > clock.today():
        raise ServiceError(
            tr(
                "The debits of this file are collected on {day}: they can be recorded as "
                "received from that day on.",
                day=format_day(collection.collection_date),
            )
        )
    if transactions is None:
        transactions = pain008.read_transactions(collection.xml)
    if only is not None:
        transactions = [item for item in transactions if item.end_to_end_id in only]
    instalments = _file_instalments(session, collection.id)
    received = _received(session, collection.id)
    already = 0
    debits: list[tuple[int, int, pain008.FileTransaction]] = []  # member, instalment, debit
    for transaction in transactions:
        instalment, member_id = instalments.get(transaction.end_to_end_id, (None, 0))
        if (
            instalment is None
            or instalment.sepa_state != SepaState.SENT
            or instalment.id in received
        ):
            already += 1
            continue
        debits.append((member_id, instalment.id, transaction))
    payment_ids: list[int] = []
    total = credit = 0
    if debits:
        # one payment per debit, settling its instalment, written together
        batch = PaymentBatch(session, actor, {member_id for member_id, _, _ in debits})
        for done, (member_id, instalment_id, transaction) in enumerate(debits):
            progress.step(done, len(debits), tr("Recording the debits received…"))
            batch.add(
                member_id,
                transaction.amount_cents,
                PaymentMethod.DIRECT_DEBIT,
                collection.collection_date,
                reference=transaction.end_to_end_id,
                instalment_ids=(instalment_id,),
                collection_id=collection.id,
                allow_overpayment=True,  # the bank did debit it: an excess becomes a credit
            )
            total += transaction.amount_cents
        for outcome in batch.write(journal=False):  # posted together below
            credit += outcome.credit_cents
            payment_ids.append(outcome.payment_id)
    recorded = len(payment_ids)
    accounting_events.post_payments(session, payment_ids)
    accounting_events.post_collection(session, payment_ids)
    audit.record(
        session,
        actor,
        "sepa.collection.received",
        "sepa_collection",
        collection.id,
        summary=tr("{count} debits received ({total})", count=recorded, total=format_eur(total)),
        after={"recorded": recorded, "already": already, "total_cents": total},
    )
    return SettlementOutcome(collection.id, recorded, already, total, credit, tuple(payment_ids))


def check_return(code: str, returned_on: date) -> None:
    errors = []
    if code not in reason_labels():
        errors.append(
            FieldError(
                "code",
                tr(
                    "Reason code: {code} is not an ISO reason code of a returned direct debit "
                    "(e.g. AM04).",
                    code=code or "-",
                ),
            )
        )
    if returned_on > clock.today():
        errors.append(
            FieldError(
                "returned_on",
                tr("Return date: {day} is in the future.", day=format_day(returned_on)),
            )
        )
    if errors:
        raise ValidationFailed(errors)


def _direct_debit_payments(session: Session, instalment_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Payment.id)
            .join(PaymentAllocation)
            .where(
                PaymentAllocation.instalment_id == instalment_id,
                Payment.method == PaymentMethod.DIRECT_DEBIT,
                Payment.reversed_at.is_(None),
            )
            .distinct()
        )
    )


def record_return(
    session: Session,
    actor: Actor,
    instalment_id: int,
    code: str,
    *,
    returned_on: date | None = None,
    expected_version: int | None = None,
    journal: bool = True,
) -> ReturnOutcome:
    """The bank returned the debit of this instalment with ``code`` (ISO 20022). The
    payments reversed are posted to the books unless ``journal=False`` (then
    ``accounting.events.post_reversals``, with others)."""
    require(session, actor, Permission.SEPA_MANAGE)
    code = code.strip().upper()
    returned_on = returned_on or clock.today()
    check_return(code, returned_on)
    instalment = session.get(Instalment, instalment_id, with_for_update=True)
    if instalment is None:
        raise NotFound(tr("This instalment no longer exists."))
    if expected_version is not None and instalment.version != expected_version:
        raise Conflict(
            tr("A colleague changed this instalment since you opened it; reload and try again.")
        )
    if instalment.sepa_state != SepaState.SENT:
        raise ServiceError(
            tr(
                "This instalment is not in a direct-debit file sent to the bank (state: "
                "{state}): there is no debit to return.",
                state=instalment.sepa_state.value,
            )
        )
    reason = tr("Direct debit returned: {code} – {label}", code=code, label=reason_label(code))
    reversed_ids = _direct_debit_payments(session, instalment.id)
    for payment_id in reversed_ids:
        reverse_payment(
            session, actor, payment_id, reason, reversed_on=returned_on, journal=journal
        )
    before = {"sepa_state": instalment.sepa_state, "rejection_code": instalment.rejection_code}
    instalment.sepa_state = SepaState.REJECTED
    instalment.rejection_code = code
    session.flush()
    member_id = instalment.invoice.member_id
    audit.record(
        session,
        actor,
        "sepa.return",
        "instalment",
        instalment.id,
        member_id=member_id,
        summary=reason,
        before=before,
        after={
            "sepa_state": SepaState.REJECTED,
            "rejection_code": code,
            "returned_on": returned_on,
            "end_to_end_id": instalment.end_to_end_id,
            "reversed_payments": reversed_ids,
        },
    )
    return ReturnOutcome(
        instalment.id,
        member_id,
        code,
        tuple(reversed_ids),
        instalment.remaining_cents,
        code in MANDATE_UNUSABLE,
    )
