"""Which instalments a collection takes, and what is wrong with each (the review).

For a collection date: the instalments due by then and unpaid, of members with an active
mandate — and of invoices issued for direct debit whose member has none any more (shown
as "missing mandate"). Each line carries its anomalies; a blocking one keeps the line out
of the file. Two of them can be overridden by an explicit choice: an instalment already
in an earlier file (``resend``) and a missing or late pre-notification (``late_notice``).
"""

from __future__ import annotations

from collections import Counter, namedtuple
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import (
    Instalment,
    Invoice,
    MandateStatus,
    Member,
    SepaCollection,
    SepaMandate,
    SepaPrenotification,
    SepaState,
)
from backoffice.reports.sepa import pain008
from backoffice.reports.sepa.charset import is_sepa_text, to_sepa_text
from backoffice.reports.sepa.postal_address import PostalAddress, address_required, structured
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.sepa import business_days, creditor
from backoffice.services.sepa.mandates import bank_details_problem, lapses_on
from backoffice.services.sepa.reason_codes import reason_label


class AnomalyKind(StrEnum):
    MISSING_MANDATE = "missing_mandate"
    MANDATE_LAPSED = "mandate_lapsed"
    INVALID_BANK_DETAILS = "invalid_bank_details"
    ADDRESS_REQUIRED = "address_required"
    NOT_PRENOTIFIED = "not_prenotified"
    LATE_NOTICE = "late_notice"
    ALREADY_SENT = "already_sent"
    PREVIOUSLY_REJECTED = "previously_rejected"
    NAME_TRANSLITERATED = "name_transliterated"


# What an explicit choice of the user lifts; the others block or only inform.
OVERRIDDEN_BY_RESEND = frozenset({AnomalyKind.ALREADY_SENT})
OVERRIDDEN_BY_LATE_NOTICE = frozenset({AnomalyKind.NOT_PRENOTIFIED, AnomalyKind.LATE_NOTICE})
BLOCKING = frozenset(
    {
        AnomalyKind.MISSING_MANDATE,
        AnomalyKind.MANDATE_LAPSED,
        AnomalyKind.INVALID_BANK_DETAILS,
        AnomalyKind.ADDRESS_REQUIRED,
        *OVERRIDDEN_BY_RESEND,
        *OVERRIDDEN_BY_LATE_NOTICE,
    }
)


def anomaly_label(kind: AnomalyKind) -> str:
    return {
        AnomalyKind.MISSING_MANDATE: tr("Missing mandate"),
        AnomalyKind.MANDATE_LAPSED: tr("Lapsed mandate"),
        AnomalyKind.INVALID_BANK_DETAILS: tr("Invalid IBAN or BIC"),
        AnomalyKind.ADDRESS_REQUIRED: tr("Address required"),
        AnomalyKind.NOT_PRENOTIFIED: tr("Not pre-notified"),
        AnomalyKind.LATE_NOTICE: tr("Pre-notified too late"),
        AnomalyKind.ALREADY_SENT: tr("Already in a file"),
        AnomalyKind.PREVIOUSLY_REJECTED: tr("Returned before"),
        AnomalyKind.NAME_TRANSLITERATED: tr("Name transliterated"),
    }[kind]


@dataclass(frozen=True)
class Anomaly:
    kind: AnomalyKind
    message: str
    blocking: bool  # after the overrides chosen
    overridden: bool = False


