"""Writing the audit trail: who, when, what, before and after."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models.audit import AuditEvent
from backoffice.services.permissions import Actor
from backoffice.services.tracking import mark_touched


def jsonable(value: object) -> object:
    """A value as the JSON column stores it (dates ISO, enums by value, money as text)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def snapshot(entity: object, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The entity's column values (or ``fields`` only), ready for ``before``/``after``."""
    mapper = inspect(entity).mapper
    names = list(fields) if fields is not None else [c.key for c in mapper.column_attrs]
    return {name: jsonable(getattr(entity, name)) for name in names}


def record(
    session: Session,
    actor: Actor | str | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    member_id: int | None = None,
    summary: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a staff member, a label (``portal:A00012``) or None
    for the system (nightly jobs)."""
    if isinstance(actor, Actor):
        staff_id, label = actor.staff_id, actor.audit_label
    else:
        staff_id, label = None, actor or "system"
    event = AuditEvent(
        occurred_at=clock.now(),
        staff_id=staff_id,
        actor=label,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        member_id=member_id,
        summary=summary,
        before=_json(before),
        after=_json(after),
    )
    session.add(event)
    return event


def record_many(
    session: Session, actor: Actor | str | None, events: Iterable[Mapping[str, Any]]
) -> None:
    """Append many events at once (one INSERT): each a mapping of :func:`record`'s
    keyword arguments (``action``, ``entity_type``, ``entity_id``, ``member_id``,
    ``summary``, ``before``, ``after``)."""
    if isinstance(actor, Actor):
        staff_id, label = actor.staff_id, actor.audit_label
    else:
        staff_id, label = None, actor or "system"
    from backoffice.services.billing.bulk_rows import TableRows

    rows = TableRows(session.connection(), AuditEvent.__table__, _COLUMNS)
    head = (rows.bind("occurred_at", clock.now()), staff_id, label)
    for event in events:
        rows.add(
            (
                *head,
                event["action"],
                event["entity_type"],
                event.get("entity_id"),
                event.get("member_id"),
                event.get("summary"),
                rows.bind("before", _json(event.get("before"))),
                rows.bind("after", _json(event.get("after"))),
            )
        )
    if rows.flush():  # the driver's bulk path: rows of values, COPY on PostgreSQL
        mark_touched(session, "audit_events", None)


_COLUMNS = (
    "occurred_at",
    "staff_id",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "member_id",
    "summary",
    "before",
    "after",
)


def _json(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return {key: jsonable(value) for key, value in values.items()} if values else None


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose value differs, as (before, after)."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
