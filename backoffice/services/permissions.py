"""Who may do what: the one permission matrix of the application.

Every service calls :func:`require` before acting, whatever the interface shows; the
views ask :func:`allows` to hide or disable what the role cannot do.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from backoffice.i18n import tr
from backoffice.models.staff import Role
from backoffice.services.errors import PermissionDenied


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
    # The nightly jobs: apply the approved changes due, print the day's convocations.
    Role.SYSTEM: frozenset({P.CHANGES_APPLY, P.CONVOCATIONS_PRINT}),
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


def require(actor: Actor, permission: Permission) -> None:
    if not allows(actor.role, permission):
        raise PermissionDenied(
            tr(
                "Your role ({role}) does not allow you to {action}.",
                role=role_label(actor.role),
                action=permission_label(permission),
            )
        )
