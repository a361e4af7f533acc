"""The answer to a portal change by e-mail (issue 17): approved with what changes and
from when, rejected with the staff member's reason."""

from __future__ import annotations

from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import ChangeKind, DocumentChannel, MailKind, MailMessage, Member
from backoffice.services.changes import decisions
from backoffice.services.mail import sender
from backoffice.services.permissions import Actor
from tests.changes_support import one_request
from tests.mail.smtp_server import SmtpServer


def test_decisions_are_emailed_to_the_member(
    database: Database, actors: dict[str, Actor], mail_relay: SmtpServer
) -> None:
    staff = actors["administrative"]
    member, approved_id = one_request(
        database,
        ChangeKind.COMPANY_RECORD,
        {"phone": "03 89 12 34 56"},
        email="direction@adherent.fr",
    )
    _other, rejected_id = one_request(
        database, ChangeKind.COMPANY_RECORD, {"city": "Colmar"}, email="rh@autre.fr"
    )
    silent, silent_id = one_request(
        database, ChangeKind.COMPANY_RECORD, {"city": "Colmar"}, email="x@poste.fr"
    )
    with database.transaction() as session:
        session.get(Member, silent.id).documents_by = DocumentChannel.POST
    with database.transaction() as session:
        decisions.approve_all(session, staff, approved_id)
        decisions.reject(session, staff, rejected_id, "Adresse hors de notre secteur.")
        decisions.reject(session, staff, silent_id, "Non.")
    with database.session() as session:
        kinds = [m.kind for m in session.scalars(select(MailMessage).order_by(MailMessage.id))]
    assert kinds == [MailKind.CHANGE_APPROVED, MailKind.CHANGE_REJECTED]
    assert sender.send_queued(database, staff).sent == 2
    approved, rejected = (item.message for item in mail_relay.received)
    assert approved["To"] == "direction@adherent.fr"
    assert approved["Subject"].endswith("est acceptée")
    text = approved.get_body(("plain",)).get_content()
    assert "03 89 12 34 56" in text, text
    assert "modification de la fiche de l'entreprise" in text
    assert rejected["To"] == "rh@autre.fr"
    assert "Adresse hors de notre secteur." in rejected.get_body(("plain",)).get_content()
    del member
