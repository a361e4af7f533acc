"""Writing entries: balanced, dated in an open period, through the driver's bulk path.

An entry is dated by its event unless that day's period is closed; it then goes on the
first open day (its piece date keeps the event's day). The closing state is read under a
shared lock (``FOR SHARE``): a closing, which takes it exclusively, waits for the posting
transactions to end, and postings started after it see the new state.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import AccountingBooks, JournalEntry, JournalLine
from backoffice.services.accounting.chart import Chart
from backoffice.services.accounting.drafts import EntryDraft, check_balanced
from backoffice.services.billing.bulk_rows import IdReserver, TableRows
from backoffice.services.tracking import mark_touched

ENTRY_COLUMNS = (
    "id",
    "journal",
    "journal_label",
    "fiscal_year",
    "entry_date",
    "piece_ref",
    "piece_date",
    "label",
    "source",
    "source_id",
    "member_id",
    "posted_at",
)
LINE_COLUMNS = (
    "entry_id",
    "position",
    "kind",
    "account",
    "account_label",
    "member_id",
    "label",
    "debit_cents",
    "credit_cents",
    "invoice_id",
    "vat_rate_bp",
    "vat_base_cents",
)
CHUNK = 5000


def closed_through(session: Session, *, exclusive: bool = False) -> date | None:
    """The last closed day (None: nothing closed), locked until the end of the transaction:
    shared for posting, exclusive for closing."""
    statement = select(AccountingBooks.closed_through).where(AccountingBooks.id == 1)
    statement = statement.with_for_update(read=not exclusive)
    row = session.execute(statement).one_or_none()
    if row is None:  # the migration creates it; a database emptied by hand has none
        _create_books(session)
        row = session.execute(statement).one()
    return row.closed_through


def _create_books(session: Session) -> None:
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        module.insert(AccountingBooks)
        .values(id=1, closed_through=None, version=1)
        .on_conflict_do_nothing(index_elements=["id"])
    )


def first_open_day(session: Session) -> date | None:
    closed = closed_through(session)
    return None if closed is None else closed + timedelta(days=1)


class EntryWriter:
    """Entries and their lines, a chunk at a time (``COPY`` on PostgreSQL)."""

    def __init__(self, session: Session, chart: Chart) -> None:
        self.session = session
        self.chart = chart
        session.flush()  # the invoices, payments... the lines point to
        connection = session.connection()
        self.entries = TableRows(connection, JournalEntry.__table__, ENTRY_COLUMNS)
        self.lines = TableRows(connection, JournalLine.__table__, LINE_COLUMNS)
        self.ids = IdReserver(session, JournalEntry.__table__)
        self.open_from = first_open_day(session)
        self.posted_at = self.entries.bind("posted_at", clock.now())
        self.count = 0

    def write(self, drafts: Iterable[EntryDraft]) -> int:
        """Write ``drafts`` (each checked first); returns how many."""
        pending: list[EntryDraft] = []
        written = 0
        for draft in drafts:
            check_balanced(draft)
            pending.append(draft)
            if len(pending) == CHUNK:
                written += self._flush(pending)
                pending = []
        written += self._flush(pending)
        return written

    def _flush(self, drafts: list[EntryDraft]) -> int:
        if not drafts:
            return 0
        for draft, entry_id in zip(drafts, self.ids.take(len(drafts)), strict=True):
            self._entry(draft, entry_id)
        self.entries.flush()
        self.lines.flush()
        mark_touched(self.session, "journal_entries")
        self.count += len(drafts)
        return len(drafts)

    def _entry(self, draft: EntryDraft, entry_id: int) -> None:
        entry_date = draft.event_date
        if self.open_from is not None and entry_date < self.open_from:
            entry_date = self.open_from
        journal = self.chart.journal(draft.journal_key)
        constant = self.entries.constant
        self.entries.add(
            (
                entry_id,
                journal.code,
                journal.label,
                entry_date.year,
                constant("entry_date", entry_date),
                draft.piece_ref,
                constant("piece_date", draft.event_date),
                draft.label,
                constant("source", draft.source),
                draft.source_id,
                draft.member_id,
                self.posted_at,
            )
        )
        for position, line in enumerate(draft.lines, start=1):
            self.lines.add(
                (
                    entry_id,
                    position,
                    self.lines.constant("kind", line.kind),
                    line.account.number,
                    line.account.label,
                    line.member_id,
                    line.label,
                    line.debit_cents,
                    line.credit_cents,
                    line.invoice_id,
                    line.vat_rate_bp,
                    line.vat_base_cents,
                )
            )


def post(session: Session, chart: Chart, drafts: Iterable[EntryDraft]) -> int:
    """Write ``drafts`` in the caller's transaction; returns how many entries."""
    return EntryWriter(session, chart).write(drafts)
