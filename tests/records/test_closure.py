"""The January closure of « Mes salariés »: its dates a setting staff change, shown while
it runs with the declarations received."""

from __future__ import annotations

from datetime import date, time

import pytest

from backoffice import clock
from backoffice.db import Database
from backoffice.models import DeclarationSource, WorkforceDeclaration
from backoffice.services import closure, settings
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import factories


def on(day: date) -> object:
    return clock.frozen(clock.at_local(day, time(10)))


def test_the_closure_runs_in_january_with_the_declarations_counted(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        first = factories.member(session)
        factories.member(session)
        session.add(
            WorkforceDeclaration(
                member_id=first.id,
                year=2027,
                headcount_si=3,
                declared_at=clock.at_local(date(2027, 1, 8), time(11)),
                source=DeclarationSource.PORTAL,
            )
        )
    with on(date(2027, 1, 12)), database.session() as session:
        running = closure.state(session, actors["administrative"])
        hidden = closure.state(session, actors["medical_assistant"])
    assert running.running
    assert (running.starts_on, running.ends_on) == (date(2027, 1, 1), date(2027, 1, 31))
    assert (running.declarations_received, running.members_to_declare) == (1, 2)
    assert hidden.running and hidden.declarations_received is None  # not theirs to count
    with on(date(2027, 3, 1)), database.session() as session:
        assert not closure.state(session, actors["administrative"]).running


def test_staff_who_take_declarations_change_its_dates(
    database: Database, actors: dict[str, Actor]
) -> None:
    with on(date(2027, 1, 5)), database.transaction() as session:
        moved = closure.set_period(session, actors["billing"], "12-15", "01-20")
        assert settings.get(session, "portal.employees_lock_period") == {
            "start": "12-15",
            "end": "01-20",
        }
    assert moved.running  # over the new year: from 15/12/2026
    assert (moved.starts_on, moved.ends_on) == (date(2026, 12, 15), date(2027, 1, 20))
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        closure.set_period(session, actors["administrative"], "02-30", "03-01")
    assert refused.value.message == (
        "Clôture du : 30/02 n'est pas un jour et un mois (par exemple 31/01)."
    )
    with pytest.raises(PermissionDenied), database.transaction() as session:
        closure.set_period(session, actors["medical_assistant"], "01-01", "01-31")
