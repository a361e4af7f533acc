"""Closing the books through the end of a month (*clôture de période*).

The closing numbers every draft entry dated up to that day: per journal and fiscal year, in
date order (then in the order they were posted), continuing the journal's gap-free counter
(``journal-VT-2027`` in ``number_counters``); it gives them the closing's day as validation
date. From then on nothing is dated in the closed period: a late event goes on the first
open day. Closings follow each other (a month cannot be reopened), each audited.

The books' row is locked exclusively for the closing: postings in progress finish first,
later ones wait and then see the new closing day; two closings queue, and the second finds
the period already closed.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import Date, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import AccountingBooks, AccountingClosure, JournalEntry
from backoffice.services import audit
from backoffice.services.accounting.posting import closed_through
from backoffice.services.billing.numbering import take_from
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.tracking import mark_touched


@dataclass(frozen=True)
class ClosureOutcome:
    closure_id: int
    through_day: date
    entry_count: int
    numbers: dict[str, tuple[int, int]]  # "VT-2027" -> (first, last) numbered now


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def counter_key(journal: str, fiscal_year: int) -> str:
    return f"journal-{journal}-{fiscal_year}"


NUMBER_DRAFTS = text(
    """
    UPDATE journal_entries
    SET sequence = :offset + ranked.position, validated_on = :validated_on,
        closure_id = :closure_id
    FROM (
        SELECT id, row_number() OVER (ORDER BY entry_date, id) AS position
        FROM journal_entries
        WHERE sequence IS NULL AND journal = :journal AND fiscal_year = :fiscal_year
          AND entry_date <= :through
    ) AS ranked
    WHERE journal_entries.id = ranked.id
    """
).bindparams(bindparam("validated_on", type_=Date), bindparam("through", type_=Date))


def check_through(through: date, closed: date | None, today: date) -> None:
    problem = None
    if through != month_end(through):
        problem = tr(
            "The books close at the end of a month: {day} is not the last day of its month.",
            day=format_day(through),
        )
    elif through >= today:
        problem = tr(
            "The month ending on {day} is not over: it can be closed from the next day on.",
            day=format_day(through),
        )
    elif closed is not None and through <= closed:
        problem = tr("The books are already closed through {closed}.", closed=format_day(closed))
    if problem:
        raise ValidationFailed.single("through", problem)


class Numbering(Protocol):
    """How a closing numbers its entries: by default the drafts in the journal
    (:class:`DraftNumbering`); the demo writes its entries already numbered instead."""

    def groups(self, session: Session, through: date) -> list[tuple[str, int, int]]:
        """(journal, fiscal year, how many entries to number), in that order."""
        ...

    def number(
        self,
        session: Session,
        offsets: dict[tuple[str, int], int],
        closure_id: int,
        validated_on: date,
        through: date,
    ) -> None:
        """Give the entries of each group the numbers after its offset, in date order
        (then in the order they were posted), the closing's day and id."""
        ...


class DraftNumbering:
    """The draft entries dated up to the closing's day, numbered where they are."""

    def groups(self, session: Session, through: date) -> list[tuple[str, int, int]]:
        return [
            (journal, fiscal_year, count)
            for journal, fiscal_year, count in session.execute(
                select(JournalEntry.journal, JournalEntry.fiscal_year, func.count())
                .where(JournalEntry.sequence.is_(None), JournalEntry.entry_date <= through)
                .group_by(JournalEntry.journal, JournalEntry.fiscal_year)
                .order_by(JournalEntry.journal, JournalEntry.fiscal_year)
            )
        ]

    def number(
        self,
        session: Session,
        offsets: dict[tuple[str, int], int],
        closure_id: int,
        validated_on: date,
        through: date,
    ) -> None:
        for (journal, fiscal_year), offset in offsets.items():
            session.execute(
                NUMBER_DRAFTS,
                {
                    "offset": offset,
                    "validated_on": validated_on,
                    "closure_id": closure_id,
                    "journal": journal,
                    "fiscal_year": fiscal_year,
                    "through": through,
                },
            )


def close_through(
    session: Session, actor: Actor, through: date, numbering: Numbering | None = None
) -> ClosureOutcome:
    """Close the books through ``through`` (the last day of a month that is over)."""
    require(session, actor, Permission.ACCOUNTING_MANAGE)
    numbering = numbering or DraftNumbering()
    closed = closed_through(session, exclusive=True)
    today = clock.today()
    check_through(through, closed, today)
    closure = AccountingClosure(
        through_day=through,
        closed_on=today,
        closed_at=clock.now(),
        closed_by_id=actor.staff_id,
        entry_count=0,
    )
    session.add(closure)
    session.flush()
    groups = numbering.groups(session, through)
    numbers: dict[str, tuple[int, int]] = {}
    offsets: dict[tuple[str, int], int] = {}
    for journal, fiscal_year, count in groups:
        last = take_from(session, counter_key(journal, fiscal_year), count)
        offsets[journal, fiscal_year] = last - count
        numbers[f"{journal}-{fiscal_year}"] = (last - count + 1, last)
    numbering.number(session, offsets, closure.id, today, through)
    closure.entry_count = sum(count for _journal, _year, count in groups)
    session.execute(
        update(AccountingBooks)
        .where(AccountingBooks.id == 1)
        .values(closed_through=through, version=AccountingBooks.version + 1)
        .execution_options(synchronize_session=False)
    )
    mark_touched(session, "journal_entries")
    audit.record(
        session,
        actor,
        "accounting.close",
        "accounting_closure",
        closure.id,
        summary=tr(
            "Books closed through {day}: {count} entries numbered",
            day=format_day(through),
            count=closure.entry_count,
        ),
        before={"closed_through": closed},
        after={"closed_through": through, "numbers": numbers},
    )
    return ClosureOutcome(closure.id, through, closure.entry_count, numbers)
