"""The sections of the main window, in the order staff think of them.

A page is a ``Page`` subclass, imported when first shown (start-up stays fast). Its
``permission`` decides whether the role sees it at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QStyle

from backoffice.i18n import tr
from backoffice.services.permissions import Permission

Icon = QStyle.StandardPixmap


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: Callable[[], str]
    icon: QStyle.StandardPixmap
    permission: Permission | None
    target: str  # "module:Class"
    also: tuple[str, ...] = ()  # other sections' views the page shows (for the F1 list)

    def load(self) -> type:
        module_name, class_name = self.target.split(":")
        return getattr(importlib.import_module(module_name), class_name)


PAGES: list[PageSpec] = [
    PageSpec(
        "dashboard",
        lambda: tr("Dashboard"),
        Icon.SP_ComputerIcon,
        None,
        "backoffice.views.pages.dashboard:DashboardPage",
    ),
    PageSpec(
        "members",
        lambda: tr("Members"),
        Icon.SP_DirHomeIcon,
        Permission.MEMBERS_VIEW,
        "backoffice.views.members.page:MembersPage",
    ),
    PageSpec(
        "changes",
        lambda: tr("Changes to review"),
        Icon.SP_FileDialogContentsView,
        Permission.CHANGES_VIEW,
        "backoffice.views.changes.page:ChangesPage",
    ),
    PageSpec(
        "billing",
        lambda: tr("Billing"),
        Icon.SP_DialogSaveButton,
        Permission.BILLING_VIEW,
        "backoffice.views.billing.page:BillingPage",
        ("backoffice.views.sepa", "backoffice.views.bank"),
    ),
    PageSpec(
        "accounting",
        lambda: tr("Accounting"),
        Icon.SP_FileIcon,
        Permission.ACCOUNTING_VIEW,
        "backoffice.views.accounting.page:AccountingPage",
    ),
    PageSpec(
        "appointments",
        lambda: tr("Appointments"),
        Icon.SP_FileDialogListView,
        Permission.APPOINTMENTS_VIEW,
        "backoffice.views.appointments.page:AppointmentsPage",
    ),
    PageSpec(
        "accounts",
        lambda: tr("Portal accounts"),
        Icon.SP_DriveNetIcon,
        Permission.ACCOUNTS_VIEW,
        "backoffice.views.accounts.page:AccountsPage",
    ),
    PageSpec(
        "documents",
        lambda: tr("Documents"),
        Icon.SP_FileDialogDetailedView,
        Permission.DOCUMENTS_VIEW,
        "backoffice.views.documents.page:DocumentsPage",
    ),
    PageSpec(
        "mail",
        lambda: tr("Outbox"),
        Icon.SP_ArrowForward,
        Permission.MAIL_VIEW,
        "backoffice.views.mail.page:OutboxPage",
    ),
    PageSpec(
        "administration",
        lambda: tr("Administration"),
        Icon.SP_FileDialogInfoView,
        Permission.STAFF_MANAGE,
        "backoffice.views.pages.administration:AdministrationPage",
    ),
]
