"""Reconciliation: what the automatic matching left, settled by billing staff.

The screen (Facturation › Rapprochement) lists the entries of a state (:func:`entries`:
unmatched by default), shows the month's progress (:func:`month_progress`) and, for the
entry under the cursor, the candidates ranked with why (:func:`suggestions`). Staff then

- accept one, or split the entry across several invoices, the rest kept as the member's
  credit (:func:`match_entry`: payments recorded through ``payments.record_payment``,
  linked to the entry in ``bank_entry_payments``);
- match a cheque remittance's line to its slip (:func:`match_slip`: the cheques were
  recorded with the slip, nothing is paid twice);
- mark an entry as not ours to match — bank fees, interest — with a reason
  (:func:`ignore_entry`);
- undo a wrong match (:func:`undo_entry`): the payments it recorded are *reversed*
  (``payments.reverse_payment``: audited, posted to the books), never deleted, and the
  entry is to reconcile again.

Every change checks the entry's ``version`` (another workstation may have settled it) and
is written in the audit trail.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import String, func, insert, or_, select, type_coerce
from sqlalchemy.orm import Session

from backoffice import clock, references
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import (
    ChequeRemittance,
    Instalment,
    Invoice,
    Member,
    Payment,
    PaymentMethod,
    SepaMandate,
)
from backoffice.models.bank import BankEntry, BankEntryKind, BankEntryPayment, BankMatchState
from backoffice.money import format_eur
from backoffice.services import audit
from backoffice.services.billing import payments
from backoffice.services.errors import Conflict, FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.text import fold

MANUAL = "manual"  # the match_rule of what staff matched
SLIP = "cheques"  # a cheque remittance's line matched to its slip
INVOICE_NUMBER = re.compile(r"\b(FA|AV)[\s\-/]?(\d{4})[\s\-/]?(\d{6})\b", re.IGNORECASE)
SLIP_NUMBER = re.compile(r"\bRC[\s\-/]?(\d{4})[\s\-/]?(\d{6})\b", re.IGNORECASE)
TOKEN = re.compile(r"[A-Za-z0-9]{4,20}")
MAX_SUGGESTIONS = 8
SLIP_DAYS = 15  # a slip is credited within days of its deposit


# -- what the screen shows -------------------------------------------------------------------


class EntryRow(NamedTuple):
    """One line of the screen (a tuple: the screen opens on thousands at once)."""

    id: int
    version: int
    booked_on: date
    value_on: date | None
    amount_cents: int  # signed: + received, - paid out
    kind: str  # a BankEntryKind value
    state: str  # a BankMatchState value
    counterparty_name: str
    counterparty_iban: str
    remittance: str
    creditor_reference: str
    bank_reference: str
    note: str  # why it was set aside
    rule: str  # how it was matched: manual, cheques, or the import's rule
    member_code: str  # matched: whose


def entries(
    session: Session,
    actor: Actor,
    state: BankMatchState = BankMatchState.UNMATCHED,
    *,
    month: date | None = None,
) -> list[EntryRow]:
    """The entries in ``state`` (booked in ``month`` when given), the latest first. One
    query of plain columns, one tuple per row: the screen opens on thousands at once."""
    require(session, actor, Permission.BILLING_VIEW)

    def text(column: Any) -> Any:
        return func.coalesce(column, "")

    statement = (
        select(
            BankEntry.id,
            BankEntry.version,
            BankEntry.booked_on,
            BankEntry.value_on,
            BankEntry.amount_cents,
            type_coerce(BankEntry.kind, String()),  # compared as the enums' values
            type_coerce(BankEntry.match_state, String()),
            text(BankEntry.counterparty_name),
            text(BankEntry.counterparty_iban),
            text(BankEntry.remittance),
            text(BankEntry.creditor_reference),
            text(BankEntry.bank_reference),
            text(BankEntry.note),
            text(BankEntry.match_rule),
            text(Member.member_code),
        )
        .outerjoin(Member, Member.id == BankEntry.member_id)
        .where(BankEntry.match_state == state)
        .order_by(BankEntry.booked_on.desc(), BankEntry.id.desc())
    )
    if month is not None:
        first, last = _month(month)
        statement = statement.where(BankEntry.booked_on >= first, BankEntry.booked_on <= last)
    make = EntryRow._make
    return [make(row) for row in session.execute(statement)]


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


@dataclass(frozen=True)
class MonthProgress:
    month: date  # its first day
    matched: int
    matched_cents: int
    unmatched: int
    unmatched_cents: int  # what is left, in absolute value (money in and out)
    returned: int
    ignored: int

    @property
    def total(self) -> int:
        return self.matched + self.unmatched + self.returned + self.ignored

    @property
    def done(self) -> int:
        return self.total - self.unmatched


def month_progress(session: Session, actor: Actor, month: date) -> MonthProgress:
    """How far the month's entries are reconciled: counts by state, amounts."""
    require(session, actor, Permission.BILLING_VIEW)
    first, last = _month(month)
    counts: dict[BankMatchState, tuple[int, int]] = {}
    for state, count, cents in session.execute(
        select(
            BankEntry.match_state,
            func.count(),
            func.coalesce(func.sum(func.abs(BankEntry.amount_cents)), 0),
        )
        .where(BankEntry.booked_on >= first, BankEntry.booked_on <= last)
        .group_by(BankEntry.match_state)
    ):
        counts[BankMatchState(state)] = (int(count), int(cents))
    matched, matched_cents = counts.get(BankMatchState.MATCHED, (0, 0))
    unmatched, unmatched_cents = counts.get(BankMatchState.UNMATCHED, (0, 0))
    return MonthProgress(
        first,
        matched,
        matched_cents,
        unmatched,
        unmatched_cents,
        counts.get(BankMatchState.RETURNED, (0, 0))[0],
        counts.get(BankMatchState.IGNORED, (0, 0))[0],
    )


