"""Schedules: exact splits, re-planning the unpaid part without touching what is paid."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import AuditEvent, PaymentMethod, SepaState
from backoffice.services.billing import payments, queries, replanning, schedule
from backoffice.services.billing.queries import InstalmentStatus
from backoffice.services.errors import Conflict, ValidationFailed
from backoffice.services.permissions import Actor
from tests.billing.builders import billed_member, instalments_of

PLAN = [date(2027, 3, 15), date(2027, 5, 15), date(2027, 7, 15)]


@given(
    total=st.integers(min_value=0, max_value=10**9),
    issued=st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 12, 31)),
    minimum=st.integers(0, 20000),
)
def test_a_campaign_schedule_is_exact_and_never_due_too_soon(
    total: int, issued: date, minimum: int
) -> None:
    dates = schedule.due_dates_from(PLAN, issued)
    parts = schedule.plan(total, dates, minimum)
    if total == 0:
        assert parts == []  # nothing due, no instalment (never an empty one: issue 14.12)
        return
    assert sum(amount for _due, amount in parts) == total
    assert all((due - issued).days >= schedule.MIN_NOTICE_DAYS for due, _amount in parts)
    amounts = [amount for _due, amount in parts]
    assert min(amounts) > 0
    assert amounts[1:] == [amounts[-1]] * (len(amounts) - 1)  # the remainder goes first
    assert 0 <= amounts[0] - amounts[-1] < len(amounts)


@given(
    unpaid=st.integers(min_value=1, max_value=10**8),
    count=st.integers(min_value=1, max_value=12),
)
def test_a_new_plan_splits_the_unpaid_part_exactly(unpaid: int, count: int) -> None:
    dates = [date(2027, month, 1) for month in range(1, count + 1)]
    if unpaid < count:
        with pytest.raises(ValidationFailed):
            replanning.check_plan(dates, None, unpaid, date(2027, 1, 1))
        return
    parts = replanning.check_plan(dates, None, unpaid, date(2027, 1, 1))
    assert sum(parts) == unpaid and min(parts) > 0


def test_the_seed_schedule_of_the_portal() -> None:
    """1 458,22 € in three: the two later instalments are 486,07 € (the portal's seed)."""
    parts = schedule.plan(145822, PLAN, 10000)
    assert parts == [(PLAN[0], 48608), (PLAN[1], 48607), (PLAN[2], 48607)]
    assert schedule.plan(19900, PLAN, 10000) == [(PLAN[0], 19900)]  # too small to split


def test_replan_keeps_what_is_paid_and_spreads_the_rest(database: Database, billing: Actor) -> None:
    member_id, invoice_id = billed_member(database, billing, si=10, sir=2)  # 1 562,40 €
    with database.transaction() as session:
        payments.record_payment(
            session, billing, member_id, 60000, PaymentMethod.TRANSFER, date(2027, 2, 10)
        )  # 520,80 € settles the first, 79,20 € goes to the second
    with database.session() as session:
        unpaid = replanning.unpaid_to_replan(session, billing, invoice_id)
    assert unpaid == 156240 - 60000
    dates = [date(2027, month, 5) for month in (4, 5, 6, 7)]
    with database.transaction() as session:
        outcome = replanning.replan(
            session, billing, invoice_id, dates, expected_unpaid_cents=unpaid
        )
    assert [amount for _due, amount in outcome.new_instalments] == [24060] * 4
    with database.session() as session:
        live = sorted(instalments_of(session, invoice_id), key=lambda item: item.position)
        everything = instalments_of(session, invoice_id, live=False)
        assert sum(item.amount_cents for item in live) == 156240
        assert sum(item.paid_cents for item in live) == 60000
        assert [(item.amount_cents, item.paid_cents) for item in live[:2]] == [
            (52080, 52080),
            (7920, 7920),  # the partly paid one keeps its paid part only
        ]
        assert [item.due_on for item in live[2:]] == dates
        superseded = [item for item in everything if item.superseded_at is not None]
        assert len(superseded) == 1 and superseded[0].amount_cents == 52080
        statuses = [row.status for row in queries.schedule(session, billing, invoice_id=invoice_id)]
        assert sorted(statuses) == sorted([InstalmentStatus.PAID] * 2 + [InstalmentStatus.DUE] * 4)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "invoice.replan")
        ).one()
        assert len(event.before["instalments"]) == 2 and len(event.after["instalments"]) == 4


def test_replan_with_amounts_chosen_by_staff(database: Database, billing: Actor) -> None:
    _member_id, invoice_id = billed_member(database, billing, si=10)  # 1 260,00 €
    dates = [date(2027, 3, 1), date(2027, 9, 1)]
    with database.transaction() as session:
        replanning.replan(session, billing, invoice_id, dates, [100000, 26000])
    with pytest.raises(ValidationFailed, match="totalisent"), database.transaction() as session:
        replanning.replan(session, billing, invoice_id, dates, [100000, 100])


@pytest.mark.parametrize(
    ("dates", "words"),
    [
        ([date(2027, 6, 1), date(2027, 4, 1)], "croissantes"),
        ([date(2027, 1, 31)], "déjà passée"),
        ([], "au moins une échéance"),
    ],
)
def test_bad_plans_are_refused_in_french(
    database: Database, billing: Actor, dates: list[date], words: str
) -> None:
    _member_id, invoice_id = billed_member(database, billing, si=10)
    with pytest.raises(ValidationFailed, match=words), database.transaction() as session:
        replanning.replan(session, billing, invoice_id, dates)
    with database.session() as session:
        assert len(instalments_of(session, invoice_id, live=False)) == 3


def test_a_payment_meanwhile_makes_the_replan_a_conflict(
    database: Database, billing: Actor
) -> None:
    member_id, invoice_id = billed_member(database, billing, si=10)
    with database.session() as session:
        seen = replanning.unpaid_to_replan(session, billing, invoice_id)
    with database.transaction() as session:
        payments.record_payment(
            session, billing, member_id, 1000, PaymentMethod.CHEQUE, date(2027, 2, 9)
        )
    with pytest.raises(Conflict), database.transaction() as session:
        replanning.replan(
            session, billing, invoice_id, [date(2027, 6, 1)], expected_unpaid_cents=seen
        )


def test_instalments_sent_to_the_bank_stay_as_they_are(database: Database, billing: Actor) -> None:
    _member_id, invoice_id = billed_member(database, billing, si=10, sepa=True)
    with database.transaction() as session:
        instalments_of(session, invoice_id)[0].sepa_state = SepaState.SENT
    with database.transaction() as session:
        outcome = replanning.replan(session, billing, invoice_id, [date(2027, 12, 1)])
    with database.session() as session:
        live = instalments_of(session, invoice_id)
    assert live[0].sepa_state == SepaState.SENT and live[0].superseded_at is None
    assert outcome.replanned_cents == sum(item.amount_cents for item in live[1:])
