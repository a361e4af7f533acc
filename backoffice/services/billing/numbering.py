"""Gap-free numbers for invoices (``FA-2027-000123``) and credit notes (``AV-2027-000001``).

French invoicing law wants each series continuous and chronological. A number is taken
only when a document is issued, in the issuing transaction, by incrementing its counter row
(``number_counters``): the UPDATE locks the row until the commit, so parallel issuers queue
one after the other, and a rolled-back issue gives its number back. A database sequence
would leave gaps; it is never used for numbers.

A series runs over a calendar year of issue (``invoice-2027``): numbers follow the order of
issue whatever year the invoice bills.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backoffice.models import NumberCounter


class Series(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


PREFIXES = {Series.INVOICE: "FA", Series.CREDIT_NOTE: "AV"}


@dataclass(frozen=True)
class NumberRange:
    """Numbers ``first`` to ``last`` (inclusive) of a series, taken together."""

    series: Series
    year: int
    first: int
    last: int

    def __len__(self) -> int:
        return self.last - self.first + 1

    def label(self, number: int) -> str:
        return format_number(self.series, self.year, number)

    def labels(self) -> list[str]:
        return [self.label(number) for number in range(self.first, self.last + 1)]


def series_key(series: Series, year: int) -> str:
    return f"{series.value}-{year}"


def format_number(series: Series, year: int, number: int) -> str:
    return f"{PREFIXES[series]}-{year}-{number:06d}"


def create_counter(session: Session, key: str, last_number: int = 0) -> None:
    """Create a new series' counter at ``last_number`` (a no-op when a parallel transaction
    just did)."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    session.execute(
        module.insert(NumberCounter)
        .values(series=key, last_number=last_number)
        .on_conflict_do_nothing(index_elements=["series"])
    )


def lock(session: Session, series: Series, year: int) -> int:
    """Lock the series until the end of the transaction; returns its last number.

    A long issue (the campaign) locks first, then reads what is already billed: a parallel
    issuer waits, and sees the finished work once it gets the lock.
    """
    key = series_key(series, year)
    statement = (
        select(NumberCounter.last_number).where(NumberCounter.series == key).with_for_update()
    )
    last = session.execute(statement).scalar_one_or_none()
    if last is None:
        create_counter(session, key)
        last = session.execute(statement).scalar_one()
    return last


def take(session: Session, series: Series, year: int, count: int = 1) -> NumberRange:
    """The next ``count`` numbers of the series, taken in this transaction."""
    last = take_from(session, series_key(series, year), count)
    return NumberRange(series, year, last - count + 1, last)


def take_from(session: Session, key: str, count: int) -> int:
    """Advance the counter ``key`` by ``count`` (locking it until the commit); returns the
    last number taken. Other gap-free series (the journals') use it too."""
    if count < 1:
        raise ValueError("take at least one number")
    statement = (
        update(NumberCounter)
        .where(NumberCounter.series == key)
        .values(last_number=NumberCounter.last_number + count)
        .returning(NumberCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    last = session.execute(statement).scalar_one_or_none()
    if last is None:  # the first number of the series (of the year)
        create_counter(session, key)
        last = session.execute(statement).scalar_one()
    return last
