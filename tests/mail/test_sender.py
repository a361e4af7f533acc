"""The sender against a real SMTP server (aiosmtpd, STARTTLS and AUTH): what arrives, and
every failure case of issue 17 — server down then back, wrong password, 4xx then
success, 5xx, a crash between the server's acceptance and the commit, two senders."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select, update

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Invoice, MailKind, MailMessage, MailStatus, MailTemplate, Member
from backoffice.services.mail import outbox, sender
from backoffice.services.mail.recipients import Purpose
from backoffice.services.mail.settings import Security
from backoffice.services.permissions import Actor
from tests.billing.builders import billed_member
from tests.mail.builders import member, queue_tests
from tests.mail.conftest import configure
from tests.mail.smtp_server import SmtpServer, free_port


def statuses(database: Database, ids: list[int]) -> list[MailStatus]:
    with database.session() as session:
        return list(
            session.scalars(
                select(MailMessage.status).where(MailMessage.id.in_(ids)).order_by(MailMessage.id)
            )
        )


def message(database: Database, message_id: int) -> MailMessage:
    with database.session() as session:
        found = session.get(MailMessage, message_id)
        assert found is not None
        session.expunge(found)
        return found


def test_an_invoice_arrives_with_its_headers_french_text_and_pdf(
    database: Database, actors: dict[str, Actor], smtp_server: SmtpServer
) -> None:
    configure(database, actors["administrator"], smtp_server)
    member_id, invoice_id = billed_member(database, actors["billing"])
    with database.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        who = session.get(Member, member_id)
        assert invoice is not None and who is not None
        who.billing_email = "compta@adherent-été.fr".replace("é", "e")
        number = invoice.number
        queued = outbox.queue(
            session,
            actors["billing"],
            MailKind.INVOICE,
            member=who,
            purpose=Purpose.BILLING,
            values={
                "invoice_number": number,
                "invoice_date": "10/02/2027",
                "total": "1 234,00 €",
                "schedule": "- 15/03/2027 : 411,33 €\n- 15/05/2027 : 411,33 €",
                "billing_contact": "01 02 03 04 05",
            },
            record=("invoice", invoice_id),
            attachments=[
                outbox.Attachment(
                    f"facture-{number}.pdf", maker="invoice_pdf", record_id=invoice_id
                )
            ],
        )
    report = sender.send_queued(
        database, actors["billing"], tls_context=smtp_server.client_context()
    )
    assert (report.sent, report.failed, report.stopped) == (1, 0, None)
    [received] = smtp_server.received
    stored = message(database, queued.message_id)
    mail = received.message
    assert received.mail_from == "factures@spsti.test"
    assert received.recipients == ["compta@adherent-ete.fr"]
    assert mail["Message-ID"] == stored.message_id
    assert mail["Subject"] == stored.subject  # "–" and accents through RFC 2047
    assert mail["Subject"].startswith(f"Facture {number} – ")
    assert mail["From"].addresses[0].display_name == "Service de santé au travail"
    assert mail["Reply-To"] == "contact@spsti.test"
    text = mail.get_body(("plain",)).get_content()
    assert "Veuillez trouver ci-joint la facture" in text and "Échéancier" in text
    html = mail.get_body(("html",)).get_content()
    assert "<li>15/03/2027 : 411,33 €</li>" in html
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == f"facture-{number}.pdf"
    pages = PdfReader(BytesIO(attachment.get_content())).pages
    assert number in pages[0].extract_text()
    assert stored.status == MailStatus.SENT and stored.attempts == 1
    assert stored.sent_at is not None and "queued as Q000001" in (stored.server_reply or "")


def test_server_down_then_back(
    database: Database, actors: dict[str, Actor], tmp_path: Path
) -> None:
    server = SmtpServer(tmp_path, "starttls", port=free_port())
    configure(database, actors["administrator"], server)
    ids = queue_tests(database, actors["billing"], 3)
    report = sender.send_queued(database, None, tls_context=server.client_context())
    assert report.sent == 0 and "refuse la connexion" in (report.stopped or "")
    assert statuses(database, ids) == [MailStatus.QUEUED] * 3
    assert message(database, ids[0]).attempts == 0  # the server's absence is no attempt
    server.start()
    try:
        report = sender.send_queued(database, None, tls_context=server.client_context())
    finally:
        server.stop()
    assert report.sent == 3 and report.stopped is None
    assert statuses(database, ids) == [MailStatus.SENT] * 3
    assert len(server.received) == 3


def test_a_wrong_password_keeps_the_messages_and_says_so(
    database: Database, actors: dict[str, Actor], smtp_server: SmtpServer
) -> None:
    configure(database, actors["administrator"], smtp_server, password="faux")
    ids = queue_tests(database, actors["billing"], 2)
    report = sender.send_queued(database, None, tls_context=smtp_server.client_context())
    assert report.sent == 0
    assert "a refusé l'identifiant envoi@spsti.test ou son mot de passe" in (report.stopped or "")
    assert "535" in (report.stopped or "")
    assert statuses(database, ids) == [MailStatus.QUEUED] * 2
    assert smtp_server.received == []


def test_a_temporary_refusal_is_retried_later_then_succeeds(
    database: Database, actors: dict[str, Actor], smtp_server: SmtpServer
) -> None:
    configure(database, actors["administrator"], smtp_server)
    [message_id] = queue_tests(database, actors["billing"], 1)
    smtp_server.recorder.data_replies.append("451 4.3.0 Mailbox busy, try again")
    report = sender.send_queued(database, None, tls_context=smtp_server.client_context())
    assert (report.sent, report.retried) == (0, 1)
    stored = message(database, message_id)
    assert stored.status == MailStatus.QUEUED and stored.attempts == 1
    assert "451 4.3.0 Mailbox busy" in (stored.last_error or "")
    assert stored.next_attempt_at >= clock.now() + timedelta(seconds=50)
    # not due yet: nothing is sent
    assert sender.send_queued(database, None, tls_context=smtp_server.client_context()).sent == 0
    with clock.frozen(clock.now() + timedelta(minutes=2)):
        report = sender.send_queued(database, None, tls_context=smtp_server.client_context())
    assert report.sent == 1
    stored = message(database, message_id)
    assert stored.status == MailStatus.SENT and stored.attempts == 2
    assert len(smtp_server.received) == 1


def test_the_delays_grow_and_a_message_put_off_too_often_fails() -> None:
    delays = [outbox.retry_delay(n) for n in range(1, 7)]
    assert delays == sorted(delays) and delays[0] == timedelta(minutes=1)
    assert delays[-1] == timedelta(hours=3)


def test_a_permanent_refusal_fails_with_the_servers_answer_and_blocks_nothing(
    database: Database, actors: dict[str, Actor], smtp_server: SmtpServer
) -> None:
    configure(database, actors["administrator"], smtp_server)
    bad = member(database, email="inconnu@adherent.fr")
    [refused] = queue_tests(database, actors["billing"], 1, member_id=bad)
    good = queue_tests(database, actors["billing"], 2)
    smtp_server.recorder.rcpt_replies["inconnu@adherent.fr"] = "550 5.1.1 No such user here"
    report = sender.send_queued(database, None, tls_context=smtp_server.client_context())
    assert (report.sent, report.failed) == (2, 1)
    stored = message(database, refused)
    assert stored.status == MailStatus.FAILED
    assert stored.last_error == (
        "Refusé par le serveur de messagerie : inconnu@adherent.fr: 550 5.1.1 No such user here"
    )
    assert statuses(database, good) == [MailStatus.SENT] * 2


CRASHING_SENDER = textwrap.dedent(
    """
    import os, sys
    from backoffice.db import Database
    from backoffice.services.mail import sender

    database = Database(sys.argv[1])
    # The process dies between the server's acceptance and the commit of 'sent'.
    sender.send_queued(database, None, after_accept=lambda _id: os._exit(3))
    """
)


def test_a_crash_between_acceptance_and_commit_is_never_resent_blindly(
    database: Database, actors: dict[str, Actor], tmp_path: Path
) -> None:
    relay = SmtpServer(tmp_path, "none").start()  # no password: the child has no keyring
    try:
        configure(database, actors["administrator"], relay, security=Security.NONE)
        [message_id] = queue_tests(database, actors["billing"], 1)
        url = database.engine.url.render_as_string(hide_password=False)
        child = subprocess.run(
            [sys.executable, "-c", CRASHING_SENDER, url],
            env={**os.environ, "PYTHONPATH": str(Path.cwd())},
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert child.returncode == 3, child.stderr.decode()
        assert len(relay.received) == 1  # the server has it
        stored = message(database, message_id)
        assert stored.status == MailStatus.SENDING  # the database does not know
        # another run right after: not sent again
        report = sender.send_queued(database, None)
        assert report.sent == 0 and len(relay.received) == 1
        # past the lease: uncertain, for a person, still not sent again
        with clock.frozen(clock.now() + sender.LEASE + timedelta(minutes=1)):
            report = sender.send_queued(database, None)
        assert report.uncertain == 1 and report.sent == 0 and len(relay.received) == 1
        stored = message(database, message_id)
        assert stored.status == MailStatus.UNCERTAIN
        assert "Message-ID" in (stored.last_error or "")
        # the person finds it in the server's log and sends it again: same Message-ID
        with database.transaction() as session:
            outbox.resend(session, actors["billing"], message_id)
        assert sender.send_queued(database, None).sent == 1
        first, second = relay.received
        assert first.message["Message-ID"] == second.message["Message-ID"] == stored.message_id
    finally:
        relay.stop()


def test_an_uncertain_message_found_in_the_log_is_marked_sent(
    database: Database, actors: dict[str, Actor]
) -> None:
    [message_id] = queue_tests(database, actors["billing"], 1)
    with database.transaction() as session:
        session.execute(
            update(MailMessage)
            .where(MailMessage.id == message_id)
            .values(status=MailStatus.UNCERTAIN, claimed_at=clock.now())
        )
    with database.transaction() as session:
        assert outbox.mark_sent(session, actors["billing"], message_id) == MailStatus.SENT
    assert message(database, message_id).sent_at is not None


def test_two_senders_share_the_queue_each_message_received_once(
    pg_database: Database, tmp_path: Path
) -> None:
    from tests import factories

    with pg_database.transaction() as session:
        everyone = factories.staff_of_every_role(session)
    relay = SmtpServer(tmp_path, "none").start()
    try:
        # 100 a second each: the two senders overlap for the whole run
        configure(
            pg_database, everyone["administrator"], relay, security=Security.NONE, per_minute=6000
        )
        ids = queue_tests(pg_database, everyone["billing"], 240)
        reports: list[sender.SendReport] = []
        claimed_by: list[set[str]] = []

        def run() -> None:
            reports.append(sender.send_queued(pg_database, None))

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sum(report.sent for report in reports) == 240
        assert all(report.sent > 0 for report in reports), reports
        received = Counter(item.message["Message-ID"] for item in relay.received)
        assert len(received) == 240 and set(received.values()) == {1}
        assert statuses(pg_database, ids) == [MailStatus.SENT] * 240
        with pg_database.session() as session:
            claimed_by.append(set(session.scalars(select(MailMessage.claimed_by))))
        assert len(claimed_by[0]) == 2  # both senders took a share
    finally:
        relay.stop()


def test_the_rate_limit_spaces_the_messages(
    database: Database, actors: dict[str, Actor], smtp_server: SmtpServer
) -> None:
    configure(database, actors["administrator"], smtp_server, per_minute=30)
    queue_tests(database, actors["billing"], 3)
    slept: list[float] = []
    report = sender.send_queued(
        database, None, tls_context=smtp_server.client_context(), sleep=slept.append
    )
    assert report.sent == 3
    # 30 a minute: the second leaves 2 s after the first, the third 4 s after it (the
    # pauses are not really slept here, so each is counted from the first message)
    assert len(slept) == 2
    assert 1.5 < slept[0] <= 2.0 and 3.5 < slept[1] <= 4.0


def test_limit_sends_that_many(
    database: Database, actors: dict[str, Actor], smtp_server: SmtpServer
) -> None:
    configure(database, actors["administrator"], smtp_server)
    ids = queue_tests(database, actors["billing"], 5)
    report = sender.send_queued(
        database, actors["billing"], limit=2, tls_context=smtp_server.client_context()
    )
    assert report.sent == 2
    assert Counter(statuses(database, ids)) == {MailStatus.SENT: 2, MailStatus.QUEUED: 3}


# -- bad input: one French sentence each, the message kept and marked, nothing blocked ------


def test_bad_input_is_kept_marked_and_blocks_nothing(
    database: Database, actors: dict[str, Actor], smtp_server: SmtpServer, tmp_path: Path
) -> None:
    configure(database, actors["administrator"], smtp_server)
    billing = actors["billing"]
    invalid = member(database, email="pas une adresse@exemple")
    nobody = member(database, email=None)
    [bad_address] = queue_tests(database, billing, 1, member_id=invalid)
    [no_address] = queue_tests(database, billing, 1, member_id=nobody)
    missing = outbox.Attachment("lettre.pdf", path=str(tmp_path / "absente.pdf"))
    [missing_at_queue] = queue_tests(database, billing, 1, attachments=[missing])
    later = tmp_path / "lettre.pdf"
    later.write_bytes(b"%PDF-1.4 lettre")
    gone = outbox.Attachment("lettre.pdf", path=str(later))
    [missing_at_send] = queue_tests(database, billing, 1, attachments=[gone])
    later.unlink()
    with database.transaction() as session:  # a template changed behind the screen's back
        session.add(MailTemplate(kind=MailKind.TEST, subject="Essai {champ_inconnu}", text="x"))
    [bad_template] = queue_tests(database, billing, 1)
    with database.transaction() as session:
        session.execute(update(MailTemplate).values(subject="Essai", text="{sent_by}"))
    [fine] = queue_tests(database, billing, 1)

    report = sender.send_queued(database, None, tls_context=smtp_server.client_context())
    assert report.sent == 1 and report.failed == 1  # the file gone since it was queued
    errors = {
        key: message(database, key).last_error or ""
        for key in (bad_address, no_address, missing_at_queue, missing_at_send, bad_template)
    }
    assert "« pas une adresse@exemple »" in errors[bad_address]
    assert "n'est pas une adresse e-mail valide" in errors[bad_address]
    assert "n'a pas d'adresse e-mail pour général" in errors[no_address]
    assert "La pièce jointe lettre.pdf est introuvable" in errors[missing_at_queue]
    assert "La pièce jointe lettre.pdf est introuvable" in errors[missing_at_send]
    assert "{champ_inconnu}" in errors[bad_template]
    assert "n'existe pas" in errors[bad_template]
    assert all(message(database, key).status == MailStatus.FAILED for key in errors)
    assert message(database, fine).status == MailStatus.SENT
    assert len(smtp_server.received) == 1
