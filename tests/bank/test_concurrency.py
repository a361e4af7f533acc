"""Two workstations import the same statement at the same moment (PostgreSQL, real
threads, a session each): one stores and matches it, the other finds it imported;
nothing is stored or paid twice."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Payment
from backoffice.models.bank import BankEntry, BankEntryPayment, BankFile
from backoffice.reports.bank import Movement
from backoffice.services.bank import importing, matching
from tests import factories
from tests.bank import builders
from tests.sepa.builders import TODAY, due, export, invoice, member_with_mandate

pytestmark = pytest.mark.postgres

AFTER = datetime(2027, 3, 18, 9, tzinfo=UTC)
DAY = date(2027, 3, 15)


def _import_at_once(database: Database, actors: dict, files: list[list[tuple[str, bytes]]]):
    start = threading.Barrier(len(files))
    outcomes: list[object] = []

    def workstation(login: str, batch: list[tuple[str, bytes]]) -> None:
        start.wait()
        try:
            with database.transaction() as session:
                outcomes.append(importing.import_files(session, actors[login], batch))
        except Exception as error:
            outcomes.append(error)

    threads = [  # the clock is frozen by the caller (it is one for every thread)
        threading.Thread(target=workstation, args=(login, batch))
        for login, batch in zip(("billing", "administrator"), files, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_workstations_import_the_same_file_at_once(
    pg_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pg_database.transaction() as session:
        actors = factories.staff_of_every_role(session)
    billing = actors["billing"]
    with clock.frozen(TODAY):
        due(pg_database, billing, 48607, 145822)
        collection_id = export(pg_database, billing, late_notice=True).collection_id
    with clock.frozen(TODAY), pg_database.transaction() as session:
        member, _ = member_with_mandate(session, billing)
        paid = invoice(session, member, [(DAY, 12345)], direct_debit=False)
    with clock.frozen(AFTER), pg_database.session() as session:
        iban, bic = builders.service_iban(session)
        movements = [
            *builders.collection_credits(session, collection_id, DAY),
            Movement(12345, DAY, "VIR1", name="P", creditor_reference=paid.creditor_reference),
        ]
        data = builders.camt053([builders.statement(iban, bic, movements, day=DAY)])
    real = matching.match_entries

    def slow(*args: Any, **kwargs: Any) -> object:
        time.sleep(0.5)  # the first importer holds its rows while the second arrives
        return real(*args, **kwargs)

    monkeypatch.setattr(matching, "match_entries", slow)
    with clock.frozen(AFTER):
        outcomes = _import_at_once(
            pg_database, actors, [[("releve.xml", data)], [("copie-du-releve.xml", data)]]
        )
    assert all(isinstance(outcome, importing.ImportOutcome) for outcome in outcomes), outcomes
    news = sorted(outcome.new for outcome in outcomes)  # type: ignore[attr-defined]
    assert news == [0, len(movements)]
    assert sum(outcome.matched for outcome in outcomes) == len(movements)  # type: ignore[attr-defined]
    with pg_database.session() as session:
        assert session.scalar(select(func.count(BankFile.id))) == 1
        assert session.scalar(select(func.count(BankEntry.id))) == len(movements)
        assert session.scalar(select(func.count(Payment.id))) == 3
        assert session.scalar(select(func.count()).select_from(BankEntryPayment)) == 3
        assert session.scalar(select(func.sum(Payment.amount_cents))) == 48607 + 145822 + 12345


def test_two_overlapping_statements_at_once_store_each_entry_once(pg_database: Database) -> None:
    with pg_database.transaction() as session:
        actors = factories.staff_of_every_role(session)
        iban, bic = builders.service_iban(session)
    shared = [Movement(1000 + n, DAY, f"SHARED{n}", name="X") for n in range(50)]
    one = builders.camt053([builders.statement(iban, bic, shared, day=DAY, identifier="A")])
    two = builders.camt054(
        [builders.statement(iban, bic, [*shared, Movement(7, DAY, "OWN", name="Y")], day=DAY)]
    )
    with clock.frozen(AFTER):
        outcomes = _import_at_once(pg_database, actors, [[("a.xml", one)], [("b.xml", two)]])
    assert all(isinstance(outcome, importing.ImportOutcome) for outcome in outcomes), outcomes
    assert sum(outcome.new for outcome in outcomes) == 51  # type: ignore[attr-defined]
    with pg_database.session() as session:
        assert session.scalar(select(func.count(BankEntry.id))) == 51
