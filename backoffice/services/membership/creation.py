"""A new member recorded by staff (a company that joins by post or at the front desk).

What the portal cannot write itself: the member code (from the numbering rule), the legal
name, the SIRET (checked, and refused when another member already has it), the APE code,
the addresses, contacts, joining date, visit centre and referent. In the same transaction,
if asked: the joining-fee invoice and the first portal access (its letter holds the
temporary password). The portal sees the member at its next page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import HealthProfessional, Member, MemberStatus, VisitCentre
from backoffice.services import audit
from backoffice.services.accounts.access import AccessSent, first_access
from backoffice.services.billing.single_invoices import issue_new_member_joining_fee
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.member_fields import cleaned as cleaned_values
from backoffice.services.member_fields import field_errors, member_fields
from backoffice.services.membership.numbering import next_code
from backoffice.services.membership.sirets import siret_taken
from backoffice.services.permissions import Actor, Permission, require

ASSIGNMENTS = ("visit_centre_id", "referent_professional_id")


@dataclass(frozen=True)
class NewMember:
    values: dict[str, object]  # the member's fields (``member_fields``) and its assignments
    joining_fee_employees: int = 0  # more than 0: issue the joining fee for that many
    first_access: bool = False  # create its portal account and print the letter


@dataclass(frozen=True)
class MemberCreated:
    member_id: int
    member_code: str
    invoice_id: int | None
    invoice_number: str | None
    access: AccessSent | None  # its letter holds the temporary password


def create_member(session: Session, actor: Actor, new: NewMember) -> MemberCreated:
    require(session, actor, Permission.MEMBERS_EDIT)
    values = cleaned_values(new.values)
    errors = problems(session, values)
    if new.joining_fee_employees < 0:
        errors.append(
            FieldError(
                "joining_fee_employees",
                tr("Joining fee: the number of employees cannot be negative."),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    member = Member(member_code=next_code(session), status=MemberStatus.ACTIVE, **values)
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor,
        "member.create",
        "member",
        member.id,
        member_id=member.id,
        summary=tr("Member recorded by staff"),
        after={"member_code": member.member_code, **values},
    )
    invoice = None
    if new.joining_fee_employees:
        invoice = issue_new_member_joining_fee(
            session, actor, member.id, member.joined_on.year, new.joining_fee_employees
        )
    access = first_access(session, actor, member.member_code) if new.first_access else None
    return MemberCreated(
        member.id,
        member.member_code,
        invoice.id if invoice else None,
        invoice.number if invoice else None,
        access,
    )


def problems(
    session: Session, values: dict[str, object], member_id: int | None = None
) -> list[FieldError]:
    """What is wrong with a member's values: each field's checks, the required ones, the
    SIRET of another member, a centre or referent that does not exist."""
    known = member_fields()
    unknown = set(values) - set(known) - set(ASSIGNMENTS)
    errors = [
        FieldError(name, tr("{field} cannot be edited here.", field=name))
        for name in sorted(unknown)
    ]
    if member_id is None:  # a new member: every required field, even when not given
        values = {name: field.default for name, field in known.items() if field.required} | values
    errors += [
        FieldError(name, message)
        for name, message in field_errors({k: v for k, v in values.items() if k in known})
    ]
    siret = values.get("siret")
    if isinstance(siret, str) and not any(error.field == "siret" for error in errors):
        message = siret_taken(session, siret, member_id)
        if message:
            errors.append(FieldError("siret", message))
    for name, model, label in (
        ("visit_centre_id", VisitCentre, tr("Visit centre")),
        ("referent_professional_id", HealthProfessional, tr("Referent")),
    ):
        wanted = values.get(name)
        if wanted is not None and session.get(model, wanted) is None:
            errors.append(FieldError(name, tr("{field}: it no longer exists.", field=label)))
    return errors
