"""Appointment answers and convocations by e-mail (issue 17), to the member's convocation
contact: the refusal with its reason, the confirmed slot, the convocation with its letter."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

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
from tests.mail.conftest import configure
from tests.mail.smtp_server import SmtpServer


def ask(database: Database, world: Network, employee_id: int) -> tuple[int, int]:
    with database.transaction() as session:
        request = simulator.request_appointment(
            session, world.member.member_code, employee_id, "periodique"
        )
        return request.id, request.version


def test_answers_and_convocations_by_email(
    database: Database, actors: dict[str, Actor], world: Network, tmp_path: Path
) -> None:
    assistant = actors["medical_assistant"]
    server = SmtpServer(tmp_path, "none").start()
    try:
        configure(database, actors["administrator"], server)
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
        refusal, confirmation, convocation = (item.message for item in server.received)
        assert all(item.recipients == ["rh@boulangerie.fr"] for item in server.received)
        assert "Pas de créneau." in refusal.get_body(("plain",)).get_content()
        text = confirmation.get_body(("plain",)).get_content()
        assert "le 02/03/2027 à 10:00" in text and "Centre médical de Mulhouse" in text
        assert convocation["Subject"] == "Convocation de Mme Léa DUPONT le 02/03/2027 à 10:00"
        [letter] = list(convocation.iter_attachments())
        assert "Léa DUPONT" in PdfReader(BytesIO(letter.get_content())).pages[0].extract_text()
        with database.session() as session:
            assert set(session.scalars(select(MailMessage.status))) == {MailStatus.SENT}
    finally:
        server.stop()


def assistant_sender(actors: dict[str, Actor]) -> Actor:
    """Medical assistants do not manage the outbox: the administrative staff sends it."""
    return actors["administrative"]
