"""The *fichier des écritures comptables* (FEC, article A47 A-1 of the Livre des
procédures fiscales): a flat file of every line of the year's entries.

- the first line names the 18 fields, in the norm's order and spelling;
- fields separated by a tab, records by CR LF, characters in ISO 8859-15;
- dates as ``AAAAMMJJ``, amounts with a comma and no thousands separator (``1458,22``), in
  a debit and a credit column;
- members appear as auxiliary accounts (``CompAuxNum``, ``CompAuxLib``) under the
  customers' account; lettering and foreign currency are left empty.

The writer checks as it writes (each entry balances, dates fall in the fiscal year, each
journal's numbers follow each other from 1, every line has its validation date): a
problem stops it with a sentence naming the entry — the caller leaves no file behind.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, BinaryIO, NamedTuple

from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models.accounting import entry_number

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
ENCODING = "iso8859_15"
SEPARATOR = "\t"
PROGRESS_EVERY = 20000


def _latin9_fallback(error: UnicodeError) -> tuple[str, int]:
    """A character outside ISO 8859-15 becomes its unaccented letter, else ``?``."""
    assert isinstance(error, UnicodeEncodeError)
    text = error.object[error.start : error.end]
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain or "?", error.end


codecs.register_error("fec_latin9", _latin9_fallback)


class FecLine(NamedTuple):
    """One line of an entry, as the query gives it (dates as ``date`` or ISO text, as the
    driver gives them)."""

    entry_id: int
    journal: str
    journal_label: str
    fiscal_year: int
    sequence: int
    entry_date: date | str
    account: str
    account_label: str
    member_code: str | None
    member_name: str | None
    piece_ref: str
    piece_date: date | str
    entry_label: str
    line_label: str | None
    debit_cents: int
    credit_cents: int
    validated_on: date | str | None


def compact_day(value: date | str) -> str:
    """``AAAAMMJJ`` of a date or of its ISO text."""
    return value.replace("-", "")[:8] if isinstance(value, str) else f"{value:%Y%m%d}"


def as_date(value: date | str) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


class FecProblem(Exception):
    """The entries break a rule of the norm: nothing may be handed over."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class FecTotals:
    lines: int = 0
    entries: int = 0
    debit_cents: int = 0
    credit_cents: int = 0
    journals: dict[str, tuple[int, int]] = field(default_factory=dict)  # code -> (entries, debit)


def file_name(siren: str, fiscal_year_end: date) -> str:
    """``SIRENFECAAAAMMJJ.txt``, the closing day of the fiscal year."""
    return f"{siren}FEC{fiscal_year_end:%Y%m%d}.txt"


