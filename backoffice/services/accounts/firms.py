"""Accounting firms (*mandataires / cabinets comptables*) and the members they act for.

A firm logs in to the portal with its own code and acts for every member that gave it
access (``firm_member_access``), from the member's consent date. Access is revoked, never
deleted: the grants stay as the history of who acted for whom.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import exc, select, update
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import (
    AccountingFirm,
    AccountKind,
    FirmAccess,
    Member,
    MemberStatus,
    PortalAccount,
)
from backoffice.reports.accounts_letter import LetterKind
from backoffice.services import audit, validation
from backoffice.services.accounts import lookup
from backoffice.services.accounts.access import AccessSent, send_access
from backoffice.services.errors import Conflict, FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.tracking import mark_touched

CODE_PREFIX = "CAB"
_CODE = re.compile(r"^[A-Z0-9]{3,20}$")
REASON_MAX_LENGTH = 200


@dataclass(frozen=True)
class FirmInput:
    """What staff type for a firm; ``code`` (its portal login) is generated when empty."""

    name: str
    address_line1: str
    postcode: str
    city: str
    address_line2: str | None = None
    contact_name: str | None = None
    email: str | None = None
    phone: str | None = None
    siret: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class FirmCreated:
    firm_id: int
    code: str
    name: str
    access: AccessSent


@dataclass(frozen=True)
class GrantInput:
    member_code: str
    consent_on: date


@dataclass(frozen=True)
class Granted:
    access_id: int
    member_code: str
    member_name: str
    consent_on: date


def create_firm(session: Session, actor: Actor, values: FirmInput) -> FirmCreated:
    """The firm, its portal account, and its first access letter."""
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    cleaned = _cleaned(values)
    code = cleaned.code or next_code(session)
    errors = _problems(cleaned) + _code_problems(session, code)
    if errors:
        raise ValidationFailed(errors)
    firm = AccountingFirm(code=code, **_firm_fields(cleaned))
    session.add(firm)
    lookup.flush(session)
    account = PortalAccount(login=code, kind=AccountKind.FIRM, firm_id=firm.id, firm=firm)
    session.add(account)
    lookup.flush(session)
    audit.record(
        session,
        actor,
        "accounts.firm_create",
        "accounting_firm",
        firm.id,
        summary=firm.name,
        after={"code": code, **_firm_fields(cleaned)},
    )
    access = send_access(session, actor, account, LetterKind.FIRST_ACCESS)
    return FirmCreated(firm.id, code, firm.name, access)


def update_firm(
    session: Session, actor: Actor, firm_id: int, expected_version: int, values: FirmInput
) -> None:
    """Correct a firm's name, address or contacts (its code, the login, stays)."""
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    firm = lookup.firm(session, firm_id)
    lookup.expect_version(firm, expected_version)
    cleaned = _cleaned(values)
    errors = _problems(cleaned)
    if errors:
        raise ValidationFailed(errors)
    wanted = _firm_fields(cleaned)
    before, after = audit.changed_fields(audit.snapshot(firm, wanted), wanted)
    if not after:
        return
    for name, value in after.items():
        setattr(firm, name, value)
    lookup.flush(session)
    audit.record(
        session,
        actor,
        "accounts.firm_update",
        "accounting_firm",
        firm.id,
        summary=firm.name,
        before=before,
        after=after,
    )


def next_code(session: Session) -> str:
    """``CAB0001``, ``CAB0002``…: the next free firm code."""
    codes = session.scalars(
        select(AccountingFirm.code).where(AccountingFirm.code.like(f"{CODE_PREFIX}%"))
    )
    numbers = [
        int(code[len(CODE_PREFIX) :]) for code in codes if code[len(CODE_PREFIX) :].isdigit()
    ]
    return f"{CODE_PREFIX}{max(numbers, default=0) + 1:04d}"


def grant_access(
    session: Session, actor: Actor, firm_id: int, grants: Sequence[GrantInput]
) -> list[Granted]:
    """Let the firm act for several members, each from its consent date; all or nothing."""
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    firm = lookup.firm(session, firm_id)
    if not grants:
        raise ValidationFailed.single("members", tr("Members: choose at least one member."))
    codes = [grant.member_code.strip() for grant in grants]
    members = {
        member.member_code: member
        for member in session.scalars(select(Member).where(Member.member_code.in_(codes)))
    }
    active = set(
        session.scalars(
            select(Member.member_code)
            .join(FirmAccess, FirmAccess.member_id == Member.id)
            .where(FirmAccess.firm_id == firm.id, FirmAccess.revoked_at.is_(None))
        )
    )
    errors = [
        error
        for position, (code, grant) in enumerate(zip(codes, grants, strict=True))
        for error in _grant_problems(firm, code, grant, members.get(code), active, codes[:position])
    ]
    if errors:
        raise ValidationFailed(errors)
    return [
        _grant(session, actor, firm, members[code], grant)
        for code, grant in zip(codes, grants, strict=True)
    ]


