"""The outbox's sender in the background of the application (issue 17.4), against a real
SMTP server (aiosmtpd): started by the Workspace with the window, it sends what is queued
while the window is open, tells the dashboard, keeps the rate, and stops with the window
— many times over without a crash."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator

import pytest
import shiboken6
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import MailKind, MailMessage, MailStatus, Member
from backoffice.ops.context import AppContext
from backoffice.ops.mail_sender import BackgroundSender, Pace
from backoffice.ops.operation import Operation
from backoffice.services.mail import outbox
from backoffice.services.mail import settings as smtp
from backoffice.services.mail.recipients import Purpose
from backoffice.services.permissions import Actor
from backoffice.views.app import Workspace
from backoffice.views.main_window import MainWindow
from tests.gui.conftest import idle
from tests.mail.builders import member, queue_tests
from tests.mail.conftest import configure
from tests.mail.smtp_server import SmtpServer

pytestmark = pytest.mark.gui


@pytest.fixture
def workspace(sqlite_database: Database, sqlite_actors: dict[str, Actor]) -> Iterator[Workspace]:
    context = AppContext(sqlite_database, sqlite_actors["billing"])
    opened = Workspace(context)
    yield opened
    opened.close_window()
    context.wait_for_background_work()


def statuses(database: Database) -> list[MailStatus]:
    with database.session() as session:
        return list(session.scalars(select(MailMessage.status).order_by(MailMessage.id)))


def queue_from_the_window(context: AppContext, member_id: int, count: int = 1) -> None:
    """Queue messages as a view of this workstation does (an operation: its change notice
    names ``mail_messages``)."""

    def work(session: object) -> None:
        who = session.get(Member, member_id)  # type: ignore[attr-defined]
        for index in range(count):
            outbox.queue(
                session,  # type: ignore[arg-type]
                context.actor,
                MailKind.TEST,
                member=who,
                purpose=Purpose.GENERAL,
                values={"sent_by": f"Fenêtre n° {index}"},
            )

    Operation(context, None, work, label="queue").run()


def sender_of(workspace: Workspace) -> BackgroundSender:
    sender = workspace._sender
    assert sender is not None
    return sender


def test_a_message_queued_while_the_window_is_open_leaves_and_the_dashboard_follows(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[str, Actor],
    relay: SmtpServer,
    workspace: Workspace,
    recorded_errors: list[BaseException],
) -> None:
    configure(sqlite_database, sqlite_actors["administrator"], relay, security=smtp.Security.NONE)
    member_id = member(sqlite_database, email="paie@exemple.fr")
    window = workspace.open_window()
    dashboard = window.page("dashboard")
    assert dashboard is not None
    sender = sender_of(workspace)
    qtbot.waitUntil(lambda: sender.runs >= 1, timeout=15000)  # nothing due yet
    assert relay.received == []
    queue_from_the_window(workspace.context, member_id)
    # Not the minute's tick: the change notice of the queueing sends it at once.
    qtbot.waitUntil(lambda: len(relay.received) == 1, timeout=10000)
    qtbot.waitUntil(lambda: statuses(sqlite_database) == [MailStatus.SENT], timeout=10000)
    assert relay.received[0].recipients == ["paie@exemple.fr"]
    assert "Fenêtre n° 0" in relay.received[0].message.get_body().get_content()
    # A permanent refusal: the dashboard's count of failed messages follows by itself.
    relay.recorder.rcpt_replies["refus@exemple.fr"] = "550 5.1.1 Utilisateur inconnu"
    refused = member(sqlite_database, email="refus@exemple.fr")
    queue_from_the_window(workspace.context, refused)
    qtbot.waitUntil(lambda: dashboard.cards["mail"].number.text() == "1", timeout=15000)
    assert statuses(sqlite_database) == [MailStatus.SENT, MailStatus.FAILED]
    assert window.mail_problem.isHidden()
    assert not recorded_errors


def test_the_window_closing_stops_a_run_waiting_for_the_rate(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[str, Actor],
    relay: SmtpServer,
    workspace: Workspace,
) -> None:
    configure(
        sqlite_database,
        sqlite_actors["administrator"],
        relay,
        security=smtp.Security.NONE,
        per_minute=1,  # one message, then a minute's wait
    )
    queue_tests(sqlite_database, sqlite_actors["billing"], 3)
    workspace.open_window()
    sender = sender_of(workspace)
    qtbot.waitUntil(lambda: len(relay.received) == 1, timeout=15000)
    assert sender.running  # waiting for the rate
    started = time.monotonic()
    workspace.close_window()
    qtbot.waitUntil(idle(workspace.context), timeout=10000)
    assert time.monotonic() - started < 5  # not the minute
    # What it claimed and did not try is back in the queue, for the next sender.
    assert statuses(sqlite_database) == [MailStatus.SENT, MailStatus.QUEUED, MailStatus.QUEUED]
    assert len(relay.received) == 1


def test_the_rate_holds_from_one_run_to_the_next() -> None:
    stop = threading.Event()
    pace = Pace(stop)
    first = pace.limiter_for(60)
    assert pace.limiter_for(60) is first  # the next run waits for the last one's message
    assert pace.limiter_for(30) is not first  # the administrator changed the rate
    limiter = pace.limiter_for(30)
    limiter.wait()
    stop.set()
    started = time.monotonic()
    limiter.wait()  # two seconds due, but the sender was stopped
    assert time.monotonic() - started < 0.5


def test_opening_and_closing_the_window_many_times_while_sending(
    qtbot: QtBot,
    sqlite_database: Database,
    sqlite_actors: dict[str, Actor],
    relay: SmtpServer,
    workspace: Workspace,
    recorded_errors: list[BaseException],
) -> None:
    configure(  # a tenth of a second between messages: windows close during the runs
        sqlite_database,
        sqlite_actors["administrator"],
        relay,
        security=smtp.Security.NONE,
        per_minute=600,
    )
    member_id = member(sqlite_database, email="paie@exemple.fr")
    windows: list[MainWindow] = []
    for round_ in range(12):
        queue_tests(sqlite_database, sqlite_actors["billing"], 5, member_id=member_id)
        window = workspace.open_window()
        windows.append(window)
        if round_ % 2:
            queue_from_the_window(workspace.context, member_id, 2)
        qtbot.wait(round_ * 15)  # closed before, during or after the run
        workspace.close_window()
        gc.collect()  # on the GUI thread, as the application's collector does
        qtbot.wait(10)
    qtbot.waitUntil(idle(workspace.context), timeout=20000)
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(window) for window in windows))
    gc.collect()
    found = statuses(sqlite_database)
    assert len(found) == 12 * 5 + 6 * 2
    assert set(found) <= {MailStatus.SENT, MailStatus.QUEUED}  # none left 'sending'
    assert len(relay.received) == found.count(MailStatus.SENT)  # each sent once
    assert MailStatus.QUEUED in found  # some windows closed during a run
    # The last window leaves open: what is left goes.
    workspace.open_window()
    qtbot.waitUntil(lambda: len(relay.received) == len(found), timeout=20000)
    qtbot.waitUntil(lambda: set(statuses(sqlite_database)) == {MailStatus.SENT}, timeout=10000)
    assert not recorded_errors
