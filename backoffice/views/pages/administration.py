"""Administration: staff accounts and roles (administrators), and the settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models.staff import Role
from backoffice.ops.context import AppContext
from backoffice.services import staff as staff_service
from backoffice.services.permissions import role_label
from backoffice.services.staff import StaffRow
from backoffice.views import formatting
from backoffice.views.widgets.actions import Ask, action
from backoffice.views.widgets.dialogs import confirm, inform
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.operation_dialog import OperationDialog
from backoffice.views.widgets.page import Page
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable


def role_combo(selected: Role | None = None) -> QComboBox:
    combo = QComboBox()
    for role in Role:
        if role == Role.SYSTEM:  # the nightly jobs' account only
            continue
        combo.addItem(role_label(role), role)
    if selected is not None:
        combo.setCurrentIndex(combo.findData(selected))
    return combo


class StaffDialog(OperationDialog):
    """Create a staff account (``result``: the account and its temporary password), or
    change its name, email and role (``result``: the account). A refusal (a login taken,
    an email that is not one) is said here, what was typed staying."""

    def __init__(
        self, context: AppContext, parent: QWidget | None, row: StaffRow | None = None
    ) -> None:
        super().__init__(
            context, parent, tr("New staff account") if row is None else tr("Staff account")
        )
        self.row = row
        self.login = QLineEdit(row.login if row else "")
        self.login.setReadOnly(row is not None)
        self.full_name = QLineEdit(row.full_name if row else "")
        self.email = QLineEdit((row.email or "") if row else "")
        self.role = role_combo(row.role if row else Role.ADMINISTRATIVE)
        self.form.addRow(tr("Login"), self.login)
        self.form.addRow(tr("Full name"), self.full_name)
        self.form.addRow(tr("Email"), self.email)
        self.form.addRow(tr("Role"), self.role)
        self.fields.update({"login": self.login, "full_name": self.full_name, "email": self.email})

    def work(self) -> Callable[[Session], Any] | None:
        actor, row = self.context.actor, self.row
        login, name, email = self.login.text(), self.full_name.text(), self.email.text()
        role = self.role.currentData()
        if row is None:
            return lambda s: staff_service.create_staff(s, actor, login, name, role, email or None)
        return lambda s: staff_service.update_staff(
            s, actor, row.id, row.version, role=role, full_name=name, email=email
        )


class AdministrationPage(Page):
    TABLES = ("staff_users",)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        title = QLabel(tr("Staff accounts"))
        title.setStyleSheet("font-size: 16px; font-weight: 600;")
        layout.addWidget(title)
        self.model: RowsModel[StaffRow] = RowsModel(
            [
                Column(tr("Login"), lambda r: r.login),
                Column(tr("Full name"), lambda r: r.full_name),
                Column(tr("Role"), lambda r: role_label(r.role)),
                Column(tr("Active"), lambda r: formatting.yes_no(r.is_active)),
                Column(tr("Locked"), lambda r: tr("Locked") if r.locked else ""),
                Column(
                    tr("Failed attempts"),
                    lambda r: str(r.failed_login_count),
                    lambda r: r.failed_login_count,
                    align_right=True,
                ),
                Column(
                    tr("Last login"),
                    lambda r: formatting.moment(r.last_login_at),
                    lambda r: r.last_login_at or "",
                ),
            ],
            key=lambda row: row.id,
        )
        self.table = DataTable("staff")
        show_rows(self.table, self.model)
        self.table.activated_row.connect(lambda _row: self.actions.run("edit"))
        layout.addWidget(self.table)
        names = ("create", "edit", "unlock", "reset_password", "toggle_active")
        # the settings on the right
        layout.addLayout(self.actions.tool_bar(*names, end=self.actions.button("open_settings")))
        self.actions.list_menu(self.table, *names[1:])

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda s: staff_service.list_staff(s, actor), self.model.set_rows)

    def selected(self) -> StaffRow | None:
        return self.table.current_of(self.model)

    def _run(self, work: Any, label: str, done: Callable[[Any], None] | None = None) -> None:
        operation = self.write(work, label)
        if done is not None:
            operation.success(done)
        operation.run()

    @action(lambda: tr("New account…"), shortcut="Ctrl+N")
    def create(self) -> None:
        """A staff account with a temporary password, shown once."""
        dialog = StaffDialog(self.context, self)
        if dialog.exec() and dialog.result is not None:
            account, password = dialog.result
            self._show_password(account.login, password)

    @action(lambda: tr("Edit…"))
    def edit(self) -> None:
        """The name, email and role of the selected account."""
        row = self.selected()
        if row is not None:
            StaffDialog(self.context, self, row).exec()

    @action(lambda: tr("Unlock"))
    def unlock(self) -> None:
        row = self.selected()
        if row is not None:
            actor = self.context.actor
            self._run(lambda s: staff_service.unlock_staff(s, actor, row.id), tr("Saving…"))

    @action(
        lambda: tr("Reset the password…"),
        ask=Ask(
            lambda row: tr(
                "Give {name} a new temporary password? The current one stops working.",
                name=row.full_name,
            ),
            title=lambda: tr("Reset the password"),
            go=lambda: tr("Reset"),
        ),
    )
    def reset_password(self, row: StaffRow) -> None:
        actor = self.context.actor
        self._run(
            lambda s: staff_service.reset_staff_password(s, actor, row.id),
            tr("Saving…"),
            lambda password: self._show_password(row.login, password),
        )

    @action(lambda: tr("Disable / enable…"))
    def toggle_active(self) -> None:
        row = self.selected()
        if row is None:
            return
        question = (
            tr("Disable the account of {name}? They can no longer log in.", name=row.full_name)
            if row.is_active
            else tr("Enable the account of {name} again?", name=row.full_name)
        )
        if not confirm(
            self, tr("Staff account"), question, tr("Disable") if row.is_active else tr("Enable")
        ):
            return
        actor = self.context.actor
        self._run(
            lambda s: staff_service.update_staff(
                s, actor, row.id, row.version, is_active=not row.is_active
            ),
            tr("Saving…"),
        )

    def _show_password(self, login: str, password: str) -> None:
        inform(
            self,
            tr("Temporary password"),
            tr(
                "Temporary password of {login}: {password}\n\nIt is shown only once; they "
                "choose their own at the first login.",
                login=login,
                password=password,
            ),
        )

    @action(lambda: tr("Settings…"))
    def open_settings(self) -> None:
        from backoffice.views.settings.dialog import SettingsDialog

        SettingsDialog(self.context, self).exec()
