"""Importing bank files: each entry stored once, then matched.

``import_files`` reads and checks every file first (``formats.read``): a file that cannot
be read, or whose statements are of an account that is not one of the service's,
refuses the call whole with its French sentence, before anything is written. Then each
file:

- is recorded by its SHA-256 (``bank_files``, inserted with ``ON CONFLICT DO NOTHING``):
  a file already imported — or being imported at this moment on another workstation,
  whose transaction this one waits for — stores nothing again;
- stores its entries with ``ON CONFLICT (dedup_key) DO NOTHING``: an entry already
  known from another file (overlapping statements, a camt.054 then the day's camt.053)
  is not stored twice;
- has its new entries, and its known ones still unmatched, matched (``matching``).

All of it in the caller's transaction: an import interrupted half-way leaves nothing,
and running it again does it all. Files dropped together are imported each on its own,
one call per file: in a transaction of its own (the Facturation section through
``write_each``) or with the others of the last second (the command line,
``import_run``): a file is refused before anything of it is written, it keeps none of
the others out, and ``file_result`` says in one French line what each brought or why it
was refused.
The payments are recorded and audited as done by the import on behalf of the staff
member who ran it (``bank-import:<login>``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import SepaCollection
from backoffice.models.bank import (
    BankEntry,
    BankFile,
    BankFileFormat,
    BankMatchState,
    BankStatement,
)
from backoffice.services import audit
from backoffice.services import identity as identity_service
from backoffice.services.bank import matching
from backoffice.services.bank.formats import BankFileError, ParsedEntry, ParsedFile, read
from backoffice.services.billing.bulk_rows import (
    IdReserver,
    TableRows,
    collector_paused,
    execute_many,
)
from backoffice.services.errors import ServiceError
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Cancelled, Progress, silent
from backoffice.services.sql_values import among
from backoffice.services.tracking import mark_touched

CHUNK = 1000


class BankImportRefused(ServiceError):
    """A file that cannot be imported (its French sentence names it)."""


@dataclass(frozen=True)
class ImportActor(Actor):
    """The staff member who ran an import, as the audit trail names what it did."""

    @property
    def audit_label(self) -> str:
        return f"bank-import:{self.login}"


def by_import(actor: Actor) -> ImportActor:
    return ImportActor(actor.staff_id, actor.login, actor.full_name, actor.role)


@dataclass(frozen=True)
class FileOutcome:
    name: str
    file_id: int
    format: BankFileFormat
    read: int
    new: int
    already_imported: bool


@dataclass(frozen=True)
class ImportOutcome:
    files: tuple[FileOutcome, ...]
    read: int  # entries read
    new: int  # stored now
    matched: int  # matched now (payments recorded)
    returned: int  # returns applied now
    left: int  # of the entries of these files, still to reconcile

    def summary(self) -> str:
        return tr(
            "{files}: {read} entries read, {new} new, {matched} matched, {returned} returned, "
            "{left} left to reconcile.",
            files=ntr("{count} file", "{count} files", len(self.files)),
            read=self.read,
            new=self.new,
            matched=self.matched,
            returned=self.returned,
            left=self.left,
        )


def file_result(name: str, result: ImportOutcome | ServiceError) -> str:
    """One file's line once it was imported on its own (``import_files(session, actor,
    [file])`` in a transaction of its own), or refused, or left out by a cancel."""
    if isinstance(result, Cancelled):
        return tr("{file}: not imported (cancelled).", file=name)
    if isinstance(result, ServiceError):
        return tr("Refused: {message}", message=result.message)
    if result.files and result.files[0].already_imported:
        return tr(
            "{file}: already imported ({read} entries); {matched} matched now, {left} left "
            "to reconcile.",
            file=name,
            read=result.read,
            matched=result.matched,
            left=result.left,
        )
    return tr(
        "{file}: imported, {new} new entries of {read}, {matched} matched, {returned} "
        "returned, {left} left to reconcile.",
        file=name,
        new=result.new,
        read=result.read,
        matched=result.matched,
        returned=result.returned,
        left=result.left,
    )


def results_summary(results: Sequence[ImportOutcome | ServiceError]) -> str:
    """The files imported on their own, counted: imported, refused, entries."""
    imported = [item for item in results if isinstance(item, ImportOutcome)]
    refused = [
        item
        for item in results
        if isinstance(item, ServiceError) and not isinstance(item, Cancelled)
    ]
    return tr(
        "{files}, {refused}: {new} new entries, {matched} matched, {returned} returned, "
        "{left} left to reconcile.",
        files=ntr("{count} file imported", "{count} files imported", len(imported)),
        refused=ntr("{count} refused", "{count} refused", len(refused)),
        new=sum(item.new for item in imported),
        matched=sum(item.matched for item in imported),
        returned=sum(item.returned for item in imported),
        left=sum(item.left for item in imported),
    )


def _accounts(service: identity_service.ServiceIdentity) -> set[str]:
    """The IBANs statements may be of: the service's bank accounts."""
    return {account.iban.replace(" ", "").upper() for account in service.bank_accounts}


