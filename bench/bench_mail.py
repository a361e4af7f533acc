"""Mail: the outbox's sender against raw ``smtplib`` (goal ≤ 2×, memory flat).

- The server: aiosmtpd's ``Sink`` in a process of its own on the loopback (it reads every
  message and drops it), plain SMTP: both sides pay the same transport.
- Ours: ``send_queued`` on ``BENCH_MAIL_MESSAGES`` (default 10,000) queued messages, each
  with the same invoice PDF stored as its attachment: claims by batches, composes each
  message from the database (text, HTML, PDF), one SMTP connection, the outcomes
  committed by groups (the "never twice, never lost" rule of ``services/mail/sender.py``).
- The baseline: ``smtplib.SMTP.sendmail`` over one connection with the same messages
  prepared beforehand (bytes in memory, nothing read nor written).
- Memory: the sender's peak resident memory in a child process for a quarter of the
  messages and for all of them (flat: it holds a batch, never the queue).
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

from sqlalchemy import select, update

from backoffice.db import Database
from backoffice.models import MailKind, MailMessage, MailStatus, Role
from backoffice.services import identity as identity_service
from backoffice.services.actors import actor_of
from backoffice.services.mail import outbox
from backoffice.services.mail import settings as smtp
from backoffice.services.mail.compose import message_bytes
from backoffice.services.mail.recipients import Purpose
from bench.common import Context, Result, fresh_database, timed

MESSAGES = int(os.environ.get("BENCH_MAIL_MESSAGES", "10000"))
# The benchmark's database (a PostgreSQL database of that name is dropped and made again):
# another name when two worktrees run it on the same server.
DATABASE_LABEL = os.environ.get("BENCH_MAIL_DATABASE", "bench_mail")


@contextlib.contextmanager
def sink_server() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(10)


def invoice_pdf() -> bytes:
    """A one-page invoice-like PDF (reportlab), the size of the real ones."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for line in range(60):
        page.drawString(60, 800 - line * 12, f"Ligne {line} — cotisation annuelle 2027 : 41,20 €")
    page.showPage()
    page.save()
    return buffer.getvalue()


def queue(database: Database, count: int, pdf: bytes) -> float:
    """Queue ``count`` invoices' e-mails (the time it takes)."""
    from tests import factories  # the benchmark's member: the tests' builder

    def work() -> None:
        with database.transaction() as session:
            member = factories.member(session, billing_email="compta@adherent.fr")
            for index in range(count):
                outbox.queue(
                    session,
                    None,
                    MailKind.INVOICE,
                    member=member,
                    purpose=Purpose.BILLING,
                    values={
                        "invoice_number": f"FA-2027-{index:06d}",
                        "invoice_date": "10/02/2027",
                        "total": "1 234,00 €",
                        "schedule": "- 15/03/2027 : 411,33 €\n- 15/05/2027 : 411,33 €",
                        "billing_contact": "03 89 00 00 00",
                    },
                    attachments=[
                        outbox.Attachment(f"facture-FA-2027-{index:06d}.pdf", content=pdf)
                    ],
                )

    return timed(work)


def prepared(database: Database) -> list[tuple[list[str], bytes]]:
    """Every message as bytes, composed as the sender does, before the baseline's clock."""
    with database.session() as session:
        settings = smtp.load(session)
        identity = identity_service.load(session)
        return [
            (
                list(message.recipients),
                message_bytes(
                    message,
                    [(a.filename, a.media_type, a.content or b"") for a in message.attachments],
                    settings,
                    identity,
                ),
            )
            for message in session.scalars(select(MailMessage).order_by(MailMessage.id))
        ]


def smtplib_baseline(port: int, messages: list[tuple[list[str], bytes]]) -> None:
    connection = smtplib.SMTP("127.0.0.1", port, timeout=30)
    try:
        for recipients, data in messages:
            connection.sendmail("factures@spsti.test", recipients, data)
    finally:
        connection.quit()


CHILD = """
import sys
from backoffice.db import Database
from backoffice.services.mail.sender import send_queued
from bench.common import peak_rss_mib
database = Database(sys.argv[1])
report = send_queued(database, None)
print(report.sent, peak_rss_mib())
"""


def child_peak(url: str) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url], capture_output=True, text=True, check=True
    )
    sent, peak = done.stdout.split()
    return int(sent), int(peak)


def requeue(database: Database) -> None:
    with database.transaction() as session:
        session.execute(
            update(MailMessage).values(
                status=MailStatus.QUEUED, attempts=0, sent_at=None, claimed_by=None
            )
        )


def run(context: Context) -> None:
    pdf = invoice_pdf()
    for backend in context.backends:
        database = fresh_database(backend, DATABASE_LABEL)
        url = database.engine.url.render_as_string(hide_password=False)
        from tests import factories

        with database.transaction() as session:
            factories.service_identity(session)
            admin = actor_of(factories.staff(session, Role.ADMINISTRATOR, login="bench-admin"))
        with sink_server() as port:
            with database.transaction() as session:
                smtp.save(
                    session,
                    admin,
                    smtp.SmtpSettings(
                        host="127.0.0.1",
                        port=port,
                        security=smtp.Security.NONE,
                        sender_address="factures@spsti.test",
                        per_minute=10_000_000,
                    ),
                )
            quarter = queue(database, MESSAGES // 4, pdf)
            small_sent, small_peak = child_peak(url)
            queued_time = queue(database, MESSAGES - MESSAGES // 4, pdf) + quarter
            requeue(database)
            big_sent, big_peak = child_peak(url)
            from backoffice.services.mail.sender import send_queued

            ours, baseline = [], []
            messages = prepared(database)
            for _ in range(3):  # alternated, the best of three each: a loaded machine
                requeue(database)
                report = []
                ours.append(
                    timed(lambda db=database, out=report: out.append(send_queued(db, None)))
                )
                assert report[0].sent == MESSAGES, report[0]
                baseline.append(timed(lambda p=port, m=messages: smtplib_baseline(p, m)))
            ours_best, baseline_best = min(ours), min(baseline)
        size_kib = len(messages[0][1]) // 1024
        context.add(
            Result(
                f"mail: send {MESSAGES:,} messages with a PDF",
                backend,
                ours_best,
                baseline_best,
                "smtplib, prepared, one connection",
                "≤ 2×",
                f"{MESSAGES / ours_best:,.0f} msg/s ({size_kib} KiB each); queueing "
                f"{queued_time:.1f} s; peak RSS {small_peak} MiB at {small_sent:,}, "
                f"{big_peak} MiB at {big_sent:,}",
            )
        )
        database.dispose()
