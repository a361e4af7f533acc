"""GUI fixtures: isolated QSettings, a context logged in as a staff member, no blocking
dialogs (error dialogs are recorded instead of shown)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from backoffice.models import Role
from backoffice.ops.context import AppContext
from tests.mail.smtp_server import SmtpServer


@pytest.fixture(autouse=True)
def _settings_kept_apart(isolated_settings: None) -> None:
    """Every test here keeps this workstation's settings apart (``tests/view_fixtures.py``,
    with ``sqlite_actors`` and ``make_context``)."""


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
