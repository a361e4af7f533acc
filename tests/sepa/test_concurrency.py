"""Two workstations export the same collection at the same moment (PostgreSQL, real
threads, a session each): every instalment goes in exactly one file."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Instalment, SepaCollection
from backoffice.reports.sepa import pain008
from backoffice.services.errors import ServiceError
from backoffice.services.sepa import collections
from tests import factories
from tests.sepa.builders import COLLECTION, TODAY, due

pytestmark = pytest.mark.postgres


def test_two_exports_of_the_same_date_share_nothing(
    pg_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pg_database.transaction() as session:
        actors = factories.staff_of_every_role(session)
    due(pg_database, actors["billing"], 10000, 20000, 30000, 40000)
    real_build = pain008.build

    def slow_build(*args: Any, **kwargs: Any) -> object:
        time.sleep(0.5)  # the first exporter holds its locks while the second arrives
        return real_build(*args, **kwargs)

    monkeypatch.setattr(pain008, "build", slow_build)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def workstation(login: str) -> None:
        actor = actors[login]
        start.wait()
        try:
            with clock.frozen(TODAY), pg_database.transaction() as session:
                outcomes.append(
                    collections.export_collection(session, actor, COLLECTION, late_notice=True)
                )
        except ServiceError as error:
            outcomes.append(error)

    threads = [
        threading.Thread(target=workstation, args=(login,))
        for login in ("billing", "administrator")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    exported = [o for o in outcomes if isinstance(o, collections.ExportOutcome)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(exported) == 1 and len(refused) == 1
    assert "Aucune des 4 échéances" in refused[0].message
    with pg_database.session() as session:
        assert len(session.scalars(select(SepaCollection)).all()) == 1
        files = set(session.scalars(select(Instalment.collection_id)))
    assert files == {exported[0].collection_id}
    assert exported[0].count == 4 and exported[0].total_cents == 100000
