"""Unblocking a portal account the portal locked after repeated failed logins.

The portal locks an account when the ``portal.lock_rule`` setting's number of failures
fall within its window (see ``docs/schema.md``); only staff clear the lock. Clearing it
also resets the failure counter, so that failures from before the unblock never count
again. The attempts themselves stay: they are the account's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import PortalAccount
from backoffice.services import audit
from backoffice.services.accounts import lookup
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

NOTE_MAX_LENGTH = 500


@dataclass(frozen=True)
class Unblocked:
    account_id: int
    login: str
    holder: str
    locked_at: datetime
    lock_reason: str | None
    failures_cleared: int


def unblock_account(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> Unblocked:
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    return _unblock(session, actor, lookup.account(session, account_id), note, expected_version)


def unblock_member(
    session: Session, actor: Actor, member_code: str, *, note: str | None = None
) -> Unblocked:
    """The command line's ``accounts unblock MEMBER_CODE`` (a firm's login works too)."""
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    return _unblock(session, actor, lookup.account_by_code(session, member_code), note, None)


def _unblock(
    session: Session,
    actor: Actor,
    account: PortalAccount,
    note: str | None,
    expected_version: int | None,
) -> Unblocked:
    lookup.expect_version(account, expected_version)
    cleaned_note = (note or "").strip() or None
    if cleaned_note and len(cleaned_note) > NOTE_MAX_LENGTH:
        raise ValidationFailed.single(
            "note", tr("Note: at most {count} characters.", count=NOTE_MAX_LENGTH)
        )
    if account.locked_at is None:
        raise ValidationFailed.single(
            "account",
            tr(
                "The portal account {login} is not locked: there is nothing to unblock.",
                login=account.login,
            ),
        )
    before = audit.snapshot(account, ("locked_at", "lock_reason", "failed_attempt_count"))
    outcome = Unblocked(
        account.id,
        account.login,
        lookup.holder_name(account),
        account.locked_at,
        account.lock_reason,
        account.failed_attempt_count,
    )
    account.locked_at = None
    account.lock_reason = None
    account.failed_attempt_count = 0
    lookup.flush(session)
    audit.record(
        session,
        actor,
        "accounts.unblock",
        "portal_account",
        account.id,
        member_id=account.member_id,
        summary=cleaned_note,
        before=before,
        after={"locked_at": None, "lock_reason": None, "failed_attempt_count": 0},
    )
    return outcome
