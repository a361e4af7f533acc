"""Logging in, creating the first administrator, and changing one's own password.

"Remember me" keeps the password in the system keyring (never in a settings file); only
the login and the choice are kept in the workstation's settings.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from backoffice import staff_keyring
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services import staff
from backoffice.services.errors import ServiceError
from backoffice.services.permissions import Actor
from backoffice.views.widgets.operation_dialog import FormDialog
from backoffice.views.widgets.operations import write

KEYRING_SERVICE = staff_keyring.KEYRING_SERVICE


def remembered_password(context: AppContext, login: str) -> str | None:
    return staff_keyring.remembered_password(context.database.description(), login)


def remember_password(context: AppContext, login: str, password: str | None) -> bool:
    return staff_keyring.remember_password(context.database.description(), login, password)


class _FormDialog(FormDialog):
    """A small form with an error line and OK / Cancel; subclasses define ``submit``."""

    def __init__(self, context: AppContext, parent: QWidget | None, title: str) -> None:
        super().__init__(parent, title, width=380)
        self.context = context
        self.error = self.errors

    def password_field(self) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)

    def refuse(self, error: BaseException) -> bool:
        """Show a service's refusal in the form (the typed values stay); others go on."""
        self.busy(False)
        if isinstance(error, ServiceError):
            self.error.setText(error.message)
            return False
        return True


class LoginDialog(_FormDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent, tr("Log in"))
        self.actor: Actor | None = None
        self.must_change_password = False
        self.add_intro(tr("Back-office — {database}", database=context.database.description()))
        self.login = QLineEdit()
        self.password = self.password_field()
        self.remember = QCheckBox(tr("Remember me on this workstation"))
        self.form.addRow(tr("Login"), self.login)
        self.form.addRow(tr("Password"), self.password)
        self.form.addRow("", self.remember)
        self.set_action(tr("Log in"))
        settings = QSettings()
        last = str(settings.value("login/last", "") or "")
        self.login.setText(last)
        if last and settings.value("login/remember", False, type=bool):
            self.remember.setChecked(True)
            self.password.setText(remembered_password(context, last) or "")
        (self.password if last else self.login).setFocus()

    def submit(self) -> None:
        login, password = self.login.text().strip(), self.password.text()
        if not login or not password:
            self.error.setText(tr("Type your login and your password."))
            return
        self.busy(True)
        self.error.setText(tr("Checking…"))
        write(
            self,
            lambda session: staff.authenticate(session, login, password),
            tr("Checking your password…"),
        ).success(lambda result: self._answered(result, login, password)).failure(self.refuse).run()

    def _answered(self, result: staff.LoginResult, login: str, password: str) -> None:
        self.busy(False)
        if result.actor is None:
            self.error.setText(result.message)
            self.password.selectAll()
            self.password.setFocus()
            return
        settings = QSettings()
        settings.setValue("login/last", login)
        settings.setValue("login/remember", self.remember.isChecked())
        remember_password(self.context, login, password if self.remember.isChecked() else None)
        self.actor = result.actor
        self.must_change_password = result.must_change_password
        self.accept()


class FirstAdministratorDialog(_FormDialog):
    """First start on an empty database: create the first administrator."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent, tr("Create the first administrator"))
        self.actor: Actor | None = None
        self.add_intro(
            tr(
                "This database has no staff account yet. Create the administrator "
                "account; other accounts are then created in Administration."
            )
        )
        self.full_name = QLineEdit()
        self.login = QLineEdit()
        self.password = self.password_field()
        self.confirmation = self.password_field()
        self.form.addRow(tr("Full name"), self.full_name)
        self.form.addRow(tr("Login"), self.login)
        self.form.addRow(tr("Password"), self.password)
        self.form.addRow(tr("Password again"), self.confirmation)

    def submit(self) -> None:
        if self.password.text() != self.confirmation.text():
            self.error.setText(tr("The two passwords differ."))
            return
        login, name, password = self.login.text(), self.full_name.text(), self.password.text()
        self.busy(True)
        write(
            self,
            lambda session: staff.create_first_administrator(session, login, name, password),
            tr("Creating the administrator…"),
        ).success(self._created).failure(self.refuse).run()

    def _created(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()


class ChangePasswordDialog(_FormDialog):
    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, forced: bool = False
    ) -> None:
        super().__init__(context, parent, tr("Change my password"))
        if forced:
            self.add_intro(
                tr("Your password was set by an administrator: choose your own before going on.")
            )
        self.current = self.password_field()
        self.new = self.password_field()
        self.confirmation = self.password_field()
        self.form.addRow(tr("Current password"), self.current)
        self.form.addRow(tr("New password"), self.new)
        self.form.addRow(tr("New password again"), self.confirmation)
        self.form.addRow(
            "", QLabel(tr("At least {count} characters.", count=staff.MIN_PASSWORD_LENGTH))
        )

    def submit(self) -> None:
        if self.new.text() != self.confirmation.text():
            self.error.setText(tr("The two new passwords differ."))
            return
        actor, current, new = self.context.actor, self.current.text(), self.new.text()
        self.busy(True)
        write(
            self,
            lambda session: staff.change_own_password(session, actor, current, new),
            tr("Changing your password…"),
        ).success(lambda _none: self._changed(new)).failure(self.refuse).run()

    def _changed(self, password: str) -> None:
        login = self.context.actor.login
        if QSettings().value("login/remember", False, type=bool):
            remember_password(self.context, login, password)
        self.accept()
