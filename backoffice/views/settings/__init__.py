"""The settings dialog's tabs, in the order staff read them.

A tab is a :class:`~backoffice.views.settings.tab.SettingsTab` subclass in a module of its
own, imported when the dialog opens. ``permission`` is what changing it needs (the tab is
read-only without it); None marks this workstation's own settings, which anyone changes.
An area adds its settings by writing a tab module and adding one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from backoffice.i18n import tr
from backoffice.services.permissions import Permission


@dataclass(frozen=True)
class TabSpec:
    key: str
    title: Callable[[], str]
    permission: Permission | None
    target: str  # "module:Class"

    def load(self) -> type:
        module_name, class_name = self.target.split(":")
        return getattr(importlib.import_module(module_name), class_name)


def _here(module: str, name: str) -> str:
    return f"backoffice.views.settings.{module}:{name}"


SETTINGS_TABS: list[TabSpec] = [
    TabSpec("database", lambda: tr("Database"), None, _here("connection_tab", "ConnectionTab")),
    TabSpec("language", lambda: tr("Language"), None, _here("language_tab", "LanguageTab")),
    TabSpec(
        "identity",
        lambda: tr("Service identity"),
        Permission.SETTINGS_MANAGE,
        _here("identity_tab", "IdentityTab"),
    ),
    TabSpec(
        "members",
        lambda: tr("Members"),
        Permission.SETTINGS_MANAGE,
        _here("members_tab", "MembersTab"),
    ),
    TabSpec(
        "closure",
        lambda: tr("Annual declaration"),
        Permission.DECLARATIONS_EDIT,
        _here("closure_tab", "ClosureTab"),
    ),
    TabSpec(
        "billing",
        lambda: tr("Billing"),
        Permission.SETTINGS_MANAGE,
        _here("billing_tab", "BillingTab"),
    ),
    TabSpec(
        "sepa",
        lambda: tr("Direct debits"),
        Permission.SETTINGS_MANAGE,
        _here("sepa_tab", "SepaTab"),
    ),
    TabSpec(
        "mail",
        lambda: tr("E-mails"),
        Permission.SETTINGS_MANAGE,
        _here("mail_tab", "MailTab"),
    ),
    TabSpec(
        "mail_templates",
        lambda: tr("E-mail templates"),
        Permission.SETTINGS_MANAGE,
        _here("mail_templates_tab", "MailTemplatesTab"),
    ),
    TabSpec(
        "accounting",
        lambda: tr("Chart of accounts"),
        Permission.SETTINGS_MANAGE,
        "backoffice.views.accounting.settings_tab:ChartOfAccountsTab",
    ),
    TabSpec(
        "portal",
        lambda: tr("Portal changes"),
        Permission.SETTINGS_MANAGE,
        _here("portal_tab", "PortalTab"),
    ),
    TabSpec(
        "appointments",
        lambda: tr("Appointments"),
        Permission.SETTINGS_MANAGE,
        _here("appointments_tab", "AppointmentsTab"),
    ),
]
