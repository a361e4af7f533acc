"""The access letter, read back from the PDF as the member would read it."""

from __future__ import annotations

import io

from pypdf import PdfReader

from backoffice.db import Database
from backoffice.reports.accounts_letter import access_letter_pdf
from backoffice.services.accounts import access
from backoffice.services.permissions import Actor
from tests import accounts_support as support
from tests import factories


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_reset_letter_has_the_address_code_password_steps_and_assistance(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member, account = support.locked_member(
            session,
            legal_name="MENUISERIE KOENIG SARL",
            contact_name="Paul Koenig",
            address_line1="14 rue du Ballon",
            address_line2="ZI Nord",
            postcode="68500",
            city="Guebwiller",
        )
        sent = access.reset_access(session, actors["administrative"], account.id)
    content = access_letter_pdf(sent.letter)
    assert len(PdfReader(io.BytesIO(content)).pages) == 1  # one sheet to post
    text = one_line(support.pdf_text(content))
    for expected in (
        "MENUISERIE KOENIG SARL",
        "À l'attention de Paul Koenig",
        "14 rue du Ballon",
        "ZI Nord",
        "68500 Guebwiller",
        f"N° d'adhérent : {member.member_code}",
        "Nouveau mot de passe provisoire",
        sent.temporary_password,
        f"Valable jusqu'au {sent.letter.valid_until.strftime('%d/%m/%Y')} inclus",
        "6 caractères au minimum",
        "adresse e-mail valide",
        "https://portail.sante-travail-rv.fr",
        "assistance.portail@sante-travail-rv.fr",
        "03 53 48 10 40",  # the help line of the service whose letterhead it is
        "Association Santé au Travail Rhin-Vosges",
        "SIRET 87951462800012",
    ):
        assert expected in text, expected


def test_first_access_letters_for_a_member_and_a_firm(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        member = factories.member(session, legal_name="GARAGE DU CENTRE")
        first = access.first_access(session, actors["administrator"], member.member_code)
        firm = support.create_firm(session, actors["administrator"])
    member_text = one_line(support.pdf_text(access_letter_pdf(first.letter)))
    assert "Suite à l'adhésion de GARAGE DU CENTRE" in member_text
    assert first.temporary_password in member_text
    assert "réinitialisé" not in member_text
    firm_text = one_line(support.pdf_text(access_letter_pdf(firm.access.letter)))
    assert "Code cabinet : CAB0001" in firm_text
    assert "connexion mandataire / cabinet comptable" in firm_text
    assert firm.access.temporary_password in firm_text
    assert "8 avenue de Colmar" in firm_text
