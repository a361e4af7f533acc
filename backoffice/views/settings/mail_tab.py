"""Paramètres › E-mails (administrator): the SMTP server the outbox sends through, its
password (kept in the system keyring, never in the database), and « Envoyer un message de
test » that says in French what went wrong."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.errors import ValidationFailed
from backoffice.services.mail import settings as smtp
from backoffice.services.mail.trial import send_trial
from backoffice.views.settings.tab import SaveWork, SettingsTab
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.operations import write


def security_label(security: smtp.Security) -> str:
    return {
        smtp.Security.STARTTLS: tr("STARTTLS (port 587)"),
        smtp.Security.TLS: tr("TLS from the start (port 465)"),
        smtp.Security.NONE: tr("None (a relay on the local network)"),
    }[security]


class MailTab(SettingsTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.security = QComboBox()
        for security in smtp.Security:
            self.security.addItem(security_label(security), security)
        self.security.currentIndexChanged.connect(self._default_port)
        self.user = QLineEdit()
        self.user.setPlaceholderText(tr("empty: no login"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("unchanged"))
        self.sender_name = QLineEdit()
        self.sender_address = QLineEdit()
        self.reply_to = QLineEdit()
        self.per_minute = QSpinBox()
        self.per_minute.setRange(1, 100_000)
        self.per_minute.setSuffix(tr(" messages a minute"))
        self.add_fields(
            (tr("SMTP server"), self.host, "host"),
            (tr("Port"), self.port, "port"),
            (tr("Security"), self.security, "security"),
            (tr("Login"), self.user, "user"),
            (tr("Password"), self.password, "password"),
            (tr("Sender's name"), self.sender_name, "sender_name"),
            (tr("Sender's address"), self.sender_address, "sender_address"),
            (tr("Reply-to"), self.reply_to, "reply_to"),
            (tr("Limit"), self.per_minute, "per_minute"),
            note=tr(
                "The password is kept in this computer's keyring, never in the database: "
                "type it on each workstation that sends (and for the scheduled job)."
            ),
        )
        self.test_recipient = QLineEdit()
        self.test_recipient.setPlaceholderText(tr("address to send the test to"))
        self.fields["test_recipient"] = self.test_recipient
        self.test_button = QPushButton(tr("Send a test message"))
        self.test_button.clicked.connect(self.send_test)
        row = QHBoxLayout()
        row.addWidget(self.test_recipient, 1)
        row.addWidget(self.test_button)
        self.form.addRow(tr("Test"), row)
        self.layout_.addStretch()

    def _default_port(self) -> None:
        security = self.security.currentData()
        if self.port.value() in smtp.DEFAULT_PORTS.values() and security is not None:
            self.port.setValue(smtp.DEFAULT_PORTS[smtp.Security(security)])

    @classmethod
    def read(cls, session: Session) -> smtp.SmtpSettings:
        return smtp.load(session)

    def show_values(self, values: smtp.SmtpSettings) -> None:
        self.host.setText(values.host)
        self.security.setCurrentIndex(max(self.security.findData(values.security), 0))
        self.port.setValue(values.port)
        self.user.setText(values.user)
        self.sender_name.setText(values.sender_name)
        self.sender_address.setText(values.sender_address)
        self.reply_to.setText(values.reply_to)
        self.per_minute.setValue(values.per_minute)

    def typed(self) -> smtp.SmtpSettings:
        return replace(
            smtp.SmtpSettings(),
            host=self.host.text().strip(),
            port=self.port.value(),
            security=smtp.Security(self.security.currentData()),
            user=self.user.text().strip(),
            sender_name=self.sender_name.text().strip(),
            sender_address=self.sender_address.text().strip(),
            reply_to=self.reply_to.text().strip(),
            per_minute=self.per_minute.value(),
        )

    def save_work(self) -> SaveWork | None:
        if not self.loaded:
            return None
        value, password = self.typed(), self.password.text() or None
        if not value.host and not value.sender_address:
            return None  # never set, left empty: nothing to save
        return lambda session, actor: smtp.save(session, actor, value, password=password)

    def send_test(self) -> None:
        """The test message through what is typed (not saved yet), sent in the background."""
        value, password = self.typed(), self.password.text() or None
        to, actor = self.test_recipient.text().strip(), self.context.actor

        def failed(error: BaseException) -> bool:
            if isinstance(error, ValidationFailed):
                self.mark({item.field for item in error.errors})
            return True  # and the French dialog

        self.mark(())
        write(
            self,
            lambda session: send_trial(session, actor, value, to, password=password),
            tr("Sending the test message…"),
            writes=False,
        ).success(lambda said: inform(self, tr("Test message"), said)).failure(failed).run()