def check(session: Session, parsed: ParsedFile, accounts: set[str]) -> None:
    """Refuse a file of an account that is not the service's, or a pain.002 about a file
    we never sent."""
    if parsed.format == BankFileFormat.PAIN002:
        known = session.scalar(
            select(SepaCollection.id).where(SepaCollection.message_id == parsed.original_message_id)
        )
        if known is None:
            raise BankFileError(
                parsed.name,
                tr(
                    "this status report is about the file {message}, which is not one of the "
                    "direct-debit files sent by the service.",
                    message=parsed.original_message_id or "-",
                ),
            )
        return
    for statement in parsed.statements:
        if statement.account_iban not in accounts:
            raise BankFileError(
                parsed.name,
                tr(
                    "the account {iban} is not one of the service's accounts (Settings › "
                    "Service identity): nothing of this file is imported.",
                    iban=statement.account_iban or "-",
                ),
            )


def import_files(
    session: Session,
    actor: Actor,
    files: Sequence[tuple[str, bytes]],
    *,
    progress: Progress | None = None,
    members: matching.MemberIndex | None = None,
    parsed: Sequence[ParsedFile | BankFileError | None] | None = None,
    service: identity_service.ServiceIdentity | None = None,
) -> ImportOutcome:
    """Import ``(name, content)`` files: all of them, or nothing (a file refused raises
    :class:`BankImportRefused` naming it). ``members``: the members' codes and names as
    the matching rules read them, shared by the calls of one import (one call per file).
    ``parsed``: what ``formats.read`` made of each file, when read already
    (``import_run.read_ahead``); ``service``: the service's identity (its accounts), when
    read already in this transaction."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    require(session, actor, Permission.SEPA_MANAGE)
    progress = progress or silent()
    identity = service or identity_service.load(session)
    accounts = _accounts(identity)
    direct_debit = identity.direct_debit_account
    default_account = direct_debit.iban if direct_debit is not None else None
    outcomes = []
    read_count = new_count = matched = returned = fresh_left = 0
    importer = by_import(actor)
    members = members or matching.MemberIndex()
    # every file read and checked before anything is written: a refusal leaves the
    # caller's transaction as it was (``import_run`` needs no savepoint for it)
    contents = [
        _checked(session, name, data, parsed[number] if parsed is not None else None, accounts)
        for number, (name, data) in enumerate(files)
    ]
    for number, ((name, data), content) in enumerate(zip(files, contents, strict=True)):
        progress.step(number, len(files), tr("Reading {file}…", file=name))
        # tens of thousands of elements, rows and objects made, none in a cycle: no cyclic
        # collection while a file is read and matched (it runs again between files)
        with collector_paused():
            file_outcome, fresh, known_ids = _store(
                session, importer, content, data, default_account
            )
            counts = matching.match_entries(
                session, importer, known_ids, fresh=fresh, members=members
            )
        outcomes.append(file_outcome)
        read_count += file_outcome.read
        new_count += file_outcome.new
        matched += counts.matched
        returned += counts.returned
        fresh_left = counts.left
    if len(outcomes) == 1 and not outcomes[0].already_imported:
        left = fresh_left  # its entries are those it stored, all just matched
    else:  # a later file may have matched an earlier one's; a file known has older ones
        left = _still_unmatched(session, [item.file_id for item in outcomes])
    progress.step(len(files), len(files), None)
    return ImportOutcome(tuple(outcomes), read_count, new_count, matched, returned, left)


def _checked(
    session: Session,
    name: str,
    data: bytes,
    content: ParsedFile | BankFileError | None,
    accounts: set[str],
) -> ParsedFile:
    """The file as read (``content``, or read now), refused when it cannot be imported."""
    try:
        if content is None:
            with collector_paused():
                content = read(name, data)
        elif isinstance(content, BankFileError):
            raise content
        check(session, content, accounts)
    except BankFileError as error:
        raise BankImportRefused(str(error)) from None
    return content


def _insert(session: Session, table: object) -> object:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)  # type: ignore[arg-type]


def _store(
    session: Session,
    actor: Actor,
    parsed: ParsedFile,
    data: bytes,
    default_account: str | None,
) -> tuple[FileOutcome, list[matching.EntryRow], list[int]]:
    """Store the file and its new entries: its outcome, the entries it stored (as the
    matching rules read them) and the ids of those it knew already, still unmatched."""
    digest = hashlib.sha256(data).hexdigest()
    now = clock.now()
    statement = (
        _insert(session, BankFile.__table__)
        .values(
            sha256=digest,
            file_name=parsed.name[-255:],
            format=parsed.format,
            variant=parsed.variant,
            imported_at=now,
            imported_by_id=actor.staff_id,
            entry_count=parsed.entry_count,
            new_count=0,
        )
        .on_conflict_do_nothing(index_elements=["sha256"])
        .returning(BankFile.__table__.c.id)
    )
    file_id = session.execute(statement).scalar()
    if file_id is None:  # imported before (or by another workstation just now)
        known = session.scalar(select(BankFile).where(BankFile.sha256 == digest))
        assert known is not None
        entry_ids = list(
            session.scalars(
                select(BankEntry.id).where(
                    BankEntry.file_id == known.id,
                    BankEntry.match_state == BankMatchState.UNMATCHED,
                )
            )
        )
        outcome = FileOutcome(parsed.name, known.id, parsed.format, parsed.entry_count, 0, True)
        return outcome, [], entry_ids
    fresh: list[matching.EntryRow] = []
    known_keys: list[str] = []
    for parsed_statement in parsed.statements:
        account = parsed_statement.account_iban or default_account or "-"
        # a statement: no unit of work for one row
        statement_id = session.execute(
            BankStatement.__table__.insert().returning(BankStatement.__table__.c.id),
            {
                "file_id": file_id,
                "account_iban": account,
                "identifier": (parsed_statement.identifier or "")[:35] or None,
                "from_on": parsed_statement.from_on,
                "to_on": parsed_statement.to_on,
                "opening_cents": parsed_statement.opening_cents,
                "closing_cents": parsed_statement.closing_cents,
                "entry_count": len(parsed_statement.entries),
            },
        ).scalar_one()
        mark_touched(session, "bank_statements", {statement_id})
        keys = parsed_statement.dedup_keys(account)
        stored = _insert_entries(
            session, parsed_statement.entries, keys, account, file_id, statement_id
        )
        fresh.extend(stored.values())
        known_keys.extend(key for key in keys if key not in stored)
    new_ids = [entry.id for entry in fresh]
    session.execute(
        BankFile.__table__.update()
        .where(BankFile.__table__.c.id == file_id)
        .values(new_count=len(new_ids))
    )
    mark_touched(session, "bank_files", {file_id})
    mark_touched(session, "bank_entries", set(new_ids))
    retry = []
    for start in range(0, len(known_keys), CHUNK):
        retry.extend(
            session.scalars(
                select(BankEntry.id).where(
                    among(session, BankEntry.dedup_key, known_keys[start : start + CHUNK]),
                    BankEntry.match_state == BankMatchState.UNMATCHED,
                )
            )
        )
    # written at once, not left to the next query's flush (a row through the driver)
    audit.record_many(
        session,
        actor,
        [
            {
                "action": "bank.import",
                "entity_type": "bank_file",
                "entity_id": file_id,
                "summary": tr(
                    "{file}: {read} entries read, {new} new",
                    file=parsed.name,
                    read=parsed.entry_count,
                    new=len(new_ids),
                ),
                "after": {"sha256": digest, "format": parsed.format, "new": len(new_ids)},
            }
        ],
    )
    outcome = FileOutcome(
        parsed.name, file_id, parsed.format, parsed.entry_count, len(new_ids), False
    )
    return outcome, fresh, retry


_ENTRY_COLUMNS = (
    "dedup_key",
    "account_iban",
    "file_id",
    "statement_id",
    "kind",
    "amount_cents",
    "booked_on",
    "value_on",
    "bank_reference",
    "bank_code",
    "end_to_end_id",
    "counterparty_name",
    "counterparty_iban",
    "counterparty_bic",
    "remittance",
    "creditor_reference",
    "batch_message_id",
    "batch_payment_info_id",
    "batch_count",
    "return_code",
    "match_state",
)
_INSERT_ENTRIES = (
    f"INSERT INTO bank_entries (id, {', '.join(_ENTRY_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (1 + len(_ENTRY_COLUMNS)))}) ON CONFLICT (dedup_key) DO NOTHING"
)
# On PostgreSQL the rows are copied (COPY) into a temporary table of the same columns,
# then inserted from it in their order by one statement: the driver dumps 100,000 rows'
# values as arrays far slower than it copies them.
_STAGING = "bank_entries_incoming"
_STAGE_ENTRIES_POSTGRESQL = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} ON COMMIT DELETE ROWS AS "
    f"SELECT {', '.join(_ENTRY_COLUMNS)}, 0 AS position FROM bank_entries WITH NO DATA"
)
_INSERT_STAGED_ENTRIES_POSTGRESQL = (
    f"INSERT INTO bank_entries ({', '.join(_ENTRY_COLUMNS)}) "
    f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM {_STAGING} ORDER BY position "
    "ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key"
)


def _insert_entries(
    session: Session,
    entries: Sequence[ParsedEntry],
    keys: Sequence[str],
    account: str,
    file_id: int,
    statement_id: int,
) -> dict[str, matching.EntryRow]:
    """The statement's entries, each stored unless its key is known (``ON CONFLICT DO
    NOTHING``), through the driver: rows of values, no statement compiled per row. Returns
    those it stored, by key, as the matching rules read them — made from what was sent,
    not read back (``version`` 1: new rows)."""
    connection = session.connection()
    values = TableRows(connection, BankEntry.__table__, _ENTRY_COLUMNS)  # binds the values
    constant = values.constant
    unmatched = constant("match_state", BankMatchState.UNMATCHED)
    sent = [_sent(entry) for entry in entries]
    rows = [
        (
            key,
            account,
            file_id,
            statement_id,
            constant("kind", entry.kind),
            entry.amount_cents,
            constant("booked_on", entry.booked_on),
            constant("value_on", entry.value_on),
            fields.bank_reference,
            entry.bank_code[:40] if entry.bank_code else None,
            entry.end_to_end_id,
            fields.counterparty_name,
            entry.counterparty_iban,
            entry.counterparty_bic[:11] if entry.counterparty_bic else None,
            entry.remittance,
            entry.creditor_reference,
            entry.batch_message_id,
            entry.batch_payment_info_id,
            entry.batch_count,
            entry.return_code[:4] if entry.return_code else None,
            unmatched,
        )
        for entry, key, fields in zip(entries, keys, sent, strict=True)
    ]
    if connection.dialect.name == "postgresql":
        stored_ids = _insert_staged(connection, rows)
    else:
        # the ids given here (the writer holds the database's write lock): when every row
        # was stored, each has the id it was sent with; else they are read back
        ids = IdReserver(session, BankEntry.__table__).take(len(rows))
        written = execute_many(
            connection, _INSERT_ENTRIES, [(item, *row) for item, row in zip(ids, rows, strict=True)]
        )
        if written != len(rows):
            return matching.stored_rows(session, statement_id)
        stored_ids = dict(zip(keys, ids, strict=True))
    first_of_key: dict[str, int] = {}
    for position, key in enumerate(keys):
        first_of_key.setdefault(key, position)  # a key twice: the first row was stored
    return {
        key: _entry_row(entry_id, entries[first_of_key[key]], sent[first_of_key[key]])
        for key, entry_id in stored_ids.items()
    }


class _Sent(NamedTuple):
    """An entry's texts cut to their columns' lengths, as stored."""

    bank_reference: str | None
    counterparty_name: str | None


def _sent(entry: ParsedEntry) -> _Sent:
    return _Sent(
        entry.bank_reference[:35] if entry.bank_reference else None,
        entry.counterparty_name[:140] if entry.counterparty_name else None,
    )


def _entry_row(entry_id: int, entry: ParsedEntry, sent: _Sent) -> matching.EntryRow:
    return matching.EntryRow(
        entry_id,
        1,
        entry.kind,
        entry.amount_cents,
        entry.booked_on,
        sent.bank_reference,
        entry.end_to_end_id,
        sent.counterparty_name,
        entry.counterparty_iban,
        entry.remittance,
        entry.creditor_reference,
        BankMatchState.UNMATCHED,
        entry.match_keys,
    )


def _insert_staged(connection: Connection, rows: list[tuple[Any, ...]]) -> dict[str, int]:
    """PostgreSQL: the rows copied into the staging table, then stored in their order by
    one statement; the id of each stored, by key."""
    with connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(_STAGE_ENTRIES_POSTGRESQL)
        columns = ", ".join((*_ENTRY_COLUMNS, "position"))
        with cursor.copy(f"COPY {_STAGING} ({columns}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                copy.write_row((*row, position))
        cursor.execute(_INSERT_STAGED_ENTRIES_POSTGRESQL)
        stored = {key: entry_id for entry_id, key in cursor.fetchall()}
        cursor.execute(f"DELETE FROM {_STAGING}")  # another statement of the file may follow
    return stored


def _still_unmatched(session: Session, file_ids: list[int]) -> int:
    """Entries of these files left to reconcile once all of them were matched. Counted
    among the files' entries (``FILTER``): a condition on the state beside the file let
    PostgreSQL, its statistics not yet aware of a large import, read the partial index of
    every unmatched entry as well."""
    from sqlalchemy import func

    unmatched = func.count(BankEntry.id).filter(BankEntry.match_state == BankMatchState.UNMATCHED)
    return int(
        session.scalar(
            select(unmatched).where(among(session, BankEntry.file_id, sorted(set(file_ids))))
        )
        or 0
    )
