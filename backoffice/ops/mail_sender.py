"""The outbox's sender in the background of the application.

Every ``interval_ms`` (and at once when a message is queued or retried on this
workstation), a job in the context's thread pool runs ``services.mail.sender.send_queued``
— never on the GUI thread — as the application's own sender (no staff member: messages
queued by a role that cannot manage the outbox still leave). Several workstations and the
scheduled job share the queue (claims with ``SKIP LOCKED``). What it sent is announced on
the change bus (``mail_messages``), so the outbox screen and the dashboard follow; a
server that cannot be reached is reported by ``status_changed`` (a French sentence), and
tried again at the next tick. Stopping sets a flag the job reads between messages.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QRunnable, QTimer, Signal
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import MailMessage, MailStatus
from backoffice.ops.context import AppContext, ChangeNotice

INTERVAL_MS = 60_000


class _Signals(QObject):
    finished = Signal(object)  # SendReport or BaseException


class _SendJob(QRunnable):
    def __init__(self, database: Database, stop: threading.Event, signals: _Signals) -> None:
        super().__init__()
        self.database, self.stop, self.signals = database, stop, signals

    def run(self) -> None:
        from backoffice.services.mail import settings as smtp_settings
        from backoffice.services.mail.sender import SendReport, send_queued

        outcome: object
        try:
            with self.database.session() as session:
                configured = smtp_settings.load(session).configured
                due = session.scalar(
                    select(MailMessage.id).where(MailMessage.status == MailStatus.QUEUED).limit(1)
                )
            outcome = (
                send_queued(self.database, None, should_stop=self.stop.is_set)
                if configured and due is not None
                else SendReport()
            )
        except Exception as error:  # reported, never raised in the pool
            outcome = error
        self.signals.finished.emit(outcome)


class BackgroundSender(QObject):
    status_changed = Signal(str)  # French: the last problem, or "" when all is well

    def __init__(
        self, context: AppContext, parent: QObject | None = None, interval_ms: int = INTERVAL_MS
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.stop_flag = threading.Event()
        self.running = False
        self.again = False
        self.last_problem = ""
        self.signals = _Signals(self)
        self.signals.finished.connect(self._finished)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.interval_ms = interval_ms
        self.soon = QTimer(self)  # a message queued or retried here: send it shortly
        self.soon.setSingleShot(True)
        self.soon.timeout.connect(self.tick)
        context.bus.changed.connect(self._on_change)

    def start(self) -> None:
        self.stop_flag.clear()
        self.timer.start(self.interval_ms)
        self.tick()

    def stop(self) -> None:
        self.stop_flag.set()
        self.timer.stop()
        self.soon.stop()

    def _on_change(self, notice: ChangeNotice) -> None:
        if notice.initiator is not self and "mail_messages" in notice and self.timer.isActive():
            self.soon.start(500)

    def tick(self) -> None:
        """Send what is due now (a job in the pool; one at a time)."""
        if self.stop_flag.is_set():
            return
        if self.running:
            self.again = True
            return
        self.running = True
        self.context.pool.start(_SendJob(self.context.database, self.stop_flag, self.signals))

    def _finished(self, outcome: object) -> None:
        from backoffice.i18n import tr
        from backoffice.services.mail.sender import SendReport

        self.running = False
        if isinstance(outcome, SendReport):
            if outcome.sent or outcome.failed or outcome.retried or outcome.uncertain:
                self.context.bus.announce({"mail_messages": set(outcome.sent_ids)}, self)
            problem = outcome.stopped or ""
        else:
            problem = tr("The outbox could not be sent: {reason}", reason=str(outcome))
        if problem != self.last_problem:
            self.last_problem = problem
            self.status_changed.emit(problem)
        if self.again and not self.stop_flag.is_set():
            self.again = False
            self.tick()
