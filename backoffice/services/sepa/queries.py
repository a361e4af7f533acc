"""Reading mandates, notices, files and returns for the direct-debit screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import (
    Instalment,
    Invoice,
    MandateStatus,
    Member,
    SepaCollection,
    SepaMandate,
    SepaPrenotification,
    SepaState,
    StaffUser,
)
from backoffice.reports.sepa import pain008
from backoffice.services import visibility
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.sepa.mandates import lapses_on
from backoffice.services.visibility import FieldGroup
from backoffice.text import fold

SEARCH_LIMIT = 500


@dataclass(frozen=True)
class MandateRow:
    id: int
    version: int
    member_id: int
    member_code: str
    member_name: str
    rum: str
    iban: str
    bic: str
    debtor_name: str
    email: str | None
    signed_on: date
    status: MandateStatus
    first_collected_on: date | None
    last_collected_on: date | None
    revoked_on: date | None
    lapses_on: date | None  # for an active mandate


def _like(text: str) -> list[str]:
    return [f"%{token}%" for token in fold(text).split()]


def list_mandates(
    session: Session,
    actor: Actor,
    *,
    text: str = "",
    status: MandateStatus | None = None,
    lapsing_within_days: int | None = None,
) -> list[MandateRow]:
    """Mandates, newest first; ``lapsing_within_days`` keeps the active ones that lapse
    within that many days (or already should have)."""
    require(session, actor, Permission.BILLING_VIEW)
    statement = select(SepaMandate, Member.member_code, Member.legal_name).join(Member)
    for pattern in _like(text):
        statement = statement.where(
            or_(
                Member.search_text.like(pattern),
                SepaMandate.rum.ilike(pattern),
                SepaMandate.iban.ilike(pattern.replace(" ", "")),
            )
        )
    if status is not None or lapsing_within_days is not None:
        statement = statement.where(SepaMandate.status == (status or MandateStatus.ACTIVE))
    rows = []
    horizon = clock.today() + timedelta(days=lapsing_within_days or 0)
    for mandate, code, name in session.execute(
        statement.order_by(SepaMandate.signed_on.desc(), SepaMandate.id.desc())
    ):
        ends = (
            lapses_on(mandate.signed_on, mandate.last_collected_on)
            if mandate.status == MandateStatus.ACTIVE
            else None
        )
        if lapsing_within_days is not None and (ends is None or ends > horizon):
            continue
        rows.append(
            MandateRow(
                mandate.id,
                mandate.version,
                mandate.member_id,
                code,
                name,
                mandate.rum,
                mandate.iban,
                mandate.bic,
                mandate.debtor_name,
                mandate.email,
                mandate.signed_on,
                mandate.status,
                mandate.first_collected_on,
                mandate.last_collected_on,
                mandate.revoked_on,
                ends,
            )
        )
    return rows


@dataclass(frozen=True)
class MemberChoice:
    id: int
    member_code: str
    legal_name: str
    has_mandate: bool | None  # None: the role may not know (``visibility``)
    street: str
    postcode: str
    town: str
    country: str


def find_members(session: Session, actor: Actor, text: str, limit: int = 30) -> list[MemberChoice]:
    """Members matching ``text`` (code, name, SIRET, city), for choosing one in a form."""
    require(session, actor, Permission.MEMBERS_VIEW)
    statement = select(
        Member.id,
        Member.member_code,
        Member.legal_name,
        Member.address_line1,
        Member.postcode,
        Member.city,
        Member.country_code,
    )
    for pattern in _like(text):
        statement = statement.where(Member.search_text.like(pattern))
    rows = list(session.execute(statement.order_by(Member.legal_name).limit(limit)))
    sees_mandates = visibility.of(session, actor).sees(FieldGroup.BANK)
    active = (
        set(
            session.scalars(
                select(SepaMandate.member_id).where(
                    SepaMandate.status == MandateStatus.ACTIVE,
                    SepaMandate.member_id.in_([row.id for row in rows]),
                )
            )
        )
        if sees_mandates
        else set()
    )
    return [
        MemberChoice(
            row.id,
            row.member_code,
            row.legal_name,
            row.id in active if sees_mandates else None,
            row.address_line1,
            row.postcode,
            row.city,
            row.country_code,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PrenotificationRow:
    id: int
    member_id: int
    member_code: str
    member_name: str
    rum: str
    collection_date: date
    notified_on: date
    channel: str
    total_cents: int
    instalments: int


def list_prenotifications(
    session: Session, actor: Actor, *, collection_date: date | None = None
) -> list[PrenotificationRow]:
    """Notices for a collection date (all the recent ones without)."""
    require(session, actor, Permission.BILLING_VIEW)
    counts = (
        select(Instalment.prenotification_id, func.count().label("n"))
        .where(Instalment.prenotification_id.is_not(None))
        .group_by(Instalment.prenotification_id)
        .subquery()
    )
    notice = SepaPrenotification
    statement: Select = (
        select(notice, Member.member_code, Member.legal_name, SepaMandate.rum, counts.c.n)
        .join(Member, Member.id == notice.member_id)
        .join(SepaMandate, SepaMandate.id == notice.mandate_id)
        .outerjoin(counts, counts.c.prenotification_id == notice.id)
    )
    if collection_date is not None:
        statement = statement.where(notice.collection_date == collection_date)
    else:
        statement = statement.where(notice.collection_date >= clock.today() - timedelta(days=400))
    return [
        PrenotificationRow(
            record.id,
            record.member_id,
            code,
            name,
            rum,
            record.collection_date,
            record.notified_on,
            record.channel,
            record.total_cents,
            count or 0,
        )
        for record, code, name, rum, count in session.execute(
            statement.order_by(notice.collection_date.desc(), Member.legal_name)
        )
    ]


@dataclass(frozen=True)
class CollectionRow:
    id: int
    message_id: str
    collection_date: date
    schema: str
    created_at: datetime
    created_by: str | None
    transaction_count: int
    total_cents: int
    file_name: str
    resent: bool


def list_collections(session: Session, actor: Actor) -> list[CollectionRow]:
    require(session, actor, Permission.BILLING_VIEW)
    return [
        CollectionRow(
            row.id,
            row.message_id,
            row.collection_date,
            row.schema,
            row.created_at,
            login,
            row.transaction_count,
            row.total_cents,
            row.file_name,
            row.resent,
        )
        for row, login in session.execute(
            select(SepaCollection, StaffUser.full_name)
            .outerjoin(StaffUser, StaffUser.id == SepaCollection.created_by_id)
            .order_by(SepaCollection.created_at.desc())
        )
    ]


def collection_file(session: Session, actor: Actor, collection_id: int) -> tuple[str, bytes]:
    """The kept file (name, bytes), to save a copy of it."""
    require(session, actor, Permission.SEPA_MANAGE)
    row = session.execute(
        select(SepaCollection.file_name, SepaCollection.xml).where(
            SepaCollection.id == collection_id
        )
    ).one()
    return row.file_name, row.xml


def committed_file(session: Session, actor: Actor, file_name: str, partial: bytes) -> int | None:
    """The collection whose file ``partial`` is, when it was committed (the partial file
    of an export interrupted between its commit and its renaming), else None: that
    export was rolled back, nothing was debited."""
    require(session, actor, Permission.SEPA_MANAGE)
    candidates = session.execute(
        select(SepaCollection.id, SepaCollection.xml)
        .where(SepaCollection.file_name == file_name)
        .order_by(SepaCollection.id.desc())
    )
    return next((row.id for row in candidates if row.xml == partial), None)


@dataclass(frozen=True)
class DebitRow:
    """A debit of a file, or an instalment collected (for the returns)."""

    instalment_id: int | None
    version: int
    member_id: int | None
    member_code: str
    member_name: str
    invoice_number: str
    due_on: date | None
    end_to_end_id: str
    amount_cents: int
    collection_date: date | None
    sequence: str
    sepa_state: SepaState | None  # None: the instalment was sent again in a later file
    rejection_code: str | None
    paid_cents: int
    remaining_cents: int


def _instalment_columns() -> Select:
    return (
        select(
            Instalment,
            Invoice.number,
            Invoice.member_id,
            Member.member_code,
            Member.legal_name,
            SepaCollection.collection_date,
        )
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .join(Member, Member.id == Invoice.member_id)
        .outerjoin(SepaCollection, SepaCollection.id == Instalment.collection_id)
    )


def _debit_row(row: object, amount: int | None = None, sequence: str = "") -> DebitRow:
    instalment, number, member_id, code, name, collected = row  # type: ignore[misc]
    return DebitRow(
        instalment.id,
        instalment.version,
        member_id,
        code,
        name,
        number,
        instalment.due_on,
        instalment.end_to_end_id or "",
        amount if amount is not None else instalment.amount_cents,
        collected,
        sequence,
        instalment.sepa_state,
        instalment.rejection_code,
        instalment.paid_cents,
        instalment.remaining_cents,
    )


def collection_debits(session: Session, actor: Actor, collection_id: int) -> list[DebitRow]:
    """The debits of a kept file, as the file says, with their instalment's state now."""
    require(session, actor, Permission.BILLING_VIEW)
    collection = session.get(SepaCollection, collection_id)
    if collection is None:
        return []
    transactions = pain008.read_transactions(collection.xml)
    current = {
        row[0].end_to_end_id: row
        for row in session.execute(
            _instalment_columns().where(Instalment.collection_id == collection_id)
        )
    }
    result = []
    for transaction in transactions:
        row = current.get(transaction.end_to_end_id)
        if row is not None:
            result.append(_debit_row(row, transaction.amount_cents, transaction.sequence))
            continue
        result.append(
            DebitRow(
                None,
                0,
                None,
                "",
                transaction.debtor_name,
                transaction.end_to_end_id.rsplit("-", 2)[0],
                None,
                transaction.end_to_end_id,
                transaction.amount_cents,
                transaction.collection_date,
                transaction.sequence,
                None,
                None,
                0,
                0,
            )
        )
    return result


def collected_instalments(
    session: Session, actor: Actor, text: str = "", *, rejected: bool = False
) -> list[DebitRow]:
    """Instalments in a file sent to the bank (``rejected``: those returned), matching
    ``text`` (member, invoice number or end-to-end id), most recent first."""
    require(session, actor, Permission.BILLING_VIEW)
    state = SepaState.REJECTED if rejected else SepaState.SENT
    statement = _instalment_columns().where(Instalment.sepa_state == state)
    for pattern in _like(text):
        statement = statement.where(
            or_(
                Member.search_text.like(pattern),
                Invoice.number.ilike(pattern),
                Instalment.end_to_end_id.ilike(pattern),
            )
        )
    statement = statement.order_by(Instalment.due_on.desc(), Invoice.number).limit(SEARCH_LIMIT)
    return [_debit_row(row) for row in session.execute(statement)]
