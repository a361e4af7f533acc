"""Closing the books: numbers per journal in date order, gap-free, even under concurrency."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import delete, select

from backoffice.db import Database
from backoffice.models import AccountingClosure, JournalEntry, JournalLine, PaymentMethod
from backoffice.services.accounting import closing, history, posting
from backoffice.services.errors import ValidationFailed
from tests import factories
from tests.accounting.builders import a_year, billed, close, on, pay


def _numbers(session, journal: str) -> list[tuple[int, date]]:
    return list(
        session.execute(
            select(JournalEntry.sequence, JournalEntry.entry_date)
            .where(JournalEntry.journal == journal, JournalEntry.sequence.is_not(None))
            .order_by(JournalEntry.sequence)
        )
    )


def test_closing_numbers_each_journal_in_date_order_and_the_next_one_goes_on(database, billing):
    members = [billed(database, billing)[0] for _ in range(3)]
    # Recorded out of order: numbers follow the dates, not the typing.
    pay(database, billing, members[0], 10000, date(2026, 3, 20))
    pay(database, billing, members[1], 10000, date(2026, 3, 5), PaymentMethod.CHEQUE)
    pay(database, billing, members[2], 10000, date(2026, 4, 2))
    close(database, billing, date(2026, 3, 31), on_day=date(2026, 4, 6))
    with database.session() as session:
        assert _numbers(session, "BQ") == [(1, date(2026, 3, 5)), (2, date(2026, 3, 20))]
        assert [number for number, _day in _numbers(session, "VT")] == [1, 2, 3]
        draft = session.scalars(select(JournalEntry).where(JournalEntry.sequence.is_(None))).one()
        assert draft.entry_date == date(2026, 4, 2) and draft.validated_on is None
        first = session.scalars(select(JournalEntry).where(JournalEntry.sequence == 1)).first()
        assert first.validated_on == date(2026, 4, 6)
        assert first.number.startswith(f"{first.journal}-2026-00000")
    close(database, billing, date(2026, 4, 30))
    with database.session() as session:
        assert _numbers(session, "BQ")[-1] == (3, date(2026, 4, 2))
        assert len(session.scalars(select(AccountingClosure)).all()) == 2


@pytest.mark.parametrize(
    ("through", "today", "message"),
    [
        (date(2026, 3, 30), date(2026, 4, 6), "n'est pas le dernier jour de son mois"),
        (date(2026, 4, 30), date(2026, 4, 6), "n'est pas fini"),
        (date(2026, 2, 28), date(2026, 4, 6), "déjà clôturée jusqu'au 31/03/2026"),
    ],
)
def test_a_closing_is_refused_with_a_french_sentence(database, billing, through, today, message):
    close(database, billing, date(2026, 3, 31), on_day=date(2026, 4, 2))
    with on(today), database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        closing.close_through(session, billing, through)
    assert message in refused.value.message


def test_closing_needs_the_right(database, actors):
    from backoffice.services.errors import PermissionDenied

    with on(date(2026, 4, 2)), database.transaction() as session, pytest.raises(PermissionDenied):
        closing.close_through(session, actors["administrative"], date(2026, 3, 31))


@pytest.mark.postgres
def test_payments_recorded_while_the_month_closes_are_numbered_or_dated_after(
    pg_database: Database, monkeypatch: pytest.MonkeyPatch
):
    with pg_database.transaction() as session:
        actors = factories.staff_of_every_role(session)
    billing = actors["billing"]
    members = [billed(pg_database, billing)[0] for _ in range(6)]
    real_first_open_day = posting.first_open_day

    def slow_first_open_day(session):
        day = real_first_open_day(session)
        time.sleep(0.2)  # holds the shared lock a while, as a slow workstation would
        return day

    monkeypatch.setattr(posting, "first_open_day", slow_first_open_day)
    start = threading.Barrier(len(members) + 2)
    errors: list[BaseException] = []

    def record(member_id: int) -> None:
        start.wait()
        try:
            with pg_database.transaction() as session:
                from backoffice.services.billing import payments

                payments.record_payment(
                    session,
                    billing,
                    member_id,
                    5000,
                    PaymentMethod.TRANSFER,
                    date(2026, 3, 30),
                )
        except BaseException as error:
            errors.append(error)

    def closer(actor) -> None:
        start.wait()
        time.sleep(0.1)
        try:
            with pg_database.transaction() as session:
                closing.close_through(session, actor, date(2026, 3, 31))
        except ValidationFailed as refused:
            errors.append(refused)

    with on(date(2026, 4, 2)):
        threads = [threading.Thread(target=record, args=(member,)) for member in members]
        threads += [
            threading.Thread(target=closer, args=(actors[login],))
            for login in ("billing", "administrator")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    # One closing won; the other found the month closed.
    assert len(errors) == 1 and "déjà clôturée" in errors[0].message
    with pg_database.session() as session:
        entries = session.scalars(select(JournalEntry).where(JournalEntry.journal == "BQ")).all()
        assert len(entries) == len(members)
        numbered = sorted(entry.sequence for entry in entries if entry.sequence is not None)
        assert numbered == list(range(1, len(numbered) + 1))
        for entry in entries:  # never a draft in the closed month
            if entry.sequence is None:
                assert entry.entry_date == date(2026, 4, 1) > entry.piece_date
            else:
                assert entry.entry_date == date(2026, 3, 30)


@pytest.mark.postgres
def test_two_catch_ups_at_once_post_each_event_once(pg_database: Database):
    with pg_database.transaction() as session:
        actors = factories.staff_of_every_role(session)
    billing = actors["billing"]
    a_year(pg_database, billing)
    with pg_database.transaction() as session:  # the books forgotten: events from before
        before = session.scalar(select(JournalEntry.id).order_by(JournalEntry.id.desc()))
        session.execute(delete(JournalLine))
        session.execute(delete(JournalEntry))
        assert before
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def catch_up(login: str) -> None:
        start.wait()
        try:
            with pg_database.transaction() as session:
                outcomes.append(history.catch_up(session, actors[login]))
        except BaseException as error:
            outcomes.append(error)

    threads = [
        threading.Thread(target=catch_up, args=(who,)) for who in ("billing", "administrator")
    ]
    with on(date(2027, 1, 10)):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    posted = sorted(outcome.posted for outcome in outcomes)  # type: ignore[union-attr]
    assert posted[0] == 0 and posted[1] > 0
    with pg_database.session() as session:
        sources = session.execute(select(JournalEntry.source, JournalEntry.source_id)).all()
        assert len(sources) == len(set(sources)) == posted[1]
