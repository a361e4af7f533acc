"""« Modifications à valider »: every pending request, oldest first, with what the reviewer
needs to pick the next one (member, kind, sender, age, flags), in two queries however long
the queue."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, Select, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import (
    AccountingFirm,
    AccountKind,
    ChangeKind,
    ChangeRequest,
    ChangeRequestField,
    ChangeStatus,
    Employee,
    Member,
    PortalAccount,
    StaffUser,
)
from backoffice.models.change_requests import SUBMITTABLE_FIELDS
from backoffice.services.changes import claims, timing
from backoffice.services.changes import fields as catalogue
from backoffice.services.changes.facts import CHUNK, chunks, twins
from backoffice.services.changes.fields import EMPLOYEE_KINDS
from backoffice.services.changes.review import submitter_label
from backoffice.services.permissions import Actor, Permission, require


class QueueFlag(enum.StrEnum):
    OUT_OF_PERIOD = "out_of_period"  # employee request sent during the annual declaration
    DUPLICATE = "duplicate"  # repeats a request still in progress
    MISSING = "missing"  # its member or employee no longer exists
    RECORD_CHANGED = "record_changed"  # the record changed since the member opened the form
    HELD = "held"  # a colleague is reviewing it


@dataclass(frozen=True)
class QueueFilter:
    kind: ChangeKind | None = None
    min_age_days: int = 0  # only requests at least this many days old
    flag: QueueFlag | None = None


@dataclass(slots=True)  # not frozen: ten thousand of them are built per opening, fast
class QueueRow:
    id: int
    kind: ChangeKind
    member_id: int | None
    member_code: str
    member_name: str
    employee_label: str | None
    submitted_at: datetime
    age_days: int
    by_firm: bool
    submitted_by: str
    fields: str  # the fields concerned, by label
    out_of_period: bool
    duplicate_of: int | None
    missing: bool
    record_changed: bool
    held_by: str | None  # the colleague reviewing it now
    has_comment: bool
    fingerprint: str

    @property
    def flags(self) -> frozenset[QueueFlag]:
        found = {
            QueueFlag.OUT_OF_PERIOD: self.out_of_period,
            QueueFlag.DUPLICATE: self.duplicate_of is not None,
            QueueFlag.MISSING: self.missing,
            QueueFlag.RECORD_CHANGED: self.record_changed,
            QueueFlag.HELD: self.held_by is not None,
        }
        return frozenset(flag for flag, present in found.items() if present)


def _statement() -> Select:
    """The pending requests with their member: two joins, and the yes/no questions answered
    by the database, so that ten thousand rows come back small and quick."""
    on_employee = ChangeRequest.kind.in_(
        [ChangeKind.EMPLOYEE_EXITED.value, ChangeKind.EMPLOYEE_UPDATED.value]
    )
    missing = or_(
        Member.id.is_(None),
        and_(
            on_employee,
            or_(Employee.member_id.is_(None), Employee.member_id != ChangeRequest.member_id),
        ),
    )
    record_changed = func.coalesce(Member.version > ChangeRequest.member_version_seen, False)
    return (
        select(
            ChangeRequest.id,
            ChangeRequest.kind,
            ChangeRequest.member_id,
            ChangeRequest.member_code,
            ChangeRequest.employee_label,
            ChangeRequest.submitted_at,
            ChangeRequest.submitted_by_account_id,
            ChangeRequest.fingerprint,
            func.coalesce(Member.trade_name, Member.legal_name, ""),
            type_coerce(missing, Boolean),
            type_coerce(record_changed, Boolean),
            type_coerce(ChangeRequest.comment.is_not(None), Boolean),
        )
        .outerjoin(Member, Member.id == ChangeRequest.member_id)
        .outerjoin(Employee, Employee.id == ChangeRequest.employee_id)
        .where(ChangeRequest.status == ChangeStatus.PENDING)
        .order_by(ChangeRequest.submitted_at, ChangeRequest.id)
    )


def pending_queue(
    session: Session, actor: Actor, query: QueueFilter | None = None
) -> list[QueueRow]:
    """The pending requests matching ``query``, oldest first."""
    require(session, actor, Permission.CHANGES_VIEW)
    query = query or QueueFilter()
    statement = _statement()
    if query.kind is not None:
        statement = statement.where(ChangeRequest.kind == query.kind)
    if query.min_age_days > 0:
        newest_day = clock.today() - timedelta(days=query.min_age_days - 1)
        statement = statement.where(
            ChangeRequest.submitted_at < clock.start_of_local_day(newest_day)
        )
    # A twin shares the kind and is older: the filters never leave out the earlier of two.
    rows = _rows(session, actor, session.connection().execute(statement).all(), whole=True)
    if query.flag is not None:
        rows = [row for row in rows if query.flag in row.flags]
    return rows


def queue_rows(session: Session, actor: Actor, ids: Collection[int]) -> list[QueueRow]:
    """The rows of ``ids`` still pending (to refresh a few rows of an open queue)."""
    require(session, actor, Permission.CHANGES_VIEW)
    found = []
    for part in chunks(sorted(ids)):
        statement = _statement().where(ChangeRequest.id.in_(part))
        found += session.connection().execute(statement).all()
    return _rows(session, actor, found, whole=False)


def _field_labels(session: Session, rows: list) -> dict[int, str]:
    """Request id → the labels of its fields, in the portal's order. The database joins
    each request's field names; their few distinct sets are labelled once each."""
    kinds = {row.id: row.kind for row in rows}
    fields = ChangeRequestField.__table__
    statement = select(
        fields.c.request_id, func.aggregate_strings(fields.c.field_name, ",")
    ).group_by(fields.c.request_id)
    if len(rows) > CHUNK:  # a long queue: join rather than list thousands of ids
        requests = ChangeRequest.__table__
        statements = [
            statement.join(requests, requests.c.id == fields.c.request_id).where(
                requests.c.status == ChangeStatus.PENDING.value
            )
        ]
    else:
        statements = [statement.where(fields.c.request_id.in_(p)) for p in chunks(list(kinds))]
    texts: dict[tuple[ChangeKind, str], str] = {}
    found = {}
    for part in statements:
        for request_id, names in session.connection().execute(part).all():
            kind = kinds.get(request_id)
            if kind is None:
                continue
            key = (kind, names)
            if key not in texts:
                texts[key] = _labels(kind, names.split(","))
            found[request_id] = texts[key]
    return found


