"""The recovery email of a portal account, corrected by staff at the member's request.

The portal sets it at the first login; staff change it when the member lost that mailbox
and phones the service. It must be an email address.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.services import audit, validation
from backoffice.services.accounts import lookup
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor, Permission, require


def set_recovery_email(
    session: Session,
    actor: Actor,
    account_id: int,
    email: str,
    *,
    expected_version: int | None = None,
) -> str:
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    account = lookup.account(session, account_id)
    lookup.expect_version(account, expected_version)
    cleaned = email.strip()
    label = tr("Recovery email")
    problem = validation.check_required(label, cleaned) or validation.check_email(label, cleaned)
    if problem:
        raise ValidationFailed.single("recovery_email", problem)
    if cleaned == account.recovery_email:
        return cleaned
    before = {"recovery_email": account.recovery_email}
    account.recovery_email = cleaned
    lookup.flush(session)
    audit.record(
        session,
        actor,
        "accounts.recovery_email",
        "portal_account",
        account.id,
        member_id=account.member_id,
        before=before,
        after={"recovery_email": cleaned},
    )
    return cleaned
