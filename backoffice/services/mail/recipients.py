"""Who receives a message: the member's contact for its purpose.

- billing (invoices, reminders): the billing e-mail, else the main e-mail;
- direct debits (pre-notifications): the mandate's e-mail, else the billing one, else the
  main one;
- convocations (convocations, appointment answers): the convocation contact's e-mail;
- account (portal access): the portal account's recovery address, else the main e-mail;
- general (the decision on a portal change): the main e-mail.

A member with no address for the purpose is an anomaly, said in one French sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import Member, PortalAccount

_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[A-Za-z]{2,}$")


class Purpose(StrEnum):
    BILLING = "billing"
    DIRECT_DEBIT = "direct_debit"
    CONVOCATION = "convocation"
    ACCOUNT = "account"
    GENERAL = "general"


def purpose_label(purpose: Purpose) -> str:
    return {
        Purpose.BILLING: tr("billing"),
        Purpose.DIRECT_DEBIT: tr("direct debits"),
        Purpose.CONVOCATION: tr("convocations"),
        Purpose.ACCOUNT: tr("portal account"),
        Purpose.GENERAL: tr("general"),
    }[purpose]


@dataclass(frozen=True)
class Recipients:
    addresses: tuple[str, ...]
    problem: str | None  # French: why the message cannot go (then it is kept, failed)


def is_address(text: str) -> bool:
    return bool(_ADDRESS.match(text))


def check(addresses: list[str], member_label: str) -> Recipients:
    """The addresses, or the sentence saying which one is not an address."""
    cleaned = tuple(address.strip() for address in addresses if address and address.strip())
    for address in cleaned:
        if not is_address(address):
            return Recipients(
                cleaned,
                tr(
                    "The address « {address} » of {member} is not a valid e-mail address: "
                    "correct it in the member's record.",
                    address=address,
                    member=member_label,
                ),
            )
    return Recipients(cleaned, None)


def for_member(
    session: Session, member: Member, purpose: Purpose, *, mandate_email: str | None = None
) -> Recipients:
    """The member's addresses for ``purpose`` (the first one set, in the order above)."""
    if purpose == Purpose.BILLING:
        candidates = [member.billing_email, member.email]
    elif purpose == Purpose.DIRECT_DEBIT:
        candidates = [mandate_email, member.billing_email, member.email]
    elif purpose == Purpose.CONVOCATION:
        candidates = [member.convocation_email]
    elif purpose == Purpose.ACCOUNT:
        recovery = session.scalar(
            select(PortalAccount.recovery_email).where(PortalAccount.member_id == member.id)
        )
        candidates = [recovery, member.email]
    else:
        candidates = [member.email]
    label = f"{member.legal_name} ({member.member_code})"
    chosen = next((address for address in candidates if address and address.strip()), None)
    if chosen is None:
        return Recipients(
            (),
            tr(
                "{member} has no e-mail address for {purpose}: add one to its record, or "
                "send this document by post.",
                member=label,
                purpose=purpose_label(purpose),
            ),
        )
    return check([chosen], label)
