"""Matching bank entries to what the service billed, in order of confidence.

1. **Collection credit** (``collection``): the batch names one of our pain.008 files by
   its message id or payment-information id (``<MsgId[:30]>-FRST``), or the entry names a
   debit by its end-to-end id: the debits of that batch still out are recorded as received
   (``sepa/returns.record_debits_received``), all at once, when they add up to the credit.
2. **Reference** (``reference``, ``invoice``, ``member``): a transfer whose structured
   creditor reference or remittance text carries an invoice's ISO 11649 reference
   (``RF…``), else an invoice number (``FA-2027-000123``), else a member code — one and
   only one, with something still owed.
3. **Amount and payer** (``iban``, ``name``): the payer's IBAN (of a mandate, or of an
   entry matched before) or exact name names members; among their open invoices exactly
   one is owed that amount (whole, or one instalment of it).

A match records a payment through the billing service (``record_payment``: oldest
instalments first, an excess kept as the member's credit), posted to the books with the
others of the import, and links it to the entry (``bank_entry_payments``). Returns go to
``returns``; a cheque remittance credited is matched to its slip (``cheques.match_slips``).
What is left stays ``unmatched`` for the reconciliation screen.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backoffice import clock
from backoffice.models import (
    Instalment,
    Invoice,
    Member,
    PaymentMethod,
    SepaCollection,
    SepaMandate,
    SepaState,
)
from backoffice.models.bank import (
    BankEntry,
    BankEntryKind,
    BankEntryPayment,
    BankMatchState,
    BankReturn,
)
from backoffice.references import find_references
from backoffice.reports.sepa import pain008
from backoffice.services.accounting import events as accounting_events
from backoffice.services.bank import cheques, returns
from backoffice.services.billing.bulk_rows import TableRows, bound, execute_many
from backoffice.services.billing.payments import PaymentBatch
from backoffice.services.permissions import Actor
from backoffice.services.progress import Progress, silent
from backoffice.services.sepa import returns as sepa_returns
from backoffice.services.sql_values import among
from backoffice.services.tracking import mark_touched
from backoffice.text import fold

CHUNK = 500
INVOICE_NUMBER = re.compile(r"\b(FA|AV)[\s\-/]?(\d{4})[\s\-/]?(\d{6})\b", re.IGNORECASE)
TOKEN = re.compile(r"[A-Za-z0-9]{4,20}")
TRANSFERS = (BankEntryKind.TRANSFER, BankEntryKind.OTHER_CREDIT)
RETURNS = (BankEntryKind.RETURN, BankEntryKind.REJECT)


@dataclass(frozen=True)
class MatchCounts:
    matched: int
    returned: int
    left: int  # of the ``fresh`` entries, those still unmatched


def match_entries(
    session: Session,
    actor: Actor,
    entry_ids: Sequence[int],
    *,
    fresh: Sequence[EntryRow] = (),
    progress: Progress | None = None,
    members: MemberIndex | None = None,
) -> MatchCounts:
    """Match the entries still unmatched among ``entry_ids`` (locked first: two imports
    never match the same entry) and the ``fresh`` ones (``stored_rows``: stored by this
    transaction, which no other sees). ``members``: the members' codes and names, read
    once for all the files of an import."""
    progress = progress or silent()
    rows = sorted([*fresh, *_locked_rows(session, entry_ids)], key=lambda row: row.id)
    entries = _with_services_objects(session, rows)
    matched = returned = 0
    payment_ids: list[int] = []
    total = len(entries)
    done = 0
    for entry in entries:
        if entry.kind == BankEntryKind.COLLECTION:
            progress.step(done, total, None)
            done += 1
            if _collection(session, actor, entry):
                matched += 1
    rejected_files: set[int] = set()
    reversed_payments: list[int] = []
    for entry in entries:
        if entry.kind in RETURNS:
            progress.step(done, total, None)
            done += 1
            applied = returns.apply(session, actor, entry, journal=False)
            if applied is not None:
                returned += 1
                reversed_payments.extend(applied.reversed_payment_ids)
                if entry.kind == BankEntryKind.REJECT and entry.collection_id:
                    rejected_files.add(entry.collection_id)
    # the file's reversals posted together, before any payment of it reads the VAT left
    accounting_events.post_reversals(session, reversed_payments)
    matched += _credits_waiting_for(session, actor, rejected_files)
    transfers = [entry for entry in entries if entry.kind in TRANSFERS]
    if transfers:
        paid = _match_transfers(
            session, actor, transfers, members or MemberIndex(), progress, done, total
        )
        payment_ids.extend(paid)
        matched += len(paid)
    accounting_events.post_payments(session, payment_ids)
    # cheque remittances: a credit naming a slip, or the only slip of that total (the
    # cheques were recorded as payments with the slip: nothing is paid again)
    still_open = [
        entry
        for entry in entries
        if entry.match_state == BankMatchState.UNMATCHED and entry.amount_cents > 0
    ]
    if still_open:
        matched += cheques.match_slips(session, actor, still_open)
    unmatched = {entry.id for entry in entries if entry.match_state == BankMatchState.UNMATCHED}
    return MatchCounts(matched, returned, sum(1 for row in fresh if row.id in unmatched))


@dataclass(slots=True)
class EntryRow:
    """A bank entry as the transfer and cheque rules read it: a row, not an ORM object
    (an import matches 100,000 of them); ``_mark_all`` writes their match."""

    id: int
    version: int
    kind: BankEntryKind
    amount_cents: int
    booked_on: date
    bank_reference: str | None
    end_to_end_id: str | None
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance: str | None
    creditor_reference: str | None
    match_state: BankMatchState
    keys: _Keys | None = None  # what the transfer rules look up, when found already


_ROW_COLUMNS = tuple(
    BankEntry.__table__.c[name] for name in EntryRow.__dataclass_fields__ if name != "keys"
)
_ORM_KINDS = (BankEntryKind.COLLECTION, *RETURNS)  # matched by the ORM services


def stored_rows(session: Session, statement_id: int) -> dict[str, EntryRow]:
    """The entries a statement stored (``statement_id``: only those it inserted), by their
    key, as the rules read them: new in this transaction, no other sees or locks them."""
    table = BankEntry.__table__
    return {
        key: EntryRow(*values)
        for key, *values in session.execute(
            select(table.c.dedup_key, *_ROW_COLUMNS).where(table.c.statement_id == statement_id)
        )
    }


def _locked_rows(session: Session, entry_ids: Sequence[int]) -> list[EntryRow]:
    """The entries still unmatched among ``entry_ids``, locked, in the order of their
    ids."""
    rows: list[EntryRow] = []
    for start in range(0, len(entry_ids), CHUNK):
        rows.extend(
            EntryRow(*values)
            for values in session.execute(
                select(*_ROW_COLUMNS)
                .where(
                    among(session, BankEntry.id, entry_ids[start : start + CHUNK]),
                    BankEntry.match_state == BankMatchState.UNMATCHED,
                )
                .order_by(BankEntry.id)
                .with_for_update()
            )
        )
    return rows


def _with_services_objects(session: Session, rows: list[EntryRow]) -> list[Any]:
    """``rows`` with the collection credits and returns as ORM objects (their services
    change them), the others as they are."""
    wanted = [row.id for row in rows if row.kind in _ORM_KINDS]
    if not wanted:
        return rows
    loaded: dict[int, BankEntry] = {}
    for start in range(0, len(wanted), CHUNK):
        for entry in session.scalars(
            select(BankEntry).where(among(session, BankEntry.id, wanted[start : start + CHUNK]))
        ):
            loaded[entry.id] = entry
    return [loaded.get(row.id, row) for row in rows]


def _match_transfers(
    session: Session,
    actor: Actor,
    transfers: list[EntryRow],
    members: MemberIndex,
    progress: Progress,
    done: int,
    total: int,
) -> list[int]:
    """Transfers matched by reference, invoice number, member code, or payer and amount:
    their payments recorded together (a ``PaymentBatch``); the payments' ids."""
    matcher = _TransferMatcher(session, actor, transfers, members)
    paid: list[tuple[EntryRow, int, int | None, str]] = []
    for entry in transfers:
        progress.step(done, total, None)
        done += 1
        target = matcher.target(entry)
        if target is None:
            continue
        member_id, invoice_id, rule = target
        matcher.batch.add(
            member_id,
            entry.amount_cents,
            PaymentMethod.TRANSFER,
            min(entry.booked_on, clock.today()),
            invoice_id=invoice_id,
            reference=_reference(entry),
            allow_overpayment=True,
        )
        paid.append((entry, member_id, invoice_id, rule))
    outcomes = matcher.batch.write(journal=False)
    _mark_all(
        session,
        actor,
        [(entry, rule, member_id, invoice_id) for entry, member_id, invoice_id, rule in paid],
    )
    links = TableRows(session.connection(), BankEntryPayment.__table__, ("entry_id", "payment_id"))
    for (entry, *_target), outcome in zip(paid, outcomes, strict=True):
        links.add((entry.id, outcome.payment_id))
    links.flush()
    return [outcome.payment_id for outcome in outcomes]


