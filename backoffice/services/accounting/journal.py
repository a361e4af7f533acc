"""Reading the books for the screen: the state of the books, the entries of a period, the
lines of an entry, the closings and exports made."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.models import (
    AccountingClosure,
    EntrySource,
    JournalEntry,
    JournalExport,
    JournalLine,
    Member,
    StaffUser,
)
from backoffice.services.accounting import chart, history
from backoffice.services.accounting.posting import closed_through
from backoffice.services.permissions import Actor, Permission, require

ENTRY_LIMIT = 20000  # rows shown at once; a narrower period shows the rest


class EntryState(enum.StrEnum):
    DRAFT = "draft"  # in an open month: no number yet
    VALIDATED = "validated"  # numbered at the closing
    EXPORTED = "exported"  # carried by a journal export


@dataclass(frozen=True)
class BooksState:
    closed_through: date | None
    drafts: int
    unposted: dict[EntrySource, int]  # events older than the books, without an entry

    @property
    def unposted_total(self) -> int:
        return sum(self.unposted.values())


@dataclass(frozen=True)
class EntryRow:
    id: int
    number: str | None
    journal: str
    entry_date: date
    piece_ref: str
    piece_date: date
    label: str
    member_code: str | None
    amount_cents: int  # the total of its debits
    state: EntryState
    source: EntrySource


@dataclass(frozen=True)
class LineRow:
    position: int
    account: str
    account_label: str
    auxiliary: str | None
    label: str
    debit_cents: int
    credit_cents: int


@dataclass(frozen=True)
class ClosureRow:
    through_day: date
    closed_at: datetime
    closed_by: str | None
    entry_count: int


@dataclass(frozen=True)
class ExportRow:
    exported_at: datetime
    exported_by: str | None
    date_from: date
    date_to: date
    file_format: str
    file_name: str
    entry_count: int
    debit_cents: int


def books_state(session: Session, actor: Actor) -> BooksState:
    require(session, actor, Permission.ACCOUNTING_VIEW)
    drafts = session.scalar(
        select(func.count()).select_from(JournalEntry).where(JournalEntry.sequence.is_(None))
    )
    return BooksState(closed_through(session), drafts or 0, history.pending_counts(session))


def entries(
    session: Session,
    actor: Actor,
    date_from: date,
    date_to: date,
    journal: str | None = None,
) -> list[EntryRow]:
    """The entries dated in the period (at most :data:`ENTRY_LIMIT`), newest first."""
    require(session, actor, Permission.ACCOUNTING_VIEW)
    debit = (
        select(func.sum(JournalLine.debit_cents))
        .where(JournalLine.entry_id == JournalEntry.id)
        .scalar_subquery()
    )
    statement = (
        select(JournalEntry, Member.member_code, debit)
        .outerjoin(Member, Member.id == JournalEntry.member_id)
        .where(JournalEntry.entry_date.between(date_from, date_to))
        .order_by(JournalEntry.entry_date.desc(), JournalEntry.id.desc())
        .limit(ENTRY_LIMIT)
    )
    if journal:
        statement = statement.where(JournalEntry.journal == journal)
    rows = []
    for entry, code, amount in session.execute(statement):
        if entry.sequence is None:
            state = EntryState.DRAFT
        else:
            state = EntryState.EXPORTED if entry.export_id else EntryState.VALIDATED
        rows.append(
            EntryRow(
                entry.id,
                entry.number,
                entry.journal,
                entry.entry_date,
                entry.piece_ref,
                entry.piece_date,
                entry.label,
                code,
                int(amount or 0),
                state,
                entry.source,
            )
        )
    return rows


def lines(session: Session, actor: Actor, entry_id: int) -> list[LineRow]:
    require(session, actor, Permission.ACCOUNTING_VIEW)
    books = chart.load(session)
    found = []
    statement = (
        select(JournalLine, JournalEntry.label, Member.member_code)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .outerjoin(Member, Member.id == JournalLine.member_id)
        .where(JournalLine.entry_id == entry_id)
        .order_by(JournalLine.position)
    )
    for line, entry_label, code in session.execute(statement):
        found.append(
            LineRow(
                line.position,
                line.account,
                line.account_label,
                books.auxiliary_number(code) if code else None,
                line.label or entry_label,
                line.debit_cents,
                line.credit_cents,
            )
        )
    return found


def closures(session: Session, actor: Actor) -> list[ClosureRow]:
    require(session, actor, Permission.ACCOUNTING_VIEW)
    statement = (
        select(AccountingClosure, StaffUser.full_name)
        .outerjoin(StaffUser, StaffUser.id == AccountingClosure.closed_by_id)
        .order_by(AccountingClosure.through_day.desc())
    )
    return [
        ClosureRow(row.through_day, row.closed_at, name, row.entry_count)
        for row, name in session.execute(statement)
    ]


def exports(session: Session, actor: Actor) -> list[ExportRow]:
    require(session, actor, Permission.ACCOUNTING_VIEW)
    statement = (
        select(JournalExport, StaffUser.full_name)
        .outerjoin(StaffUser, StaffUser.id == JournalExport.exported_by_id)
        .order_by(JournalExport.exported_at.desc())
    )
    return [
        ExportRow(
            row.exported_at,
            name,
            row.date_from,
            row.date_to,
            row.file_format,
            row.file_name,
            row.entry_count,
            row.debit_cents,
        )
        for row, name in session.execute(statement)
    ]
