"""Reading portal accounts (the member page's tab, the account console)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from backoffice import clock
from backoffice.models import (
    AccountingFirm,
    AccountKind,
    AuditEvent,
    FirmAccess,
    LoginAttempt,
    Member,
    MemberStatus,
    PortalAccount,
    StaffUser,
)
from backoffice.services.accounts import lookup
from backoffice.services.accounts.access import postal_address
from backoffice.services.accounts.firms import FirmInput
from backoffice.services.members import HistoryRow, history_rows
from backoffice.services.permissions import Actor, Permission, allows, current_role, require
from backoffice.text import fold


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
    require(session, actor, Permission.ACCOUNTS_VIEW)
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


# -- the account console -------------------------------------------------------------------


class AccountFilter(StrEnum):
    ALL = "all"
    LOCKED = "locked"
    AWAITING_FIRST_LOGIN = "awaiting_first_login"  # a letter was sent, not used yet
    EXPIRED = "expired"  # a temporary password that was never used in time
    FIRMS = "firms"


SORT_KEYS = ("login", "holder", "last_login_at", "failed_attempt_count", "locked_at")


@dataclass(frozen=True)
class AccountQuery:
    text: str = ""
    filter: AccountFilter = AccountFilter.ALL
    sort: str = "holder"
    descending: bool = False


def _holder_name() -> ColumnElement[str]:
    return func.coalesce(Member.legal_name, AccountingFirm.name)


def search_account_ids(session: Session, actor: Actor, query: AccountQuery) -> list[int]:
    """The ordered ids of the accounts matching the search and filter, all in SQL."""
    require(session, actor, Permission.ACCOUNTS_VIEW)
    statement = (
        select(PortalAccount.id)
        .outerjoin(Member, PortalAccount.member_id == Member.id)
        .outerjoin(AccountingFirm, PortalAccount.firm_id == AccountingFirm.id)
    )
    tokens = fold(query.text).split()
    firm_ids = _firms_matching(session, tokens) if tokens else {}
    for token in tokens:
        statement = statement.where(
            or_(
                Member.search_text.contains(token, autoescape=True),
                func.lower(PortalAccount.login).contains(token, autoescape=True),
                func.lower(PortalAccount.recovery_email).contains(token, autoescape=True),
                PortalAccount.firm_id.in_(firm_ids[token]),
            )
        )
    statement = statement.where(_filter_condition(query.filter))
    column = {
        "login": PortalAccount.login,
        "last_login_at": PortalAccount.last_login_at,
        "failed_attempt_count": PortalAccount.failed_attempt_count,
        "locked_at": PortalAccount.locked_at,
    }.get(query.sort, func.lower(_holder_name()))
    ordering = column.desc() if query.descending else column.asc()
    tie = PortalAccount.id.desc() if query.descending else PortalAccount.id
    return list(session.scalars(statement.order_by(ordering.nulls_last(), tie)))


def _filter_condition(chosen: AccountFilter) -> ColumnElement[bool]:
    if chosen == AccountFilter.LOCKED:
        return PortalAccount.locked_at.is_not(None)
    if chosen == AccountFilter.AWAITING_FIRST_LOGIN:
        return and_(
            PortalAccount.must_change_password.is_(True), PortalAccount.password_hash.is_not(None)
        )
    if chosen == AccountFilter.EXPIRED:
        return and_(
            PortalAccount.must_change_password.is_(True),
            PortalAccount.temporary_password_expires_at < clock.now(),
        )
    if chosen == AccountFilter.FIRMS:
        return PortalAccount.kind == AccountKind.FIRM
    return true()


def _firms_matching(session: Session, tokens: list[str]) -> dict[str, list[int]]:
    """Firms are few (tens, hundreds): their names are folded here, like members' in SQL."""
    firms = [
        (firm_id, fold(f"{code} {name} {city or ''} {siret or ''}"))
        for firm_id, code, name, city, siret in session.execute(
            select(
                AccountingFirm.id,
                AccountingFirm.code,
                AccountingFirm.name,
                AccountingFirm.city,
                AccountingFirm.siret,
            )
        )
    ]
    return {token: [firm_id for firm_id, text in firms if token in text] for token in tokens}


