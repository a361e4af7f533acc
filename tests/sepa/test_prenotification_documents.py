"""The notices members receive: the PDF letters (read back) and the emails (.eml), with
the amounts, the dates, the RUM and the ICS; printed again identically later."""

from __future__ import annotations

import email
from email.policy import default
from io import BytesIO

from pypdf import PdfReader

from backoffice.db import Database
from backoffice.money import format_eur
from backoffice.services.permissions import Actor
from backoffice.services.sepa import prenotifications
from tests.sepa.builders import COLLECTION, invoice, member_with_mandate, prenotify


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(content)).pages]


def test_letters_and_emails_carry_amounts_dates_rum_and_ics(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        by_letter, letter_mandate = member_with_mandate(session, billing, name="ETS MARTIN SA")
        bill = invoice(session, by_letter, [(COLLECTION, 48607)])
        by_email, email_mandate = member_with_mandate(
            session, billing, name="GARAGE WEBER", email="compta@garage-weber.fr"
        )
        invoice(session, by_email, [(COLLECTION, 145822)])
    batch = prenotify(database, billing)
    assert [n.member_code for n in batch.letters] == [by_letter.member_code]
    assert [n.member_code for n in batch.emails] == [by_email.member_code]
    with database.session() as session:
        letters = prenotifications.letters_pdf(session, batch.letters)
        files = prenotifications.email_files(session, batch.emails)
    (page,) = pdf_text(letters)
    for expected in (
        "Objet : avis de prélèvement SEPA",
        "ETS MARTIN SA",
        f"N° d'adhérent : {by_letter.member_code}",
        f"Référence unique du mandat (RUM) : {letter_mandate.rum}",
        "Identifiant créancier SEPA (ICS) : FR72ZZZ123456",
        "486,07",  # (the PDF text layer drops the narrow no-break space of 486,07 €)
        "15/03/2027",
        bill.number,
        "Mulhouse, le 1 février 2027",
    ):
        assert expected in page, expected
    assert letter_mandate.iban not in page  # the account is masked
    assert letter_mandate.iban[-4:] in page.replace(" ", "")
    ((name, content),) = files
    assert name == f"avis-prelevement-20270315-{by_email.member_code}.eml"
    message = email.message_from_bytes(content, policy=default)
    assert message["To"] == "GARAGE WEBER <compta@garage-weber.fr>"
    assert message["Subject"] == (
        f"Avis de prélèvement SEPA du 15/03/2027 – adhérent {by_email.member_code}"
    )
    body = message.get_content()
    assert f"la somme de {format_eur(145822)} sera prélevée le 15/03/2027" in body
    assert f"(RUM) : {email_mandate.rum}" in body and "(ICS) : FR72ZZZ123456" in body
    # Printed again later: the same letter.
    with database.session() as session:
        again = prenotifications.notices_of(
            session, billing, [n.prenotification_id for n in batch.letters]
        )
        assert pdf_text(prenotifications.letters_pdf(session, again)) == [page]
        preview = prenotifications.email_preview(
            session, billing, batch.emails[0].prenotification_id
        )
    assert preview.recipient == "compta@garage-weber.fr" and preview.body == body


def test_a_member_notified_once_is_left_alone_unless_asked(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with database.transaction() as session:
        member, _ = member_with_mandate(session, billing)
        invoice(session, member, [(COLLECTION, 10000)])
    first = prenotify(database, billing)
    second = prenotify(database, billing)
    assert (len(first.notices), len(second.notices), second.already_notified) == (1, 0, 1)
    third = prenotify(database, billing, again=True, channel=prenotifications.Channel.LETTER)
    assert len(third.notices) == 1 and third.notices[0].channel == "letter"
