"""Convocation letters: what they say (read back from the PDF), never for a cancelled or
unconfirmed appointment, batches with progress, and the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.models import AuditEvent, Employee, Member
from backoffice.services.appointments import booking, convocations
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.convocations import ConvocationSelection
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from backoffice.services.progress import Cancelled, Progress, silent
from tests.appointments.builders import TUESDAY, Network, at, book, network


@pytest.fixture
def world(world: Network, database: Database) -> Network:
    """The member has a convocation address; the employee a birth date."""
    with database.transaction() as session:
        member = session.get(Member, world.member.id)
        member.convocation_address_line1 = "Service RH, 4 allée des Vosges"
        member.convocation_postcode = "68200"
        member.convocation_city = "Mulhouse"
        session.get(Employee, world.employee.id).birth_date = TUESDAY.replace(year=1990)
    return world


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_convocation_says_who_when_where_and_how(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    row = book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    with database.transaction() as session:
        batch = convocations.print_convocations(
            session, assistant, ConvocationSelection(appointment_ids=[row.id]), silent()
        )
    [text] = pages(batch.pdf)
    for expected in (
        "Santé au Travail Rhin-Vosges",  # the letterhead
        "BOULANGERIE MÜLLER",  # the member, in the window
        "À l'attention de Mme Claire Weber",
        "Service RH, 4 allée des Vosges",
        "68200 Mulhouse",
        "Mme Léa DUPONT, né(e) le 02/03/1990",
        "Visite périodique",
        "mardi 2 mars 2027 à 9 h (durée prévue : 30 min)",
        "Centre médical de Mulhouse",
        "12 rue de la Sinne",
        "Dr Anne Martin, médecin du travail",
        "pièce d'identité",  # what to bring
        "48 heures",  # how to cancel
        f"RDV-{row.id:06d}",
    ):
        assert expected in text, expected
    with database.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "convocation.print"))
        assert event.entity_id == row.id and event.member_id == world.member.id


def test_never_for_a_cancelled_appointment(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    kept = book(database, assistant, world, world.employee.id, at(TUESDAY, 9))
    dropped = book(database, assistant, world, world.colleague.id, at(TUESDAY, 10))
    with database.transaction() as session:
        booking.cancel_appointment(session, assistant, dropped.id, dropped.version, "Congés")
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        convocations.print_convocations(
            session,
            assistant,
            ConvocationSelection(appointment_ids=[kept.id, dropped.id]),
            silent(),
        )
    assert "SCHMITT Paul" in refused.value.message and "pas confirmé" in refused.value.message
    with database.transaction() as session:
        batch = convocations.print_convocations(
            session, assistant, ConvocationSelection(day=TUESDAY), silent()
        )
    assert batch.appointment_ids == [kept.id]
    [text] = pages(batch.pdf)
    assert "SCHMITT" not in text


def test_a_day_merged_in_one_pdf_with_progress_and_cancel(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    assistant = actors["medical_assistant"]
    book(
        database,
        assistant,
        world,
        world.employee.id,
        at(TUESDAY, 9),
        professional_id=world.nurse.id,
    )
    book(database, assistant, world, world.colleague.id, at(TUESDAY, 9))
    reports: list[tuple[int, int]] = []
    with database.transaction() as session:
        batch = convocations.print_convocations(
            session,
            assistant,
            ConvocationSelection(day=TUESDAY, centre_id=world.centre.id),
            Progress(lambda done, total, _message: reports.append((done, total))),
        )
    texts = pages(batch.pdf)
    assert len(texts) == 2
    assert "Dr Anne Martin" in texts[0] and "Mme Anne Roux, infirmière" in texts[1]
    assert reports[0] == (0, 2) and reports[-1] == (2, 2)
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled), database.transaction() as session:
        convocations.print_convocations(
            session, assistant, ConvocationSelection(day=TUESDAY), progress
        )
    with database.session() as session:
        printed = session.scalar(
            select(func.count()).where(AuditEvent.action == "convocation.print")
        )
    assert printed == 2
    with database.transaction() as session, pytest.raises(ValidationFailed) as empty:
        convocations.print_convocations(
            session, assistant, ConvocationSelection(day=TUESDAY.replace(day=9)), silent()
        )
    assert "09/03/2027" in empty.value.message
    with database.transaction() as session, pytest.raises(PermissionDenied):
        convocations.print_convocations(
            session, actors["billing"], ConvocationSelection(day=TUESDAY), silent()
        )


def test_the_command_line_prints_a_day_of_a_centre(
    sqlite_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture, staff_password: str
) -> None:
    from tests import factories

    with sqlite_database.transaction() as session:
        world = network(session)
        assistant = factories.staff_of_every_role(session)["medical_assistant"]
        session.flush()
        ids = world.employee.id, world.colleague.id, world.doctor.id, world.centre.id
    with sqlite_database.transaction() as session:
        for employee_id, hour in ((ids[0], 9), (ids[1], 10)):
            booking.book_appointment(
                session,
                assistant,
                employee_id,
                "periodique",
                SlotChoice(ids[2], ids[3], at(TUESDAY, hour)),
            )
    url = sqlite_database.url_text
    out = tmp_path / "convocations.pdf"
    base = ["--database", url, "convocations", "print", "--as", "medical_assistant", "--quiet"]
    assert main([*base, "--date", "02/03/2027", "--centre", "mul", "--out", str(out)]) == 0
    assert len(PdfReader(out).pages) == 2
    assert "2 convocations" in capsys.readouterr().out
    assert main([*base, "--date", "31/02/2027", "--out", str(out)]) == 64  # usage
    assert "31/02/2027" in capsys.readouterr().err
    assert main([*base, "--date", "2027-03-02", "--centre", "XYZ", "--out", str(out)]) == 1
    assert "XYZ" in capsys.readouterr().err
    assert main([*base, "--date", "2027-03-03", "--out", str(out)]) == 1
    assert "03/03/2027" in capsys.readouterr().err
