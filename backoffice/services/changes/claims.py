"""Who is reviewing a request now: the first staff member to open it holds it for a while;
a colleague opening it sees who, and since when, and may take it over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_moment
from backoffice.i18n import tr
from backoffice.models import ChangeRequest, ChangeStatus, StaffUser
from backoffice.services import audit
from backoffice.services.errors import Conflict, NotFound
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.tracking import mark_touched

CLAIM_MINUTES = 30  # a claim left by a closed window lapses after this


@dataclass(frozen=True)
class Holder:
    staff_id: int
    name: str
    since: datetime


def is_fresh(claimed_at: datetime | None, now: datetime) -> bool:
    return claimed_at is not None and claimed_at > now - timedelta(minutes=CLAIM_MINUTES)


def holder_of(session: Session, request_id: int) -> Holder | None:
    """The staff member holding the request, if the claim is still fresh."""
    row = session.execute(
        select(ChangeRequest.claimed_by_id, ChangeRequest.claimed_at, StaffUser.full_name)
        .join(StaffUser, StaffUser.id == ChangeRequest.claimed_by_id)
        .where(ChangeRequest.id == request_id)
    ).first()
    if row is None or not is_fresh(row.claimed_at, clock.now()):
        return None
    return Holder(row.claimed_by_id, row.full_name, row.claimed_at)


def held_message(holder: Holder) -> str:
    return tr(
        "{name} has been reviewing this request since {time}.",
        name=holder.name,
        time=format_moment(holder.since),
    )


def claim(
    session: Session, actor: Actor, request_id: int, *, take_over: bool = False
) -> Holder | None:
    """Hold a pending request for review. Returns the colleague who holds it instead (nothing
    written), or None when it is now the actor's. ``take_over`` takes it from them."""
    require(session, actor, Permission.CHANGES_REVIEW)
    now = clock.now()
    current = holder_of(session, request_id)
    if current is not None and current.staff_id != actor.staff_id and not take_over:
        return current
    free = or_(
        ChangeRequest.claimed_by_id.is_(None),
        ChangeRequest.claimed_by_id == actor.staff_id,
        ChangeRequest.claimed_at <= now - timedelta(minutes=CLAIM_MINUTES),
    )
    condition = and_(ChangeRequest.id == request_id, ChangeRequest.status == ChangeStatus.PENDING)
    taken = session.execute(
        update(ChangeRequest)
        .where(condition if take_over else and_(condition, free))
        .values(claimed_by_id=actor.staff_id, claimed_at=now, version=ChangeRequest.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        status = session.scalar(select(ChangeRequest.status).where(ChangeRequest.id == request_id))
        if status is None:
            raise NotFound(tr("This request no longer exists."))
        if status != ChangeStatus.PENDING:
            raise Conflict(tr("This request has already been decided."))
        return holder_of(session, request_id)  # a colleague claimed it a moment ago
    mark_touched(session, "change_requests", {request_id})
    if current is not None and current.staff_id != actor.staff_id:
        audit.record(
            session,
            actor,
            "change.take_over",
            "change_request",
            request_id,
            member_id=session.scalar(
                select(ChangeRequest.member_id).where(ChangeRequest.id == request_id)
            ),
            summary=tr("Review taken over from {name}", name=current.name),
            before={"claimed_by": current.name},
            after={"claimed_by": actor.full_name},
        )
    return None


def release(session: Session, actor: Actor, request_id: int) -> None:
    """Let go of a request the actor holds (moving to another one, closing the page)."""
    require(session, actor, Permission.CHANGES_REVIEW)
    released = session.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id == request_id, ChangeRequest.claimed_by_id == actor.staff_id)
        .values(claimed_by_id=None, claimed_at=None, version=ChangeRequest.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if released:
        mark_touched(session, "change_requests", {request_id})