# -- suggestions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A candidate for an entry: an invoice (or a member's oldest instalments, or a cheque
    slip), how sure (``score``, 0–100) and why, in French."""

    score: int
    reasons: tuple[str, ...]
    member_id: int | None
    member_code: str
    member_name: str
    invoice_id: int | None
    invoice_number: str
    remaining_cents: int  # what the invoice (or the member) still owes
    remittance_id: int | None = None  # a cheque slip
    remittance_number: str = ""

    @property
    def why(self) -> str:
        return " ; ".join(self.reasons)


@dataclass
class _Candidate:
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, score: int, reason: str) -> None:
        if reason not in self.reasons:
            # Several reasons strengthen each other, never beyond certainty.
            self.score = min(100, max(self.score, score) + (10 if self.score else 0))
            self.reasons.append(reason)


@dataclass(frozen=True)
class _Open:
    invoice_id: int
    number: str
    member_id: int
    remaining: int
    instalments: tuple[int, ...]


def _open_invoices(session: Session, member_ids: set[int]) -> dict[int, list[_Open]]:
    """The invoices with something left to pay of these members (oldest first)."""
    if not member_ids:
        return {}
    remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
    rows = session.execute(
        select(Invoice.id, Invoice.number, Invoice.member_id, remaining)
        .join(Instalment, Instalment.invoice_id == Invoice.id)
        .where(
            Invoice.member_id.in_(sorted(member_ids)),
            Instalment.superseded_at.is_(None),
            remaining > 0,
        )
        .order_by(Invoice.issued_on, Invoice.id, Instalment.due_on)
    ).all()
    parts: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for invoice_id, number, member_id, left in rows:
        parts[(invoice_id, number, member_id)].append(int(left))
    found: dict[int, list[_Open]] = defaultdict(list)
    for (invoice_id, number, member_id), lefts in parts.items():
        found[member_id].append(_Open(invoice_id, number, member_id, sum(lefts), tuple(lefts)))
    return found


def _entry(session: Session, entry_id: int, *, lock: bool = False) -> BankEntry:
    entry = session.get(BankEntry, entry_id, with_for_update=lock or None)
    if entry is None:
        raise NotFound(tr("This bank entry no longer exists."))
    return entry


def suggestions(session: Session, actor: Actor, entry_id: int) -> list[Suggestion]:
    """The best candidates for an entry, ranked: what its text names (an RF reference, an
    invoice number, a member code, a cheque slip), who its payer is (IBAN of a mandate or
    of an earlier match, the name), and whether the amount is exactly what is owed."""
    require(session, actor, Permission.BILLING_VIEW)
    entry = _entry(session, entry_id)
    if entry.amount_cents <= 0:
        return []
    text = " ".join(filter(None, (entry.creditor_reference, entry.remittance)))
    invoices: dict[int, _Candidate] = defaultdict(_Candidate)  # by invoice id
    members: dict[int, _Candidate] = defaultdict(_Candidate)  # by member id
    _named_invoices(session, text, invoices)
    _named_members(session, entry, text, members)
    invoice_members = dict(
        session.execute(select(Invoice.id, Invoice.member_id).where(Invoice.id.in_(invoices))).all()
    )
    opened = _open_invoices(session, set(members) | set(invoice_members.values()))
    ranked = _by_invoice(entry.amount_cents, invoices, members, opened)
    ranked.update(_by_member(entry.amount_cents, members, opened, ranked))
    if not ranked:
        _amount_only(session, entry.amount_cents, ranked)
    found = _described(session, ranked, opened)
    found += _slips(session, entry, text)
    found.sort(
        key=lambda item: (
            -item.score,
            item.remittance_number,
            item.invoice_number,
            item.member_code,
        )
    )
    return found[:MAX_SUGGESTIONS]


Ranked = dict[tuple[int, int | None], _Candidate]  # (member, invoice or None) → why


def _by_invoice(
    cents: int,
    invoices: dict[int, _Candidate],
    members: dict[int, _Candidate],
    opened: dict[int, list[_Open]],
) -> Ranked:
    """Each open invoice named, or of a member named, with the amount's fit."""
    ranked: Ranked = {}
    for member_id, lots in opened.items():
        for lot in lots:
            candidate = _Candidate()
            for source in (invoices.get(lot.invoice_id), members.get(member_id)):
                if source is not None:
                    for reason in source.reasons:
                        candidate.add(source.score, reason)
            if not candidate.reasons:
                continue
            if cents == lot.remaining:
                candidate.add(max(candidate.score, 40), tr("the amount is what is left to pay"))
            elif cents in lot.instalments:
                candidate.add(max(candidate.score, 35), tr("the amount of an instalment"))
            ranked[(member_id, lot.invoice_id)] = candidate
    return ranked


