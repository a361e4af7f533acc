"""The outbox's sender in the background of the application.

Every ``interval_ms`` (a minute), and shortly after a message is queued or retried on this
workstation, the sender runs ``services.mail.sender.send_queued`` as an :class:`Operation`
(in the context's pool, never on the GUI thread) as the application's own sender (no
staff member: messages queued by a role that cannot manage the outbox still leave) — when
SMTP is configured and something is due. Several workstations and the scheduled job share
the queue (claims with ``SKIP LOCKED``). The rate limit holds from one run to the next:
the runs share one ``RateLimit``.

The ops layer's rules, which the first version broke (it crashed a full test run when its
own signal object was freed with the window):

- the work running in the pool captures plain Python only (the database, a
  ``threading.Event``, the rate) — never this object nor any other Qt object — and
  reports through the context's ``worker_signals`` (an :class:`Operation` does that),
  which outlive every job;
- the outcome reaches this object on the GUI thread, and only while it still exists
  (a callback of a destroyed ``QObject`` is skipped by the operation);
- ``stop()`` (the window closing — before its ``closeEvent`` waits for the pool —, a
  logout, the end of the application) sets the event the work reads between messages and
  during the waits for the rate: a run stops within one SMTP exchange and gives back what
  it claimed and did not try.

What it sent is announced on the change bus (``mail_messages``), so the outbox screen and
the dashboard follow; a server that cannot be reached is reported by ``status_changed`` (a
French sentence, "" once it works again) and tried again at the next tick.
"""

from __future__ import annotations

import threading
from functools import partial

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.i18n import tr
from backoffice.models import MailMessage, MailStatus
from backoffice.ops.context import AppContext, ChangeNotice
from backoffice.ops.operation import Feedback, Operation
from backoffice.services.mail import settings as smtp_settings
from backoffice.services.mail.sender import LEASE, RateLimit, SendReport, send_queued

INTERVAL_MS = 60_000
SOON_MS = 500  # after a message is queued here: a few queued together leave in one run


class Pace:
    """The rate limit kept from one run to the next (plain Python, shared with the work):
    a new one only when the settings' rate changed."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.limiter: RateLimit | None = None

    def limiter_for(self, per_minute: int) -> RateLimit:
        if self.limiter is None or self.limiter.per_minute != per_minute:
            # Waits for the rate end as soon as the sender is stopped.
            self.limiter = RateLimit(per_minute, sleep=self.stop.wait)
        return self.limiter


def send_due(database: Database, stop: threading.Event, pace: Pace, session: Session) -> SendReport:
    """The work of one run, in a worker: nothing unless SMTP is configured and a message is
    due (or a claim has outlived its lease: ``send_queued`` marks it uncertain)."""
    settings = smtp_settings.load(session)
    if not settings.configured:
        return SendReport()
    now = clock.now()
    table = MailMessage.__table__
    due = session.scalar(
        select(table.c.id)
        .where(
            or_(
                (table.c.status == MailStatus.QUEUED) & (table.c.next_attempt_at <= now),
                (table.c.status == MailStatus.SENDING) & (table.c.claimed_at < now - LEASE),
            )
        )
        .limit(1)
    )
    session.rollback()  # no read transaction held while the sender writes
    if due is None:
        return SendReport()
    return send_queued(
        database, None, should_stop=stop.is_set, limiter=pace.limiter_for(settings.per_minute)
    )


class BackgroundSender(QObject):
    status_changed = Signal(str)  # French: the last problem, or "" when all is well

    def __init__(
        self, context: AppContext, parent: QObject | None = None, interval_ms: int = INTERVAL_MS
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.stop_flag = threading.Event()
        self.pace = Pace(self.stop_flag)
        self.running = False
        self.again = False
        self.runs = 0  # finished runs (the tests wait on it)
        self.last_problem = ""
        self.interval_ms = interval_ms
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.soon = QTimer(self)  # a message queued or retried here: send it shortly
        self.soon.setSingleShot(True)
        self.soon.timeout.connect(self.tick)
        self._listening = False

    def start(self) -> None:
        self.stop_flag.clear()
        if not self._listening:
            self.context.bus.changed.connect(self._on_change)
            self._listening = True
        self.timer.start(self.interval_ms)
        self.tick()

    def stop(self) -> None:
        """Stop ticking, and stop the run under way at its next message or wait."""
        self.stop_flag.set()
        self.timer.stop()
        self.soon.stop()
        if self._listening:
            self.context.bus.changed.disconnect(self._on_change)
            self._listening = False

    def stop_with(self, window: QObject) -> None:
        """Stop when ``window`` is asked to close, before its own close handling waits
        for the background work."""
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.stop()
        return False

    @property
    def stopped(self) -> bool:
        return self.stop_flag.is_set()

    def _on_change(self, notice: ChangeNotice) -> None:
        if notice.initiator is not self and "mail_messages" in notice and not self.stopped:
            self.soon.start(SOON_MS)

    def tick(self) -> None:
        """Send what is due now (one run at a time; a tick during a run runs again after)."""
        if self.stopped:
            return
        if self.running:
            self.again = True
            return
        self.running = True
        work = partial(send_due, self.context.database, self.stop_flag, self.pace)
        Operation(self.context, None, work, writes=False, feedback=Feedback.SILENT).success(
            self._sent
        ).failure(self._failed).finally_(self._ended).run()

    def _sent(self, report: SendReport) -> None:
        if self.stopped:
            return
        if report.sent or report.failed or report.retried or report.uncertain:
            self.context.bus.announce({"mail_messages": set(report.sent_ids)}, self)
        self._tell(report.stopped or "")

    def _failed(self, error: BaseException) -> bool:
        if not self.stopped:
            self._tell(tr("The outbox could not be sent: {reason}", reason=str(error)))
        return False  # no dialog: the status bar says it, and the next tick tries again

    def _tell(self, problem: str) -> None:
        if problem != self.last_problem:
            self.last_problem = problem
            self.status_changed.emit(problem)

    def _ended(self) -> None:
        if not shiboken6.isValid(self):  # destroyed with its parent during the run
            return
        self.running = False
        self.runs += 1
        if self.again and not self.stopped:
            self.again = False
            self.tick()