def _grant_problems(
    firm: AccountingFirm,
    code: str,
    grant: GrantInput,
    member: Member | None,
    active: set[str],
    earlier: list[str],
) -> list[FieldError]:
    if member is None:
        return [
            FieldError(code, tr("Member code: there is no member with the code {code}.", code=code))
        ]
    if code in earlier:
        return [FieldError(code, tr("Member {code} is listed twice.", code=code))]
    problems = []
    if member.status == MemberStatus.CEASED:
        problems.append(
            tr(
                "Member {code} ({name}) ceased its activity on {date}: an accounting firm "
                "cannot be given access to it.",
                code=code,
                name=member.legal_name,
                date=format_day(member.ceased_on) if member.ceased_on else "?",
            )
        )
    if code in active:
        problems.append(tr("{firm} already acts for member {code}.", firm=firm.name, code=code))
    if grant.consent_on > clock.today():
        problems.append(
            tr(
                "Consent date of member {code}: {date} is in the future.",
                code=code,
                date=format_day(grant.consent_on),
            )
        )
    return [FieldError(code, problem) for problem in problems]


def _grant(
    session: Session, actor: Actor, firm: AccountingFirm, member: Member, grant: GrantInput
) -> Granted:
    access = FirmAccess(
        firm_id=firm.id,
        member_id=member.id,
        consent_on=grant.consent_on,
        granted_at=clock.now(),
        granted_by_id=actor.staff_id,
    )
    session.add(access)
    # Read before the flush: a failed flush rolls back and expires every object.
    refusal = tr(
        "{firm} was given access to member {code} by someone else meanwhile; nothing was saved.",
        firm=firm.name,
        code=member.member_code,
    )
    try:
        session.flush()
    except exc.IntegrityError as error:  # a colleague granted the same pair meanwhile
        raise Conflict(refusal) from error
    audit.record(
        session,
        actor,
        "accounts.firm_grant",
        "accounting_firm",
        firm.id,
        member_id=member.id,
        summary=tr("{firm} acts for {code}", firm=firm.code, code=member.member_code),
        after={"firm": firm.code, "member": member.member_code, "consent_on": grant.consent_on},
    )
    return Granted(access.id, member.member_code, member.legal_name, grant.consent_on)


def revoke_access(
    session: Session, actor: Actor, access_id: int, reason: str | None = None
) -> None:
    """End a firm's access to a member; the grant stays, dated, as history."""
    require(session, actor, Permission.ACCOUNTS_MANAGE)
    cleaned = (reason or "").strip() or None
    if cleaned and len(cleaned) > REASON_MAX_LENGTH:
        raise ValidationFailed.single(
            "reason", tr("Reason: at most {count} characters.", count=REASON_MAX_LENGTH)
        )
    access = session.get(FirmAccess, access_id)
    if access is None:
        raise NotFound(tr("This access no longer exists."))
    now = clock.now()
    # Conditional update: of two colleagues revoking at once, one does it, the other is told.
    revoked = session.execute(
        update(FirmAccess)
        .where(FirmAccess.id == access_id, FirmAccess.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=actor.staff_id, revoke_reason=cleaned)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not revoked:
        raise Conflict(
            tr(
                "The access of {firm} to member {code} was already revoked.",
                firm=access.firm.name,
                code=access.member.member_code,
            )
        )
    mark_touched(session, "firm_member_access", {access_id})
    audit.record(
        session,
        actor,
        "accounts.firm_revoke",
        "accounting_firm",
        access.firm_id,
        member_id=access.member_id,
        summary=cleaned,
        before={"firm": access.firm.code, "member": access.member.member_code, "revoked_at": None},
        after={"revoked_at": now},
    )


# -- checks --------------------------------------------------------------------------------


def _cleaned(values: FirmInput) -> FirmInput:
    def clean(value: str | None) -> str | None:
        return (value or "").strip() or None

    cleaned = {item.name: clean(getattr(values, item.name)) for item in fields(FirmInput)}
    if cleaned["code"]:
        cleaned["code"] = cleaned["code"].upper()
    for name in ("siret", "postcode", "phone"):
        if cleaned[name]:
            cleaned[name] = validation.as_stored(name, cleaned[name])
    return FirmInput(**cleaned)  # type: ignore[arg-type]


def _firm_fields(values: FirmInput) -> dict[str, str | None]:
    return {
        item.name: getattr(values, item.name) for item in fields(FirmInput) if item.name != "code"
    }


def _problems(values: FirmInput) -> list[FieldError]:
    checks = (
        ("name", validation.check_required(tr("Firm name"), values.name)),
        ("address_line1", validation.check_required(tr("Address"), values.address_line1)),
        ("postcode", validation.check_required(tr("Postcode"), values.postcode)),
        ("postcode", validation.check_postcode(tr("Postcode"), values.postcode)),
        ("city", validation.check_required(tr("City"), values.city)),
        ("email", validation.check_email(tr("Email"), values.email)),
        ("phone", validation.check_phone(tr("Phone"), values.phone)),
        ("siret", values.siret and validation.check_siret(tr("SIRET"), values.siret)),
    )
    return [FieldError(field, message) for field, message in checks if message]


def _code_problems(session: Session, code: str) -> list[FieldError]:
    if not _CODE.match(code):
        return [
            FieldError(
                "code",
                tr("Firm code: {code} must be 3 to 20 capital letters or digits.", code=code),
            )
        ]
    taken = session.scalar(select(PortalAccount.id).where(PortalAccount.login == code))
    taken = taken or session.scalar(select(AccountingFirm.id).where(AccountingFirm.code == code))
    taken = taken or session.scalar(select(Member.id).where(Member.member_code == code))
    if taken:
        return [FieldError("code", tr("Firm code: {code} is already a portal login.", code=code))]
    return []