@dataclass(frozen=True)
class ReviewLine:
    instalment_id: int
    version: int
    member_id: int
    member_code: str
    member_name: str
    invoice_number: str
    creditor_reference: str  # ISO 11649, kept on the invoice
    position: int
    due_on: date
    amount_cents: int  # what remains to pay: what the file debits
    sepa_state: SepaState
    mandate_id: int | None
    rum: str | None
    mandate_signed_on: date | None
    iban: str | None
    bic: str | None
    debtor_name: str | None
    name_in_file: str | None
    debtor_address: pain008.PostalAddress | None
    sequence: str | None  # FRST / RCUR
    prenotification_id: int | None
    anomalies: tuple[Anomaly, ...]

    @property
    def included(self) -> bool:
        return not any(anomaly.blocking for anomaly in self.anomalies)

    @property
    def remittance(self) -> str:
        """Begins with the invoice's ISO 11649 reference: the member's bank statement
        shows it, and a refund or a transfer copied from it comes back matchable."""
        return (
            f"{self.creditor_reference} Cotisation {self.invoice_number} "
            f"échéance {self.position}, adhérent {self.member_code}"
        )

    @property
    def remittance_in_file(self) -> str:
        """``to_sepa_text(self.remittance, 140)``, without transliterating it character
        by character when the invoice's and member's parts are in the SEPA set already
        (the rest is: the same words, their accents taken off)."""
        text = (
            f"{self.creditor_reference} Cotisation {self.invoice_number} "
            f"echeance {self.position}, adherent {self.member_code}"
        )
        if is_sepa_text(text) and "  " not in text and text == text.strip():
            return text[: pain008.REMITTANCE_LENGTH].rstrip()
        return to_sepa_text(self.remittance, pain008.REMITTANCE_LENGTH)


@dataclass(frozen=True)
class CollectionReview:
    collection_date: date
    schema: str
    notice_days: int
    resend: bool
    late_notice: bool
    lines: tuple[ReviewLine, ...]
    anomaly_counts: dict[AnomalyKind, int] = field(default_factory=dict)

    @property
    def included(self) -> list[ReviewLine]:
        return [line for line in self.lines if line.included]

    @property
    def count(self) -> int:
        return len(self.included)

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.included)

    @property
    def member_count(self) -> int:
        return len({line.member_id for line in self.included})

    @property
    def excluded_count(self) -> int:
        return len(self.lines) - self.count


# What remains to pay on an instalment, and "the member's active mandate", as SQL.
REMAINING = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
ACTIVE_MANDATE = and_(
    SepaMandate.member_id == Invoice.member_id, SepaMandate.status == MandateStatus.ACTIVE
)


def check_date(collection_date: date) -> None:
    message = business_days.check_collection_date(collection_date, tr("Collection date"))
    if message:
        raise ValidationFailed.single("collection_date", message)


def candidate_rows(
    session: Session,
    collection_date: date,
    instalment_ids: Sequence[int] | None = None,
    *,
    lock: bool = False,
) -> list[Any]:
    """Due, unpaid instalments with what the review needs, one query (locked to export)."""
    notice = SepaPrenotification
    statement = (
        select(
            Instalment.id,
            Instalment.version,
            Instalment.position,
            Instalment.due_on,
            REMAINING.label("remaining"),
            Instalment.sepa_state,
            Instalment.prenotification_id,
            Instalment.rejection_code,
            Invoice.number,
            Invoice.creditor_reference,
            Invoice.member_id,
            Member.member_code,
            Member.legal_name,
            SepaMandate.id.label("mandate_id"),
            SepaMandate.rum,
            SepaMandate.signed_on,
            SepaMandate.iban,
            SepaMandate.bic,
            SepaMandate.debtor_name,
            SepaMandate.debtor_street,
            SepaMandate.debtor_postcode,
            SepaMandate.debtor_town,
            SepaMandate.debtor_country,
            SepaMandate.first_collected_on,
            SepaMandate.last_collected_on,
            notice.collection_date.label("notice_date"),
            notice.notified_on,
            SepaCollection.message_id.label("sent_in"),
            SepaCollection.collection_date.label("sent_for"),
        )
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .join(Member, Member.id == Invoice.member_id)
        .outerjoin(SepaMandate, ACTIVE_MANDATE)
        .outerjoin(notice, notice.id == Instalment.prenotification_id)
        .outerjoin(SepaCollection, SepaCollection.id == Instalment.collection_id)
        .where(
            Instalment.superseded_at.is_(None),
            REMAINING > 0,
            Instalment.due_on <= collection_date,
            or_(SepaMandate.id.is_not(None), Invoice.pays_by_direct_debit.is_(True)),
        )
        .order_by(Member.legal_name, Member.id, Instalment.due_on, Invoice.number)
    )
    if instalment_ids is not None:
        statement = statement.where(Instalment.id.in_(list(instalment_ids)))
    if lock:
        # FOR NO KEY UPDATE: another export or a payment taking the same rows waits as
        # before, but a row that only references an instalment (an allocation, a
        # return) is not held up while the file is written.
        statement = statement.with_for_update(of=Instalment, key_share=True)
    session.flush()  # what the session holds counts, as the ORM's autoflush would make it
    result = session.connection().execute(statement)  # plain rows: no ORM loading
    # Named tuples: a review reads some thirty fields of each of thousands of rows, and
    # a named tuple's field is read ten times faster than a result row's.
    candidate = _candidate_type(tuple(result.keys()))
    return list(map(candidate._make, result))