def _by_member(
    cents: int, members: dict[int, _Candidate], opened: dict[int, list[_Open]], ranked: Ranked
) -> Ranked:
    """A member named: their oldest instalments (when no invoice of theirs fits better, or
    the amount is all they owe), or a credit when they owe nothing."""
    found: Ranked = {}
    for member_id, candidate in members.items():
        owed = sum(lot.remaining for lot in opened.get(member_id, []))
        if any(key[0] == member_id for key in ranked) and owed != cents:
            continue
        member = _Candidate()
        for reason in candidate.reasons:
            member.add(max(candidate.score - 10, 0), reason)
        if owed and owed == cents:
            member.add(member.score, tr("the amount is all the member owes"))
        elif not owed:
            member.add(max(member.score - 20, 5), tr("nothing owed: a credit"))
        found[(member_id, None)] = member
    return found


def _named_invoices(session: Session, text: str, invoices: dict[int, _Candidate]) -> None:
    found = references.find_references(text)
    if found:
        for invoice_id, reference in session.execute(
            select(Invoice.id, Invoice.creditor_reference).where(
                Invoice.creditor_reference.in_(found)
            )
        ):
            invoices[invoice_id].add(
                100, tr("payment reference {reference}", reference=references.display(reference))
            )
    numbers = {
        f"{prefix.upper()}-{year}-{number}" for prefix, year, number in INVOICE_NUMBER.findall(text)
    }
    if numbers:
        for invoice_id, number in session.execute(
            select(Invoice.id, Invoice.number).where(Invoice.number.in_(sorted(numbers)))
        ):
            invoices[invoice_id].add(90, tr("invoice number {number} given", number=number))


def _named_members(
    session: Session, entry: BankEntry, text: str, members: dict[int, _Candidate]
) -> None:
    tokens = {token.upper() for token in TOKEN.findall(text)}
    if tokens:
        for member_id, code in session.execute(
            select(Member.id, Member.member_code).where(
                func.upper(Member.member_code).in_(sorted(tokens))
            )
        ):
            members[member_id].add(70, tr("member code {code} given", code=code))
    if entry.counterparty_iban:
        payers = set(
            session.scalars(
                select(SepaMandate.member_id).where(SepaMandate.iban == entry.counterparty_iban)
            )
        ) | set(
            session.scalars(
                select(BankEntry.member_id).where(
                    BankEntry.counterparty_iban == entry.counterparty_iban,
                    BankEntry.member_id.is_not(None),
                    BankEntry.match_state == BankMatchState.MATCHED,
                    BankEntry.id != entry.id,
                )
            )
        )
        for member_id in payers:
            members[member_id].add(60, tr("the payer's IBAN is the member's"))
    name = fold(entry.counterparty_name or "")
    words = [word for word in name.split() if len(word) >= 3 and word not in _COMMON_WORDS]
    if words:
        conditions = [Member.search_text.like(f"%{word}%") for word in words[:4]]
        for member_id, legal_name in session.execute(
            select(Member.id, Member.legal_name).where(or_(*conditions)).limit(50)
        ):
            folded = fold(legal_name)
            shared = sum(1 for word in words if word in folded)
            if folded == name:
                members[member_id].add(55, tr("the payer's name is the member's"))
            elif shared >= max(1, len(words) - 1):
                members[member_id].add(35, tr("the payer's name looks like the member's"))


