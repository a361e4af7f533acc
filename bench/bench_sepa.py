"""A SEPA collection of 20,000 instalments exported and validated, beside sepaxml writing
the same payments directly (goal ≤ 1.3×).

Ours: ``export_collection`` end to end — the selection under lock and its checks (mandate,
IBAN/BIC, pre-notification, transliteration), the file written with sepaxml and validated
against the official XSD, the instalments and mandates updated, the file kept, the audit
event, the commit. Baseline: ``SepaDD`` given the same payments already in memory,
``add_payment`` for each and ``export(validate=True)`` (sepaxml's own XSD validation).

The database (20,000 members, each with a mandate and an instalment pre-notified for the
collection) is generated once and kept in bench/out; each run puts it back as it was.
Ours and the baseline run alternately, twice, and the best time of each is reported
(``BENCH_SEPA_ROUNDS``); ``BENCH_SEPA_INSTALMENTS`` changes the size.
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from backoffice import clock
from backoffice.db import Database
from backoffice.demo.identifiers import bank_account
from backoffice.models import (
    AuditEvent,
    Instalment,
    Invoice,
    InvoiceKind,
    Member,
    Role,
    SepaCollection,
    SepaMandate,
    SepaPrenotification,
    SepaState,
    StaffUser,
)
from backoffice.reports.sepa import pain008
from backoffice.services.actors import actor_of
from backoffice.services.sepa import collections, creditor, selection
from bench.common import OUT, Context, Result, create_pg_database, pg_database_exists, pg_url

INSTALMENTS = int(os.environ.get("BENCH_SEPA_INSTALMENTS", "20000"))
NOW = datetime(2027, 2, 1, 9, tzinfo=UTC)
DAY = date(2027, 3, 15)
CHUNK = 5000
ROUNDS = int(os.environ.get("BENCH_SEPA_ROUNDS", "2"))  # the best of each is reported


def _database(backend: str) -> Database:
    """The benchmark's database, generated the first time."""
    name = f"bench_sepa_{INSTALMENTS}"
    if backend == "sqlite":
        path = OUT / f"{name}.sqlite3"
        exists = path.exists()
        database = Database(f"sqlite:///{path}")
    else:
        exists = pg_database_exists(name)
        if not exists:
            create_pg_database(name)
        database = Database(pg_url(name))
    if not exists:
        database.upgrade()
        print(f"  generating {INSTALMENTS} instalments to collect ({backend})...", flush=True)
        _populate(database)
    return database


def _rows(count: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(2027)
    rows: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("members", "mandates", "invoices", "notices", "instalments")
    }
    for index in range(1, count + 1):
        code = f"{300000 + index}"
        name = f"ÉTS MÜLLER {index} SARL" if index % 5 == 0 else f"ETS DURAND {index} SARL"
        iban, bic = bank_account(rng)
        amount = rng.randrange(5000, 500000)
        rows["members"].append(
            {
                "id": index,
                "member_code": code,
                "legal_name": name,
                "siret": "73282932000074",
                "joined_on": date(2015, 3, 1),
                "address_line1": f"{index} rue des Tilleuls",
                "postcode": "68100",
                "city": "Mulhouse",
            }
        )
        rows["mandates"].append(
            {
                "id": index,
                "member_id": index,
                "rum": f"STRV-{code}-001",
                "signed_on": date(2025, 1, 10),
                "iban": iban,
                "bic": bic,
                "debtor_name": name,
                "debtor_street": f"{index} rue des Tilleuls",
                "debtor_postcode": "68100",
                "debtor_town": "Mulhouse",
                "debtor_country": "FR",
                "last_collected_on": date(2026, 7, 15) if index % 3 else None,
                "first_collected_on": date(2025, 3, 15) if index % 3 else None,
            }
        )
        rows["invoices"].append(
            {
                "id": index,
                "number": f"FA-2027-{index:06d}",
                "kind": InvoiceKind.ANNUAL,
                "member_id": index,
                "year": 2027,
                "period_label": "Année 2027",
                "period_start": date(2027, 1, 1),
                "period_end": date(2027, 12, 31),
                "issued_on": date(2027, 1, 15),
                "issued_at": datetime(2027, 1, 15, 9, tzinfo=UTC),
                "total_ht_cents": amount,
                "vat_rate_bp": 0,
                "vat_cents": 0,
                "total_ttc_cents": amount,
                "pays_by_direct_debit": True,
                "billing_name": name,
                "billing_address_line1": f"{index} rue des Tilleuls",
                "billing_postcode": "68100",
                "billing_city": "Mulhouse",
            }
        )
        rows["notices"].append(
            {
                "id": index,
                "member_id": index,
                "mandate_id": index,
                "collection_date": DAY,
                "notified_on": NOW.date(),
                "channel": "letter",
                "total_cents": amount,
            }
        )
        rows["instalments"].append(
            {
                "invoice_id": index,
                "position": 1,
                "due_on": DAY,
                "amount_cents": amount,
                "sepa_state": SepaState.PRENOTIFIED,
                "prenotification_id": index,
            }
        )
    return rows


