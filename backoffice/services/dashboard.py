"""The dashboard's live counts, each only for a role that may open its queue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import (
    AppointmentRequest,
    ChangeRequest,
    ChangeStatus,
    Instalment,
    PortalAccount,
    RequestStatus,
)
from backoffice.services.mail import outbox
from backoffice.services.permissions import Actor, Permission, allows, current_role


@dataclass(frozen=True)
class DashboardCounts:
    changes_waiting: int | None
    appointment_requests_waiting: int | None
    locked_accounts: int | None
    overdue_instalments: int | None
    overdue_cents: int | None
    failed_messages: int | None = None  # e-mails failed or uncertain: a person acts


def counts(session: Session, actor: Actor) -> DashboardCounts:
    role = current_role(session, actor)
    changes = requests = locked = overdue = overdue_cents = None
    if allows(role, Permission.CHANGES_VIEW):
        changes = session.scalar(
            select(func.count())
            .select_from(ChangeRequest)
            .where(ChangeRequest.status == ChangeStatus.PENDING)
        )
    if allows(role, Permission.APPOINTMENTS_VIEW):
        requests = session.scalar(
            select(func.count())
            .select_from(AppointmentRequest)
            .where(AppointmentRequest.status == RequestStatus.PENDING)
        )
    if allows(role, Permission.ACCOUNTS_VIEW):
        locked = session.scalar(
            select(func.count())
            .select_from(PortalAccount)
            .where(PortalAccount.locked_at.is_not(None))
        )
    if allows(role, Permission.BILLING_VIEW):
        remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
        overdue, overdue_cents = session.execute(
            select(func.count(), func.coalesce(func.sum(remaining), 0)).where(
                Instalment.due_on < clock.today(), Instalment.superseded_at.is_(None), remaining > 0
            )
        ).one()
    cents = None if overdue_cents is None else int(overdue_cents)  # PostgreSQL sums to numeric
    failed = outbox.failed_count(session) if allows(role, Permission.MAIL_VIEW) else None
    return DashboardCounts(changes, requests, locked, overdue, cents, failed)