@dataclass(frozen=True)
class AccountRow:
    id: int
    version: int
    login: str
    kind: AccountKind
    holder: str  # the member's or the firm's name
    member_id: int | None
    firm_id: int | None
    member_ceased: bool
    acts_for: tuple[str, ...]  # firm: its members' codes; member: the firms acting for it
    last_login_at: datetime | None
    failed_attempt_count: int
    locked_at: datetime | None
    lock_reason: str | None
    must_change_password: bool
    has_password: bool
    temporary_password_expires_at: datetime | None
    recovery_email: str | None
    is_active: bool

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    @property
    def temporary_expired(self) -> bool:
        expiry = self.temporary_password_expires_at
        return self.must_change_password and expiry is not None and expiry < clock.now()


def account_rows(session: Session, actor: Actor, ids: list[int]) -> list[AccountRow]:
    """The rows of ``ids`` (a page of the console), in the same order."""
    require(session, actor, Permission.ACCOUNTS_VIEW)
    if not ids:
        return []
    found = session.execute(
        select(PortalAccount, Member.legal_name, Member.status, AccountingFirm.name)
        .outerjoin(Member, PortalAccount.member_id == Member.id)
        .outerjoin(AccountingFirm, PortalAccount.firm_id == AccountingFirm.id)
        .where(PortalAccount.id.in_(ids))
    ).all()
    acting = _acting(session, [account for account, *_ in found])
    by_id = {
        account.id: _row(account, member_name or firm_name or "", status, acting)
        for account, member_name, status, firm_name in found
    }
    return [by_id[account_id] for account_id in ids if account_id in by_id]


def _row(
    account: PortalAccount,
    holder: str,
    status: MemberStatus | None,
    acting: dict[tuple[str, int], list[str]],
) -> AccountRow:
    owner = ("firm", account.firm_id) if account.firm_id else ("member", account.member_id or 0)
    return AccountRow(
        id=account.id,
        version=account.version,
        login=account.login,
        kind=account.kind,
        holder=holder,
        member_id=account.member_id,
        firm_id=account.firm_id,
        member_ceased=status == MemberStatus.CEASED,
        acts_for=tuple(acting.get(owner, ())),
        last_login_at=account.last_login_at,
        failed_attempt_count=account.failed_attempt_count,
        locked_at=account.locked_at,
        lock_reason=account.lock_reason,
        must_change_password=account.must_change_password,
        has_password=account.password_hash is not None,
        temporary_password_expires_at=account.temporary_password_expires_at,
        recovery_email=account.recovery_email,
        is_active=account.is_active,
    )


def _acting(session: Session, accounts: list[PortalAccount]) -> dict[tuple[str, int], list[str]]:
    """Who acts for whom among these accounts: a firm's members, a member's firms."""
    firm_ids = [a.firm_id for a in accounts if a.firm_id]
    member_ids = [a.member_id for a in accounts if a.member_id]
    acting: dict[tuple[str, int], list[str]] = defaultdict(list)
    for firm_id, member_id, firm_code, member_code in session.execute(
        select(FirmAccess.firm_id, FirmAccess.member_id, AccountingFirm.code, Member.member_code)
        .join(AccountingFirm, FirmAccess.firm_id == AccountingFirm.id)
        .join(Member, FirmAccess.member_id == Member.id)
        .where(
            FirmAccess.revoked_at.is_(None),
            or_(FirmAccess.firm_id.in_(firm_ids), FirmAccess.member_id.in_(member_ids)),
        )
        .order_by(Member.member_code, AccountingFirm.code)
    ):
        if firm_id in firm_ids:
            acting[("firm", firm_id)].append(member_code)
        if member_id in member_ids:
            acting[("member", member_id)].append(firm_code)
    return acting


def search_accounts(
    session: Session, actor: Actor, query: AccountQuery, first_page: int = 200
) -> tuple[list[int], list[AccountRow]]:
    """The ordered ids of the matching accounts and the rows of the first page, at once."""
    ids = search_account_ids(session, actor, query)
    return ids, account_rows(session, actor, ids[:first_page])


# -- one account ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptRow:
    attempted_at: datetime
    succeeded: bool
    source_address: str | None


