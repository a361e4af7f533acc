"""The demo's entries made by the database are the catch-up's, field by field."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.demo import accounting as demo_books
from backoffice.demo.generate import DemoOptions, generate
from backoffice.models import (
    AccountingClosure,
    JournalEntry,
    JournalLine,
    Member,
    NumberCounter,
    PaymentMethod,
    StaffUser,
)
from backoffice.services.accounting import closing, history
from backoffice.services.actors import actor_of
from backoffice.services.billing import campaign_issue
from tests import factories
from tests.accounting.builders import a_year, billed, on, pay
from tests.billing.builders import declare


def _journal(session: Session) -> tuple[list[dict], list[dict]]:
    """Every column of the entries and lines, ids counted from the first one (PostgreSQL's
    sequences do not go back with a rolled-back savepoint)."""
    entries = [row._asdict() for row in session.execute(text("SELECT * FROM journal_entries"))]
    lines = [row._asdict() for row in session.execute(text("SELECT * FROM journal_lines"))]
    entries.sort(key=lambda row: row["id"])
    lines.sort(key=lambda row: row["id"])
    first_entry = entries[0]["id"] if entries else 0
    first_line = lines[0]["id"] if lines else 0
    for row in entries:
        row["id"] -= first_entry
    for row in lines:
        row["id"] -= first_line
        row["entry_id"] -= first_entry
    return entries, lines


def _closed_books(session: Session) -> dict[str, object]:
    """The journal, the closing and its counters (the closing's id as a mark)."""
    entries, lines = _journal(session)
    closure_id = session.scalar(select(func.max(AccountingClosure.id)))
    for row in entries:
        row["closure_id"] = "this closure" if row["closure_id"] == closure_id else None
    closures = session.execute(
        select(AccountingClosure.through_day, AccountingClosure.entry_count)
    ).all()
    counters = session.execute(
        select(NumberCounter.series, NumberCounter.last_number)
        .where(NumberCounter.series.like("journal-%"))
        .order_by(NumberCounter.series)
    ).all()
    return {"entries": entries, "lines": lines, "closures": closures, "counters": counters}


def test_the_demos_books_made_in_bulk_are_the_catch_ups_then_closed(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's entries written numbered by its closing, against the catch-up's entries
    numbered by the closing's update: every column of every entry and line."""
    seen: dict[str, object] = {}
    keep_books = demo_books.keep_books

    def both_ways(session: Session, today: date, clerk_id: int) -> int:
        savepoint = session.begin_nested()
        seen["in_bulk"] = keep_books(session, today, clerk_id)
        seen["bulk"] = _closed_books(session)
        savepoint.rollback()
        replayed = history.post_unposted(session).posted
        clerk = actor_of(session.get(StaffUser, clerk_id))
        closing.close_through(session, clerk, today.replace(day=1) - timedelta(days=1))
        seen["replayed"], seen["books"] = replayed, _closed_books(session)
        return replayed

    monkeypatch.setattr("backoffice.demo.generate.keep_books", both_ways)
    generate(database, DemoOptions(members=80, seed=11))
    bulk, books = seen["bulk"], seen["books"]
    assert seen["in_bulk"] == seen["replayed"] == len(books["entries"]) > 200
    assert len(books["lines"]) > 3 * len(books["entries"]) // 2
    assert {row["source"] for row in books["entries"]} == {"invoice", "payment"}
    assert any(row["kind"] == "vat_collected" for row in books["lines"])
    assert all(row["sequence"] for row in books["entries"])  # the demo's events are past
    for made, expected in zip(bulk["entries"], books["entries"], strict=True):
        assert made == expected
    for made, expected in zip(bulk["lines"], books["lines"], strict=True):
        assert made == expected
    assert bulk["closures"] == books["closures"] and bulk["counters"] == books["counters"]


def test_partial_payments_and_payments_over_two_invoices(database: Database, billing) -> None:
    """VAT shares rounded half up, capped by what is pending, all of it when an invoice
    is paid off; a payment settling two invoices; a credit left over."""
    members = [billed(database, billing, si=si, sepa=si == 7)[0] for si in (10, 3, 7, 1)]
    with on(date(2026, 2, 20)), database.transaction() as session:
        factories.tariff(session, 2027)
        for member_id in members[:2]:
            declare(session, session.get(Member, member_id), 2027, 4)
        campaign_issue.issue(session, billing, 2027)
    first, second, third, fourth = members
    pay(database, billing, first, 33333, date(2026, 3, 1))
    pay(database, billing, first, 1, date(2026, 3, 1))
    pay(database, billing, first, 17, date(2026, 3, 2), PaymentMethod.CHEQUE, reference="CHQ 1")
    pay(database, billing, second, 5, date(2026, 3, 3), PaymentMethod.CARD)
    pay(database, billing, second, 200000, date(2026, 3, 4), allow_overpayment=True)
    pay(database, billing, third, 12345, date(2026, 3, 5), PaymentMethod.DIRECT_DEBIT)
    pay(database, billing, fourth, 1, date(2026, 3, 6))
    pay(database, billing, first, 250000, date(2026, 3, 7), allow_overpayment=True)
    with database.transaction() as session:
        session.execute(delete(JournalLine))
        session.execute(delete(JournalEntry))
    with on(date(2026, 3, 10)), database.transaction() as session:
        assert demo_books.can_post_in_bulk(session)
        savepoint = session.begin_nested()
        journal = demo_books.BulkJournal(session)
        closing.close_through(session, billing, date(2026, 2, 28), numbering=journal)
        bulk = _closed_books(session)
        savepoint.rollback()
        replayed = history.post_unposted(session).posted
        closing.close_through(session, billing, date(2026, 2, 28))
        books = _closed_books(session)
        session.rollback()
    assert journal.count == replayed == 14
    assert bulk == books
    assert {row["sequence"] is None for row in books["entries"]} == {True, False}
    settled = Counter(row["entry_id"] for row in books["lines"] if row["kind"] == "vat_collected")
    assert max(settled.values()) == 2  # a payment over two invoices


def test_anything_else_is_left_to_the_catch_up(database: Database, billing) -> None:
    a_year(database, billing, closing=False)  # a reversal, a credit note, a write-off
    with database.transaction() as session:
        session.execute(delete(JournalLine))
        session.execute(delete(JournalEntry))
    with on(date(2027, 1, 10)), database.transaction() as session:
        assert not demo_books.can_post_in_bulk(session)
        assert history.post_unposted(session).posted > 0
        assert not demo_books.can_post_in_bulk(session)  # entries already there


def test_a_closing_with_nothing_to_number(database: Database, billing) -> None:
    """No event in the closed months (none at all, then an invoice after them): the
    entries are written as drafts, as the catch-up leaves them."""
    with on(date(2026, 3, 10)), database.transaction() as session:
        assert demo_books.can_post_in_bulk(session)
        journal = demo_books.BulkJournal(session)
        outcome = closing.close_through(session, billing, date(2025, 12, 31), numbering=journal)
        assert journal.count == outcome.entry_count == 0
        session.rollback()
    billed(database, billing, si=5)  # issued on 10 February 2026
    with database.transaction() as session:
        session.execute(delete(JournalLine))
        session.execute(delete(JournalEntry))
    with on(date(2026, 3, 10)), database.transaction() as session:
        savepoint = session.begin_nested()
        journal = demo_books.BulkJournal(session)
        closing.close_through(session, billing, date(2026, 1, 31), numbering=journal)
        bulk = _closed_books(session)
        savepoint.rollback()
        history.post_unposted(session)
        closing.close_through(session, billing, date(2026, 1, 31))
        books = _closed_books(session)
        session.rollback()
    assert journal.count == len(books["entries"]) == 1
    assert bulk == books and books["entries"][0]["sequence"] is None
