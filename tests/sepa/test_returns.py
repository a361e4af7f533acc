"""After the collection date: debits recorded as received, returns with their reason
code; a returned instalment is unpaid again and shows among the overdue ones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import AuditEvent, Instalment, Payment, PaymentMethod, SepaState
from backoffice.services import members
from backoffice.services.billing import queries as billing_queries
from backoffice.services.billing.queries import InstalmentStatus
from backoffice.services.errors import ServiceError, ValidationFailed
from backoffice.services.members import MemberQuery
from backoffice.services.permissions import Actor
from backoffice.services.sepa import returns
from backoffice.services.sepa.selection import AnomalyKind
from tests.sepa.builders import COLLECTION, due, export, invoice, member_with_mandate, review

AFTER = datetime(2027, 3, 18, 9, tzinfo=UTC)  # three days after the collection


def collected(database: Database, actor: Actor, amounts: list[int]) -> tuple[int, list[int]]:
    """Members with a mandate and an instalment each, exported (notice overridden)."""
    member_ids = due(database, actor, *amounts)
    outcome = export(database, actor, late_notice=True)
    return outcome.collection_id, member_ids


def state_of(database: Database, actor: Actor, member_id: int) -> billing_queries.InstalmentRow:
    with database.session() as session:
        (row,) = billing_queries.schedule(session, actor, member_id=member_id)
        return row


def test_debits_received_become_payments_once(database: Database, actors: dict[str, Actor]) -> None:
    billing = actors["billing"]
    collection_id, member_ids = collected(database, billing, [48607, 145822])
    with pytest.raises(ServiceError, match="à partir de ce jour"), database.transaction() as s:
        returns.record_debits_received(s, billing, collection_id)  # still 1 February
    with clock.frozen(AFTER):
        with database.transaction() as session:
            outcome = returns.record_debits_received(session, billing, collection_id)
        assert (outcome.recorded, outcome.already, outcome.total_cents) == (2, 0, 194429)
        with database.transaction() as session:
            again = returns.record_debits_received(session, billing, collection_id)
        assert (again.recorded, again.already) == (0, 2)
        for member_id in member_ids:
            row = state_of(database, billing, member_id)
            assert row.status == InstalmentStatus.PAID and row.remaining_cents == 0
    with database.session() as session:
        payments = session.scalars(select(Payment)).all()
        assert len(payments) == 2
        assert {p.method for p in payments} == {PaymentMethod.DIRECT_DEBIT}
        assert {p.received_on for p in payments} == {COLLECTION}
        assert {p.collection_id for p in payments} == {collection_id}


def test_a_return_reverses_the_payment_and_the_instalment_is_overdue_again(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    collection_id, (member_id, other_id) = collected(database, billing, [48607, 30000])
    with clock.frozen(AFTER):
        with database.transaction() as session:
            returns.record_debits_received(session, billing, collection_id)
        with database.session() as session:
            instalment_id, version = session.execute(
                select(Instalment.id, Instalment.version).where(Instalment.amount_cents == 48607)
            ).one()
        with database.transaction() as session:
            outcome = returns.record_return(
                session,
                billing,
                instalment_id,
                "am04",
                returned_on=date(2027, 3, 17),
                expected_version=version,
            )
        assert outcome.code == "AM04" and outcome.remaining_cents == 48607
        assert len(outcome.reversed_payment_ids) == 1 and not outcome.mandate_unusable
        row = state_of(database, billing, member_id)
        assert row.status == InstalmentStatus.OVERDUE and row.remaining_cents == 48607
        assert state_of(database, billing, other_id).status == InstalmentStatus.PAID
        with database.session() as session:
            overdue = members.search_member_ids(session, billing, MemberQuery(overdue_only=True))
            assert overdue == [member_id]
            instalment = session.get(Instalment, instalment_id)
            assert instalment is not None
            assert instalment.sepa_state == SepaState.REJECTED
            assert instalment.rejection_code == "AM04"
            payment = session.get(Payment, outcome.reversed_payment_ids[0])
            assert payment is not None and payment.reversed_at is not None
            assert payment.reversal_reason == "Prélèvement rejeté : AM04 – Provision insuffisante"
            event = session.scalar(select(AuditEvent).where(AuditEvent.action == "sepa.return"))
            assert event is not None and event.after["rejection_code"] == "AM04"
            assert event.before == {"sepa_state": "sent", "rejection_code": None}
        # The next collection offers it again, with the warning.
        again = review(database, billing, date(2027, 4, 15), late_notice=True)
        (line,) = again.lines
        assert AnomalyKind.PREVIOUSLY_REJECTED in {a.kind for a in line.anomalies}
        assert line.included and line.amount_cents == 48607


def test_a_return_before_the_debit_was_received(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    _collection_id, (member_id,) = collected(database, billing, [25000])
    with database.session() as session:
        instalment_id = session.scalar(select(Instalment.id))
    with database.transaction() as session:
        outcome = returns.record_return(session, billing, instalment_id, "AC04")
    assert outcome.reversed_payment_ids == () and outcome.mandate_unusable
    assert state_of(database, billing, member_id).remaining_cents == 25000


def test_bad_returns_are_refused_in_french(database: Database, actors: dict[str, Actor]) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        member, _ = member_with_mandate(session, billing)
        not_sent = invoice(session, member, [(COLLECTION, 25000)]).instalments[0].id
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        returns.record_return(session, billing, not_sent, "ZZ99", returned_on=date(2027, 2, 3))
    assert {e.field for e in refused.value.errors} == {"code", "returned_on"}
    assert "ZZ99 n'est pas un code motif ISO" in refused.value.message
    with (
        pytest.raises(ServiceError, match="pas de prélèvement à rejeter"),
        database.transaction() as session,
    ):
        returns.record_return(session, billing, not_sent, "AM04")
    with database.session() as session:
        assert session.get(Instalment, not_sent).sepa_state == SepaState.NONE  # type: ignore[union-attr]