def _mark_all(
    session: Session, actor: Actor, marks: list[tuple[EntryRow, str, int, int | None]]
) -> None:
    """``_mark`` for many entries at once: one UPDATE (``WHERE version = seen``, as the
    ORM's) through the driver; the rows say they are matched."""
    if not marks:
        return
    table = BankEntry.__table__
    now = clock.now()
    connection = session.connection()
    head = (
        bound(connection, table.c.match_state, BankMatchState.MATCHED),
        bound(connection, table.c.matched_at, now),
        actor.staff_id,
    )
    # through the driver: a statement compiled and a dictionary for each entry cost more
    # than the update
    updated = execute_many(
        connection,
        "UPDATE bank_entries SET match_state = ?, matched_at = ?, matched_by_id = ?, "
        "match_rule = ?, member_id = ?, invoice_id = ?, collection_id = NULL, "
        "version = version + 1 WHERE id = ? AND version = ?",
        [
            (*head, rule, member_id, invoice_id, entry.id, entry.version)
            for entry, rule, member_id, invoice_id in marks
        ],
        postgresql="UPDATE bank_entries AS e SET match_state = v.state, matched_at = v.at, "
        "matched_by_id = v.by, match_rule = v.rule, member_id = v.member, "
        "invoice_id = v.invoice, collection_id = NULL, version = e.version + 1 "
        "FROM unnest(%s::text[], %s::timestamptz[], %s::int[], %s::text[], %s::int[], "
        "%s::int[], %s::int[], %s::int[]) AS v(state, at, by, rule, member, invoice, id, seen) "
        "WHERE e.id = v.id AND e.version = v.seen",
    )
    if updated not in (-1, len(marks)):
        raise StaleDataError("bank entries changed while they were matched")
    for entry, *_match in marks:
        entry.match_state = BankMatchState.MATCHED
        entry.version += 1
    # ORM objects of these entries this session holds are read again
    ids = {entry.id for entry, *_mark in marks}
    for instance in list(session.identity_map.values()):
        if isinstance(instance, BankEntry) and instance.id in ids:
            session.expire(instance)
    mark_touched(session, "bank_entries", ids)