@dataclass(frozen=True)
class GrantRow:
    id: int
    firm_id: int
    firm_code: str
    firm_name: str
    member_id: int
    member_code: str
    member_name: str
    member_ceased: bool
    consent_on: date
    granted_at: datetime
    granted_by: str | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class Holder:
    """The member or firm an account belongs to, as the letter addresses it."""

    code: str
    name: str
    address: tuple[str, ...]
    contact_name: str | None
    email: str | None
    phone: str | None
    ceased_on: date | None
    firm_version: int | None  # a firm's record, for editing it
    firm: FirmInput | None


@dataclass(frozen=True)
class AccountDetail:
    row: AccountRow
    holder: Holder
    attempts: tuple[AttemptRow, ...]
    grants: tuple[GrantRow, ...]  # the firm's members, or the firms acting for the member
    history: tuple[HistoryRow, ...]  # empty for a role that may not read the history


def account_detail(
    session: Session, actor: Actor, account_id: int, attempts_limit: int = 200
) -> AccountDetail:
    require(session, actor, Permission.ACCOUNTS_VIEW)
    account = lookup.account(session, account_id)
    (row,) = account_rows(session, actor, [account_id])
    attempts = tuple(
        AttemptRow(a.attempted_at, a.succeeded, a.source_address)
        for a in session.scalars(
            select(LoginAttempt)
            .where(LoginAttempt.account_id == account_id)
            .order_by(LoginAttempt.attempted_at.desc(), LoginAttempt.id.desc())
            .limit(attempts_limit)
        )
    )
    owner = (
        FirmAccess.firm_id == account.firm_id
        if account.firm_id
        else FirmAccess.member_id == account.member_id
    )
    history = (
        _history(session, actor, account)
        if allows(current_role(session, actor), Permission.AUDIT_VIEW)
        else ()
    )
    return AccountDetail(row, _holder(account), attempts, grants(session, owner), history)


def grants(session: Session, condition: ColumnElement[bool]) -> tuple[GrantRow, ...]:
    """Grants (active first, then revoked, newest first) with names of who did what."""
    granted_by, revoked_by = aliased(StaffUser), aliased(StaffUser)
    found = session.execute(
        select(FirmAccess, AccountingFirm, Member, granted_by.full_name, revoked_by.full_name)
        .join(AccountingFirm, FirmAccess.firm_id == AccountingFirm.id)
        .join(Member, FirmAccess.member_id == Member.id)
        .outerjoin(granted_by, FirmAccess.granted_by_id == granted_by.id)
        .outerjoin(revoked_by, FirmAccess.revoked_by_id == revoked_by.id)
        .where(condition)
        .order_by(
            FirmAccess.revoked_at.is_not(None), Member.member_code, FirmAccess.granted_at.desc()
        )
    )
    return tuple(
        GrantRow(
            access.id,
            firm.id,
            firm.code,
            firm.name,
            member.id,
            member.member_code,
            member.legal_name,
            member.status == MemberStatus.CEASED,
            access.consent_on,
            access.granted_at,
            granter,
            access.revoked_at,
            revoker,
            access.revoke_reason,
        )
        for access, firm, member, granter, revoker in found
    )


def _holder(account: PortalAccount) -> Holder:
    address = postal_address(account).lines
    if account.firm is not None:
        firm = account.firm
        return Holder(
            firm.code,
            firm.name,
            address,
            firm.contact_name,
            firm.email,
            firm.phone,
            None,
            firm.version,
            FirmInput(**{name: getattr(firm, name) for name in FirmInput.__dataclass_fields__}),
        )
    member = account.member
    assert member is not None  # a CHECK constraint ties every account to its owner
    return Holder(
        member.member_code,
        member.legal_name,
        address,
        member.contact_name,
        member.email,
        member.phone,
        member.ceased_on if member.status == MemberStatus.CEASED else None,
        None,
        None,
    )


def _history(
    session: Session, actor: Actor, account: PortalAccount, limit: int = 200
) -> tuple[HistoryRow, ...]:
    """What was done to the account, and to its firm's grants (or the member's)."""
    on_firm = (
        and_(AuditEvent.entity_type == "accounting_firm", AuditEvent.entity_id == account.firm_id)
        if account.firm_id
        else and_(
            AuditEvent.entity_type == "accounting_firm",
            AuditEvent.member_id == account.member_id,
        )
    )
    on_account = and_(
        AuditEvent.entity_type == "portal_account", AuditEvent.entity_id == account.id
    )
    return tuple(history_rows(session, actor, or_(on_account, on_firm), limit))
