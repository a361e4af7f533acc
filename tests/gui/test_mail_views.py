"""The outbox screen, the SMTP settings tab and its test message, the dashboard's count and
the application's background sender, driven like a user (offscreen), with a real SMTP
server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from backoffice.db import Database
from backoffice.models import MailMessage, MailStatus, Role
from backoffice.ops.context import AppContext
from backoffice.ops.mail_sender import BackgroundSender
from backoffice.services.mail import settings as smtp
from backoffice.services.permissions import Actor
from backoffice.views.mail.page import OutboxPage
from backoffice.views.pages.dashboard import DashboardPage
from backoffice.views.settings import mail_tab
from backoffice.views.settings.dialog import SettingsDialog
from backoffice.views.widgets import dialogs
from tests.gui.conftest import idle
from tests.mail.builders import queue_tests
from tests.mail.conftest import configure
from tests.mail.smtp_server import SmtpServer

pytestmark = pytest.mark.gui


def statuses(database: Database) -> list[MailStatus]:
    with database.session() as session:
        return list(session.scalars(select(MailMessage.status).order_by(MailMessage.id)))


def test_the_outbox_lists_filters_previews_and_acts(
    qtbot: QtBot,
    qtmodeltester: object,
    sqlite_database: Database,
    sqlite_actors: dict[str, Actor],
    make_context: Callable[[Role], AppContext],
    monkeypatch: pytest.MonkeyPatch,
    recorded_errors: list[BaseException],
) -> None:
    first, second, third = queue_tests(sqlite_database, sqlite_actors["billing"], 3)
    with sqlite_database.transaction() as session:
        session.execute(
            update(MailMessage)
            .where(MailMessage.id == second)
            .values(status=MailStatus.FAILED, last_error="Refusé par le serveur : 550 inconnu")
        )
    context = make_context(Role.BILLING)
    page = OutboxPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    page.status.setCurrentIndex(page.status.findData(MailStatus.FAILED))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail is not None or bool(recorded_errors), timeout=10000)
    assert not recorded_errors
    shown = page.viewer.toPlainText()
    assert "550 inconnu" in shown and "Message d'essai" in shown and "Message-ID" in shown
    assert page.actions.button("retry_now").isEnabled()
    assert not page.actions.button("mark_sent").isEnabled()
    page.retry_now()
    qtbot.waitUntil(lambda: statuses(sqlite_database)[1] == MailStatus.QUEUED, timeout=10000)
    page.status.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    monkeypatch.setattr(dialogs, "confirm", lambda *_args: True)  # asked by @action(ask=…)
    row = next(r for r in range(3) if page.model.row_at(r).id == third)
    proxy = page.table.model()
    page.table.selectRow(proxy.mapFromSource(page.model.index(row, 0)).row())
    qtbot.waitUntil(lambda: page.selected() is not None, timeout=10000)
    target = page.selected().id
    page.cancel()
    qtbot.waitUntil(
        lambda: statuses(sqlite_database)[target - first] == MailStatus.CANCELLED, timeout=10000
    )
    qtbot.waitUntil(idle(context), timeout=10000)


def test_a_read_only_role_sees_but_cannot_act(
    qtbot: QtBot, sqlite_database: Database, sqlite_actors: dict[str, Actor], make_context
) -> None:
    queue_tests(sqlite_database, sqlite_actors["billing"], 1)
    context = make_context(Role.READ_ONLY)
    page = OutboxPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    assert not page.actions.button("cancel").isVisible()
    qtbot.waitUntil(idle(context), timeout=10000)


def test_the_settings_tab_saves_and_sends_a_test_message(
    qtbot: QtBot,
    sqlite_database: Database,
    make_context: Callable[[Role], AppContext],
    relay: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    recorded_errors: list[BaseException],
) -> None:
    said: list[str] = []
    monkeypatch.setattr(mail_tab, "inform", lambda _parent, _title, text: said.append(text))
    context = make_context(Role.ADMINISTRATOR)
    dialog = SettingsDialog(context, tab="mail")
    qtbot.addWidget(dialog)
    tab = dialog.tabs["mail"]
    qtbot.waitUntil(lambda: tab.loaded, timeout=10000)
    tab.host.setText("127.0.0.1")
    tab.security.setCurrentIndex(tab.security.findData(smtp.Security.NONE))
    tab.port.setValue(relay.port)
    tab.sender_address.setText("envoi@spsti.test")
    tab.test_recipient.setText("moi@spsti.test")
    tab.send_test()
    qtbot.waitUntil(lambda: bool(said), timeout=15000)
    assert said == ["Le message d'essai a été envoyé à moi@spsti.test."]
    assert len(relay.received) == 1
    dialog.save()
    qtbot.waitUntil(
        lambda: (
            dialog.result() == QDialog.DialogCode.Accepted
            or bool(dialog.error.text())
            or bool(recorded_errors)
        ),
        timeout=10000,
    )
    assert not dialog.error.text() and not recorded_errors
    with sqlite_database.session() as session:
        saved = smtp.load(session)
    assert (saved.host, saved.port, saved.security) == ("127.0.0.1", relay.port, "none")
    qtbot.waitUntil(idle(context), timeout=10000)


def test_the_test_message_says_what_went_wrong(
    qtbot: QtBot,
    make_context: Callable[[Role], AppContext],
    recorded_errors: list[BaseException],
) -> None:
    from tests.mail.smtp_server import free_port

    context = make_context(Role.ADMINISTRATOR)
    dialog = SettingsDialog(context, tab="mail")
    qtbot.addWidget(dialog)
    tab = dialog.tabs["mail"]
    qtbot.waitUntil(lambda: tab.loaded, timeout=10000)
    tab.host.setText("127.0.0.1")
    tab.security.setCurrentIndex(tab.security.findData(smtp.Security.NONE))
    tab.port.setValue(free_port())  # nothing listens there
    tab.sender_address.setText("envoi@spsti.test")
    tab.test_recipient.setText("moi@spsti.test")
    tab.send_test()
    qtbot.waitUntil(lambda: bool(recorded_errors), timeout=15000)
    assert "refuse la connexion" in str(recorded_errors[0])
    qtbot.waitUntil(idle(context), timeout=10000)


def test_the_dashboard_counts_failed_messages_and_the_background_sender_sends(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[str, Actor],
    make_context: Callable[[Role], AppContext],
    relay: SmtpServer,
) -> None:
    configure(sqlite_database, sqlite_actors["administrator"], relay, security=smtp.Security.NONE)
    ids = queue_tests(sqlite_database, sqlite_actors["billing"], 3)
    with sqlite_database.transaction() as session:
        session.execute(
            update(MailMessage).where(MailMessage.id == ids[0]).values(status=MailStatus.FAILED)
        )
    context = make_context(Role.ADMINISTRATIVE)
    dashboard = DashboardPage(context)
    qtbot.addWidget(dashboard)
    dashboard.show()
    dashboard.reload()
    qtbot.waitUntil(lambda: dashboard.cards["mail"].number.text() == "1", timeout=10000)
    sender = BackgroundSender(context, interval_ms=60_000)
    problems: list[str] = []
    sender.status_changed.connect(problems.append)
    sender.start()
    qtbot.waitUntil(lambda: len(relay.received) == 2, timeout=20000)
    qtbot.waitUntil(lambda: not sender.running, timeout=10000)
    assert statuses(sqlite_database) == [MailStatus.FAILED, MailStatus.SENT, MailStatus.SENT]
    relay.stop()  # the server goes away: the status bar is told, in French
    queue_tests(sqlite_database, sqlite_actors["billing"], 1)
    sender.tick()
    qtbot.waitUntil(lambda: bool(problems), timeout=20000)
    assert "refuse la connexion" in problems[-1]
    sender.stop()
    qtbot.waitUntil(idle(context), timeout=10000)
