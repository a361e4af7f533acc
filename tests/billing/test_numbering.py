"""Gap-free, chronological invoice and credit-note numbers, with parallel issuers."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import event, func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import CreditNote, Invoice, NumberCounter
from backoffice.services.billing import (
    campaign_issue,
    credit_notes,
    numbering,
    single_invoices,
)
from backoffice.services.billing.numbering import Series
from backoffice.services.permissions import Actor
from tests import factories
from tests.billing.builders import declare


class RolledBack(Exception):
    """Raised inside a transaction on purpose, after numbers were taken."""


def test_numbers_are_formatted_per_series_and_year(database: Database) -> None:
    with database.transaction() as session:
        first = numbering.take(session, Series.INVOICE, 2027)
        batch = numbering.take(session, Series.INVOICE, 2027, 3)
        note = numbering.take(session, Series.CREDIT_NOTE, 2027)
        other_year = numbering.take(session, Series.INVOICE, 2028)
    assert first.labels() == ["FA-2027-000001"]
    assert batch.labels() == ["FA-2027-000002", "FA-2027-000003", "FA-2027-000004"]
    assert note.labels() == ["AV-2027-000001"]
    assert other_year.labels() == ["FA-2028-000001"]


def test_a_rolled_back_issue_gives_its_number_back(database: Database) -> None:
    with pytest.raises(RolledBack), database.transaction() as session:
        numbering.take(session, Series.INVOICE, 2027, 5)
        raise RolledBack
    with database.transaction() as session:
        assert numbering.take(session, Series.INVOICE, 2027).labels() == ["FA-2027-000001"]


def _run_in_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def target(index: int) -> None:
        start.wait()
        try:
            work(index)
        except BaseException as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


@pytest.mark.postgres
@pytest.mark.slow
def test_parallel_issuers_leave_no_gap_no_duplicate_and_keep_the_order(
    pg_database: Database,
) -> None:
    """Eight workstations issue single invoices and credit notes at once, a campaign runs in
    the middle, one transaction in six is rolled back after taking its number."""
    with clock.real_time():  # issue instants must differ
        issue_in_parallel(pg_database)


def issue_in_parallel(pg_database: Database) -> None:
    year = clock.today().year
    with pg_database.transaction() as session:
        billing = factories.staff_of_every_role(session)["billing"]
        factories.tariff(session, year)
        members = [factories.member(session).id for _ in range(40)]
        for member_id in members[:20]:  # the campaign bills these
            declare(session, session.get(factories.Member, member_id), year, si=3)
    rounds = 250  # 2,000 attempts

    def issuer(worker: int) -> None:
        rng = random.Random(worker)
        database = Database(pg_database.url_text)
        # Commits need not wait for the disk here: locking, not durability, is on test.
        event.listen(
            database.engine,
            "connect",
            lambda connection, _record: connection.execute("SET synchronous_commit TO off"),
        )
        try:
            for step in range(rounds):
                if worker == 0 and step == rounds // 3:
                    with database.transaction() as session:
                        campaign_issue.issue(session, billing, year)
                try:
                    with database.transaction() as session:
                        _one_issue(session, billing, rng, members, year)
                        if rng.random() < 1 / 6:
                            raise RolledBack
                except RolledBack:
                    pass
        finally:
            database.dispose()

    errors = _run_in_threads(8, issuer)
    assert [str(error) for error in errors] == []
    with pg_database.session() as session:
        invoices = session.execute(
            select(Invoice.number, Invoice.issued_at, Invoice.campaign_id).order_by(Invoice.number)
        ).all()
        notes = session.execute(
            select(CreditNote.number, CreditNote.issued_at).order_by(CreditNote.number)
        ).all()
        counters = {row.series: row.last_number for row in session.scalars(select(NumberCounter))}
    assert len(invoices) + len(notes) > 1500  # 2,000 attempts, one in six rolled back
    assert [number for number, _at, _campaign in invoices] == [
        numbering.format_number(Series.INVOICE, year, n) for n in range(1, len(invoices) + 1)
    ]
    assert [number for number, _at in notes] == [
        numbering.format_number(Series.CREDIT_NOTE, year, n) for n in range(1, len(notes) + 1)
    ]
    assert counters[f"invoice-{year}"] == len(invoices)
    assert counters[f"credit_note-{year}"] == len(notes)
    instants = [at for _number, at, _campaign in invoices]
    assert instants == sorted(instants)  # chronological: numbers follow the issue order
    assert [at for _number, at in notes] == sorted(at for _number, at in notes)
    campaign_positions = [i for i, (_n, _at, campaign) in enumerate(invoices) if campaign]
    assert len(campaign_positions) == 20
    assert campaign_positions == list(range(campaign_positions[0], campaign_positions[0] + 20))


def _one_issue(session, billing: Actor, rng: random.Random, members: list[int], year: int):
    """A joining-fee invoice, or now and then a small credit note on an earlier invoice."""
    if rng.random() < 0.25:
        invoice_id = session.scalar(
            select(Invoice.id).order_by(Invoice.id.desc()).offset(rng.randrange(20)).limit(1)
        )
        if invoice_id is not None:
            left = credit_notes.creditable(session, session.get(Invoice, invoice_id))
            if left.ht_cents > 100:
                credit_notes.issue_credit_note(session, billing, invoice_id, "Erreur", 100)
                return
    single_invoices.issue_joining_fee(session, billing, rng.choice(members), year, 1)


@pytest.mark.postgres
def test_two_workstations_issuing_the_same_campaign_bill_once(pg_database: Database) -> None:
    with pg_database.transaction() as session:
        billing = factories.staff_of_every_role(session)["billing"]
        factories.tariff(session, 2027)
        for _ in range(30):
            declare(session, factories.member(session), 2027, si=2)
    outcomes = []

    def issue(_index: int) -> None:
        database = Database(pg_database.url_text)
        try:
            with database.transaction() as session:
                outcomes.append(campaign_issue.issue(session, billing, 2027))
        finally:
            database.dispose()

    assert _run_in_threads(2, issue) == []
    assert sorted(outcome.invoice_count for outcome in outcomes) == [0, 30]
    assert sorted(outcome.already_billed for outcome in outcomes) == [0, 30]
    with pg_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 30
