"""Change requests read as plain data, many at a time (the queue, bulk approval and the
nightly application handle thousands), optionally locked against concurrent reviewers."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from backoffice.models import ChangeKind, ChangeRequest, ChangeRequestField, ChangeStatus
from backoffice.models.change_requests import FieldDecision
from backoffice.services.sql_values import among

DECIDED_APPROVED = (ChangeStatus.APPROVED, ChangeStatus.PARTIALLY_APPROVED)
CHUNK = 500  # ids per IN (...) list


@dataclass(slots=True)  # thousands per batch: slots, not frozen, for speed
class FieldFacts:
    id: int
    name: str
    shown: str | None
    submitted: str | None
    decision: FieldDecision
    reason: str | None
    value_at_review: str | None


@dataclass(slots=True)
class RequestFacts:
    id: int
    kind: ChangeKind
    status: ChangeStatus
    member_id: int | None
    member_code: str
    employee_id: int | None
    employee_label: str | None
    submitted_at: datetime
    submitted_by_account_id: int | None
    member_version_seen: int | None
    comment: str | None
    fingerprint: str
    duplicate_of_id: int | None
    claimed_by_id: int | None
    claimed_at: datetime | None
    reviewed_by_id: int | None
    reviewed_at: datetime | None
    rejection_reason: str | None
    effective_on: date | None
    applied_at: datetime | None
    version: int
    fields: tuple[FieldFacts, ...]

    def field(self, name: str) -> FieldFacts | None:
        return next((field for field in self.fields if field.name == name), None)

    @property
    def approved_fields(self) -> tuple[FieldFacts, ...]:
        return tuple(f for f in self.fields if f.decision == FieldDecision.APPROVED)


_REQUEST_COLUMNS = [
    getattr(ChangeRequest, name) for name in RequestFacts.__dataclass_fields__ if name != "fields"
]
_FIELD_COLUMNS = (
    ChangeRequestField.request_id,
    ChangeRequestField.id,
    ChangeRequestField.field_name,
    ChangeRequestField.shown_value,
    ChangeRequestField.submitted_value,
    ChangeRequestField.decision,
    ChangeRequestField.decision_reason,
    ChangeRequestField.value_at_review,
)


def chunks(ids: list, size: int = CHUNK) -> list[list]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def load_requests(
    session: Session, ids: Collection[int], *, lock: bool = False
) -> dict[int, RequestFacts]:
    """The requests ``ids`` with their fields. ``lock`` takes their rows for the rest of the
    transaction (PostgreSQL ``FOR UPDATE``, in id order so that two reviewers never
    deadlock; SQLite's write transaction is already exclusive)."""
    found: dict[int, RequestFacts] = {}
    session.flush()  # then read on the connection: no ORM overhead per row
    connection = session.connection()
    for part in chunks(sorted(set(ids))):
        statement = select(*_REQUEST_COLUMNS).where(among(session, ChangeRequest.id, part))
        if lock:
            statement = statement.order_by(ChangeRequest.id).with_for_update()
        rows = connection.execute(statement).all()
        fields: dict[int, list[FieldFacts]] = defaultdict(list)
        for row in connection.execute(
            select(*_FIELD_COLUMNS)
            .where(among(session, ChangeRequestField.request_id, part))
            .order_by(ChangeRequestField.request_id, ChangeRequestField.position)
        ):
            fields[row[0]].append(FieldFacts(*row[1:]))
        for row in rows:
            found[row.id] = RequestFacts(*row, fields=tuple(fields[row.id]))
    return found


class Submitted(Protocol):
    id: int
    fingerprint: str
    submitted_at: datetime


def twins(
    session: Session, requests: Collection[Submitted], *, pending_listed: bool = False
) -> dict[int, int]:
    """Request id → the earlier request it repeats (same member, kind, employee and values),
    when that one is still in flight: the member submitted the same change twice.

    ``pending_listed``: ``requests`` are all the pending requests (the whole queue), so only
    the approved ones not yet applied are read."""
    approved_waiting = (
        ChangeRequest.status.in_(DECIDED_APPROVED),
        ChangeRequest.applied_at.is_(None),
    )
    candidates = select(ChangeRequest.fingerprint, ChangeRequest.submitted_at, ChangeRequest.id)
    if pending_listed:
        statements = [candidates.where(*approved_waiting)]
    else:
        in_flight = or_(ChangeRequest.status == ChangeStatus.PENDING, and_(*approved_waiting))
        fingerprints = sorted({request.fingerprint for request in requests})
        statements = [
            candidates.where(in_flight, among(session, ChangeRequest.fingerprint, part))
            for part in chunks(fingerprints)
        ]
    earliest: dict[str, tuple[datetime, int]] = {}
    for statement in statements:
        for fingerprint, submitted_at, request_id in session.connection().execute(statement):
            _offer(earliest, fingerprint, (submitted_at, request_id))
    if pending_listed:  # only a fingerprint seen twice can be a repeat
        seen = Counter(request.fingerprint for request in requests)
        requests = [r for r in requests if seen[r.fingerprint] > 1 or r.fingerprint in earliest]
        for request in requests:
            _offer(earliest, request.fingerprint, (request.submitted_at, request.id))
    repeats = {}
    for request in requests:
        first = earliest.get(request.fingerprint)
        if first is not None and first < (request.submitted_at, request.id):
            repeats[request.id] = first[1]
    return repeats


def _offer(
    earliest: dict[str, tuple[datetime, int]], fingerprint: str, candidate: tuple[datetime, int]
) -> None:
    first = earliest.get(fingerprint)
    if first is None or candidate < first:
        earliest[fingerprint] = candidate
