"""Settings: this workstation's database connection and language, and the service-wide
defaults (instalment plan, SEPA creditor identity, convocation texts...)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from backoffice import config
from backoffice.db import Database, DatabaseProblem, translate_error
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation, run_query
from backoffice.services import settings as settings_service
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Permission
from backoffice.views.widgets.dialogs import error_label


def creditor_fields() -> list[tuple[str, str]]:
    return [
        ("name", tr("Creditor name")),
        ("creditor_id", tr("Creditor identifier (ICS)")),
        ("iban", tr("Creditor IBAN")),
        ("bic", tr("Creditor BIC")),
        ("street", tr("Street")),
        ("postcode", tr("Postcode")),
        ("town", tr("Town")),
        ("country", tr("Country")),
    ]


def check_connection(url: str) -> str:
    """Connect, and say whether the schema is up to date (runs in the background)."""
    database = Database(url)
    try:
        database.check_schema()
        return tr("Connection works and the database is up to date.")
    except DatabaseProblem as problem:
        return problem.message
    except Exception as error:
        return translate_error(error, url).message
    finally:
        database.dispose()


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Settings"))
        self.resize(640, 560)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._connection_tab(), tr("Database"))
        self.tabs.addTab(self._language_tab(), tr("Language"))
        self.can_manage = context.allows(Permission.SETTINGS_MANAGE)
        self.tabs.addTab(self._defaults_tab(), tr("Service defaults"))
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.values: dict[str, Any] = {}
        run_query(context, self, settings_service.get_all, self._load_defaults)

    # -- connection -----------------------------------------------------------------------

    def _connection_tab(self) -> QWidget:
        widget = QWidget()
        form = QFormLayout(widget)
        form.addRow(tr("Current"), QLabel(self.context.database.description()))
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
        url = self.context.database.url
        if url.get_backend_name() == "postgresql":
            self.backend.setCurrentIndex(1)
            self.host.setText(url.host or "")
            self.port.setValue(url.port or 5432)
            self.database_name.setText(url.database or "")
            self.user.setText(url.username or "")
        else:
            self.sqlite_path.setText(url.database or "")
        for label, field in (
            (tr("Kind"), self.backend),
            (tr("SQLite file"), self.sqlite_path),
            (tr("Server"), self.host),
            (tr("Port"), self.port),
            (tr("Database"), self.database_name),
            (tr("User"), self.user),
            (tr("Password"), self.password),
        ):
            form.addRow(label, field)
        test = QPushButton(tr("Test the connection"))
        test.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        form.addRow(test, self.test_result)
        form.addRow("", QLabel(tr("A new connection is used at the next start.")))
        return widget

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
        password = self.password.text()
        if password and self.backend.currentData() == "postgresql":
            config.store_password(url, password)
        self.test_result.setText(tr("Testing…"))
        Operation(
            self.context,
            self,
            lambda _session: check_connection(url),
            writes=False,
            label=tr("Testing the connection…"),
        ).success(self.test_result.setText).run()

    # -- language -------------------------------------------------------------------------

    def _language_tab(self) -> QWidget:
        widget = QWidget()
        form = QFormLayout(widget)
        self.language = QComboBox()
        self.language.addItem("Français", "fr")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(
            max(0, self.language.findData(QSettings().value("language", "fr")))
        )
        form.addRow(tr("Interface language"), self.language)
        form.addRow("", QLabel(tr("The language changes at the next start.")))
        return widget

    # -- service defaults -----------------------------------------------------------------

    def _defaults_tab(self) -> QWidget:
        widget = QWidget()
        form = QFormLayout(widget)
        self.plan = QLineEdit()
        self.plan.setPlaceholderText("15/03, 15/05, 15/07")
        self.effective_delay = QSpinBox()
        self.effective_delay.setRange(0, 60)
        self.notice_days = QSpinBox()
        self.notice_days.setRange(0, 60)
        self.cancellation_hours = QSpinBox()
        self.cancellation_hours.setRange(0, 24 * 30)
        self.sepa_schema = QComboBox()
        self.sepa_schema.addItems(["pain.008.001.08", "pain.008.001.02"])
        self.creditor = {key: QLineEdit() for key, _label in creditor_fields()}
        self.what_to_bring = QPlainTextEdit()
        self.how_to_cancel = QPlainTextEdit()
        for text in (self.what_to_bring, self.how_to_cancel):
            text.setMaximumHeight(70)
        form.addRow(tr("Instalment plan (day/month)"), self.plan)
        form.addRow(tr("Portal changes take effect after (days)"), self.effective_delay)
        form.addRow(tr("Direct-debit notice (days)"), self.notice_days)
        form.addRow(tr("SEPA file format"), self.sepa_schema)
        for key, label in creditor_fields():
            form.addRow(label, self.creditor[key])
        form.addRow(tr("Late cancellation under (hours)"), self.cancellation_hours)
        form.addRow(tr("Convocation: what to bring"), self.what_to_bring)
        form.addRow(tr("Convocation: how to cancel"), self.how_to_cancel)
        if not self.context.allows(Permission.SETTINGS_MANAGE):
            widget.setEnabled(False)
            form.addRow("", QLabel(tr("Only an administrator can change these values.")))
        return widget

    def _load_defaults(self, values: dict[str, Any]) -> None:
        self.values = values
        plan = values["billing.default_instalment_plan"]
        self.plan.setText(", ".join("/".join(reversed(item.split("-"))) for item in plan))
        self.effective_delay.setValue(int(values["changes.effective_delay_days"]))
        self.notice_days.setValue(int(values["sepa.prenotification_days"]))
        self.cancellation_hours.setValue(int(values["appointments.cancellation_notice_hours"]))
        self.sepa_schema.setCurrentText(str(values["sepa.schema"]))
        for key, line in self.creditor.items():
            line.setText(str(values["sepa.creditor"].get(key, "")))
        texts = values["convocation.texts"]
        self.what_to_bring.setPlainText(texts.get("what_to_bring", ""))
        self.how_to_cancel.setPlainText(texts.get("how_to_cancel", ""))

    def default_values(self) -> dict[str, Any]:
        plan = []
        for item in self.plan.text().replace(";", ",").split(","):
            parts = item.strip().split("/")
            plan.append(
                f"{parts[1].zfill(2)}-{parts[0].zfill(2)}" if len(parts) == 2 else item.strip()
            )
        return {
            "billing.default_instalment_plan": plan,
            "changes.effective_delay_days": self.effective_delay.value(),
            "sepa.prenotification_days": self.notice_days.value(),
            "sepa.schema": self.sepa_schema.currentText(),
            "sepa.creditor": {key: line.text().strip() for key, line in self.creditor.items()},
            "appointments.cancellation_notice_hours": self.cancellation_hours.value(),
            "convocation.texts": {
                "what_to_bring": self.what_to_bring.toPlainText().strip(),
                "how_to_cancel": self.how_to_cancel.toPlainText().strip(),
            },
        }

    # -- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        QSettings().setValue("language", self.language.currentData())
        url = self.connection_url()
        if url != self.context.database.url_text:
            config.LocalConfig(database_url=url).save()
            if self.password.text() and self.backend.currentData() == "postgresql":
                config.store_password(url, self.password.text())
        if not self.can_manage or not self.values:
            self.accept()
            return
        actor, values = self.context.actor, self.default_values()
        Operation(
            self.context,
            self,
            lambda s: settings_service.put_many(s, actor, values),
            label=tr("Saving the settings…"),
        ).success(lambda _keys: self.accept()).failure(self._refused).run()

    def _refused(self, error: BaseException) -> bool:
        if isinstance(error, ValidationFailed):
            self.error.setText(error.message)
            self.tabs.setCurrentIndex(2)
            return False
        return True
