"""Reading portal accounts (the member page's tab, the account console)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.models import AccountingFirm, FirmAccess, LoginAttempt, PortalAccount
from backoffice.services.permissions import Actor, Permission, require


@dataclass(frozen=True)
class FirmGrant:
    firm_code: str
    firm_name: str
    consent_on: date
    granted_at: datetime


@dataclass(frozen=True)
class AccountSummary:
    id: int
    login: str
    last_login_at: datetime | None
    failed_attempt_count: int
    recent_failures: tuple[datetime, ...]
    locked_at: datetime | None
    lock_reason: str | None
    must_change_password: bool
    has_password: bool
    recovery_email: str | None
    firms: tuple[FirmGrant, ...]


def member_account(session: Session, actor: Actor, member_id: int) -> AccountSummary | None:
    require(actor, Permission.ACCOUNTS_VIEW)
    account = session.scalar(select(PortalAccount).where(PortalAccount.member_id == member_id))
    firms = tuple(
        FirmGrant(firm.code, firm.name, access.consent_on, access.granted_at)
        for access, firm in session.execute(
            select(FirmAccess, AccountingFirm)
            .join(AccountingFirm)
            .where(FirmAccess.member_id == member_id, FirmAccess.revoked_at.is_(None))
            .order_by(AccountingFirm.name)
        )
    )
    if account is None:
        return None
    failures = tuple(
        session.scalars(
            select(LoginAttempt.attempted_at)
            .where(LoginAttempt.account_id == account.id, LoginAttempt.succeeded.is_(False))
            .order_by(LoginAttempt.attempted_at.desc())
            .limit(20)
        )
    )
    return AccountSummary(
        account.id,
        account.login,
        account.last_login_at,
        account.failed_attempt_count,
        failures,
        account.locked_at,
        account.lock_reason,
        account.must_change_password,
        account.password_hash is not None,
        account.recovery_email,
        firms,
    )
