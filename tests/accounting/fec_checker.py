"""An independent checker of the FEC norm (article A47 A-1 of the LPF, BOI-CF-IOR-60-40-20).

Written from the norm, not from our writer: every FEC the tests produce goes through it
(``tests/accounting/conftest.py`` wraps the export). It reads the file back and applies
the rules an auditor's tool applies:

- the name ``SIRENFECAAAAMMJJ.txt`` (a valid SIREN, the fiscal year's closing day);
- ISO 8859-15 text, CR LF records, one separator (tab) never inside a field;
- the 18 field names, exactly and in order, on the first line; 18 fields on every line;
- mandatory fields filled; dates ``AAAAMMJJ``; amounts with a decimal comma, two
  decimals, no grouping; account numbers beginning with three digits;
- auxiliary number and label together; currency amount and code together;
- each entry's lines together, balanced; the file balanced;
- order: validation dates never go back; within a journal the numbers follow each other
  from 1 without a gap, and the entry dates never go back as the numbers rise;
- every entry date within the fiscal year, every validation date on or after it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from stdnum.fr import siren

FIELDS = [
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
]
MANDATORY = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "ValidDate",
]
NAME = re.compile(r"(?P<siren>\d{9})FEC(?P<closing>\d{8})\.txt")
AMOUNT = re.compile(r"-?\d+,\d{2}")
NUMBER_SUFFIX = re.compile(r"(\d+)$")


class FecRejected(AssertionError):
    pass


@dataclass
class FecSummary:
    fiscal_year: int
    lines: int = 0
    entries: int = 0
    debit_cents: int = 0
    credit_cents: int = 0
    by_account: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # debit - credit
    by_journal: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # entries
    auxiliary: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # debit - credit
    rows: list[dict[str, str]] = field(default_factory=list)


def _day(value: str, what: str, where: str) -> date:
    if not re.fullmatch(r"\d{8}", value):
        raise FecRejected(f"{where}: {what} {value!r} is not AAAAMMJJ")
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError as error:
        raise FecRejected(f"{where}: {what} {value!r} is not a date") from error


def _cents(value: str, where: str) -> int:
    if not AMOUNT.fullmatch(value):
        raise FecRejected(f"{where}: amount {value!r} is not written like 1458,22")
    units, cents = value.split(",")
    sign = -1 if units.startswith("-") else 1
    return sign * (abs(int(units)) * 100 + int(cents))


def check_fec(path: Path, *, keep_rows: bool = False) -> FecSummary:
    """Apply the norm's rules to the file at ``path``; raises :class:`FecRejected`."""
    match = NAME.fullmatch(path.name)
    if not match:
        raise FecRejected(f"file name {path.name!r} is not SIRENFECAAAAMMJJ.txt")
    if not siren.is_valid(match["siren"]):
        raise FecRejected(f"{match['siren']} is not a valid SIREN")
    closing = _day(match["closing"], "closing day", "file name")
    checker = _Checker(FecSummary(closing.year), keep_rows)
    records = _records(path.read_bytes())
    if records[0].split("\t") != FIELDS:
        raise FecRejected(f"header {records[0]!r} is not the norm's 18 fields in order")
    for index, record in enumerate(records[1:], start=2):
        checker.record(record, f"line {index}")
    return checker.finish()


def _records(raw: bytes) -> list[str]:
    try:
        text = raw.decode("iso8859_15")
    except UnicodeDecodeError as error:
        raise FecRejected(f"not ISO 8859-15: {error}") from error
    if "\n" in text.replace("\r\n", ""):
        raise FecRejected("records must end with CR LF")
    records = text.split("\r\n")
    if records[-1] != "":
        raise FecRejected("the last record has no end of line")
    records.pop()
    return records


