"""What a unit of work changed, so that open views refresh only what is affected.

Every flush records the tables (and row ids) it wrote in ``session.info["touched"]``;
a service that writes with Core statements calls :func:`mark_touched` itself. The ops
layer reads :func:`touched` after the commit and announces it to the views.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

Touched = dict[str, set[int]]  # table → ids written (empty set: unknown rows)


def touched(session: Session) -> Touched:
    return session.info.setdefault("touched", {})


def mark_touched(session: Session, table: str, ids: set[int] | None = None) -> None:
    rows = touched(session).setdefault(table, set())
    if ids is None:
        rows.clear()
        session.info.setdefault("touched_whole", set()).add(table)
    elif table not in session.info.get("touched_whole", set()):
        rows.update(ids)


@event.listens_for(Session, "after_flush")
def _remember_flushed(session: Session, _flush_context: UOWTransaction) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        state = inspect(instance)
        table = state.mapper.persist_selectable
        key = state.mapper.primary_key_from_instance(instance)
        ident = key[0] if len(key) == 1 and isinstance(key[0], int) else None
        mark_touched(session, getattr(table, "name", str(table)), {ident} if ident else None)