def _mark(
    entry: BankEntry,
    actor: Actor,
    rule: str,
    member_id: int | None,
    invoice_id: int | None = None,
    collection_id: int | None = None,
) -> None:
    entry.match_state = BankMatchState.MATCHED
    entry.match_rule = rule
    entry.member_id = member_id
    entry.invoice_id = invoice_id
    entry.collection_id = collection_id
    entry.matched_at = clock.now()
    entry.matched_by_id = actor.staff_id


def link_payments(session: Session, entry_id: int, payment_ids: Iterable[int]) -> None:
    """The entry pays these payments (a collection credit: its file's hundreds of debits,
    copied on PostgreSQL rather than inserted one by one)."""
    session.flush()
    links = TableRows(session.connection(), BankEntryPayment.__table__, ("entry_id", "payment_id"))
    for payment_id in payment_ids:
        links.add((entry_id, payment_id))
    links.flush()


# -- 1. collection credits -----------------------------------------------------------------


def _credits_waiting_for(session: Session, actor: Actor, collection_ids: set[int]) -> int:
    """Credits of these files imported before a reject of theirs (the bank credits a file
    without its rejected debits): matched now that the rejects are known."""
    matched = 0
    for collection_id in sorted(collection_ids):
        message_id = session.scalar(
            select(SepaCollection.message_id).where(SepaCollection.id == collection_id)
        )
        waiting = session.scalars(
            select(BankEntry)
            .where(
                BankEntry.kind == BankEntryKind.COLLECTION,
                BankEntry.match_state == BankMatchState.UNMATCHED,
                or_(
                    func.upper(BankEntry.batch_message_id) == (message_id or "").upper(),
                    func.upper(BankEntry.batch_payment_info_id).like(
                        f"{(message_id or '')[:30].upper()}-%"
                    ),
                ),
            )
            .order_by(BankEntry.id)
            .with_for_update()
        ).all()
        matched += sum(1 for entry in waiting if _collection(session, actor, entry))
    return matched