def _fields(record: str, where: str) -> dict[str, str]:
    values = record.split("\t")
    if len(values) != len(FIELDS):
        raise FecRejected(f"{where}: {len(values)} fields instead of 18")
    row = dict(zip(FIELDS, values, strict=True))
    for name in MANDATORY:
        if not row[name].strip():
            raise FecRejected(f"{where}: {name} is empty")
    if not re.fullmatch(r"\d{3}.*", row["CompteNum"]):
        raise FecRejected(f"{where}: account {row['CompteNum']!r} does not begin with 3 digits")
    for first, second in (
        ("CompAuxNum", "CompAuxLib"),
        ("Montantdevise", "Idevise"),
        ("EcritureLet", "DateLet"),
    ):
        if bool(row[first]) != bool(row[second]):
            raise FecRejected(f"{where}: {first} and {second} go together")
    return row


class _Checker:
    def __init__(self, summary: FecSummary, keep_rows: bool) -> None:
        self.summary = summary
        self.keep_rows = keep_rows
        self.seen: set[tuple[str, str]] = set()
        self.last_number: dict[str, int] = {}
        self.last_date: dict[str, date] = {}
        self.last_valid: date | None = None
        self.current: tuple[str, str] | None = None
        self.balance = 0

    def record(self, record: str, where: str) -> None:
        row = _fields(record, where)
        entry_day = self._dates(row, where)
        debit, credit = _cents(row["Debit"], where), _cents(row["Credit"], where)
        if debit < 0 or credit < 0 or (debit and credit):
            raise FecRejected(f"{where}: a line is a debit or a credit, not negative")
        key = (row["JournalCode"], row["EcritureNum"])
        if key != self.current:
            self._new_entry(key, row, entry_day, where)
        self.balance += debit - credit
        summary = self.summary
        summary.lines += 1
        summary.debit_cents += debit
        summary.credit_cents += credit
        summary.by_account[row["CompteNum"]] += debit - credit
        if row["CompAuxNum"]:
            summary.auxiliary[row["CompAuxNum"]] += debit - credit
        if self.keep_rows:
            summary.rows.append(row)

    def _dates(self, row: dict[str, str], where: str) -> date:
        entry_day = _day(row["EcritureDate"], "EcritureDate", where)
        _day(row["PieceDate"], "PieceDate", where)
        valid = _day(row["ValidDate"], "ValidDate", where)
        if entry_day.year != self.summary.fiscal_year:
            raise FecRejected(f"{where}: EcritureDate {entry_day} outside the fiscal year")
        if valid < entry_day:
            raise FecRejected(f"{where}: validated ({valid}) before its date ({entry_day})")
        if self.last_valid is not None and valid < self.last_valid:
            raise FecRejected(f"{where}: not in the chronological order of validation")
        self.last_valid = valid
        return entry_day

    def _new_entry(
        self, key: tuple[str, str], row: dict[str, str], entry_day: date, where: str
    ) -> None:
        self._balanced()
        if key in self.seen:
            raise FecRejected(f"{where}: the lines of entry {key[1]} are not together")
        self.seen.add(key)
        _check_sequence(row, entry_day, self.last_number, self.last_date, where)
        self.current, self.balance = key, 0
        self.summary.entries += 1
        self.summary.by_journal[row["JournalCode"]] += 1

    def _balanced(self) -> None:
        if self.current is not None and self.balance != 0:
            raise FecRejected(f"entry {self.current[1]} does not balance ({self.balance} cents)")

    def finish(self) -> FecSummary:
        self._balanced()
        if self.summary.debit_cents != self.summary.credit_cents:
            raise FecRejected("the file does not balance")
        return self.summary


def _check_sequence(
    row: dict[str, str],
    entry_day: date,
    last_number: dict[str, int],
    last_date: dict[str, date],
    where: str,
) -> None:
    journal = row["JournalCode"]
    suffix = NUMBER_SUFFIX.search(row["EcritureNum"])
    if suffix is None:
        raise FecRejected(f"{where}: EcritureNum {row['EcritureNum']!r} has no sequence")
    number = int(suffix.group(1))
    expected = last_number.get(journal, 0) + 1
    if number != expected:
        raise FecRejected(
            f"{where}: journal {journal} jumps from {expected - 1} to {number} (a gap or a repeat)"
        )
    if journal in last_date and entry_day < last_date[journal]:
        raise FecRejected(f"{where}: journal {journal} goes back in time at {row['EcritureNum']}")
    last_number[journal] = number
    last_date[journal] = entry_day