def _populate(database: Database) -> None:
    rows = _rows(INSTALMENTS)
    with database.transaction() as session:
        session.add(
            StaffUser(login="compta", full_name="Marc Weber", role=Role.BILLING, password_hash="-")
        )
        for model, key in (
            (Member, "members"),
            (SepaMandate, "mandates"),
            (Invoice, "invoices"),
            (SepaPrenotification, "notices"),
            (Instalment, "instalments"),
        ):
            for start in range(0, len(rows[key]), CHUNK):
                session.execute(insert(model), rows[key][start : start + CHUNK])
    if database.is_postgresql:
        with database.engine.begin() as connection:
            for table in ("members", "sepa_mandates", "invoices", "sepa_prenotifications"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )


def _reset(database: Database) -> None:
    """Back to "pre-notified, never exported" (what a run changed is undone)."""
    with database.transaction() as session:
        session.execute(
            update(Instalment).values(
                sepa_state=SepaState.PRENOTIFIED, collection_id=None, end_to_end_id=None
            )
        )
        session.execute(delete(SepaCollection))
        session.execute(delete(AuditEvent).where(AuditEvent.action == "sepa.collection.export"))
        session.execute(
            update(SepaMandate)
            .where(SepaMandate.last_collected_on == DAY)
            .values(last_collected_on=None, first_collected_on=None)
        )


def _ours(database: Database) -> tuple[float, collections.ExportOutcome]:
    with database.session() as session:
        actor = actor_of(session.scalars(select(StaffUser)).one())
    start = time.perf_counter()
    with database.transaction() as session:
        outcome = collections.export_collection(session, actor, DAY)
    return time.perf_counter() - start, outcome


def _payments(database: Database) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The same payments, in memory, as sepaxml's ``add_payment`` takes them (raw names:
    sepaxml's ``clean`` transliterates them itself)."""
    with database.session() as session:
        review = selection.build_review(session, DAY)
        the_creditor = creditor.load(session)
        schema = creditor.schema(session)
    config = pain008.creditor_config(the_creditor, schema)
    payments = []
    for line in review.included:
        entry = pain008.payment(collections.direct_debit(line, 1), DAY)
        entry["name"] = line.debtor_name
        payments.append(entry)
    return config, payments, schema


def _baseline(config: dict[str, Any], payments: list[dict[str, Any]], schema: str) -> float:
    from sepaxml import SepaDD

    fresh = [dict(payment) for payment in payments]
    start = time.perf_counter()
    document = SepaDD(dict(config), schema=schema, clean=True)
    for payment in fresh:
        document.add_payment(payment)
    document.export(validate=True)
    return time.perf_counter() - start


def run(context: Context) -> None:
    for backend in context.backends:
        database = _database(backend)
        with clock.frozen(NOW):
            _reset(database)
            config, payments, schema = _payments(database)
            baselines, timings = [], []
            for _round in range(ROUNDS):  # alternated: a busy machine slows both alike
                baselines.append(_baseline(config, payments, schema))
                seconds, outcome = _ours(database)
                timings.append(seconds)
                _reset(database)
            baseline, ours = min(baselines), min(timings)
        assert outcome.count == INSTALMENTS, outcome.count
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(SepaCollection)) == 0
        database.dispose()
        context.add(
            Result(
                f"sepa export {INSTALMENTS} instalments, validated (best of {ROUNDS})",
                backend,
                ours,
                baseline,
                "sepaxml add_payment + export(validate)",
                "≤ 1.3×",
                f"{len(outcome.xml) / 1e6:.1f} MB, {ours / INSTALMENTS * 1e6:.0f} µs/debit",
            )
        )