# Words of company names that name nobody in particular.
_COMMON_WORDS = frozenset(
    {
        "sarl",
        "sas",
        "sasu",
        "eurl",
        "sci",
        "les",
        "des",
        "and",
        "cie",
        "societe",
        "ets",
        "mme",
        "mr",
        "m.",
        "vir",
        "sepa",
        "virement",
        "france",
        "groupe",
        "the",
    }
)


def _amount_only(
    session: Session, cents: int, ranked: dict[tuple[int, int | None], _Candidate]
) -> None:
    """Nobody named: the few invoices owed exactly this amount (more than five say nothing)."""
    remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
    rows = session.execute(
        select(Instalment.invoice_id, Invoice.member_id)
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .where(Instalment.superseded_at.is_(None), remaining > 0)
        .group_by(Instalment.invoice_id, Invoice.member_id)
        .having(func.sum(remaining) == cents)
        .limit(6)
    ).all()
    if 0 < len(rows) <= 5:
        for invoice_id, member_id in rows:
            candidate = _Candidate()
            candidate.add(20, tr("the amount is what is left to pay"))
            ranked[(member_id, invoice_id)] = candidate


def _described(
    session: Session,
    ranked: Ranked,
    opened: dict[int, list[_Open]],
) -> list[Suggestion]:
    member_ids = {member_id for member_id, _ in ranked}
    invoice_ids = {invoice_id for _, invoice_id in ranked if invoice_id is not None}
    names = {
        member_id: (code, name)
        for member_id, code, name in session.execute(
            select(Member.id, Member.member_code, Member.legal_name).where(
                Member.id.in_(member_ids)
            )
        )
    }
    missing = invoice_ids - {lot.invoice_id for lots in opened.values() for lot in lots}
    if missing:
        extra = _open_invoices(session, {member_id for member_id, _ in ranked})
        opened = {**opened, **extra}
    lots = {lot.invoice_id: lot for items in opened.values() for lot in items}
    found = []
    for (member_id, invoice_id), candidate in ranked.items():
        code, name = names.get(member_id, ("", ""))
        lot = lots.get(invoice_id) if invoice_id is not None else None
        owed = (
            lot.remaining
            if lot is not None
            else sum(item.remaining for item in opened.get(member_id, []))
        )
        found.append(
            Suggestion(
                candidate.score,
                tuple(candidate.reasons),
                member_id,
                code,
                name,
                invoice_id,
                lot.number if lot is not None else "",
                owed,
            )
        )
    return found


def _slips(session: Session, entry: BankEntry, text: str) -> list[Suggestion]:
    """Cheque slips not seen on a statement yet whose total is the entry's amount."""
    rows = session.execute(
        select(ChequeRemittance.id, ChequeRemittance.number, ChequeRemittance.deposited_on).where(
            ChequeRemittance.total_cents == entry.amount_cents,
            ChequeRemittance.bank_entry_id.is_(None),
            ChequeRemittance.deposited_on <= entry.booked_on,
        )
    ).all()
    named = {f"RC-{year}-{number}" for year, number in SLIP_NUMBER.findall(text)}
    found = []
    for remittance_id, number, deposited_on in rows:
        reasons = [tr("the total of slip {number}", number=number)]
        score = 50
        if number in named:
            score = 100
            reasons.insert(0, tr("slip number {number} given", number=number))
        elif (entry.booked_on - deposited_on).days <= SLIP_DAYS:
            score = 75
            reasons.append(tr("handed to the bank on {day}", day=format_day(deposited_on)))
        found.append(
            Suggestion(score, tuple(reasons), None, "", "", None, "", 0, remittance_id, number)
        )
    return found