@lru_cache(maxsize=65536)
def amount(cents: int) -> str:
    """``145822`` → ``1458,22`` (the norm's decimal comma, no grouping)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100},{cents % 100:02d}"


def _single_line(text: str) -> str:
    return " ".join(text.split())


class _Cache(dict):  # type: ignore[type-arg]
    """Values computed once per distinct input (the days of a year repeat by the
    thousand)."""

    def __init__(self, compute: Callable[[object], str]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: object) -> str:
        value = self[key] = self.compute(key)
        return value


class _EntryCheck:
    """The rules checked entry by entry as the lines stream past."""

    def __init__(self, fiscal_year: int, totals: FecTotals) -> None:
        self.year = fiscal_year
        self.totals = totals
        self.last_sequence: dict[str, int] = {}
        self.entry: FecLine | None = None
        self.debit = self.credit = 0

    def start(self, line: FecLine) -> None:
        self.finish()
        self.entry = line
        self.debit = self.credit = 0
        number = entry_number(line.journal, line.fiscal_year, line.sequence)
        expected = self.last_sequence.get(line.journal, 0) + 1
        if line.sequence != expected:
            raise FecProblem(
                tr(
                    "Entry {number} breaks the numbering of journal {journal}: number "
                    "{expected} was expected.",
                    number=number,
                    journal=line.journal,
                    expected=entry_number(line.journal, line.fiscal_year, expected),
                )
            )
        self.last_sequence[line.journal] = line.sequence
        if as_date(line.entry_date).year != self.year or line.fiscal_year != self.year:
            raise FecProblem(
                tr(
                    "Entry {number} is dated {day}, outside the fiscal year {year}.",
                    number=number,
                    day=format_day(as_date(line.entry_date)),
                    year=self.year,
                )
            )
        if line.validated_on is None:
            raise FecProblem(tr("Entry {number} has no validation date.", number=number))

    def finish(self) -> None:
        entry = self.entry
        if entry is None:
            return
        if self.debit != self.credit:
            raise FecProblem(
                tr(
                    "Entry {number} ({piece}) does not balance: debit {debit}, credit "
                    "{credit}. Nothing was written; report this to the support.",
                    number=entry_number(entry.journal, entry.fiscal_year, entry.sequence),
                    piece=entry.piece_ref,
                    debit=amount(self.debit),
                    credit=amount(self.credit),
                )
            )
        totals = self.totals
        totals.entries += 1
        entries, debit = totals.journals.get(entry.journal, (0, 0))
        totals.journals[entry.journal] = (entries + 1, debit + self.debit)
        self.entry = None


def write_fec(
    target: BinaryIO,
    lines: Iterable[Sequence[Any]],
    fiscal_year: int,
    *,
    auxiliary_prefix: str | None,
    on_progress: Callable[[int], None] | None = None,
) -> FecTotals:
    """Write the FEC of ``fiscal_year`` from its lines (tuples in :class:`FecLine`'s
    order), in order of validation then of number. ``auxiliary_prefix`` None: members
    have no auxiliary account. ``on_progress`` gets the entries written so far."""
    text = io.StringIO()  # encoded and written a batch of lines at a time
    writer = csv.writer(
        text, delimiter=SEPARATOR, lineterminator="\r\n", quoting=csv.QUOTE_NONE, quotechar=None
    )
    writer.writerow(COLUMNS)

    def write_out() -> None:
        target.write(text.getvalue().encode(ENCODING, errors="fec_latin9"))
        text.seek(0)
        text.truncate()

    day = _Cache(compact_day)  # type: ignore[arg-type]  # a year's days: a few hundred
    # Names and codes repeat member by member: remembered, within a bound (memory flat).
    clean = lru_cache(maxsize=4096)(lambda value: _single_line(str(value)))
    auxiliary = lru_cache(maxsize=4096)(lambda code: f"{auxiliary_prefix}{code}")
    totals = FecTotals()
    check = _EntryCheck(fiscal_year, totals)
    current = None
    head: tuple[str, ...] = ()
    piece: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()
    no_auxiliary = ("", "")
    with_auxiliary = auxiliary_prefix is not None
    for line in lines:  # unpacked once: a million lines
        (
            entry_id,
            journal,
            journal_label,
            year,
            sequence,
            entry_date,
            account,
            account_label,
            member_code,
            member_name,
            piece_ref,
            piece_date,
            entry_label,
            line_label,
            debit,
            credit,
            validated_on,
        ) = line
        if entry_id != current:  # what every line of the entry repeats, made once
            check.start(FecLine._make(line))
            current = entry_id
            head = (journal, clean(journal_label), entry_number(journal, year, sequence))
            head += (day[entry_date],)
            # The piece and the label were written on one line when posted (drafts.clip).
            piece = (piece_ref, day[piece_date], entry_label)
            tail = ("", "", day[validated_on], "", "")
        check.debit += debit
        check.credit += credit
        writer.writerow(
            head
            + (account, clean(account_label))
            + (
                (auxiliary(member_code), clean(member_name))
                if with_auxiliary and member_code is not None
                else no_auxiliary
            )
            + (piece if line_label is None else (piece_ref, piece[1], line_label))
            + (amount(debit), amount(credit))
            + tail
        )
        totals.lines += 1
        totals.debit_cents += debit
        totals.credit_cents += credit
        if totals.lines % PROGRESS_EVERY == 0:
            write_out()
            if on_progress is not None:
                on_progress(totals.entries)
    check.finish()
    if totals.debit_cents != totals.credit_cents:  # cannot happen when every entry balances
        raise FecProblem(tr("The file does not balance: nothing was written."))
    write_out()
    return totals
