"""« Modifications à valider »: every pending request, oldest first, with what the reviewer
needs to pick the next one (member, kind, sender, age, flags), in two queries however long
the queue."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
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
from backoffice.services.changes import claims, timing
from backoffice.services.changes import fields as catalogue
from backoffice.services.changes.facts import chunks, twins
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


@dataclass(frozen=True)
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
    return (
        select(
            ChangeRequest.id,
            ChangeRequest.kind,
            ChangeRequest.member_id,
            ChangeRequest.member_code,
            ChangeRequest.employee_id,
            ChangeRequest.employee_label,
            ChangeRequest.submitted_at,
            ChangeRequest.member_version_seen,
            ChangeRequest.fingerprint,
            ChangeRequest.comment,
            ChangeRequest.claimed_at,
            ChangeRequest.claimed_by_id,
            Member.legal_name,
            Member.trade_name,
            Member.version,
            Employee.member_id.label("employee_member_id"),
            PortalAccount.kind.label("account_kind"),
            AccountingFirm.name.label("firm_name"),
            StaffUser.full_name.label("holder"),
        )
        .outerjoin(Member, Member.id == ChangeRequest.member_id)
        .outerjoin(Employee, Employee.id == ChangeRequest.employee_id)
        .outerjoin(PortalAccount, PortalAccount.id == ChangeRequest.submitted_by_account_id)
        .outerjoin(AccountingFirm, AccountingFirm.id == PortalAccount.firm_id)
        .outerjoin(StaffUser, StaffUser.id == ChangeRequest.claimed_by_id)
        .where(ChangeRequest.status == ChangeStatus.PENDING)
        .order_by(ChangeRequest.submitted_at, ChangeRequest.id)
    )


def pending_queue(
    session: Session, actor: Actor, query: QueueFilter | None = None
) -> list[QueueRow]:
    """The pending requests matching ``query``, oldest first."""
    require(actor, Permission.CHANGES_VIEW)
    query = query or QueueFilter()
    statement = _statement()
    if query.kind is not None:
        statement = statement.where(ChangeRequest.kind == query.kind)
    if query.min_age_days > 0:
        newest_day = clock.today() - timedelta(days=query.min_age_days - 1)
        statement = statement.where(
            ChangeRequest.submitted_at < clock.start_of_local_day(newest_day)
        )
    rows = _rows(session, actor, session.execute(statement).all())
    if query.flag is not None:
        rows = [row for row in rows if query.flag in row.flags]
    return rows


def queue_rows(session: Session, actor: Actor, ids: Collection[int]) -> list[QueueRow]:
    """The rows of ``ids`` still pending (to refresh a few rows of an open queue)."""
    require(actor, Permission.CHANGES_VIEW)
    found = []
    for part in chunks(sorted(ids)):
        found += session.execute(_statement().where(ChangeRequest.id.in_(part))).all()
    return _rows(session, actor, found)


def _field_labels(session: Session, rows: list) -> dict[int, str]:
    labels: dict[ChangeKind, dict[str, str]] = {}
    names: dict[int, list[str]] = defaultdict(list)
    kinds = {row.id: row.kind for row in rows}
    fields = select(ChangeRequestField.request_id, ChangeRequestField.field_name).order_by(
        ChangeRequestField.request_id, ChangeRequestField.position
    )
    if len(rows) > 500:  # the whole queue: join rather than list thousands of ids
        statements = [
            fields.join(ChangeRequest).where(ChangeRequest.status == ChangeStatus.PENDING)
        ]
    else:
        statements = [
            fields.where(ChangeRequestField.request_id.in_(part)) for part in chunks(list(kinds))
        ]
    for statement in statements:
        for request_id, name in session.execute(statement):
            kind = kinds.get(request_id)
            if kind is None:
                continue
            if kind not in labels:
                labels[kind] = {spec.name: spec.label for spec in catalogue.specs(kind).values()}
            names[request_id].append(labels[kind].get(name, name))
    return {request_id: ", ".join(found) for request_id, found in names.items()}


def _rows(session: Session, actor: Actor, rows: list) -> list[QueueRow]:
    today, now = clock.today(), clock.now()
    period = timing.lock_period(session)
    repeats = twins(session, rows)
    labels = _field_labels(session, rows)
    employee_kinds = (ChangeKind.EMPLOYEE_EXITED, ChangeKind.EMPLOYEE_UPDATED)
    found = []
    for row in rows:
        missing = row.legal_name is None or (
            row.kind in employee_kinds and row.employee_member_id != row.member_id
        )
        found.append(
            QueueRow(
                id=row.id,
                kind=row.kind,
                member_id=row.member_id,
                member_code=row.member_code,
                member_name=row.trade_name or row.legal_name or "",
                employee_label=row.employee_label,
                submitted_at=row.submitted_at,
                age_days=timing.age_in_days(row.submitted_at, today),
                by_firm=row.account_kind == AccountKind.FIRM,
                submitted_by=submitter_label(row.account_kind, row.firm_name),
                fields=labels.get(row.id, ""),
                out_of_period=timing.out_of_period(row.kind, row.submitted_at, period),
                duplicate_of=repeats.get(row.id),
                missing=missing,
                record_changed=bool(
                    row.version is not None
                    and row.member_version_seen is not None
                    and row.version > row.member_version_seen
                ),
                held_by=row.holder
                if claims.is_fresh(row.claimed_at, now) and row.claimed_by_id != actor.staff_id
                else None,
                has_comment=bool(row.comment),
                fingerprint=row.fingerprint,
            )
        )
    return found
