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
from tests.billing.builders import billed_member, pdf_text
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
    database: Database, billing: Actor, mail_relay: SmtpServer
) -> None:
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
    mail = mail_relay.received[0].message
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


def test_reminders_by_email_carry_their_letter(
    database: Database, billing: Actor, mail_relay: SmtpServer
) -> None:
    emailed, _ = billed_member(database, billing)
    posted, _ = billed_member(database, billing)
    silent, _ = billed_member(database, billing)  # wants e-mail, has no address
    with database.transaction() as session:
        session.get(Member, posted).documents_by = DocumentChannel.POST
        session.get(Member, emailed).billing_email = "compta@adherent.fr"
        session.get(Member, silent).email = None
    with clock.frozen(datetime(2027, 5, 20, 9, tzinfo=UTC)):
        with database.session() as session:
            ids = [row.instalment_id for row in reminders.overdue_instalments(session, billing)]
        with database.transaction() as session:
            batch = reminders.send_reminders(session, billing, ids)
        assert (batch.letters, batch.emailed) == (2, 1)  # the silent one printed instead
        assert len(PdfReader(BytesIO(batch.pdf)).pages) >= 2  # posted and silent letters
        with database.session() as session:
            [kept] = session.scalars(
                select(MailMessage).where(MailMessage.member_id == silent)
            ).all()
            # printed instead: closed, so that no retry from the outbox sends it as well
            assert kept.status == MailStatus.CANCELLED
            assert kept.last_error.endswith("Imprimé à la place.")
        assert sender.send_queued(database, billing).sent == 1
    [received] = mail_relay.received
    assert received.recipients == ["compta@adherent.fr"]
    mail = received.message
    assert mail["Subject"].startswith("1re relance – facture FA-2027-")  # one invoice: singular
    text = mail.get_body(("plain",)).get_content()
    assert "restent impayées" in text and "échéance du 15/03/2027" in text
    [letter] = list(mail.iter_attachments())
    assert letter.get_filename().startswith("relance-")
    assert "relance" in PdfReader(BytesIO(letter.get_content())).pages[0].extract_text().lower()


# -- from the command line ----------------------------------------------------------------


def cli(database: Database, *args: str) -> int:
    from backoffice.cli.main import main

    return main(["--database", database.url.render_as_string(hide_password=False), *args])


@pytest.mark.usefixtures("staff_password")
def test_billing_email_from_the_command_line(
    database: Database,
    billing: Actor,
    tmp_path: Path,
    mail_relay: SmtpServer,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    ids = [billed_member(database, billing) for _ in range(3)]
    with database.transaction() as session:
        session.get(Member, ids[1][0]).documents_by = DocumentChannel.POST
        session.get(Member, ids[2][0]).email = None
        numbers = [session.get(Invoice, invoice_id).number for _m, invoice_id in ids]
    out = tmp_path / "par-courrier.pdf"
    campaign = ("billing", "email", "--campaign", "2027", "--as", "billing", "--quiet")
    assert cli(database, *campaign, "--print", str(out)) == 0
    said = capsys.readouterr().out
    assert (
        "Factures : 1 en file dans la boîte d'envoi (backoffice mail send les envoie), "
        "2 à imprimer (par courrier)." in said
    )
    assert "Retenu, imprimé à la place : " in said and "n'a pas d'adresse e-mail" in said
    assert f"Les factures à imprimer sont dans {out}." in said
    printed = " ".join(pdf_text(out.read_bytes()))
    assert numbers[1] in printed and numbers[2] in printed and numbers[0] not in printed
    assert cli(database, *campaign) == 0  # again: nothing twice
    said = capsys.readouterr().out
    assert "1 déjà dans la boîte d'envoi : pas remis en file." in said
    assert "Indiquez --print FICHIER.pdf" in said
    # one invoice: by e-mail, whatever the member prefers
    assert cli(database, "billing", "email", "--invoice", numbers[1], "--as", "billing") == 0
    assert "Factures : 1 en file" in capsys.readouterr().out
    assert cli(database, "billing", "email", "--invoice", "FA-1", "--as", "billing") == 1
    assert "Aucune facture ne porte le numéro FA-1." in capsys.readouterr().err
    assert cli(database, "billing", "email", "--invoice", numbers[0], "--as", "read_only") == 1
    assert "Refusé" in capsys.readouterr().err
    assert cli(database, "mail", "send", "--as", "billing") == 0
    received = sorted(item.message["Subject"] for item in mail_relay.received)
    assert [subject.split(" – ")[0] for subject in received] == [
        f"Facture {numbers[0]}",
        f"Facture {numbers[1]}",
    ]


@pytest.mark.usefixtures("staff_password")
def test_billing_remind_from_the_command_line(
    database: Database,
    billing: Actor,
    tmp_path: Path,
    mail_relay: SmtpServer,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backoffice.models import PaymentReminder
    from tests.billing.builders import instalments_of

    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    (emailed, first), (posted, second) = (billed_member(database, billing) for _ in range(2))
    with database.transaction() as session:
        session.get(Member, posted).documents_by = DocumentChannel.POST
        for invoice_id in (first, second):
            for item in instalments_of(session, invoice_id):
                item.due_on = item.due_on.replace(year=2026)
    remind = ("billing", "remind", "--as", "billing")
    assert cli(database, *remind) == 1  # a letter to print and nowhere to write it
    assert "1 à imprimer : indiquez --letters FICHIER.pdf" in capsys.readouterr().err
    with database.session() as session:
        assert session.scalars(select(PaymentReminder)).first() is None
    letters = tmp_path / "relances.pdf"
    assert cli(database, *remind, "--min-days", "300", "--letters", str(letters)) == 0
    said = capsys.readouterr().out
    assert "Relances : 1 en file dans la boîte d'envoi" in said
    assert "1 à imprimer (par courrier)." in said
    assert "Relance" in pdf_text(letters.read_bytes())[0]
    kinds = [(m.kind, m.member_id) for m in messages(database)]
    assert kinds == [(MailKind.REMINDER, emailed)]
    assert cli(database, "mail", "send", "--as", "billing") == 0
    [received] = mail_relay.received
    [letter] = list(received.message.iter_attachments())
    assert "Relance" in pdf_text(letter.get_content())[0]
