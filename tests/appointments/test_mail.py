"""Appointment answers and convocations by e-mail (issue 17), to the member's convocation
contact: the refusal with its reason, the confirmed slot, the convocation with its letter."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import MailKind, MailMessage, MailStatus, Member
from backoffice.portal import simulator
from backoffice.services.appointments import convocations, requests
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.convocations import ConvocationSelection
from backoffice.services.mail import sender
from backoffice.services.mail.documents import Delivery
from backoffice.services.permissions import Actor
from backoffice.services.progress import silent
from tests.appointments.builders import TUESDAY, Network, at
from tests.mail.smtp_server import SmtpServer


def ask(database: Database, world: Network, employee_id: int) -> tuple[int, int]:
    with database.transaction() as session:
        request = simulator.request_appointment(
            session, world.member.member_code, employee_id, "periodique"
        )
        return request.id, request.version


def test_answers_and_convocations_by_email(
    database: Database, actors: dict[str, Actor], world: Network, mail_relay: SmtpServer
) -> None:
    assistant = actors["medical_assistant"]
    with database.transaction() as session:
        session.get(Member, world.member.id).convocation_email = "rh@boulangerie.fr"
    refused, version = ask(database, world, world.employee.id)
    with database.transaction() as session:
        requests.refuse_request(session, assistant, refused, version, "Pas de créneau.")
    accepted, version = ask(database, world, world.employee.id)
    with database.transaction() as session:
        booked = requests.accept_booking_request(
            session,
            assistant,
            accepted,
            version,
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 10)),
        )
    with database.transaction() as session:
        delivered = convocations.deliver_convocations(
            session,
            assistant,
            ConvocationSelection(appointment_ids=[booked.id]),
            Delivery.PREFERENCE,
            silent(),
        )
    assert (delivered.emailed, delivered.pdf) == ([booked.id], None)
    with database.session() as session:
        kinds = [m.kind for m in session.scalars(select(MailMessage).order_by(MailMessage.id))]
    assert kinds == [
        MailKind.APPOINTMENT_REFUSED,
        MailKind.APPOINTMENT_CONFIRMED,
        MailKind.CONVOCATION,
    ]
    assert sender.send_queued(database, assistant_sender(actors)).sent == 3
    refusal, confirmation, convocation = (item.message for item in mail_relay.received)
    assert all(item.recipients == ["rh@boulangerie.fr"] for item in mail_relay.received)
    assert "Pas de créneau." in refusal.get_body(("plain",)).get_content()
    text = confirmation.get_body(("plain",)).get_content()
    assert "le 02/03/2027 à 10:00" in text and "Centre médical de Mulhouse" in text
    assert convocation["Subject"] == "Convocation de Mme Léa DUPONT le 02/03/2027 à 10:00"
    [letter] = list(convocation.iter_attachments())
    assert "Léa DUPONT" in PdfReader(BytesIO(letter.get_content())).pages[0].extract_text()
    with database.session() as session:
        assert set(session.scalars(select(MailMessage.status))) == {MailStatus.SENT}


def assistant_sender(actors: dict[str, Actor]) -> Actor:
    """Medical assistants do not manage the outbox: the administrative staff sends it."""
    return actors["administrative"]


@pytest.mark.usefixtures("staff_password")
def test_convocations_send_from_the_command_line(
    database: Database,
    actors: dict[str, Actor],
    world: Network,
    tmp_path: Path,
    mail_relay: SmtpServer,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backoffice.cli.main import main
    from backoffice.models import DocumentChannel
    from tests import factories
    from tests.appointments.builders import book

    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    url = database.url.render_as_string(hide_password=False)
    with database.transaction() as session:
        session.get(Member, world.member.id).convocation_email = "rh@boulangerie.fr"
        by_post = factories.member(session, legal_name="GARAGE DU RHIN")
        by_post.documents_by = DocumentChannel.POST
        mechanic_id = factories.employee(session, by_post.id, last_name="Koenig").id
        silent_member = factories.member(session, legal_name="SANS ADRESSE SARL")
        quiet_id = factories.employee(session, silent_member.id, last_name="Muller").id
        other_id = factories.employee(session, silent_member.id, last_name="Weber").id
    assistant = actors["medical_assistant"]
    emailed = book(database, assistant, world, world.employee.id, at(TUESDAY, 9)).id
    book(database, assistant, world, mechanic_id, at(TUESDAY, 10))
    book(database, assistant, world, quiet_id, at(TUESDAY, 11))
    book(database, assistant, world, other_id, at(TUESDAY, 14))
    send = ("convocations", "send", "--date", TUESDAY.isoformat(), "--quiet")
    assert main(["--database", url, *send, "--as", "medical_assistant"]) == 1
    assert "3 à imprimer : indiquez --out FICHIER.pdf" in capsys.readouterr().err
    out = tmp_path / "convocations.pdf"
    command = ["--database", url, *send, "--out", str(out), "--as", "medical_assistant"]
    assert main(command) == 0
    said = capsys.readouterr().out
    assert (
        "Convocations : 1 en file dans la boîte d'envoi (backoffice mail send les envoie), "
        "3 à imprimer (par courrier)." in said
    )
    [kept] = [line for line in said.splitlines() if line.startswith("Retenu")]
    assert kept.startswith("Retenu, imprimé à la place : SANS ADRESSE SARL")
    assert kept.endswith("par courrier. (2 messages)")
    pages = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert all(name in pages for name in ("KOENIG", "MULLER", "WEBER"))
    with database.session() as session:
        kinds = [
            (m.kind, m.record_id, m.status)
            for m in session.scalars(select(MailMessage).order_by(MailMessage.id))
        ]
    assert kinds[0] == (MailKind.CONVOCATION, emailed, MailStatus.QUEUED)
    # kept back and printed instead: closed, so that no retry sends them as well
    assert [kind[2] for kind in kinds[1:]] == [MailStatus.CANCELLED, MailStatus.CANCELLED]
    with database.session() as session:
        notes = session.scalars(
            select(MailMessage.last_error).where(MailMessage.status == MailStatus.CANCELLED)
        ).all()
        assert len(notes) == 2 and all(note.endswith("Imprimé à la place.") for note in notes)
    assert sender.send_queued(database, actors["administrator"]).sent == 1
    [received] = mail_relay.received
    assert received.recipients == ["rh@boulangerie.fr"]
    [letter] = list(received.message.iter_attachments())
    assert "convocation" in PdfReader(BytesIO(letter.get_content())).pages[0].extract_text()
    text = received.message.get_body(("plain",)).get_content()
    assert "Nous avons convoqué " in text and "(visite " in text
    assert "merci de la remettre au salarié" in text and "convoqué(e)" not in text
