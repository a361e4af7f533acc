"""Who may do what: the one permission matrix of the application.

Every service calls :func:`require` before acting, whatever the interface shows; the
views ask :func:`allows` to hide or disable what the role cannot do.

:func:`require` does not trust the :class:`Actor` built at login: it re-reads the staff
member's row (by primary key) in the service's transaction, once per transaction, and
refuses with :class:`StaffRightsChanged` when the account was disabled or its role
changed since. An actor with no staff row (``staff_id`` 0: the program itself, reading
for the command line) has the read-only role's rights, whatever role it names.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models.staff import Role, StaffUser
from backoffice.services.errors import PermissionDenied, StaffRightsChanged


class Permission(enum.StrEnum):
    MEMBERS_VIEW = "members.view"
    MEMBERS_EDIT = "members.edit"
    CHANGES_VIEW = "changes.view"
    CHANGES_REVIEW = "changes.review"
    CHANGES_APPLY = "changes.apply"
    DECLARATIONS_EDIT = "declarations.edit"
    BILLING_VIEW = "billing.view"
    BILLING_TARIFFS = "billing.tariffs"
    BILLING_ISSUE = "billing.issue"
    PAYMENTS_RECORD = "payments.record"
    SEPA_MANAGE = "sepa.manage"
    ACCOUNTING_VIEW = "accounting.view"
    ACCOUNTING_MANAGE = "accounting.manage"
    APPOINTMENTS_VIEW = "appointments.view"
    APPOINTMENTS_MANAGE = "appointments.manage"
    CONVOCATIONS_PRINT = "convocations.print"
    CARE_NETWORK_MANAGE = "care_network.manage"
    ACCOUNTS_VIEW = "accounts.view"
    ACCOUNTS_MANAGE = "accounts.manage"
    DOCUMENTS_VIEW = "documents.view"
    DOCUMENTS_MANAGE = "documents.manage"
    STAFF_MANAGE = "staff.manage"
    SETTINGS_MANAGE = "settings.manage"
    AUDIT_VIEW = "audit.view"
    MAIL_VIEW = "mail.view"
    MAIL_SEND = "mail.send"


P = Permission

_VIEWING = frozenset(
    {
        P.MEMBERS_VIEW,
        P.CHANGES_VIEW,
        P.BILLING_VIEW,
        P.ACCOUNTING_VIEW,
        P.APPOINTMENTS_VIEW,
        P.ACCOUNTS_VIEW,
        P.DOCUMENTS_VIEW,
        P.AUDIT_VIEW,
        P.MAIL_VIEW,
    }
)

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATIVE: frozenset(
        {
            P.MEMBERS_VIEW,
            P.MEMBERS_EDIT,
            P.CHANGES_VIEW,
            P.CHANGES_REVIEW,
            P.CHANGES_APPLY,
            P.DECLARATIONS_EDIT,
            P.BILLING_VIEW,
            P.APPOINTMENTS_VIEW,
            P.ACCOUNTS_VIEW,
            P.ACCOUNTS_MANAGE,
            P.DOCUMENTS_VIEW,
            P.AUDIT_VIEW,
            P.MAIL_VIEW,
            P.MAIL_SEND,
        }
    ),
    Role.BILLING: frozenset(
        {
            P.MEMBERS_VIEW,
            P.CHANGES_VIEW,
            P.DECLARATIONS_EDIT,
            P.BILLING_VIEW,
            P.BILLING_TARIFFS,
            P.BILLING_ISSUE,
            P.PAYMENTS_RECORD,
            P.SEPA_MANAGE,
            P.ACCOUNTING_VIEW,
            P.ACCOUNTING_MANAGE,
            P.DOCUMENTS_VIEW,
            P.AUDIT_VIEW,
            P.MAIL_VIEW,
            P.MAIL_SEND,
        }
    ),
    # Medical assistants never see billing.
    Role.MEDICAL_ASSISTANT: frozenset(
        {
            P.MEMBERS_VIEW,
            P.APPOINTMENTS_VIEW,
            P.APPOINTMENTS_MANAGE,
            P.CONVOCATIONS_PRINT,
            P.DOCUMENTS_VIEW,
        }
    ),
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.READ_ONLY: _VIEWING,
    # The nightly jobs: apply the approved changes due, print the day's convocations; the
    # scheduled job sends the outbox.
    Role.SYSTEM: frozenset({P.CHANGES_APPLY, P.CONVOCATIONS_PRINT, P.MAIL_SEND}),
}


def role_label(role: Role) -> str:
    return {
        Role.ADMINISTRATIVE: tr("Administrative staff"),
        Role.BILLING: tr("Billing"),
        Role.MEDICAL_ASSISTANT: tr("Medical assistant"),
        Role.ADMINISTRATOR: tr("Administrator"),
        Role.READ_ONLY: tr("Read-only"),
        Role.SYSTEM: tr("System (nightly jobs)"),
    }[role]


def permission_label(permission: Permission) -> str:
    return {
        P.MEMBERS_VIEW: tr("view the members"),
        P.MEMBERS_EDIT: tr("edit the members and their employees"),
        P.CHANGES_VIEW: tr("view the changes submitted on the portal"),
        P.CHANGES_REVIEW: tr("approve or reject the changes submitted on the portal"),
        P.CHANGES_APPLY: tr("apply the approved changes whose date has come"),
        P.DECLARATIONS_EDIT: tr("enter workforce declarations"),
        P.BILLING_VIEW: tr("view invoices and payments"),
        P.BILLING_TARIFFS: tr("manage the tariffs"),
        P.BILLING_ISSUE: tr("issue invoices and credit notes"),
        P.PAYMENTS_RECORD: tr("record payments and send reminders"),
        P.SEPA_MANAGE: tr("manage direct debits"),
        P.ACCOUNTING_VIEW: tr("view the books and export them"),
        P.ACCOUNTING_MANAGE: tr("close accounting periods and write off debts"),
        P.APPOINTMENTS_VIEW: tr("view the appointments"),
        P.APPOINTMENTS_MANAGE: tr("book and manage appointments"),
        P.CONVOCATIONS_PRINT: tr("print the convocations"),
        P.CARE_NETWORK_MANAGE: tr("manage the visit centres and professionals"),
        P.ACCOUNTS_VIEW: tr("view the portal accounts"),
        P.ACCOUNTS_MANAGE: tr("unblock and reset portal accounts"),
        P.DOCUMENTS_VIEW: tr("view the document library"),
        P.DOCUMENTS_MANAGE: tr("publish documents"),
        P.STAFF_MANAGE: tr("manage the staff accounts"),
        P.SETTINGS_MANAGE: tr("change the settings"),
        P.AUDIT_VIEW: tr("view the history"),
        P.MAIL_VIEW: tr("view the outbox"),
        P.MAIL_SEND: tr("manage the outbox (send, cancel, retry)"),
    }[permission]


@dataclass(frozen=True)
class Actor:
    """The staff member on whose behalf a service acts."""

    staff_id: int
    login: str
    full_name: str
    role: Role

    @property
    def audit_label(self) -> str:
        # The nightly jobs' account is "system" in the history, as it always was.
        return "system" if self.role == Role.SYSTEM else f"staff:{self.login}"


def allows(role: Role, permission: Permission) -> bool:
    return permission in MATRIX[role]


def require(session: Session, actor: Actor, permission: Permission) -> None:
    """Refuse unless the staff member, as the database holds them now, may do it."""
    check(current_role(session, actor), permission)


def check(role: Role, permission: Permission) -> None:
    """Refuse unless ``role`` allows ``permission`` (the matrix alone)."""
    if not allows(role, permission):
        raise PermissionDenied(
            tr(
                "Your role ({role}) does not allow you to {action}.",
                role=role_label(role),
                action=permission_label(permission),
            )
        )


PROCESS_STAFF_ID = 0  # an actor that is the program itself, not a staff member
_CHECKED = "staff_rights_checked"


def current_role(session: Session, actor: Actor) -> Role:
    """The actor's role, after checking in this transaction that their account is still
    active with the role they logged in with (one read by primary key per transaction)."""
    if actor.staff_id == PROCESS_STAFF_ID:
        return Role.READ_ONLY
    checked: dict[int, tuple[object, Role]] = session.info.setdefault(_CHECKED, {})
    known = checked.get(actor.staff_id)
    transaction = session.get_transaction()
    if known is not None and transaction is not None and known[0] is transaction:
        return known[1]
    row = session.execute(
        select(StaffUser.is_active, StaffUser.role).where(StaffUser.id == actor.staff_id)
    ).one_or_none()
    if row is None or not row.is_active:
        raise StaffRightsChanged(
            tr(
                "Your staff account ({login}) was disabled since you logged in: nothing was done.",
                login=actor.login,
            ),
            actor.staff_id,
        )
    if row.role != actor.role:
        raise StaffRightsChanged(
            tr(
                "Your role changed since you logged in (now: {role}): nothing was done; "
                "log in again.",
                role=role_label(row.role),
            ),
            actor.staff_id,
        )
    checked[actor.staff_id] = (session.get_transaction(), row.role)
    return row.role
