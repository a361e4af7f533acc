"""Invoices and reminders by e-mail (issue 17): the invoice with its PDF (single, or the
whole campaign, never queued twice), reminders with their letter; members who asked for
post are left for printing."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import DocumentChannel, Invoice, MailKind, MailMessage, MailStatus, Member
from backoffice.services.billing import emailing, reminders
from backoffice.services.errors import ValidationFailed
from backoffice.services.mail import sender
from backoffice.services.mail.documents import Delivery
from backoffice.services.permissions import Actor
from tests.billing.builders import billed_member
from tests.mail.conftest import configure
from tests.mail.smtp_server import SmtpServer


def messages(database: Database) -> list[MailMessage]:
    with database.session() as session:
        found = list(session.scalars(select(MailMessage).order_by(MailMessage.id)))
        session.expunge_all()
        return found


def test_without_a_server_invoices_are_not_emailed(database: Database, billing: Actor) -> None:
    _member, invoice_id = billed_member(database, billing)
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        emailing.email_invoices(session, billing, [invoice_id])
    assert "Aucun serveur de messagerie" in refused.value.message


def test_the_campaign_s_invoices_by_email_with_their_pdf(
    database: Database, billing: Actor, actors: dict[str, Actor], tmp_path: Path
) -> None:
    server = SmtpServer(tmp_path, "none").start()
    try:
        configure(database, actors["administrator"], server)
        by_mail, first = billed_member(database, billing)
        by_post, second = billed_member(database, billing)
        with database.transaction() as session:
            session.get(Member, by_post).documents_by = DocumentChannel.POST
            number = session.get(Invoice, first).number
        with database.transaction() as session:
            outcome = emailing.email_campaign(session, billing, 2027)
        assert (outcome.queued, outcome.by_post) == ((first,), (second,))
        with database.transaction() as session:  # asked again: nothing twice
            again = emailing.email_campaign(session, billing, 2027)
        assert (again.queued, again.already) == ((), (first,))
        with database.transaction() as session:  # e-mail for all: the second one too
            forced = emailing.email_invoices(session, billing, [second], Delivery.EMAIL)
        assert forced.queued == (second,)
        assert sender.send_queued(database, billing).sent == 2
        mail = server.received[0].message
        assert mail["Subject"].startswith(f"Facture {number} – ")
        [attachment] = list(mail.iter_attachments())
        text = PdfReader(BytesIO(attachment.get_content())).pages[0].extract_text()
        assert number in text
        kinds = {(m.kind, m.record_id, m.status) for m in messages(database)}
        assert kinds == {
            (MailKind.INVOICE, first, MailStatus.SENT),
            (MailKind.INVOICE, second, MailStatus.SENT),
        }
        del by_mail
    finally:
        server.stop()


def test_reminders_by_email_carry_their_letter(
    database: Database, billing: Actor, actors: dict[str, Actor], tmp_path: Path
) -> None:
    server = SmtpServer(tmp_path, "none").start()
    try:
        configure(database, actors["administrator"], server)
        emailed, _ = billed_member(database, billing)
        posted, _ = billed_member(database, billing)
        with database.transaction() as session:
            session.get(Member, posted).documents_by = DocumentChannel.POST
            session.get(Member, emailed).billing_email = "compta@adherent.fr"
        with clock.frozen(datetime(2027, 5, 20, 9, tzinfo=UTC)):
            with database.session() as session:
                ids = [row.instalment_id for row in reminders.overdue_instalments(session, billing)]
            with database.transaction() as session:
                batch = reminders.send_reminders(session, billing, ids)
            assert (batch.letters, batch.emailed) == (1, 1)
            assert len(PdfReader(BytesIO(batch.pdf)).pages) >= 1  # the posted member's letter
            assert sender.send_queued(database, billing).sent == 1
        [received] = server.received
        assert received.recipients == ["compta@adherent.fr"]
        mail = received.message
        assert mail["Subject"].startswith("1re relance – facture FA-2027-")
        text = mail.get_body(("plain",)).get_content()
        assert "restent impayées" in text and "échéance du 15/03/2027" in text
        [letter] = list(mail.iter_attachments())
        assert letter.get_filename().startswith("relance-")
        assert "relance" in PdfReader(BytesIO(letter.get_content())).pages[0].extract_text().lower()
    finally:
        server.stop()
