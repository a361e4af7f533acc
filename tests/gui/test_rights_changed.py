"""A staff member disabled or demoted while logged in: the next service call is refused,
the window closes and the login dialog comes back saying why (issue 14.4)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import shiboken6
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from backoffice.db import Database
from backoffice.models import Role, StaffUser
from backoffice.ops.context import AppContext
from backoffice.services import staff
from backoffice.services.permissions import Actor
from backoffice.views.app import Workspace
from backoffice.views.login_dialog import LoginDialog
from tests.factories import STAFF_PASSWORD
from tests.gui.conftest import idle


def demote(database: Database, admin: Actor, who: Actor, **values: object) -> None:
    with database.transaction() as session:
        version = session.get(StaffUser, who.staff_id).version
        staff.update_staff(session, admin, who.staff_id, version, **values)  # type: ignore[arg-type]


@pytest.fixture
def workspaces(qtbot: QtBot) -> Iterator[list[Workspace]]:
    """Workspaces closed at the end (their live refresh thread stopped)."""
    opened: list[Workspace] = []
    yield opened
    for workspace in opened:
        workspace.close_window()
        workspace.context.wait_for_background_work()


@pytest.fixture
def login_answers(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str | None], list[str]]:
    """Replaces the login dialog's modal loop: records the sentence it shows, then logs in
    as ``login`` (or cancels when None)."""

    def answer(login: str | None) -> list[str]:
        shown: list[str] = []

        def fake_exec(dialog: LoginDialog) -> QDialog.DialogCode:
            shown.append(dialog.error.text())
            if login is None:
                return QDialog.DialogCode.Rejected
            dialog.login.setText(login)
            dialog.password.setText(STAFF_PASSWORD)
            dialog.submit()
            qtbot.waitUntil(lambda: dialog.actor is not None, timeout=15000)
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(LoginDialog, "exec", fake_exec)
        return shown

    return answer


def test_a_demoted_staff_member_goes_back_to_the_login_dialog(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[str, Actor],
    login_answers: Callable[[str | None], list[str]],
    recorded_errors: list[BaseException],
    workspaces: list[Workspace],
) -> None:
    context = AppContext(sqlite_database, sqlite_actors["billing"])
    workspace = Workspace(context)
    workspaces.append(workspace)
    old = workspace.open_window()
    qtbot.waitUntil(idle(context), timeout=15000)
    assert "billing" in [spec.key for spec in old.specs]  # the billing role's section
    shown = login_answers("billing")
    demote(
        sqlite_database,
        sqlite_actors["administrator"],
        sqlite_actors["billing"],
        role=Role.READ_ONLY,
    )
    old.navigate("billing")  # its lists load through the services: refused
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    assert shown == [
        "Votre rôle a changé depuis votre connexion (désormais : Consultation seule) : rien "
        "n'a été fait ; reconnectez-vous."
    ]
    qtbot.waitUntil(lambda: workspace.window is not None and workspace.window is not old)
    assert context.actor.role == Role.READ_ONLY
    new = workspace.window
    assert new is not None and new.isVisible()
    qtbot.waitUntil(lambda: not shiboken6.isValid(old), timeout=15000)  # closed, deleted
    assert not recorded_errors  # no error dialog over the closing window: the login says it


def test_a_disabled_staff_member_who_cancels_ends_the_application(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[str, Actor],
    login_answers: Callable[[str | None], list[str]],
    monkeypatch: pytest.MonkeyPatch,
    workspaces: list[Workspace],
) -> None:
    from PySide6.QtWidgets import QApplication

    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda *_: quits.append(True))
    context = AppContext(sqlite_database, sqlite_actors["medical_assistant"])
    workspace = Workspace(context)
    workspaces.append(workspace)
    window = workspace.open_window()
    qtbot.waitUntil(idle(context), timeout=15000)
    shown = login_answers(None)
    demote(
        sqlite_database,
        sqlite_actors["administrator"],
        sqlite_actors["medical_assistant"],
        is_active=False,
    )
    window.navigate("appointments")
    qtbot.waitUntil(lambda: bool(quits), timeout=15000)
    assert shown == [
        "Votre compte (medical_assistant) a été désactivé depuis votre connexion : rien n'a "
        "été fait."
    ]
    assert workspace.window is None
    qtbot.waitUntil(idle(context), timeout=15000)