def _labels(kind: ChangeKind, names: list[str]) -> str:
    """ "Code postal, Ville" for a request's fields, in the portal's order."""
    order = SUBMITTABLE_FIELDS[kind]
    specs = catalogue.specs(kind)
    ordered = sorted(names, key=lambda name: order.index(name) if name in order else len(order))
    return ", ".join(specs[name].label if name in specs else name for name in ordered)


def _submitters(session: Session) -> dict[int, str]:
    """Accounting firms' portal accounts → "<firm> (accounting firm)"; members' accounts are
    named all alike, and never listed."""
    rows = session.execute(
        select(PortalAccount.id, AccountingFirm.name).join(
            AccountingFirm, AccountingFirm.id == PortalAccount.firm_id
        )
    )
    return {account: submitter_label(AccountKind.FIRM, name) for account, name in rows}


def _holders(session: Session, rows: list, actor: Actor) -> dict[int, str]:
    """Request id → the colleague reviewing it now (few requests are held at a time)."""
    listed = {row.id for row in rows}
    held = session.execute(
        select(ChangeRequest.id, StaffUser.full_name)
        .join(StaffUser, StaffUser.id == ChangeRequest.claimed_by_id)
        .where(
            ChangeRequest.status == ChangeStatus.PENDING,
            ChangeRequest.claimed_by_id != actor.staff_id,
            ChangeRequest.claimed_at > clock.now() - timedelta(minutes=claims.CLAIM_MINUTES),
        )
    ).all()
    return {request_id: name for request_id, name in held if request_id in listed}


def _rows(session: Session, actor: Actor, rows: list, *, whole: bool) -> list[QueueRow]:
    today = clock.today()
    period = timing.lock_period(session)
    repeats = twins(session, rows, pending_listed=whole)
    labels = _field_labels(session, rows)
    firms = _submitters(session)
    holders = _holders(session, rows, actor)
    by_member, unknown = submitter_label(AccountKind.MEMBER, None), submitter_label(None, None)
    found = []
    for row in rows:
        (request_id, kind, member_id, member_code, employee_label, submitted_at, account_id,
         fingerprint, member_name, missing, record_changed, has_comment) = row  # fmt: skip
        day = submitted_at.astimezone(clock.SERVICE_TZ).date()
        firm = firms.get(account_id)
        found.append(
            QueueRow(
                id=request_id,
                kind=kind,
                member_id=member_id,
                member_code=member_code,
                member_name=member_name,
                employee_label=employee_label,
                submitted_at=submitted_at,
                age_days=(today - day).days,
                by_firm=firm is not None,
                submitted_by=firm or (by_member if account_id else unknown),
                fields=labels.get(request_id, ""),
                out_of_period=kind in EMPLOYEE_KINDS and timing.in_lock_period(day, period),
                duplicate_of=repeats.get(request_id),
                missing=missing,
                record_changed=record_changed,
                held_by=holders.get(request_id),
                has_comment=has_comment,
                fingerprint=fingerprint,
            )
        )
    return found
