"""Two workstations import the same statement at the same moment (PostgreSQL, real
threads, a session each): one stores and matches it, the other finds it imported;
nothing is stored or paid twice."""

from __future__ import annotations

import threading
import time
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
from tests.bank.builders import AFTER, CREDITED
from tests.sepa.builders import TODAY, exported, invoice, member_with_mandate

pytestmark = pytest.mark.postgres


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
    _, collection_id = exported(pg_database, billing, 48607, 145822)
    with clock.frozen(TODAY), pg_database.transaction() as session:
        member, _ = member_with_mandate(session, billing)
        paid = invoice(session, member, [(CREDITED, 12345)], direct_debit=False)
    with clock.frozen(AFTER), pg_database.session() as session:
        iban, bic = builders.service_iban(session)
        movements = [
            *builders.collection_credits(session, collection_id, CREDITED),
            Movement(12345, CREDITED, "VIR1", name="P", creditor_reference=paid.creditor_reference),
        ]
        data = builders.camt053([builders.statement(iban, bic, movements, day=CREDITED)])
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
    shared = [Movement(1000 + n, CREDITED, f"SHARED{n}", name="X") for n in range(50)]
    one = builders.camt053([builders.statement(iban, bic, shared, day=CREDITED, identifier="A")])
    two = builders.camt054(
        [
            builders.statement(
                iban, bic, [*shared, Movement(7, CREDITED, "OWN", name="Y")], day=CREDITED
            )
        ]
    )
    with clock.frozen(AFTER):
        outcomes = _import_at_once(pg_database, actors, [[("a.xml", one)], [("b.xml", two)]])
    assert all(isinstance(outcome, importing.ImportOutcome) for outcome in outcomes), outcomes
    assert sum(outcome.new for outcome in outcomes) == 51  # type: ignore[attr-defined]
    with pg_database.session() as session:
        assert session.scalar(select(func.count(BankEntry.id))) == 51
