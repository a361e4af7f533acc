"""Events older than the books are journalised by the catch-up, as they would have been."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from backoffice.models import EntrySource, JournalEntry, JournalLine
from backoffice.services.accounting import history
from tests.accounting.builders import a_year, on


def _books(session) -> dict[tuple[str, int], tuple]:
    """Each entry by its event: its journal, dates, piece and lines (ids and numbers aside)."""
    books = {}
    for entry in session.scalars(select(JournalEntry)):
        books[(entry.source.value, entry.source_id)] = (
            entry.journal,
            entry.entry_date,
            entry.piece_ref,
            entry.label,
            tuple(
                (
                    line.kind.value,
                    line.account,
                    line.member_id,
                    line.debit_cents,
                    line.credit_cents,
                    line.invoice_id,
                    line.vat_rate_bp,
                )
                for line in entry.lines
            ),
        )
    return books


def test_the_catch_up_rebuilds_the_entries_posted_at_the_events(database, billing):
    a_year(database, billing, closing=False)
    with database.session() as session:
        posted = _books(session)
        assert history.pending_counts(session) == dict.fromkeys(history.ORDER, 0)
    with database.transaction() as session:
        session.execute(delete(JournalLine))
        session.execute(delete(JournalEntry))
    with database.session() as session:
        pending = history.pending_counts(session)
    assert pending[EntrySource.INVOICE] == 3 and pending[EntrySource.PAYMENT_REVERSAL] == 1
    with on(date(2027, 1, 10)), database.transaction() as session:
        outcome = history.catch_up(session, billing)
    assert outcome.posted == len(posted) == sum(pending.values())
    with database.session() as session:
        assert _books(session) == posted
    with on(date(2027, 1, 11)), database.transaction() as session:
        assert history.catch_up(session, billing).posted == 0  # again: nothing more
