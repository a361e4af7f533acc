"""The sender: claims queued messages and hands them to the SMTP server over one connection.

Never twice, never lost — the rule:

1. A message is **claimed** before it is sent, in a transaction of its own that commits:
   ``queued`` → ``sending``, with the sender's token and the time — by batches of up to
   200 (never more than a minute's worth at the settings' rate), one transaction and one
   synchronous commit for the whole batch. The claim is one
   statement, ``WITH due AS (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) UPDATE … FROM due
   … RETURNING id``: on PostgreSQL two workstations, or a workstation and the scheduled
   job, share the queue without waiting for each other and never take the same message
   (the locking select is a CTE, run once); on SQLite the statement is atomic under the
   database's write lock.
2. Each message is then sent (``MAIL``/``RCPT``/``DATA``) and its outcome committed with
   those of the few messages sent just before it (``Outcomes``: every 50 messages or a
   quarter of a second, and before any pause, release or return): ``sent`` with the
   server's acceptance (``250 … queued as …``); back to ``queued`` with a growing delay
   after a temporary failure (4xx, connection lost: 1, 5, 15, 60 minutes, then every 3
   hours; ``failed`` after 8 attempts); ``failed`` with the server's answer after a
   permanent one (5xx). Messages claimed but not tried (the server went away, the run
   was stopped) go back to ``queued`` untouched. On PostgreSQL the outcomes are committed
   without waiting for the disk (``synchronous_commit off``): a database server that
   crashes may forget the last ones, which then count as a crash of the sender (3.);
   the claims are committed synchronously, so a message claimed is never sent as if new.
3. A crash between the server's acceptance and that commit leaves the message (and at
   most 49 others of its group) ``sending``. A sender never resends such a message: at
   the start of every run, a message ``sending`` for longer than ``LEASE`` (15 minutes; a
   batch holds at most a minute's worth of messages and each SMTP exchange is bounded by
   the timeout) becomes **uncertain**. The outbox screen shows it with its
   ``Message-ID``; a person looks it up in the mail server's log (or the sent copy) and
   either marks it sent or sends it again — with the same ``Message-ID``, so that a mail
   program that got it already shows it once.

The sender takes the ``Database`` (it commits as it goes), not a session; it holds one
connection of its own for the whole run (``Link``).
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import socket
import ssl
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.i18n import tr
from backoffice.models import MailAttachment, MailMessage, MailStatus
from backoffice.services import identity as identity_service
from backoffice.services.mail import settings as smtp_settings
from backoffice.services.mail.compose import AttachmentMissing, attachment_bytes, message_bytes
from backoffice.services.mail.outbox import retry_delay
from backoffice.services.mail.smtp import (
    MailServerProblem,
    close,
    connect,
    describe,
    reply_text,
)
from backoffice.services.permissions import Actor, Permission, require

LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 8
MAX_BATCH = 200
_TABLE = MailMessage.__table__


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0  # temporary failures, queued again for later
    failed: int = 0
    uncertain: int = 0  # found 'sending' past the lease at the start of the run
    stopped: str | None = None  # why the run stopped early (French), None when it ran out
    sent_ids: list[int] = field(default_factory=list)


class RateLimit:
    """At most ``per_minute`` messages a minute, evenly spaced."""

    def __init__(
        self,
        per_minute: int,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self.interval = 60.0 / per_minute
        self.monotonic, self.sleep = monotonic, sleep
        self.next_at: float | None = None

    def due_in(self) -> float:
        """Seconds before the next message may leave."""
        return 0.0 if self.next_at is None else max(0.0, self.next_at - self.monotonic())

    def wait(self) -> None:
        """Sleep until the next message may leave. A wait under a millisecond is not
        slept but carried over (a sleep gives the processor away for longer than that),
        so the rate still holds over a minute."""
        now = self.monotonic()
        if self.next_at is not None and now < self.next_at:
            if self.next_at - now >= 0.001:
                self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def sender_token() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Link:
    """The run's own database connection, held from its start to its end: each claim,
    batch read and group of outcomes is a transaction of its own on it, without a
    check-out from the pool nor its ping (on PostgreSQL a round trip each, as many as the
    statements themselves). Writes begin ``IMMEDIATE`` on SQLite (a claim never waits to
    upgrade its lock), reads ``DEFERRED``. A transaction that fails gives the connection
    back; the next one takes a new one."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.connection: Connection | None = None

    def _open(self) -> Connection:
        if self.connection is None or self.connection.closed or self.connection.invalidated:
            self.connection = self.database.engine.connect()
        return self.connection

    @contextlib.contextmanager
    def writing(self, *, durable: bool = True) -> Iterator[Connection]:
        """A transaction that commits; ``durable=False``: on PostgreSQL its commit does not
        wait for the disk (the outcomes, see the module's rule)."""
        connection = self._open().execution_options(sqlite_begin="IMMEDIATE")
        try:
            with connection.begin():
                if not durable and connection.dialect.name == "postgresql":
                    connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                yield connection
        except BaseException:
            self.close()
            raise

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        connection = self._open().execution_options(sqlite_begin="DEFERRED")
        try:
            with connection.begin(), Session(bind=connection) as session:
                yield session
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()