def _collection(session: Session, actor: Actor, entry: BankEntry) -> bool:
    """Record the debits the credit pays. It must be what the file says of them: the
    debits still out, and those the bank returned after settling them (credited here,
    debited again by their return entry; their instalments are owed again already)."""
    collection, end_to_end_ids = _collection_debits(session, entry)
    if collection is None or not end_to_end_ids:
        return False
    if collection.collection_date > clock.today():
        return False
    rows = session.execute(
        select(Instalment.id, Instalment.end_to_end_id, Instalment.sepa_state)
        .where(
            Instalment.collection_id == collection.id,
            Instalment.end_to_end_id.in_(end_to_end_ids),
            Instalment.sepa_state.in_((SepaState.SENT, SepaState.REJECTED)),
        )
        .with_for_update()
    ).all()
    owed = {row.end_to_end_id for row in rows if row.sepa_state == SepaState.SENT}
    rejected = {row.id: row.end_to_end_id for row in rows if row.sepa_state != SepaState.SENT}
    settled_then_returned = set()
    if rejected:
        settled_then_returned = {
            rejected[instalment_id]
            for instalment_id in session.scalars(
                select(BankReturn.instalment_id)
                .join(BankEntry, BankEntry.id == BankReturn.entry_id)
                .where(
                    BankReturn.instalment_id.in_(sorted(rejected)),
                    BankEntry.kind == BankEntryKind.RETURN,
                )
            )
        }
    credited = owed | settled_then_returned
    if not owed or sum(_file_amounts(collection, credited).values()) != entry.amount_cents:
        return False  # not what the file says: staff will look
    outcome = sepa_returns.record_debits_received(
        session, actor, collection.id, only=owed, transactions=_read(collection)[0]
    )
    if not outcome.payment_ids:
        return False
    _mark(entry, actor, "collection", None, None, collection.id)
    link_payments(session, entry.id, outcome.payment_ids)
    return True


_FILE_CACHE: dict[
    tuple[int, str], tuple[list[pain008.FileTransaction], dict[str, tuple[str, int]]]
] = {}


def _read(
    collection: SepaCollection,
) -> tuple[list[pain008.FileTransaction], dict[str, tuple[str, int]]]:
    """The transactions of a kept pain.008 (read once per process), and by end-to-end id
    their (sequence, cents)."""
    key = (collection.id, collection.message_id)
    known = _FILE_CACHE.get(key)
    if known is None:
        if len(_FILE_CACHE) > 64:
            _FILE_CACHE.clear()
        transactions = pain008.read_transactions(collection.xml)
        known = (
            transactions,
            {item.end_to_end_id: (item.sequence, item.amount_cents) for item in transactions},
        )
        _FILE_CACHE[key] = known
    return known


def _transactions(collection: SepaCollection) -> dict[str, tuple[str, int]]:
    """End-to-end id → (sequence, cents) of a kept pain.008 (read once per process)."""
    return _read(collection)[1]


def _file_amounts(collection: SepaCollection, ids: set[str]) -> dict[str, int]:
    transactions = _transactions(collection)
    return {key: transactions[key][1] for key in ids if key in transactions}


def _collection_debits(
    session: Session, entry: BankEntry
) -> tuple[SepaCollection | None, set[str]]:
    """The file the credit names, and the end-to-end ids of its debits it credits."""
    if entry.end_to_end_id and not entry.batch_payment_info_id:
        row = session.execute(
            select(Instalment.collection_id).where(Instalment.end_to_end_id == entry.end_to_end_id)
        ).first()
        if row is None or row.collection_id is None:
            return None, set()
        return session.get(SepaCollection, row.collection_id), {entry.end_to_end_id}
    sequence = None
    collection = None
    if entry.batch_message_id:  # a CFONB statement may have put it in capitals
        collection = session.scalar(
            select(SepaCollection).where(
                func.upper(SepaCollection.message_id) == entry.batch_message_id.upper()
            )
        )
    if entry.batch_payment_info_id and "-" in entry.batch_payment_info_id:
        prefix, _, sequence = entry.batch_payment_info_id.upper().rpartition("-")
        if collection is None:
            found = session.scalars(
                select(SepaCollection).where(
                    func.upper(func.substr(SepaCollection.message_id, 1, len(prefix))) == prefix
                )
            ).all()
            collection = found[0] if len(found) == 1 else None
        elif not collection.message_id.upper().startswith(prefix):
            return None, set()
    if collection is None:
        return None, set()
    transactions = _transactions(collection)
    return collection, {
        key for key, (seq, _) in transactions.items() if sequence is None or seq == sequence
    }


