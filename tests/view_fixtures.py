"""What the tests of the screens share: this workstation's settings kept apart
(``isolated_settings``), one staff member per role and their application contexts
(``sqlite_actors``, ``make_context``); for the billing side (Facturation, its bank,
e-invoicing and accounting tabs) the billing clerk's day and context, a billing page on
screen, error dialogs failing the test. A pytest plugin, registered by ``conftest.py``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Role
from tests import factories
from tests.billing.builders import TODAY

if TYPE_CHECKING:
    from backoffice.ops.context import AppContext
    from backoffice.services.permissions import Actor
    from backoffice.views.billing.page import BillingPage


@pytest.fixture
def isolated_settings(qapp, tmp_path: Path) -> Iterator[None]:
    """This workstation's settings (QSettings: column layouts, folders used) in the
    test's folder, empty at first."""
    from PySide6.QtCore import QSettings

    qapp.setOrganizationName("backoffice-tests")
    qapp.setApplicationName("backoffice")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings().clear()
    yield


@pytest.fixture
def sqlite_actors(sqlite_database: Database) -> dict[str, Actor]:
    """One active staff member per role in the screens' SQLite database."""
    with sqlite_database.transaction() as session:
        return factories.staff_of_every_role(session)


@pytest.fixture
def make_context(
    sqlite_database: Database, sqlite_actors: dict[str, Actor]
) -> Iterator[Callable[[Role], AppContext]]:
    """``make_context(role)``: the application as that role's staff member sees it; its
    background work is waited for after the test."""
    from backoffice.ops.context import AppContext

    contexts: list[AppContext] = []

    def make(role: Role = Role.ADMINISTRATOR) -> AppContext:
        context = AppContext(sqlite_database, sqlite_actors[role.value])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.wait_for_background_work()


@pytest.fixture
def billing_day() -> Iterator[None]:
    """The clock pinned to the billing tests' day (10 February 2027)."""
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def billing_context(sqlite_database: Database, qapp, tmp_path: Path) -> Iterator[AppContext]:
    """The application as the billing clerk « compta » sees it, its workstation settings
    kept in the test's folder."""
    from PySide6.QtCore import QCoreApplication, QSettings

    from backoffice.ops.context import AppContext
    from backoffice.services.actors import actor_of

    QCoreApplication.setOrganizationName("SPSTI-tests")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    with sqlite_database.transaction() as session:
        clerk = actor_of(factories.staff(session, Role.BILLING, login="compta"))
    context = AppContext(sqlite_database, clerk)
    yield context
    context.wait_for_background_work()


@pytest.fixture
def billing_page(billing_context: AppContext, qtbot) -> BillingPage:
    """Facturation, shown."""
    from backoffice.views.billing.page import BillingPage

    page = BillingPage(billing_context)
    qtbot.addWidget(page)
    page.show()
    return page


@pytest.fixture
def no_error_dialog(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """An error dialog would block the test: record it instead, and fail at the end."""
    from backoffice.ops import errors as error_dialogs

    shown: list[str] = []

    def record(_parent, error, details="", **_options):
        shown.append(f"{error!r}\n{details}")
        return error_dialogs.Choice.CLOSE

    monkeypatch.setattr(error_dialogs, "show", record)
    yield shown
    assert not shown, "\n".join(shown)


def finished(qtbot, context: AppContext, timeout: int = 20000) -> None:
    """Wait until the operations started (files written, data saved) are over."""
    qtbot.waitUntil(lambda: not context._running, timeout=timeout)
