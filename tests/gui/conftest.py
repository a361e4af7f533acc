"""GUI fixtures: isolated QSettings, a context logged in as a staff member, no blocking
dialogs (error dialogs are recorded instead of shown)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from backoffice.db import Database
from backoffice.models import Role
from backoffice.ops.context import AppContext
from backoffice.services.permissions import Actor
from tests import factories
from tests.mail.smtp_server import SmtpServer


@pytest.fixture(autouse=True)
def isolated_settings(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    qapp.setOrganizationName("backoffice-tests")
    qapp.setApplicationName("backoffice")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings().clear()
    yield


@pytest.fixture
def gui_actors(sqlite_database: Database) -> dict[str, Actor]:
    with sqlite_database.transaction() as session:
        return factories.staff_of_every_role(session)


@pytest.fixture
def make_context(
    sqlite_database: Database, gui_actors: dict[str, Actor]
) -> Iterator[Callable[[Role], AppContext]]:
    contexts: list[AppContext] = []

    def make(role: Role = Role.ADMINISTRATOR) -> AppContext:
        context = AppContext(sqlite_database, gui_actors[role.value])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.wait_for_background_work()


@pytest.fixture
def context(make_context: Callable[[Role], AppContext]) -> AppContext:
    return make_context(Role.ADMINISTRATOR)


def idle(context: AppContext) -> Callable[[], bool]:
    """For ``qtbot.waitUntil``: no background operation is running any more."""
    return lambda: not context._running


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) without TLS nor login: a local relay."""
    server = SmtpServer(tmp_path, "none").start()
    yield server
    server.stop()
