"""The agenda grid: booked, free, blocked and closed cells of a professional or a centre."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from backoffice.db import Database
from backoffice.models import AgendaBlock
from backoffice.services.appointments import booking
from backoffice.services.appointments.agenda import AgendaQuery, CellKind, Scope, agenda
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.errors import PermissionDenied
from backoffice.services.permissions import Actor
from tests.appointments.builders import MONDAY, TUESDAY, Network, at


@pytest.fixture
def world(world: Network, database: Database, actors: dict[str, Actor]) -> Network:
    """Dr Martin blocked on Tuesday 14:00–15:00, and booked at 09:00."""
    with database.transaction() as session:
        session.add(
            AgendaBlock(
                professional_id=world.doctor.id,
                starts_at=at(TUESDAY, 14),
                ends_at=at(TUESDAY, 15),
                reason="Réunion CSE",
            )
        )
        booking.book_appointment(
            session,
            actors["medical_assistant"],
            world.employee.id,
            "periodique",
            SlotChoice(world.doctor.id, world.centre.id, at(TUESDAY, 9)),
        )
    return world


def cell_at(grid, column: int, hour: int, minute: int = 0):
    return grid.cells[column][grid.times.index(time(hour, minute))]


def test_a_centre_day_has_a_column_per_professional(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    with database.session() as session:
        grid = agenda(
            session, actors["administrative"], AgendaQuery(Scope.CENTRE, world.centre.id, TUESDAY)
        )
    assert [column.professional for column in grid.columns] == ["Dr Anne Martin", "Mme Anne Roux"]
    assert grid.step_minutes == 15 and grid.times[0] == time(8, 30)
    assert grid.times[-1] == time(17, 15)
    booked = cell_at(grid, 0, 9)
    assert booked.kind == CellKind.BOOKED and booked.first and booked.span == 2
    assert booked.appointment.employee == "DUPONT Léa"
    assert cell_at(grid, 0, 9, 15).kind == CellKind.BOOKED and not cell_at(grid, 0, 9, 15).first
    assert cell_at(grid, 0, 9, 30).kind == CellKind.FREE
    assert cell_at(grid, 0, 12, 15).kind == CellKind.OUTSIDE  # between the sessions
    blocked = cell_at(grid, 0, 14)
    assert blocked.kind == CellKind.BLOCKED and blocked.span == 4
    assert blocked.block.reason == "Réunion CSE"
    assert cell_at(grid, 1, 10).kind == CellKind.FREE  # the nurse, Tuesday morning
    assert cell_at(grid, 1, 14).kind == CellKind.OUTSIDE
    assert grid.appointment_count == 1


def test_a_professional_week_has_a_column_per_working_day(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    with database.session() as session:
        grid = agenda(
            session,
            actors["medical_assistant"],
            AgendaQuery(Scope.PROFESSIONAL, world.doctor.id, MONDAY, days=7),
        )
    assert [column.day for column in grid.columns] == [
        MONDAY + timedelta(days=offset) for offset in range(5)
    ]
    assert cell_at(grid, 0, 8, 30).kind == CellKind.PAST  # Monday before 09:00 (now)
    assert cell_at(grid, 0, 9).kind == CellKind.FREE
    assert cell_at(grid, 0, 9).centre_id == world.centre.id
    assert cell_at(grid, 1, 9).kind == CellKind.BOOKED


def test_the_billing_staff_do_not_see_the_agenda(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    with database.session() as session, pytest.raises(PermissionDenied):
        agenda(session, actors["billing"], AgendaQuery(Scope.CENTRE, world.centre.id, TUESDAY))
