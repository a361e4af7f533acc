"""Administration: staff accounts and roles (administrators), and the settings."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.models.staff import Role
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation, run_query
from backoffice.services import staff as staff_service
from backoffice.services.permissions import role_label
from backoffice.services.staff import StaffRow
from backoffice.views import formatting
from backoffice.views.pages.base import Page
from backoffice.views.widgets.dialogs import confirm, inform, ok_cancel
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable


def role_combo(selected: Role | None = None) -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(role_label(role), role)
    if selected is not None:
        combo.setCurrentIndex(combo.findData(selected))
    return combo


class StaffDialog(QDialog):
    """Create a staff account, or change its name, email and role."""

    def __init__(self, parent: QWidget | None, row: StaffRow | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("New staff account") if row is None else tr("Staff account"))
        form = QFormLayout(self)
        self.login = QLineEdit(row.login if row else "")
        self.login.setReadOnly(row is not None)
        self.full_name = QLineEdit(row.full_name if row else "")
        self.email = QLineEdit((row.email or "") if row else "")
        self.role = role_combo(row.role if row else Role.ADMINISTRATIVE)
        form.addRow(tr("Login"), self.login)
        form.addRow(tr("Full name"), self.full_name)
        form.addRow(tr("Email"), self.email)
        form.addRow(tr("Role"), self.role)
        form.addRow(ok_cancel(self))


class AdministrationPage(Page):
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
        self.table.set_rows_model(self.model)
        self.table.activated_row.connect(lambda _row: self.edit())
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        for text, handler in (
            (tr("New account…"), self.create),
            (tr("Edit…"), self.edit),
            (tr("Unlock"), self.unlock),
            (tr("Reset the password…"), self.reset_password),
            (tr("Disable / enable…"), self.toggle_active),
        ):
            button = QPushButton(text)
            button.clicked.connect(handler)
            buttons.addWidget(button)
        buttons.addStretch()
        settings = QPushButton(tr("Settings…"))
        settings.clicked.connect(self.open_settings)
        buttons.addWidget(settings)
        layout.addLayout(buttons)

    def activated(self) -> None:
        actor = self.context.actor
        run_query(
            self.context, self, lambda s: staff_service.list_staff(s, actor), self.model.set_rows
        )

    def selected(self) -> StaffRow | None:
        row = self.table.current_source_row()
        return self.model.row_at(row) if row is not None else None

    def _run(self, work: object, done: object, label: str | None = None) -> None:
        Operation(self.context, self, work, label=label).success(done).run()  # type: ignore[arg-type]

    def create(self) -> None:
        dialog = StaffDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        actor = self.context.actor
        login, name, email = dialog.login.text(), dialog.full_name.text(), dialog.email.text()
        role = dialog.role.currentData()
        self._run(
            lambda s: staff_service.create_staff(s, actor, login, name, role, email or None),
            lambda result: self._show_password(result[0].login, result[1]),
        )

    def edit(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = StaffDialog(self, row)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        actor = self.context.actor
        name, email, role = dialog.full_name.text(), dialog.email.text(), dialog.role.currentData()
        self._run(
            lambda s: staff_service.update_staff(
                s, actor, row.id, row.version, role=role, full_name=name, email=email
            ),
            lambda _row: self.activated(),
        )

    def unlock(self) -> None:
        row = self.selected()
        if row is not None:
            actor = self.context.actor
            self._run(
                lambda s: staff_service.unlock_staff(s, actor, row.id),
                lambda _row: self.activated(),
            )

    def reset_password(self) -> None:
        row = self.selected()
        if row is None or not confirm(
            self,
            tr("Reset the password"),
            tr(
                "Give {name} a new temporary password? The current one stops working.",
                name=row.full_name,
            ),
            tr("Reset"),
        ):
            return
        actor = self.context.actor
        self._run(
            lambda s: staff_service.reset_staff_password(s, actor, row.id),
            lambda password: self._show_password(row.login, password),
        )

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
            lambda _row: self.activated(),
        )

    def _show_password(self, login: str, password: str) -> None:
        self.activated()
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

    def open_settings(self) -> None:
        from backoffice.views.settings.dialog import SettingsDialog

        SettingsDialog(self.context, self).exec()
