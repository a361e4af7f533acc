"""Reading the bank's files: no database here, bytes in, statements and entries out.

``read(name, data)`` recognises the format by its content (never by the file name):

- ISO 20022 XML — ``camt.053`` (001.02, 001.08) end-of-day statements, ``camt.054``
  (001.02, 001.08) notifications, ``pain.002`` (001.03, 001.10) status reports of our
  direct-debit files (their rejects) — read with lxml ``iterparse``, statement by
  statement (``camt``, ``pain002``);
- CFONB 120, the French fixed-width statement: records 01 (opening balance), 04
  (movement), 05 (its complements), 07 (closing balance) (``cfonb``).

Whatever is wrong — not XML, a camt version we do not read, a CFONB line of the wrong
length or an unknown record, a currency other than EUR, entries that do not add up to the
balances, not a statement at all — raises :class:`BankFileError`: one French sentence
naming the file and the line or entry. A file is read whole before anything is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from backoffice.i18n import tr
from backoffice.models.bank import BankEntryKind, BankFileFormat


class BankFileError(Exception):
    """A file that cannot be imported; ``str()`` is the French sentence for the user."""

    def __init__(self, name: str, problem: str, where: object = None) -> None:
        where = str(where) if where is not None else None  # a place made French lazily
        if where:
            message = tr("{file}, {where}: {problem}", file=name, where=where, problem=problem)
        else:
            message = tr("{file}: {problem}", file=name, problem=problem)
        super().__init__(message)
        self.file_name = name
        self.where = where

    def __reduce__(self) -> tuple[object, ...]:
        # sent back from the process that read the file (``importing.read_ahead``)
        return (_file_error, (str(self), self.file_name, self.where))


def _file_error(message: str, name: str, where: str | None) -> BankFileError:
    """A ``BankFileError`` as its sentence was made (not translated again)."""
    error = BankFileError.__new__(BankFileError)
    Exception.__init__(error, message)
    error.file_name, error.where = name, where
    return error


@dataclass
class ParsedEntry:
    kind: BankEntryKind
    amount_cents: int  # signed: + received, - paid out (a reject: what was not collected)
    booked_on: date
    where: object  # "écriture 3", "ligne 12" once str(): for messages
    value_on: date | None = None
    bank_reference: str | None = None
    bank_code: str | None = None
    end_to_end_id: str | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    remittance: str | None = None
    creditor_reference: str | None = None
    batch_message_id: str | None = None
    batch_payment_info_id: str | None = None
    batch_count: int | None = None
    return_code: str | None = None
    remittance_complemented: bool = False  # CFONB: the 05 LCC record replaced the label
    match_keys: Any = None  # what the matching rules look up, found by the reader ahead

    def __reduce__(self) -> tuple[type[ParsedEntry], tuple[Any, ...]]:
        # sent from the reading process by the hundred thousand: its values in their
        # order, not a dictionary of them each
        return ParsedEntry, tuple(getattr(self, name) for name in _ENTRY_FIELDS)

    def content_hash(self) -> str:
        """What identifies an entry that carries no bank reference."""
        parts = (
            self.kind.value,
            str(self.amount_cents),
            self.booked_on.isoformat(),
            self.value_on.isoformat() if self.value_on else "",
            self.bank_code or "",
            self.end_to_end_id or "",
            self.counterparty_name or "",
            self.counterparty_iban or "",
            self.remittance or "",
            self.creditor_reference or "",
            self.batch_payment_info_id or "",
            self.return_code or "",
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


_ENTRY_FIELDS = tuple(item.name for item in fields(ParsedEntry))


@dataclass
class ParsedStatement:
    account_iban: str | None  # None: a pain.002 (our creditor account)
    identifier: str | None
    from_on: date | None = None
    to_on: date | None = None
    opening_cents: int | None = None
    closing_cents: int | None = None
    entries: list[ParsedEntry] = field(default_factory=list)

    def dedup_keys(self, account_iban: str) -> list[str]:
        """One key per entry: the account and the bank's reference, else the content's
        hash and its rank among identical entries of this statement (two identical
        transfers the same day stay two; the same statement read twice gives the same
        keys)."""
        keys = []
        seen: dict[str, int] = {}
        for entry in self.entries:
            if entry.bank_reference:
                keys.append(f"{account_iban}:{entry.bank_reference}")
                continue
            digest = entry.content_hash()
            rank = seen.get(digest, 0)
            seen[digest] = rank + 1
            keys.append(f"{account_iban}#{digest}.{rank}")
        return keys


@dataclass
class ParsedFile:
    name: str
    format: BankFileFormat
    variant: str
    statements: list[ParsedStatement]
    original_message_id: str | None = None  # pain.002: the pain.008 it reports on

    @property
    def entry_count(self) -> int:
        return sum(len(statement.entries) for statement in self.statements)


def read(name: str, data: bytes) -> ParsedFile:
    """The file's statements, or :class:`BankFileError`."""
    from backoffice.services.bank.formats import camt, cfonb

    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return camt.read(name, data)
    if head[:1].isdigit():
        return cfonb.read(name, data)
    raise BankFileError(
        name,
        tr(
            "this is not a bank statement (neither ISO 20022 XML camt.053/camt.054/pain.002 "
            "nor CFONB 120)."
        ),
    )
