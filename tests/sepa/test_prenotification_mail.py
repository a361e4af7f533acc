"""Pre-notifications through the outbox (issue 17): queued when a mail server is set and
received as a French e-mail; written as .eml files when none is; a member who asked for
post gets the letter."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import DocumentChannel, MailKind, MailMessage, Member
from backoffice.money import format_eur
from backoffice.services.mail import sender
from backoffice.services.permissions import Actor
from tests.mail.conftest import configure
from tests.mail.smtp_server import SmtpServer
from tests.sepa.builders import COLLECTION, invoice, member_with_mandate, prenotify


def test_a_prenotification_is_queued_sent_and_read_in_french(
    database: Database, actors: dict[str, Actor], tmp_path: Path
) -> None:
    billing = actors["billing"]
    server = SmtpServer(tmp_path, "starttls").start()
    try:
        configure(database, actors["administrator"], server)
        with database.transaction() as session:
            by_email, mandate = member_with_mandate(
                session, billing, name="GARAGE WEBER", email="compta@garage-weber.fr"
            )
            bill = invoice(session, by_email, [(COLLECTION, 145822)])
            by_post, _ = member_with_mandate(session, billing, email="rh@poste.fr")
            session.get(Member, by_post.id).documents_by = DocumentChannel.POST
            invoice(session, by_post, [(COLLECTION, 1000)])
        batch = prenotify(database, billing)
        assert batch.emails == []  # no .eml to write: the outbox sends them
        assert [n.member_code for n in batch.queued] == [by_email.member_code]
        assert [n.member_code for n in batch.letters] == [by_post.member_code]
        with database.session() as session:
            queued = session.scalars(select(MailMessage)).all()
            assert [(m.kind, m.record_type) for m in queued] == [
                (MailKind.PRENOTIFICATION, "sepa_prenotification")
            ]
        report = sender.send_queued(database, billing, tls_context=server.client_context())
        assert report.sent == 1
        [received] = server.received
        mail = received.message
        assert received.recipients == ["compta@garage-weber.fr"]
        assert mail["Subject"] == (
            f"Avis de prélèvement SEPA du 15/03/2027 – adhérent {by_email.member_code}"
        )
        text = mail.get_body(("plain",)).get_content()
        assert f"la somme de {format_eur(145822)} sera prélevée le 15/03/2027" in text
        assert f"- facture {bill.number}, échéance 1 du 15/03/2027" in text
        assert f"(RUM) : {mandate.rum}" in text and "(ICS) : FR72ZZZ123456" in text
    finally:
        server.stop()


def test_without_a_mail_server_the_emails_are_eml_files_as_before(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        member, _ = member_with_mandate(session, billing, email="compta@garage-weber.fr")
        invoice(session, member, [(COLLECTION, 1000)])
    batch = prenotify(database, billing)
    assert [n.member_code for n in batch.emails] == [member.member_code]
    assert batch.queued == []
    with database.session() as session:
        assert session.scalars(select(MailMessage)).all() == []