# -- 2 and 3. transfers --------------------------------------------------------------------


class MemberIndex:
    """The members by code (case ignored) and by folded name (legal, trade and billing
    names), read once for all the files of one import (a command, a drop of files): the
    code and payer's name rules ask for them file after file."""

    def __init__(self) -> None:
        self._codes: dict[str, int] | None = None
        self._names: dict[str, set[int]] | None = None

    def _load(self, session: Session) -> None:
        codes: dict[str, int] = {}
        names: dict[str, set[int]] = defaultdict(set)
        for member_id, code, legal, trade, billing in session.execute(
            select(
                Member.id,
                Member.member_code,
                Member.legal_name,
                Member.trade_name,
                Member.billing_name,
            )
        ):
            codes[code.upper()] = member_id
            for name in {fold(legal), fold(trade), fold(billing)}:
                if name:
                    names[name].add(member_id)
        self._codes, self._names = codes, dict(names)

    def codes(self, session: Session, tokens: set[str]) -> dict[str, int]:
        """The member of each of the upper-case ``tokens`` that is a member code."""
        if not tokens:
            return {}
        if self._codes is None:
            self._load(session)
        assert self._codes is not None
        return {token: self._codes[token] for token in tokens if token in self._codes}

    def names(self, session: Session, wanted: set[str]) -> dict[str, set[int]]:
        """The members of each of the ``wanted`` folded names that names some."""
        if not wanted:
            return {}
        if self._names is None:
            self._load(session)
        assert self._names is not None
        return {name: self._names[name] for name in wanted if name in self._names}


class _Keys(NamedTuple):
    """What the rules look up for one transfer: the valid creditor references and invoice
    numbers of its texts, the upper-case tokens of its remittance (member codes?), its
    payer's folded name."""

    references: list[str]
    numbers: set[str]
    tokens: set[str]
    name: str


class _Lead(NamedTuple):
    """Where the rules lead for one transfer, before what is owed is known: the rule that
    names someone first, and whom — an invoice of a member (``reference``, ``invoice``),
    a member (``member``), or the members its payer's IBAN and name point to (``payer``)."""

    rule: str
    invoice_id: int | None = None
    member_id: int | None = None
    by_iban: frozenset[int] = frozenset()
    by_name: frozenset[int] = frozenset()

    def members(self) -> set[int]:
        if self.rule == "payer":
            return {*self.by_iban, *self.by_name}
        return {self.member_id} if self.member_id is not None else set()


