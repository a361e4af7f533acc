"""The demo's entries made by the database are the catch-up's, field by field."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.demo import accounting as demo_books
from backoffice.demo.generate import DemoOptions, generate
from backoffice.models import JournalEntry, JournalLine, Member, PaymentMethod
from backoffice.services.accounting import history
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


def _both_ways(session: Session) -> tuple[int | None, int, tuple, tuple]:
    """The journal made in bulk (then undone), and the one the catch-up replays."""
    savepoint = session.begin_nested()
    in_bulk = demo_books.post_in_bulk(session)
    bulk = _journal(session)
    savepoint.rollback()
    replayed = history.post_unposted(session).posted
    return in_bulk, replayed, bulk, _journal(session)


def test_the_demos_journal_made_in_bulk_is_the_catch_ups(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = {}
    keep_books = demo_books.keep_books

    def both_ways_then_close(session: Session, today: date, clerk_id: int) -> int:
        seen["counts"] = _both_ways(session)
        # The books now hold the catch-up's entries: the bulk path declines, the closing runs.
        return keep_books(session, today, clerk_id)

    monkeypatch.setattr("backoffice.demo.generate.keep_books", both_ways_then_close)
    generate(database, DemoOptions(members=80, seed=11))
    in_bulk, replayed, (bulk_entries, bulk_lines), (entries, lines) = seen["counts"]
    assert in_bulk == replayed == len(entries) > 200
    assert len(lines) > 3 * len(entries) // 2
    assert {row["source"] for row in entries} == {"invoice", "payment"}
    assert any(row["kind"] == "vat_collected" for row in lines)
    for made, expected in zip(bulk_entries, entries, strict=True):
        assert made == expected
    for made, expected in zip(bulk_lines, lines, strict=True):
        assert made == expected
    with database.session() as session:  # then closed through last month, as before
        assert session.scalar(select(func.count()).where(JournalEntry.sequence.is_not(None)))


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
        in_bulk, replayed, bulk, replay = _both_ways(session)
        session.rollback()
    assert in_bulk == replayed == 14
    assert bulk == replay
    settled = Counter(row["entry_id"] for row in replay[1] if row["kind"] == "vat_collected")
    assert max(settled.values()) == 2  # a payment over two invoices


def test_anything_else_is_left_to_the_catch_up(database: Database, billing) -> None:
    a_year(database, billing, closing=False)  # a reversal, a credit note, a write-off
    with database.transaction() as session:
        session.execute(delete(JournalLine))
        session.execute(delete(JournalEntry))
    with on(date(2027, 1, 10)), database.transaction() as session:
        assert demo_books.post_in_bulk(session) is None
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == 0
        assert history.post_unposted(session).posted > 0
        assert demo_books.post_in_bulk(session) is None  # entries already there
