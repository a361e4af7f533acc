"""Fixtures of the appointment tests: time pinned to Monday 1 March 2027, 09:00 in Paris,
and a small care network (see ``builders.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backoffice.db import Database
from backoffice.services.permissions import Actor
from tests import factories
from tests.appointments.builders import Network, network, pinned


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with pinned():
        yield


@pytest.fixture
def world(database: Database, actors: dict[str, Actor]) -> Network:
    """The network, a member with a portal account, two of its employees (both backends)."""
    with database.transaction() as session:
        built = network(session)
        factories.portal_account(session, built.member)
        session.flush()
        session.expunge_all()
    return built