# -- settling --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    """A part of an entry: for an invoice of a member, for the member's oldest instalments
    (``invoice_id`` None), or kept as the member's credit (``credit``)."""

    member_id: int
    cents: int
    invoice_id: int | None = None
    credit: bool = False


@dataclass(frozen=True)
class EntryOutcome:
    entry_id: int
    state: BankMatchState
    payment_ids: tuple[int, ...] = ()
    reversed_payment_ids: tuple[int, ...] = ()
    credit_cents: int = 0


def _unmatched(session: Session, entry_id: int, expected_version: int | None) -> BankEntry:
    entry = _entry(session, entry_id, lock=True)
    if expected_version is not None and entry.version != expected_version:
        raise Conflict(tr("Someone else changed this bank entry meanwhile: it was reloaded."))
    if entry.match_state != BankMatchState.UNMATCHED:
        raise Conflict(tr("This bank entry was reconciled meanwhile: it was reloaded."))
    return entry


def match_entry(
    session: Session,
    actor: Actor,
    entry_id: int,
    allocations: Sequence[Allocation],
    *,
    expected_version: int | None = None,
) -> EntryOutcome:
    """Record the entry as payments: one per allocation (oldest instalments of its invoice
    first; a credit allocation settles nothing), which must add up to the entry's amount.
    Refused whole, with the allocation at fault named."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    entry = _unmatched(session, entry_id, expected_version)
    if entry.amount_cents <= 0:
        raise ValidationFailed.single(
            "entry", tr("Money paid out is not a payment: mark it as not ours instead.")
        )
    if not allocations:
        raise ValidationFailed.single("allocations", tr("Say what the entry pays."))
    total = sum(part.cents for part in allocations)
    if total != entry.amount_cents:
        raise ValidationFailed.single(
            "allocations",
            tr(
                "The parts add up to {parts}, the entry is {amount}.",
                parts=format_eur(total),
                amount=format_eur(entry.amount_cents),
            ),
        )
    method = PaymentMethod.CHEQUE if entry.kind == BankEntryKind.CHEQUE else PaymentMethod.TRANSFER
    received_on = min(entry.value_on or entry.booked_on, clock.today())
    reference = (entry.bank_reference or entry.end_to_end_id or entry.remittance or "")[:80]
    recorded: list[int] = []
    credit = 0
    for position, part in enumerate(allocations, start=1):
        try:
            outcome = payments.record_payment(
                session,
                actor,
                part.member_id,
                part.cents,
                method,
                received_on,
                invoice_id=part.invoice_id,
                reference=reference or None,
                instalment_ids=[] if part.credit else None,
                allow_overpayment=part.credit,
            )
        except ValidationFailed as error:
            raise ValidationFailed(
                [
                    FieldError(
                        f"allocations.{position}.{item.field}",
                        tr("Part {position}: {problem}", position=position, problem=item.message),
                    )
                    for item in error.errors
                ]
            ) from None
        recorded.append(outcome.payment_id)
        credit += outcome.credit_cents
    members = {part.member_id for part in allocations}
    invoices = {part.invoice_id for part in allocations}
    entry.match_state = BankMatchState.MATCHED
    entry.match_rule = MANUAL
    entry.member_id = members.pop() if len(members) == 1 else allocations[0].member_id
    entry.invoice_id = invoices.pop() if len(invoices) == 1 else None
    entry.matched_at = clock.now()
    entry.matched_by_id = actor.staff_id
    entry.note = None
    session.flush()
    session.execute(
        insert(BankEntryPayment), [{"entry_id": entry.id, "payment_id": key} for key in recorded]
    )
    audit.record(
        session,
        actor,
        "bank.match",
        "bank_entry",
        entry.id,
        member_id=entry.member_id,
        summary=tr("{amount} reconciled", amount=format_eur(entry.amount_cents)),
        after={
            "payments": recorded,
            "allocations": [
                {
                    "member_id": p.member_id,
                    "invoice_id": p.invoice_id,
                    "cents": p.cents,
                    "credit": p.credit,
                }
                for p in allocations
            ],
        },
    )
    return EntryOutcome(entry.id, entry.match_state, tuple(recorded), credit_cents=credit)


def match_slip(
    session: Session,
    actor: Actor,
    entry_id: int,
    remittance_id: int,
    *,
    expected_version: int | None = None,
    rule: str = SLIP,
) -> EntryOutcome:
    """The entry is the bank's credit of a cheque slip: matched to it, nothing paid again
    (the cheques were recorded with the slip)."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    entry = _unmatched(session, entry_id, expected_version)
    slip = session.get(ChequeRemittance, remittance_id, with_for_update=True)
    if slip is None:
        raise NotFound(tr("This remittance slip no longer exists."))
    if slip.bank_entry_id is not None:
        raise Conflict(tr("Slip {number} is already matched to a bank entry.", number=slip.number))
    if slip.total_cents != entry.amount_cents:
        raise ValidationFailed.single(
            "entry",
            tr(
                "Slip {number} totals {total}, the entry is {amount}.",
                number=slip.number,
                total=format_eur(slip.total_cents),
                amount=format_eur(entry.amount_cents),
            ),
        )
    slip.bank_entry_id = entry.id
    entry.match_state = BankMatchState.MATCHED
    entry.match_rule = rule
    entry.matched_at = clock.now()
    entry.matched_by_id = actor.staff_id
    session.flush()
    audit.record(
        session,
        actor,
        "bank.match_slip",
        "bank_entry",
        entry.id,
        summary=tr("Cheque slip {number} credited", number=slip.number),
        after={"remittance_id": slip.id, "number": slip.number, "rule": rule},
    )
    return EntryOutcome(entry.id, entry.match_state)


