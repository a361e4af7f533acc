"""SEPA mandates: created when a portal opt-in is approved, or by staff.

A mandate's unique reference (*RUM*, référence unique de mandat) is at most 35 characters:
``STRV-<member code>-<sequence>``, the sequence counting the member's mandates. A member
has at most one active mandate (a database constraint): a new one revokes the previous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schwifty import IBAN
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import MandateStatus, Member, SepaMandate
from backoffice.services import audit, validation
from backoffice.services.errors import FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

RUM_PREFIX = "STRV"


@dataclass(frozen=True)
class MandateInfo:
    id: int
    member_id: int
    rum: str
    iban: str
    bic: str
    signed_on: date
    status: MandateStatus


def rum_for(member_code: str, sequence: int) -> str:
    reference = f"{RUM_PREFIX}-{member_code}-{sequence:03d}"
    assert len(reference) <= 35
    return reference


def check_bank_details(iban: str, bic: str) -> None:
    errors = [
        FieldError(field, message)
        for field, message in (
            ("iban", validation.check_iban(tr("IBAN"), iban)),
            ("bic", validation.check_bic(tr("BIC"), bic, iban)),
        )
        if message
    ]
    if errors:
        raise ValidationFailed(errors)


def create_mandate(
    session: Session,
    actor: Actor,
    member_id: int,
    iban: str,
    bic: str,
    *,
    signed_on: date,
    email: str | None = None,
    change_request_id: int | None = None,
    permission: Permission = Permission.SEPA_MANAGE,
) -> MandateInfo:
    """A new active mandate for the member (revoking the active one, if any).

    ``permission`` lets the review of a portal opt-in (``changes.review``) create it.
    """
    require(actor, permission)
    check_bank_details(iban, bic)
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(tr("This member no longer exists."))
    compact_iban = IBAN(iban).compact
    for previous in session.scalars(
        select(SepaMandate).where(
            SepaMandate.member_id == member_id, SepaMandate.status == MandateStatus.ACTIVE
        )
    ):
        previous.status = MandateStatus.REVOKED
        previous.revoked_on = signed_on
        audit.record(
            session,
            actor,
            "mandate.revoke",
            "sepa_mandate",
            previous.id,
            member_id=member_id,
            summary=tr("Replaced by a new mandate"),
        )
    session.flush()
    count = (
        session.scalar(
            select(func.count()).select_from(SepaMandate).where(SepaMandate.member_id == member_id)
        )
        or 0
    )
    mandate = SepaMandate(
        member_id=member_id,
        rum=rum_for(member.member_code, count + 1),
        signed_on=signed_on,
        iban=compact_iban,
        bic=bic.replace(" ", "").upper(),
        debtor_name=member.legal_name[:140],
        debtor_street=member.address_line1[:70],
        debtor_postcode=member.postcode,
        debtor_town=member.city[:35],
        debtor_country=member.country_code,
        email=email,
        created_by_id=actor.staff_id,
        change_request_id=change_request_id,
    )
    session.add(mandate)
    session.flush()
    audit.record(
        session,
        actor,
        "mandate.create",
        "sepa_mandate",
        mandate.id,
        member_id=member_id,
        after={
            "rum": mandate.rum,
            "iban": mandate.iban,
            "bic": mandate.bic,
            "signed_on": signed_on,
        },
    )
    return MandateInfo(
        mandate.id,
        member_id,
        mandate.rum,
        mandate.iban,
        mandate.bic,
        mandate.signed_on,
        mandate.status,
    )
