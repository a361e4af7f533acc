"""Finding the account, member or firm an action names, with a French refusal when absent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from backoffice.i18n import tr
from backoffice.models import AccountingFirm, Member, PortalAccount
from backoffice.services.errors import Conflict, NotFound, ValidationFailed


def member_by_code(session: Session, member_code: str) -> Member:
    code = member_code.strip()
    member = session.scalar(select(Member).where(Member.member_code == code))
    if member is None:
        raise ValidationFailed.single(
            "member_code", tr("Member code: there is no member with the code {code}.", code=code)
        )
    return member


def account_of_member(session: Session, member: Member) -> PortalAccount | None:
    return session.scalar(select(PortalAccount).where(PortalAccount.member_id == member.id))


def account_by_code(session: Session, code: str) -> PortalAccount:
    """The account of a member code (the command line's argument), or a firm's login."""
    cleaned = code.strip()
    member = session.scalar(select(Member).where(Member.member_code == cleaned))
    account = (
        account_of_member(session, member)
        if member is not None
        else session.scalar(select(PortalAccount).where(PortalAccount.login == cleaned))
    )
    if member is not None and account is None:
        raise ValidationFailed.single(
            "member_code",
            tr(
                "Member code: the member {code} has no portal account yet; send it a first "
                "access letter.",
                code=cleaned,
            ),
        )
    if account is None:
        raise ValidationFailed.single(
            "member_code",
            tr("Member code: there is no member with the code {code}.", code=cleaned),
        )
    return account


def account(session: Session, account_id: int) -> PortalAccount:
    found = session.get(PortalAccount, account_id)
    if found is None:
        raise NotFound(tr("This portal account no longer exists."))
    return found


def firm(session: Session, firm_id: int) -> AccountingFirm:
    found = session.get(AccountingFirm, firm_id)
    if found is None:
        raise NotFound(tr("This accounting firm no longer exists."))
    return found


def expect_version(found: PortalAccount | AccountingFirm, expected_version: int | None) -> None:
    """Refuse to act on what the user did not see: the portal or a colleague changed it."""
    if expected_version is not None and found.version != expected_version:
        raise Conflict(changed_meanwhile())


def changed_meanwhile() -> str:
    return tr(
        "This portal account was changed meanwhile (by the portal or a colleague); "
        "nothing was saved. Look at it again before acting."
    )


def flush(session: Session) -> None:
    """Write now, so that losing a race with another writer is a French refusal."""
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(changed_meanwhile()) from error


def holder_name(found: PortalAccount) -> str:
    if found.member is not None:
        return found.member.legal_name
    return found.firm.name if found.firm is not None else found.login