def ignore_entry(
    session: Session,
    actor: Actor,
    entry_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
) -> EntryOutcome:
    """Not ours to match (bank fees, interest, a transfer between the service's accounts):
    kept with the reason, out of the list."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    entry = _unmatched(session, entry_id, expected_version)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed.single("reason", tr("A reason is required."))
    entry.match_state = BankMatchState.IGNORED
    entry.note = reason[:300]
    entry.matched_at = clock.now()
    entry.matched_by_id = actor.staff_id
    session.flush()
    audit.record(
        session,
        actor,
        "bank.ignore",
        "bank_entry",
        entry.id,
        summary=reason[:200],
        after={"amount_cents": entry.amount_cents, "reason": reason},
    )
    return EntryOutcome(entry.id, entry.match_state)


def undo_entry(
    session: Session,
    actor: Actor,
    entry_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
) -> EntryOutcome:
    """Undo a wrong match (or an entry wrongly set aside): the payments it recorded are
    reversed — they stay, marked reversed with the reason, their instalments due again —
    and the entry is to reconcile again. A direct-debit collection is undone by its
    returns, not here."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    entry = _entry(session, entry_id, lock=True)
    if expected_version is not None and entry.version != expected_version:
        raise Conflict(tr("Someone else changed this bank entry meanwhile: it was reloaded."))
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed.single("reason", tr("A reason is required."))
    if entry.match_state not in (BankMatchState.MATCHED, BankMatchState.IGNORED):
        raise Conflict(tr("This bank entry is not reconciled: there is nothing to undo."))
    if entry.match_rule == "collection":
        raise ValidationFailed.single(
            "entry",
            tr("A direct-debit collection is undone by its returns, not by hand."),
        )
    before = {"state": entry.match_state, "rule": entry.match_rule, "note": entry.note}
    reversed_ids = []
    for payment_id in session.scalars(
        select(BankEntryPayment.payment_id)
        .join(Payment, Payment.id == BankEntryPayment.payment_id)
        .where(BankEntryPayment.entry_id == entry.id, Payment.reversed_at.is_(None))
        .order_by(BankEntryPayment.payment_id)
    ).all():
        payments.reverse_payment(
            session,
            actor,
            payment_id,
            tr("Wrong bank reconciliation: {reason}", reason=reason),
        )
        reversed_ids.append(payment_id)
    for slip in session.scalars(
        select(ChequeRemittance).where(ChequeRemittance.bank_entry_id == entry.id)
    ):
        slip.bank_entry_id = None
    entry.match_state = BankMatchState.UNMATCHED
    entry.match_rule = None
    entry.member_id = None
    entry.invoice_id = None
    entry.matched_at = None
    entry.matched_by_id = None
    entry.note = None
    session.flush()
    audit.record(
        session,
        actor,
        "bank.undo",
        "bank_entry",
        entry.id,
        summary=reason[:200],
        before=before,
        after={"reversed_payments": reversed_ids, "reason": reason},
    )
    return EntryOutcome(entry.id, entry.match_state, reversed_payment_ids=tuple(reversed_ids))
