"""Sending access to the portal by letter: a new member's first access, or a reset.

A temporary password comes from ``secrets`` (``passwords.temporary_password``); only its
Argon2id hash is stored. The account must change it at its first login, before it
expires (``portal.temporary_password_days``, to the end of the last day). The password
leaves this module once, inside :class:`AccessSent`, for the letter and the one screen
that shows it; it is never logged, audited or stored in clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock, passwords
from backoffice.i18n import tr
from backoffice.models import AccountKind, Member, PortalAccount
from backoffice.reports.accounts_letter import AccessLetter, LetterKind
from backoffice.reports.pdf import PostalAddress
from backoffice.services import audit
from backoffice.services import identity as identity_service
from backoffice.services import settings as settings_service
from backoffice.services.accounts import lookup
from backoffice.services.errors import ValidationFailed
from backoffice.services.identity import Purpose
from backoffice.services.permissions import Actor, Permission, require
from backoffice.text import attention_line

# Audited before/after: what a reset changes, never the password nor its hash.
AUDITED = (
    "must_change_password",
    "temporary_password_expires_at",
    "locked_at",
    "failed_attempt_count",
)


@dataclass(frozen=True)
class AccessSent:
    account_id: int
    login: str
    holder: str
    kind: LetterKind
    expires_at: datetime
    letter: AccessLetter = field(repr=False)  # holds the temporary password

    @property
    def temporary_password(self) -> str:
        return self.letter.temporary_password


def reset_access(
    session: Session, actor: Actor, account_id: int, *, expected_version: int | None = None
) -> AccessSent:
    """A new temporary password for an existing account (member or firm); it also clears
    a lock, since the letter starts the access afresh."""
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    account = lookup.account(session, account_id)
    lookup.expect_version(account, expected_version)
    return send_access(session, actor, account, _kind_for(account))


def reset_member_access(session: Session, actor: Actor, member_code: str) -> AccessSent:
    """The command line's ``accounts reset MEMBER_CODE``: a reset, or the first access of
    a member that has no account yet (a firm's login works too)."""
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    member = _member_or_none(session, member_code)
    if member is not None and lookup.account_of_member(session, member) is None:
        return first_access(session, actor, member_code)
    account = lookup.account_by_code(session, member_code)
    return send_access(session, actor, account, _kind_for(account))


def first_access(session: Session, actor: Actor, member_code: str) -> AccessSent:
    """The first access of a new member: its account (login = member code) is created if
    needed; a member that already received its access is told to use a reset."""
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    member = lookup.member_by_code(session, member_code)
    account = lookup.account_of_member(session, member)
    if account is not None and account.password_hash is not None:
        raise ValidationFailed.single(
            "member_code",
            tr(
                "Member code: {code} already received its access to the portal; reset its "
                "access to send a new letter.",
                code=member.member_code,
            ),
        )
    if account is None:
        account = _new_member_account(session, actor, member)
    return send_access(session, actor, account, LetterKind.FIRST_ACCESS)


def _member_or_none(session: Session, code: str) -> Member | None:
    try:
        return lookup.member_by_code(session, code)
    except ValidationFailed:
        return None


def _kind_for(account: PortalAccount) -> LetterKind:
    return LetterKind.FIRST_ACCESS if account.password_hash is None else LetterKind.RESET


def _new_member_account(session: Session, actor: Actor, member: Member) -> PortalAccount:
    taken = session.scalar(
        select(PortalAccount.id).where(PortalAccount.login == member.member_code)
    )
    if taken is not None:
        raise ValidationFailed.single(
            "member_code",
            tr(
                "Member code: the login {login} is already used by another portal account.",
                login=member.member_code,
            ),
        )
    account = PortalAccount(
        login=member.member_code, kind=AccountKind.MEMBER, member_id=member.id, member=member
    )
    session.add(account)
    lookup.flush(session)
    audit.record(
        session,
        actor,
        "accounts.create",
        "portal_account",
        account.id,
        member_id=member.id,
        after={"login": account.login, "kind": account.kind},
    )
    return account


def issue_temporary_password(session: Session, account: PortalAccount) -> tuple[str, datetime]:
    """Store the hash of a new temporary password on ``account``; returns the password
    (for the letter only) and its expiry. The caller audits."""
    temporary = passwords.temporary_password()
    days = int(settings_service.get(session, "portal.temporary_password_days"))
    expires_at = clock.end_of_local_day(clock.today() + timedelta(days=days))
    account.password_hash = passwords.hash_password(temporary)
    account.must_change_password = True
    account.temporary_password_expires_at = expires_at
    account.locked_at = None
    account.lock_reason = None
    account.failed_attempt_count = 0
    return temporary, expires_at


def send_access(
    session: Session, actor: Actor, account: PortalAccount, kind: LetterKind
) -> AccessSent:
    if not account.is_active:
        raise ValidationFailed.single(
            "account",
            tr(
                "The portal account {login} is disabled: no letter can be sent for it.",
                login=account.login,
            ),
        )
    before = audit.snapshot(account, AUDITED)
    temporary, expires_at = issue_temporary_password(session, account)
    lookup.flush(session)
    audit.record(
        session,
        actor,
        "accounts.first_access" if kind == LetterKind.FIRST_ACCESS else "accounts.reset",
        "portal_account",
        account.id,
        member_id=account.member_id,
        summary=tr("Temporary password sent by letter"),
        before=before,
        after={**audit.snapshot(account, AUDITED), "password": "changed"},
    )
    letter = access_letter(session, account, kind, temporary, expires_at)
    return AccessSent(account.id, account.login, letter.holder, kind, expires_at, letter)


def access_letter(
    session: Session,
    account: PortalAccount,
    kind: LetterKind,
    temporary_password: str,
    expires_at: datetime,
) -> AccessLetter:
    """What the letter prints: the holder's postal address, code and temporary password."""
    identity = identity_service.load_for(session, Purpose.LETTERS)
    return AccessLetter(
        kind=kind,
        identity=identity,
        address=postal_address(account),
        login=account.login,
        holder=lookup.holder_name(account),
        is_firm=account.kind == AccountKind.FIRM,
        temporary_password=temporary_password,
        valid_until=clock.local(expires_at - timedelta(seconds=1)).date(),
        written_on=clock.today(),
    )


def postal_address(account: PortalAccount) -> PostalAddress:
    holder = account.member if account.member is not None else account.firm
    assert holder is not None  # a CHECK constraint ties every account to its owner
    name = holder.legal_name if isinstance(holder, Member) else holder.name
    lines = [
        name,
        attention_line(holder.contact_name) if holder.contact_name else "",
        holder.address_line1 or "",
        holder.address_line2 or "",
        f"{holder.postcode or ''} {holder.city or ''}".strip(),
    ]
    return PostalAddress(tuple(line for line in lines if line))