@lru_cache(maxsize=4)
def _candidate_type(fields: tuple[str, ...]) -> Any:
    return namedtuple("Candidate", fields)  # the query's columns, in its order


def _anomalies(
    row: Any, collection_date: date, notice_days: int, name_in_file: str | None
) -> list[tuple[AnomalyKind, str]]:
    found: list[tuple[AnomalyKind, str]] = []
    if row.mandate_id is None:
        found.append(
            (
                AnomalyKind.MISSING_MANDATE,
                tr("No active mandate: the invoice was issued for direct debit."),
            )
        )
        return found
    ends_on = lapses_on(row.signed_on, row.last_collected_on)
    if ends_on <= collection_date:
        found.append(
            (
                AnomalyKind.MANDATE_LAPSED,
                tr(
                    "Mandate unused for 36 months: lapsed on {day}; a new mandate is needed.",
                    day=format_day(ends_on),
                ),
            )
        )
    problem = bank_details_problem(row.iban, row.bic)
    if problem:
        found.append((AnomalyKind.INVALID_BANK_DETAILS, problem))
    if address_required(row.iban) and not structured(_debtor_address(row)):
        found.append(
            (
                AnomalyKind.ADDRESS_REQUIRED,
                tr(
                    "The debtor's bank is outside the European Economic Area: the rulebook "
                    "requires the account holder's town and country; record the mandate "
                    "again with its address."
                ),
            )
        )
    found += _notice_anomalies(row, collection_date, notice_days)
    if row.sepa_state == SepaState.SENT:
        found.append(
            (
                AnomalyKind.ALREADY_SENT,
                tr(
                    "Already in the file {message_id} (collection of {day}).",
                    message_id=row.sent_in or "-",
                    day=format_day(row.sent_for) if row.sent_for else "-",
                ),
            )
        )
    if row.sepa_state == SepaState.REJECTED or row.rejection_code:
        found.append(
            (
                AnomalyKind.PREVIOUSLY_REJECTED,
                tr(
                    "Returned by the bank on an earlier collection: {code} ({label}).",
                    code=row.rejection_code or "-",
                    label=reason_label(row.rejection_code),
                ),
            )
        )
    if name_in_file != row.debtor_name.strip():
        found.append(
            (
                AnomalyKind.NAME_TRANSLITERATED,
                tr("Name sent to the bank as « {name} ».", name=name_in_file),
            )
        )
    return found


def _debtor_address(row: Any) -> PostalAddress:
    return PostalAddress(
        row.debtor_street, row.debtor_postcode, row.debtor_town, row.debtor_country
    )


def _notice_anomalies(
    row: Any, collection_date: date, notice_days: int
) -> list[tuple[AnomalyKind, str]]:
    latest = collection_date - timedelta(days=notice_days)
    if row.notice_date is None:
        return [(AnomalyKind.NOT_PRENOTIFIED, tr("Not pre-notified."))]
    if row.notice_date != collection_date:
        return [
            (
                AnomalyKind.NOT_PRENOTIFIED,
                tr(
                    "Pre-notified for another date ({day}).",
                    day=format_day(row.notice_date),
                ),
            )
        ]
    if row.notified_on > latest:
        return [
            (
                AnomalyKind.LATE_NOTICE,
                tr(
                    "Pre-notified on {day}: less than {days} days before the collection "
                    "(by {latest} at the latest).",
                    day=format_day(row.notified_on),
                    days=notice_days,
                    latest=format_day(latest),
                ),
            )
        ]
    return []


F = TypeVar("F")


