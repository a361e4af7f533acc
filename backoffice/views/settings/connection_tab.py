"""This workstation's database: embedded SQLite file or PostgreSQL server (the password in
the system keyring), tested before it is used at the next start."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget
from sqlalchemy.engine import URL, make_url

from backoffice import config
from backoffice.db import Database, DatabaseProblem, translate_error
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.errors import ValidationFailed
from backoffice.views.settings.tab import SettingsTab
from backoffice.views.widgets.dialogs import note
from backoffice.views.widgets.layouts import Row, add_rows
from backoffice.views.widgets.operations import write


def check_connection(url: str, password: str = "") -> str:
    """Connect (with ``password`` when one was typed: it is kept only when the settings are
    saved), and say whether the schema is up to date (runs in the background)."""
    if password:
        url = make_url(url).set(password=password).render_as_string(hide_password=False)
    try:
        database = Database(url, create=False)
    except DatabaseProblem as problem:
        return problem.message
    try:
        database.check_schema()
        return tr("Connection works and the database is up to date.")
    except DatabaseProblem as problem:
        return problem.message
    except Exception as error:
        return translate_error(error, url).message
    finally:
        database.dispose()


class ConnectionTab(SettingsTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        form = self.form
        form.addRow(tr("Current"), QLabel(context.database.description()))
        self.backend = QComboBox()
        self.backend.addItem(tr("Embedded SQLite file"), "sqlite")
        self.backend.addItem("PostgreSQL", "postgresql")
        self.sqlite_path = QLineEdit(str(config.data_dir() / "backoffice.sqlite3"))
        self.host = QLineEdit("127.0.0.1")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database_name = QLineEdit("backoffice")
        self.user = QLineEdit("backoffice")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("kept in the system keyring"))
        self.fields["password"] = self.password
        url = context.database.url
        if url.get_backend_name() == "postgresql":
            self.backend.setCurrentIndex(1)
            self.host.setText(url.host or "")
            self.port.setValue(url.port or 5432)
            self.database_name.setText(url.database or "")
            self.user.setText(url.username or "")
        else:
            self.sqlite_path.setText(url.database or "")
        rows: tuple[Row, ...] = (
            (tr("Kind"), self.backend),
            (tr("SQLite file"), self.sqlite_path),
            (tr("Server"), self.host),
            (tr("Port"), self.port),
            (tr("Database"), self.database_name),
            (tr("User"), self.user),
            (tr("Password"), self.password),
        )
        add_rows(form, rows)
        test = QPushButton(tr("Test the connection"))
        test.clicked.connect(self.test_connection)
        self.test_result = note()
        form.addRow(test, self.test_result)
        form.addRow("", QLabel(tr("A new connection is used at the next start.")))
        self.layout_.addStretch()

    def connection_url(self) -> str:
        if self.backend.currentData() == "sqlite":
            return f"sqlite:///{self.sqlite_path.text().strip()}"
        return URL.create(
            "postgresql+psycopg",
            username=self.user.text().strip(),
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database_name.text().strip(),
        ).render_as_string(hide_password=False)

    def test_connection(self) -> None:
        url = self.connection_url()
        password = self.password.text() if self.backend.currentData() == "postgresql" else ""
        self.test_result.setText(tr("Testing…"))
        write(
            self,
            lambda _session: check_connection(url, password),
            tr("Testing the connection…"),
            writes=False,
        ).success(self.test_result.setText).run()

    def save_locally(self) -> None:
        """The password first: without a usable keyring to keep it, the connection is not
        changed and the dialog stays open with what was typed."""
        url = self.connection_url()
        if url == self.context.database.url_text:
            return
        if self.password.text() and self.backend.currentData() == "postgresql":
            try:
                config.store_password(url, self.password.text())
            except config.KeyringUnavailable:
                raise ValidationFailed.single(
                    "password",
                    tr(
                        "Password: this workstation has no usable system keyring to keep it, "
                        "so the connection was not changed. Install or unlock a keyring, or "
                        "start with --database and the password in the PGPASSWORD variable."
                    ),
                ) from None
        config.LocalConfig(database_url=url).save()