class _TransferMatcher:
    """The lookups of a batch of transfers, made with a few queries for all of them, and
    the open instalments of the members their rules lead to (``batch``: a
    ``PaymentBatch`` whose answers count the payments already planned)."""

    def __init__(
        self, session: Session, actor: Actor, entries: Sequence[EntryRow], members: MemberIndex
    ) -> None:
        self.session = session
        keys = {entry.id: entry.keys or keys_of(entry) for entry in entries}
        self.by_reference = self._invoices(
            Invoice.creditor_reference, {item for key in keys.values() for item in key.references}
        )
        self.by_number = self._invoices(
            Invoice.number, {item for key in keys.values() for item in key.numbers}
        )
        tokens = {item for key in keys.values() for item in key.tokens}
        self.by_code = members.codes(session, tokens)
        self.payers = self._payers(entries)
        self.names = members.names(session, {key.name for key in keys.values() if key.name})
        # most entries are noise that every rule examines and leaves: where each one leads
        # is found once, and only the members some rule leads to have their instalments read
        self._leads = {entry.id: self._lead(entry, keys[entry.id]) for entry in entries}
        candidates = {
            member_id
            for lead in self._leads.values()
            if lead is not None
            for member_id in lead.members()
        }
        self.batch = PaymentBatch(session, actor, candidates)

    def _invoices(self, column: object, values: set[str]) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(sorted(values)):
            for key, invoice_id, member_id in self.session.execute(
                select(column, Invoice.id, Invoice.member_id).where(
                    among(self.session, column, chunk)
                )
            ):
                found[key] = (invoice_id, member_id)
        return found

    def _lead(self, entry: EntryRow, keys: _Keys) -> _Lead | None:
        """The first rule that names someone (None: a rule names several: nobody)."""
        for rule, lookup, items in (
            ("reference", self.by_reference, keys.references),
            ("invoice", self.by_number, keys.numbers),
        ):
            invoices = {lookup[item] for item in items if item in lookup}
            if len(invoices) > 1:
                return None
            if invoices:
                invoice_id, member_id = invoices.pop()
                return _Lead(rule, invoice_id, member_id)
        members = {self.by_code[token] for token in keys.tokens if token in self.by_code}
        if len(members) > 1:
            return None
        if members:
            return _Lead("member", member_id=members.pop())
        return _Lead(
            "payer",
            by_iban=frozenset(self.payers.get(entry.counterparty_iban or "", ())),
            by_name=frozenset(self.names.get(keys.name, ())),
        )

    def target(self, entry: EntryRow) -> tuple[int, int | None, str] | None:
        lead = self._leads[entry.id]
        if lead is None:
            return None
        if lead.rule == "payer":
            return self._by_payer(entry.amount_cents, lead)
        assert lead.member_id is not None
        if self.batch.owed(lead.member_id, lead.invoice_id) <= 0:
            return None
        return lead.member_id, lead.invoice_id, lead.rule

    def _payers(self, entries: Sequence[EntryRow]) -> dict[str, set[int]]:
        """The members known to pay from each IBAN: by a mandate, or an entry matched."""
        ibans = {entry.counterparty_iban for entry in entries if entry.counterparty_iban}
        payers: dict[str, set[int]] = defaultdict(set)
        for chunk in _chunks(sorted(ibans)):
            for iban, member_id in self.session.execute(
                select(SepaMandate.iban, SepaMandate.member_id).where(
                    among(self.session, SepaMandate.iban, chunk)
                )
            ):
                payers[iban].add(member_id)
            for iban, member_id in self.session.execute(
                select(BankEntry.counterparty_iban, BankEntry.member_id)
                .where(
                    among(self.session, BankEntry.counterparty_iban, chunk),
                    BankEntry.member_id.is_not(None),
                    BankEntry.match_state == BankMatchState.MATCHED,
                )
                .distinct()
            ):
                payers[iban].add(member_id)
        return payers

    def _by_payer(self, cents: int, lead: _Lead) -> tuple[int, int | None, str] | None:
        for rule, members in (("iban", lead.by_iban), ("name", lead.by_name)):
            if not members:
                continue
            fitting = self._fitting(members, cents)
            if len(fitting) == 1:
                invoice_id, member_id = fitting.pop()
                return member_id, invoice_id, rule
            if fitting:
                return None
        return None

    def _fitting(self, member_ids: frozenset[int], cents: int) -> set[tuple[int, int]]:
        """The open invoices of these members owed ``cents`` (whole or one instalment)."""
        return {
            (invoice_id, member_id)
            for member_id in member_ids
            for invoice_id, parts in self.batch.open_by_invoice(member_id).items()
            if sum(parts) == cents or cents in parts
        }


class _Texts(Protocol):
    creditor_reference: str | None
    remittance: str | None
    counterparty_name: str | None


def keys_of(entry: _Texts) -> _Keys:
    """What the transfer rules look up for an entry (a row, or a parsed entry: the
    reading process finds them for the entries it reads, ``import_run``)."""
    text = " ".join(filter(None, (entry.creditor_reference, entry.remittance)))
    return _Keys(
        find_references(text) if "RF" in text.upper() else [],
        _numbers(text),
        {token.upper() for token in TOKEN.findall(entry.remittance or "")},
        fold(entry.counterparty_name),
    )


def _numbers(text: str) -> set[str]:
    upper = text.upper()
    if "FA" not in upper and "AV" not in upper:  # most texts: no number to look for
        return set()
    return {f"{prefix}-{year}-{number}" for prefix, year, number in INVOICE_NUMBER.findall(upper)}


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _reference(entry: EntryRow) -> str | None:
    """What the payment recalls of the entry: the bank's reference, else the debit's, else
    the text."""
    return (entry.bank_reference or entry.end_to_end_id or entry.remittance or "")[:80] or None
