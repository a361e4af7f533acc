"""Correct the recovery email of an account, when the member lost that mailbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.accounts import recovery
from backoffice.services.accounts.queries import AccountRow
from backoffice.views.widgets.operation_dialog import OperationDialog


class RecoveryEmailDialog(OperationDialog):
    def __init__(self, context: AppContext, parent: QWidget | None, account: AccountRow) -> None:
        super().__init__(context, parent, tr("Recovery email of {login}", login=account.login))
        self.account = account
        self.email = QLineEdit(account.recovery_email or "")
        self.fields["recovery_email"] = self.email
        self.form.addRow(tr("Recovery email"), self.email)
        self.set_action(tr("Save"))

    def work(self) -> Callable[[Session], Any] | None:
        actor, account, email = self.context.actor, self.account, self.email.text()
        return lambda session: recovery.set_recovery_email(
            session, actor, account.id, email, expected_version=account.version
        )