def filled(cls: type[F], fields: dict[str, Any]) -> F:
    """An instance of the frozen dataclass ``cls`` holding ``fields`` (every one of its
    fields, by name), made without its generated ``__init__``, which sets each field
    through ``object.__setattr__``: 6 µs for a review line's 22 fields, against 1 µs here
    — a collection makes tens of thousands. ``tests/sepa/test_collections.py`` checks
    that such a line equals the one ``__init__`` makes."""
    made = object.__new__(cls)
    object.__setattr__(made, "__dict__", fields)
    return made


# Each state by its value (a member is its value too): a look-up, not an enum call.
_STATES = {state.value: state for state in SepaState}


def _line(
    row: Any, collection_date: date, notice_days: int, resend: bool, late_notice: bool
) -> ReviewLine:
    has_mandate = row.mandate_id is not None
    name_in_file = to_sepa_text(row.debtor_name, pain008.NAME_LENGTH) if has_mandate else None
    anomalies = []
    for kind, message in _anomalies(row, collection_date, notice_days, name_in_file):
        overridden = (resend and kind in OVERRIDDEN_BY_RESEND) or (
            late_notice and kind in OVERRIDDEN_BY_LATE_NOTICE
        )
        anomalies.append(Anomaly(kind, message, kind in BLOCKING and not overridden, overridden))
    return filled(
        ReviewLine,
        {
            "instalment_id": row.id,
            "version": row.version,
            "member_id": row.member_id,
            "member_code": row.member_code,
            "member_name": row.legal_name,
            "invoice_number": row.number,
            "creditor_reference": row.creditor_reference,
            "position": row.position,
            "due_on": row.due_on,
            "amount_cents": int(row.remaining),
            "sepa_state": _STATES[row.sepa_state],
            "mandate_id": row.mandate_id,
            "rum": row.rum,
            "mandate_signed_on": row.signed_on,
            "iban": row.iban,
            "bic": row.bic,
            "debtor_name": row.debtor_name,
            "name_in_file": name_in_file,
            "debtor_address": _debtor_address(row) if has_mandate else None,
            "sequence": ("RCUR" if row.first_collected_on else "FRST") if has_mandate else None,
            "prenotification_id": row.prenotification_id,
            "anomalies": tuple(anomalies),
        },
    )


def build_review(
    session: Session,
    collection_date: date,
    *,
    resend: bool = False,
    late_notice: bool = False,
    instalment_ids: Sequence[int] | None = None,
    lock: bool = False,
) -> CollectionReview:
    """The review without the permission check (the export and the notices share it)."""
    check_date(collection_date)
    notice_days = creditor.notice_days(session)
    rows = candidate_rows(session, collection_date, instalment_ids, lock=lock)
    lines = tuple(_line(row, collection_date, notice_days, resend, late_notice) for row in rows)
    counts = Counter(anomaly.kind for line in lines for anomaly in line.anomalies)
    return CollectionReview(
        collection_date=collection_date,
        schema=creditor.schema(session),
        notice_days=notice_days,
        resend=resend,
        late_notice=late_notice,
        lines=lines,
        anomaly_counts=dict(counts),
    )


def review_collection(
    session: Session,
    actor: Actor,
    collection_date: date,
    *,
    resend: bool = False,
    late_notice: bool = False,
) -> CollectionReview:
    """Prepare a collection: what it would take, the count, the total and the anomalies."""
    require(session, actor, Permission.SEPA_MANAGE)
    return build_review(session, collection_date, resend=resend, late_notice=late_notice)


def suggested_collection_date(session: Session, actor: Actor) -> date:
    """The next due date of an unpaid instalment of a member with a mandate, moved to a
    business day; the first date members can still be notified for when there is none."""
    require(session, actor, Permission.BILLING_VIEW)
    tomorrow = clock.today() + timedelta(days=1)
    next_due = session.scalar(
        select(func.min(Instalment.due_on))
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .join(SepaMandate, ACTIVE_MANDATE)
        .where(
            Instalment.superseded_at.is_(None),
            REMAINING > 0,
            Instalment.due_on >= tomorrow,
            Instalment.sepa_state != SepaState.SENT,
        )
    )
    fallback = tomorrow + timedelta(days=creditor.notice_days(session))
    return business_days.next_business_day(next_due or fallback)
