"""Fixtures of the outbox's tests: a real SMTP server, the settings that point at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backoffice.db import Database
from backoffice.services.mail import settings as smtp
from backoffice.services.permissions import Actor
from tests.mail.smtp_server import PASSWORD, USER, SmtpServer


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path, "starttls").start()
    yield server
    server.stop()


def configure(
    database: Database,
    admin: Actor,
    server: SmtpServer,
    *,
    password: str = PASSWORD,
    per_minute: int = 100_000,
    security: smtp.Security | None = None,
) -> smtp.SmtpSettings:
    security = security or smtp.Security(server.security)
    value = smtp.SmtpSettings(
        host="localhost",
        port=server.port,
        security=security,
        user=USER if security != smtp.Security.NONE else "",
        sender_name="Service de santé au travail",
        sender_address="factures@spsti.test",
        reply_to="contact@spsti.test",
        per_minute=per_minute,
        timeout_seconds=5,
    )
    with database.transaction() as session:
        return smtp.save(session, admin, value, password=password)
