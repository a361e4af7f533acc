"""Need to know: which role may see which group of fields, in one place.

A read service returns to each role only what it may see: the screens hide nothing that
the data still carries. The policy is a few *field groups*, each seen with one permission
of the matrix (``services/permissions.py``):

=================  ====================================================  ===================
group              what                                                  seen with
=================  ====================================================  ===================
bank               a member's IBAN, BIC, mandate reference (RUM)         ``billing.view``
billing            debts, SEPA / overdue flags, billing address, e-mail  ``billing.view``
health             employees' birth dates, risk factors, last visit,     ``appointments.view``
                   convocations and appointment answers
portal account     a portal account's recovery e-mail                    ``accounts.view``
=================  ====================================================  ===================

So a medical assistant gets no bank or billing data, billing staff no health data; the
administrative staff, the read-only role and the administrator see every group. Secrets
(password hashes, temporary passwords other than in the access letter being printed) are
returned to nobody.

A service asks :func:`of` (the actor's role re-read in the transaction) and then
:meth:`Visibility.sees`, :meth:`Visibility.strip` (a mapping of fields by name: a record's
values, an audit event's before/after) or :meth:`Visibility.sees_change_field` (a portal
change's field). A field whose group the role may not see is absent, or None in a fixed
structure (the views show nothing for it).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from backoffice.models import ChangeKind, MailKind, Role
from backoffice.services.permissions import Actor, Permission, allows, current_role


class FieldGroup(enum.StrEnum):
    BANK = "bank"
    BILLING = "billing"
    HEALTH = "health"
    PORTAL_ACCOUNT = "portal_account"


# The permission that shows each group.
NEEDED: dict[FieldGroup, Permission] = {
    FieldGroup.BANK: Permission.BILLING_VIEW,
    FieldGroup.BILLING: Permission.BILLING_VIEW,
    FieldGroup.HEALTH: Permission.APPOINTMENTS_VIEW,
    FieldGroup.PORTAL_ACCOUNT: Permission.ACCOUNTS_VIEW,
}

# Fields by the name they have in records, audit events and portal changes.
FIELDS: dict[str, FieldGroup] = {
    "iban": FieldGroup.BANK,
    "bic": FieldGroup.BANK,
    "rum": FieldGroup.BANK,
    "mandate": FieldGroup.BANK,
    "billing_name": FieldGroup.BILLING,
    "billing_address_line1": FieldGroup.BILLING,
    "billing_address_line2": FieldGroup.BILLING,
    "billing_postcode": FieldGroup.BILLING,
    "billing_city": FieldGroup.BILLING,
    "billing_email": FieldGroup.BILLING,
    "birth_date": FieldGroup.HEALTH,
    "risk_factors": FieldGroup.HEALTH,
    "risks": FieldGroup.HEALTH,
    "risk_labels": FieldGroup.HEALTH,
    "last_visit_on": FieldGroup.HEALTH,
    "recovery_email": FieldGroup.PORTAL_ACCOUNT,
}

# Never returned by a read service, to anyone.
SECRETS = frozenset({"password_hash", "temporary_password"})

# A portal change whose every field belongs to a group (the SEPA opt-in's e-mail too).
CHANGE_KINDS: dict[ChangeKind, FieldGroup] = {ChangeKind.SEPA_OPT_IN: FieldGroup.BANK}

# What an e-mail's text tells, by its kind.
MAIL_KINDS: dict[MailKind, FieldGroup] = {
    MailKind.PRENOTIFICATION: FieldGroup.BANK,
    MailKind.INVOICE: FieldGroup.BILLING,
    MailKind.REMINDER: FieldGroup.BILLING,
    MailKind.CONVOCATION: FieldGroup.HEALTH,
    MailKind.APPOINTMENT_CONFIRMED: FieldGroup.HEALTH,
    MailKind.APPOINTMENT_REFUSED: FieldGroup.HEALTH,
}

# The portal changes about employees (their answers' e-mails tell their values).
EMPLOYEE_CHANGES = frozenset(
    {ChangeKind.EMPLOYEE_ADDED, ChangeKind.EMPLOYEE_UPDATED, ChangeKind.EMPLOYEE_EXITED}
)


def group_of_field(name: str, kind: ChangeKind | None = None) -> FieldGroup | None:
    """The group of a field (of a portal change of ``kind``), None for anyone's."""
    if kind is not None and kind in CHANGE_KINDS:
        return CHANGE_KINDS[kind]
    return FIELDS.get(name)


def group_of_change(kind: ChangeKind) -> FieldGroup | None:
    """What a portal change as a whole tells (its decision's e-mail lists its values)."""
    if kind in EMPLOYEE_CHANGES:
        return FieldGroup.HEALTH
    return CHANGE_KINDS.get(kind)


@dataclass(frozen=True)
class Visibility:
    """What one role may see."""

    role: Role

    def sees(self, group: FieldGroup | None) -> bool:
        return group is None or allows(self.role, NEEDED[group])

    @property
    def hidden(self) -> frozenset[FieldGroup]:
        return frozenset(group for group in FieldGroup if not self.sees(group))

    def sees_field(self, name: str) -> bool:
        return name not in SECRETS and self.sees(FIELDS.get(name))

    def sees_change_field(self, kind: ChangeKind, name: str) -> bool:
        return name not in SECRETS and self.sees(group_of_field(name, kind))

    def sees_change(self, kind: ChangeKind) -> bool:
        """Whether the role may know that such a change was asked at all (a SEPA opt-in
        tells of the member's bank account)."""
        return self.sees(CHANGE_KINDS.get(kind))

    def sees_mail(self, kind: MailKind) -> bool:
        return self.sees(MAIL_KINDS.get(kind))

    def strip(self, values: Mapping[str, object] | None) -> dict[str, object] | None:
        """``values`` without the fields the role may not see (nested mappings too)."""
        if values is None:
            return None
        return {
            name: self.strip(value) if isinstance(value, Mapping) else value  # type: ignore[arg-type]
            for name, value in values.items()
            if self.sees_field(name)
        }


def of(session: Session, actor: Actor) -> Visibility:
    """What ``actor`` may see, by their role as the database holds it now."""
    return Visibility(current_role(session, actor))


def for_role(role: Role) -> Visibility:
    """What ``role`` may see (the views ask it to leave out what the data will not hold)."""
    return Visibility(role)
