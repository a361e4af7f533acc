"""A collection's debits recorded together (``PaymentBatch``) give what they gave one
``record_payment`` each: the same payments, allocations, instalments, audit events and
journal entries — through the bank import and from the SEPA files tab (both backends)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    AuditEvent,
    Instalment,
    Member,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    SepaCollection,
    SepaState,
)
from backoffice.models.accounting import JournalEntry, JournalLine
from backoffice.money import format_eur
from backoffice.reports.sepa import pain008
from backoffice.services import audit
from backoffice.services.accounting import events as accounting_events
from backoffice.services.bank import importing
from backoffice.services.billing.payments import PaymentBatch, record_payment
from backoffice.services.sepa import returns
from tests.bank import builders
from tests.bank.builders import AFTER
from tests.sepa.builders import exported, invoice


def _per_debit(
    session: Session, actor, collection_id: int, *, progress=None, only=None, transactions=None
):
    """``record_debits_received`` as it was: one ``record_payment`` per debit, the file
    read again (``transactions``, what the matcher read, left aside)."""
    collection = session.get(SepaCollection, collection_id, with_for_update=True)
    transactions = pain008.read_transactions(collection.xml)
    if only is not None:
        transactions = [item for item in transactions if item.end_to_end_id in only]
    instalments = returns._file_instalments(session, collection.id)
    received = returns._received(session, collection.id)
    recorded = already = total = credit = 0
    payment_ids: list[int] = []
    for transaction in transactions:
        instalment, member_id = instalments.get(transaction.end_to_end_id, (None, 0))
        if (
            instalment is None
            or instalment.sepa_state != SepaState.SENT
            or instalment.id in received
        ):
            already += 1
            continue
        outcome = record_payment(
            session,
            actor,
            member_id,
            transaction.amount_cents,
            PaymentMethod.DIRECT_DEBIT,
            collection.collection_date,
            reference=transaction.end_to_end_id,
            instalment_ids=[instalment.id],
            collection_id=collection.id,
            allow_overpayment=True,
            journal=False,
        )
        recorded += 1
        total += transaction.amount_cents
        credit += outcome.credit_cents
        payment_ids.append(outcome.payment_id)
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
    return returns.SettlementOutcome(
        collection.id, recorded, already, total, credit, tuple(payment_ids)
    )


def _snapshot(session: Session, outcome: Any) -> dict[str, Any]:
    """What the settlement left, new rows' ids replaced by their rank (PostgreSQL's
    sequences are not rolled back)."""
    session.flush()
    payments = session.scalars(select(Payment).order_by(Payment.id)).all()
    rank = {payment.id: number for number, payment in enumerate(payments)}
    entries = session.scalars(select(JournalEntry).order_by(JournalEntry.id)).all()
    entry_rank = {entry.id: number for number, entry in enumerate(entries)}

    def piece(text: str) -> str:
        return re.sub(r"REG-(\d+)", lambda found: f"REG-#{rank[int(found[1])]}", text)

    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.in_(("payment.record", "sepa.collection.received")))
        .order_by(AuditEvent.id)
    ).all()
    return {
        "outcome": outcome
        and (
            outcome.collection_id,
            outcome.recorded,
            outcome.already,
            outcome.total_cents,
            outcome.credit_cents,
            [rank[payment_id] for payment_id in outcome.payment_ids],
        ),
        "payments": [
            (
                p.member_id,
                p.invoice_id,
                p.method,
                p.amount_cents,
                p.received_on,
                p.reference,
                p.recorded_at,
                p.recorded_by_id,
                p.collection_id,
                p.version,
                p.reversed_at,
            )
            for p in payments
        ],
        "allocations": sorted(
            (rank[a.payment_id], a.instalment_id, a.amount_cents)
            for a in session.scalars(select(PaymentAllocation))
        ),
        "instalments": [
            (i.id, i.paid_cents, i.credited_cents, i.version, i.sepa_state, i.rejection_code)
            for i in session.scalars(select(Instalment).order_by(Instalment.id))
        ],
        "audit": [
            (
                e.action,
                e.entity_type,
                rank[e.entity_id] if e.entity_type == "payment" else e.entity_id,
                e.member_id,
                e.staff_id,
                e.actor,
                e.summary,
                e.before,
                e.after,
            )
            for e in events
        ],
        "journal": [
            (
                e.journal,
                e.fiscal_year,
                e.entry_date,
                piece(e.piece_ref),
                e.piece_date,
                piece(e.label),
                e.source,
                rank.get(e.source_id, e.source_id),
                e.member_id,
            )
            for e in entries
        ],
        "lines": sorted(
            (
                entry_rank[line.entry_id],
                line.position,
                line.kind,
                line.account,
                line.member_id,
                line.label and piece(line.label),
                line.debit_cents,
                line.credit_cents,
                line.invoice_id,
                line.vat_rate_bp,
                line.vat_base_cents,
            )
            for line in session.scalars(select(JournalLine))
        ),
    }


class _Undo(Exception):
    pass


def _settled(database, actor, through: str, data: bytes, collection_id: int) -> dict[str, Any]:
    """The snapshot after the collection settled ``through`` the import or the files tab,
    rolled back."""
    found: dict[str, Any] = {}
    with pytest.raises(_Undo), clock.frozen(AFTER), database.transaction() as session:
        outcome = None
        if through == "import":
            importing.import_files(session, actor, [("releve.xml", data)])
        else:
            outcome = returns.record_debits_received(session, actor, collection_id)
        found.update(_snapshot(session, outcome))
        raise _Undo
    return found


@pytest.mark.parametrize("through", ["import", "files tab"])
def test_debits_recorded_together_as_one_by_one(database, actors, monkeypatch, through):
    billing = actors["billing"]
    member_ids, collection_id = exported(database, billing, 48607, 145822, 3000, 2500, 7700)
    with clock.frozen(AFTER), database.transaction() as session:
        # paid partly by cheque meanwhile: its debit leaves a credit
        record_payment(
            session, billing, member_ids[0], 10000, PaymentMethod.CHEQUE, date(2027, 3, 10)
        )
        # another invoice open, not in the file: not touched
        invoice(
            session,
            session.get(Member, member_ids[1]),
            [(date(2027, 5, 15), 9000)],
            direct_debit=False,
        )
        # paid in full meanwhile: all its debit is a credit
        record_payment(
            session, billing, member_ids[2], 3000, PaymentMethod.TRANSFER, date(2027, 3, 11)
        )
    with clock.frozen(AFTER), database.session() as session:
        data, _credits = builders.credit_statement(session, collection_id)
    batched = _settled(database, billing, through, data, collection_id)
    monkeypatch.setattr(returns, "record_debits_received", _per_debit)
    one_by_one = _settled(database, billing, through, data, collection_id)
    assert batched == one_by_one
    assert len(batched["payments"]) == 2 + 5  # the cheque, the transfer, the five debits
    assert sum(amount for *_id, amount in batched["allocations"]) == (
        48607 + 145822 + 3000 + 2500 + 7700
    )
    credits = [
        event[-1]["credit_cents"] for event in batched["audit"] if event[0] == "payment.record"
    ]
    assert sorted(credits[-5:]) == [0, 0, 0, 3000, 10000]
    assert any(source == "collection" for *_head, source, _id, _member in batched["journal"])


def test_a_collection_settles_again_harmlessly(database, actors):
    billing = actors["billing"]
    _members, collection_id = exported(database, billing, 48607, 145822)
    with clock.frozen(AFTER), database.transaction() as session:
        outcome = returns.record_debits_received(session, billing, collection_id)
    assert (outcome.recorded, outcome.already) == (2, 0)
    with clock.frozen(AFTER), database.transaction() as session:
        again = returns.record_debits_received(session, billing, collection_id)
    assert (again.recorded, again.already, again.payment_ids) == (0, 2, ())


def test_a_batch_restricted_to_an_instalment_is_refused_when_it_changed(database, actors):
    """The version guard holds for a debit's payment (``instalment_ids``)."""
    billing = actors["billing"]
    (member_id,), collection_id = exported(database, billing, 48607)
    with clock.frozen(AFTER), database.transaction() as session:
        instalment_id = session.scalar(
            select(Instalment.id).where(Instalment.collection_id == collection_id)
        )
        batch = PaymentBatch(session, billing, [member_id])
        batch.add(
            member_id,
            48607,
            PaymentMethod.DIRECT_DEBIT,
            date(2027, 3, 15),
            instalment_ids=[instalment_id],
            collection_id=collection_id,
        )
        session.execute(
            update(Instalment)
            .where(Instalment.id == instalment_id)
            .values(version=Instalment.version + 1)
        )
        with pytest.raises(StaleDataError):
            batch.write()
