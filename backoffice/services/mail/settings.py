"""The SMTP server the outbox sends through (administrator).

Stored in the ``mail.smtp`` setting, shared by every workstation and the scheduled job;
the password is never in the database: it is kept in the system keyring, under the same
service as the database's password and the user name ``smtp:LOGIN@HOST:PORT``
(``config.smtp_keyring_user``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from backoffice import config
from backoffice.i18n import tr
from backoffice.services import settings
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.validation import check_email

KEY = "mail.smtp"


class Security(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"  # implicit TLS (port 465)
    NONE = "none"  # a local relay only


DEFAULT_PORTS = {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: Security = Security.STARTTLS
    user: str = ""  # empty: no authentication (a local relay)
    sender_name: str = ""
    sender_address: str = ""
    reply_to: str = ""
    per_minute: int = 60  # the server's or the provider's limit
    timeout_seconds: int = 30

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender_address)

    @property
    def keyring_user(self) -> str:
        return config.smtp_keyring_user(self.user, self.host, self.port)

    def password(self) -> str | None:
        return config.secret(self.keyring_user) if self.user else None

    def as_value(self) -> dict[str, Any]:
        value = asdict(self)
        value["security"] = Security(self.security).value
        return value

    @classmethod
    def from_value(cls, value: dict[str, Any] | None) -> SmtpSettings:
        value = dict(value or {})
        known = {name: value[name] for name in cls.__dataclass_fields__ if name in value}
        if "security" in known:
            known["security"] = Security(known["security"])
        return cls(**known)


def load(session: Session) -> SmtpSettings:
    """The settings as stored (no permission: every sender reads them)."""
    return SmtpSettings.from_value(settings.get(session, KEY))


def problems(value: SmtpSettings) -> list[FieldError]:
    errors = []
    if not value.host.strip():
        errors.append(FieldError("host", tr("SMTP server: the host name is missing.")))
    if not 0 < value.port < 65536:
        errors.append(FieldError("port", tr("SMTP server: the port must be between 1 and 65535.")))
    if not value.sender_address.strip():
        errors.append(FieldError("sender_address", tr("Sender: the address is missing.")))
    for field, label, address in (
        ("sender_address", tr("Sender"), value.sender_address),
        ("reply_to", tr("Reply-to"), value.reply_to),
    ):
        problem = check_email(label, address)
        if problem:
            errors.append(FieldError(field, problem))
    if value.per_minute < 1:
        errors.append(
            FieldError("per_minute", tr("The limit must be at least one message a minute."))
        )
    if value.timeout_seconds < 1:
        errors.append(FieldError("timeout_seconds", tr("The timeout must be at least a second.")))
    return errors


def save(
    session: Session, actor: Actor, value: SmtpSettings, *, password: str | None = None
) -> SmtpSettings:
    """Store the settings (administrator); ``password`` (when given) goes to the keyring,
    after the settings were found right."""
    require(session, actor, Permission.SETTINGS_MANAGE)
    value = replace(
        value,
        host=value.host.strip(),
        user=value.user.strip(),
        sender_name=value.sender_name.strip(),
        sender_address=value.sender_address.strip(),
        reply_to=value.reply_to.strip(),
    )
    errors = problems(value)
    if errors:
        raise ValidationFailed(errors)
    settings.store(session, actor, KEY, value.as_value())
    if password:
        config.store_secret(value.keyring_user, password)
    return value
