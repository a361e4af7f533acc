"""Records tests that need appointments: the appointments' small care network, with time
pinned to Monday 1 March 2027, 09:00 in Paris (``tests/appointments/builders.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backoffice.db import Database
from backoffice.services.permissions import Actor
from tests.appointments.builders import Network, network, pinned


@pytest.fixture
def world(database: Database, actors: dict[str, Actor]) -> Iterator[Network]:
    with pinned():
        with database.transaction() as session:
            built = network(session)
            session.flush()
            session.expunge_all()
        yield built