def expire_claims(link: Link) -> int:
    """Messages left ``sending`` past the lease become ``uncertain`` (never resent)."""
    now = clock.now()
    with link.writing() as connection:
        result = connection.execute(
            update(_TABLE)
            .where(_TABLE.c.status == MailStatus.SENDING, _TABLE.c.claimed_at < now - LEASE)
            .values(
                status=MailStatus.UNCERTAIN,
                last_error=tr(
                    "Sending was interrupted around the server's acceptance: look for its "
                    "Message-ID in the mail server's log, then mark it sent or send it again."
                ),
                version=_TABLE.c.version + 1,
            )
        )
        return result.rowcount or 0


def claim(link: Link, token: str, count: int) -> list[int]:
    """Claim up to ``count`` due messages for this sender (committed before sending)."""
    now = clock.now()
    # A CTE, evaluated once: as ``IN (subquery)`` PostgreSQL may run the locking subquery
    # again for each row and claim more than ``count``.
    due = (
        select(_TABLE.c.id)
        .where(_TABLE.c.status == MailStatus.QUEUED, _TABLE.c.next_attempt_at <= now)
        .order_by(_TABLE.c.next_attempt_at, _TABLE.c.id)
        .limit(count)
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    with link.writing() as connection:
        rows = connection.execute(
            update(_TABLE)
            .where(_TABLE.c.id == due.c.id, _TABLE.c.status == MailStatus.QUEUED)
            .values(
                status=MailStatus.SENDING,
                claimed_at=now,
                claimed_by=token,
                version=_TABLE.c.version + 1,
            )
            .returning(_TABLE.c.id)
        ).all()
    return sorted(row[0] for row in rows)


def release(link: Link, token: str, message_ids: list[int]) -> None:
    """Claimed messages not tried go back to the queue as they were."""
    if not message_ids:
        return
    with link.writing() as connection:
        connection.execute(
            update(_TABLE)
            .where(
                _TABLE.c.id.in_(message_ids),
                _TABLE.c.claimed_by == token,
                _TABLE.c.status == MailStatus.SENDING,
            )
            .values(
                status=MailStatus.QUEUED,
                claimed_at=None,
                claimed_by=None,
                version=_TABLE.c.version + 1,
            )
        )


@dataclass(frozen=True)
class _Prepared:
    recipients: list[str]
    data: bytes
    attempts: int


def _prepare_batch(
    link: Link,
    message_ids: list[int],
    settings: smtp_settings.SmtpSettings,
    identity: identity_service.ServiceIdentity,
) -> dict[int, _Prepared | AttachmentMissing]:
    """The batch's messages as bytes, read in one go with plain rows (no ORM objects: at
    most a batch in memory, no per-object bookkeeping)."""
    prepared: dict[int, _Prepared | AttachmentMissing] = {}
    files = MailAttachment.__table__
    with link.reading() as session:
        messages = session.execute(select(_TABLE).where(_TABLE.c.id.in_(message_ids))).all()
        attached: dict[int, list[Any]] = {}
        for row in session.execute(
            select(files).where(files.c.message_id.in_(message_ids)).order_by(files.c.id)
        ):
            attached.setdefault(row.message_id, []).append(row)
        for message in messages:
            try:
                joined = [
                    (item.filename, item.media_type, attachment_bytes(session, item))
                    for item in attached.get(message.id, ())
                ]
            except AttachmentMissing as missing:
                prepared[message.id] = missing
                continue
            prepared[message.id] = _Prepared(
                list(message.recipients),
                message_bytes(message, joined, settings, identity),
                message.attempts,
            )
    return prepared


def _transact(connection: smtplib.SMTP, sender: str, prepared: _Prepared) -> tuple[str, str]:
    """One SMTP transaction: (the acceptance, the recipients refused if some were)."""
    code, reply = connection.mail(sender)
    if code != 250:
        _reset(connection)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in prepared.recipients:
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(prepared.recipients):
        _reset(connection)
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = connection.data(prepared.data)
    if code != 250:
        _reset(connection)
        raise smtplib.SMTPDataError(code, reply)
    refused_text = "; ".join(f"{who}: {reply_text(*answer)}" for who, answer in refused.items())
    return reply_text(code, reply), refused_text


def _reset(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.rset()


def _answer(error: smtplib.SMTPException) -> tuple[int, str]:
    """The code that decides (the lowest: a 4xx among 5xx is worth a retry) and the text."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = sorted(error.recipients.items(), key=lambda item: item[1][0])
        text = "; ".join(f"{who}: {reply_text(*answer)}" for who, answer in answers)
        return answers[0][1][0], text
    assert isinstance(error, smtplib.SMTPResponseException)
    return error.smtp_code, reply_text(error.smtp_code, error.smtp_error)


def send_queued(
    database: Database,
    actor: Actor | None,
    *,
    limit: int | None = None,
    tls_context: ssl.SSLContext | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    on_sent: Callable[[int, int], None] | None = None,
    after_accept: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    limiter: RateLimit | None = None,
) -> SendReport:
    """Send what is due, over one connection, at the settings' rate; ``actor`` None is the
    application's own background sender. ``after_accept`` runs between the server's
    acceptance and the commit (the tests crash there). ``limiter``: a rate kept from one
    run to the next (the application's sender runs often), used when it is still the
    settings' rate. ``should_stop`` is read between messages and after each wait for the
    rate: a stopped run releases what it claimed and did not try."""
    link = Link(database)
    if actor is not None:
        with link.reading() as session:
            require(session, actor, Permission.MAIL_SEND)
    report = SendReport(uncertain=expire_claims(link))
    with link.reading() as session:
        settings = smtp_settings.load(session)
        identity = identity_service.load(session)
    token = sender_token()
    if limiter is None or limiter.per_minute != settings.per_minute:
        limiter = RateLimit(settings.per_minute, sleep=sleep)
    run = _Run(
        settings,
        limiter,
        tls_context,
        report,
        after_accept,
        Outcomes(link, token),
        should_stop,
    )
    batch_size = max(1, min(MAX_BATCH, settings.per_minute))
    try:
        while not report.stopped and not should_stop():
            done = report.sent + report.retried + report.failed
            if limit is not None and done >= limit:
                break
            count = batch_size if limit is None else min(batch_size, limit - done)
            ids = claim(link, token, count)
            if not ids:
                break
            batch = _prepare_batch(link, ids, settings, identity)
            for index, message_id in enumerate(ids):
                if should_stop() or report.stopped:
                    run.outcomes.flush()
                    release(link, token, ids[index:])
                    break
                prepared = batch.pop(message_id, None)
                if prepared is not None:  # (None: deleted since the claim)
                    run.send(message_id, prepared, ids[index:])
                if on_sent is not None:
                    on_sent(report.sent, report.failed + report.retried)
    finally:
        try:
            run.outcomes.flush()
        finally:
            link.close()
            if run.connection is not None:
                close(run.connection)
    return report


class Outcomes:
    """The outcomes of the messages sent, committed together every ``GROUP`` messages or
    ``GROUP_SECONDS``, whichever comes first (and before any pause, release or return):
    one commit a message would cost as much as the SMTP transaction. A crash loses at
    most that group's outcomes: those messages stay ``sending`` and become uncertain —
    never resent by themselves."""

    GROUP = 50
    GROUP_SECONDS = 0.25

    def __init__(self, link: Link, token: str) -> None:
        self.link, self.token = link, token
        self.pending: list[tuple[int, dict[str, object]]] = []
        self.since = 0.0

    def record(self, message_id: int, **values: object) -> None:
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append((message_id, values))
        if len(self.pending) >= self.GROUP or time.monotonic() - self.since > self.GROUP_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Commit the recorded outcomes: one ``executemany`` per shape of outcome."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        shapes: dict[tuple[str, ...], list[dict[str, object]]] = {}
        for message_id, values in pending:
            shapes.setdefault(tuple(values), []).append({"_id": message_id, **values})
        # An outcome lost with the server (not with this process) leaves its message
        # 'sending', then uncertain: never resent. The claim stays synchronous.
        with self.link.writing(durable=False) as connection:
            for names, rows in shapes.items():
                connection.execute(
                    update(_TABLE)
                    .where(
                        _TABLE.c.id == bindparam("_id"),
                        _TABLE.c.claimed_by == self.token,
                        _TABLE.c.status == MailStatus.SENDING,
                    )
                    .values(
                        version=_TABLE.c.version + 1,
                        **{name: bindparam(name, type_=_TABLE.c[name].type) for name in names},
                    ),
                    rows,
                )


@dataclass
class _Run:
    settings: smtp_settings.SmtpSettings
    limiter: RateLimit
    tls_context: ssl.SSLContext | None
    report: SendReport
    after_accept: Callable[[int], None] | None
    outcomes: Outcomes
    should_stop: Callable[[], bool] = lambda: False
    connection: smtplib.SMTP | None = None

    def send(
        self, message_id: int, prepared: _Prepared | AttachmentMissing, claimed: list[int]
    ) -> None:
        """Send one claimed message (``claimed``: it and the ones after it in the batch,
        released when the server cannot be reached)."""
        if isinstance(prepared, AttachmentMissing):
            self.outcomes.record(message_id, status=MailStatus.FAILED, last_error=prepared.message)
            self.report.failed += 1
            return
        if self.connection is None:
            try:
                self.connection = connect(self.settings, tls_context=self.tls_context)
            except MailServerProblem as problem:
                self.outcomes.flush()
                release(self.outcomes.link, self.outcomes.token, claimed)
                self.report.stopped = problem.message
                return
        if self.limiter.due_in() > self.outcomes.GROUP_SECONDS:
            self.outcomes.flush()  # nothing waits uncommitted during a pause
        self.limiter.wait()
        if self.should_stop():  # stopped during the wait: this one is not tried either
            self.outcomes.flush()
            release(self.outcomes.link, self.outcomes.token, claimed)
            return
        self.connection = self._send_one(message_id, prepared, self.connection)

    def _send_one(
        self, message_id: int, prepared: _Prepared, connection: smtplib.SMTP
    ) -> smtplib.SMTP | None:
        """Send one message and record its outcome; the connection, None once lost."""
        attempts = prepared.attempts + 1
        try:
            accepted, refused = _transact(connection, self.settings.sender_address, prepared)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
            code, text = _answer(error)
            if 400 <= code < 500:
                self._retry_later(message_id, attempts, text)
            else:
                self.outcomes.record(
                    message_id,
                    status=MailStatus.FAILED,
                    attempts=attempts,
                    last_error=tr("Refused by the mail server: {reply}", reply=text),
                )
                self.report.failed += 1
            return connection
        except (smtplib.SMTPException, OSError) as error:
            problem = describe(error, self.settings)
            self._retry_later(message_id, attempts, problem.message)
            close(connection)
            return None
        if self.after_accept is not None:
            self.after_accept(message_id)
        self.outcomes.record(
            message_id,
            status=MailStatus.SENT,
            attempts=attempts,
            sent_at=clock.now(),
            server_reply=accepted[:500],
            last_error=tr("Refused recipients: {list}", list=refused) if refused else None,
        )
        self.report.sent += 1
        self.report.sent_ids.append(message_id)
        return connection

    def _retry_later(self, message_id: int, attempts: int, text: str) -> None:
        if attempts >= MAX_ATTEMPTS:
            self.outcomes.record(
                message_id,
                status=MailStatus.FAILED,
                attempts=attempts,
                last_error=tr(
                    "The mail server put this message off {count} times: {reply}",
                    count=attempts,
                    reply=text,
                ),
            )
            self.report.failed += 1
            return
        self.outcomes.record(
            message_id,
            status=MailStatus.QUEUED,
            attempts=attempts,
            claimed_by=None,
            claimed_at=None,
            next_attempt_at=clock.now() + retry_delay(attempts),
            last_error=tr("Put off by the mail server, tried again later: {reply}", reply=text),
        )
        self.report.retried += 1
