"""A year of bank statements imported and matched, beside the physical limit: a raw
parse of the same files with lxml ``iterparse`` plus a bulk insert of their entries
(goal ≤ 2×), and the memory, which must not grow with the number of files.

The files are made from the benchmark's demo database: ``BENCH_BANK_ENTRIES`` entries
(100,000) across ``BENCH_BANK_FILES`` camt.053.001.08 statements (250), booked over the
last year — the credits of a year of direct-debit files (``BENCH_BANK_COLLECTIONS``, 12,
of up to ``BENCH_BANK_DEBITS`` debits each, 800, as long as members with a mandate owe
an instalment not yet collected: made in a copy of the benchmark's database as the demo
makes its month's file, each credited by batch, FRST and RCUR, settling all
its instalments) and one debit in a hundred returned a week later with its reason (AM04,
AC04, MD07, MD01, AC06, MS02); members paying their open instalments by transfer with
the RF reference (40 %), the invoice number (15 %), the member code (10 %), only their
name and the amount due (15 %); and noise that matches nothing (20 %: unknown payers,
fees).

Ours: ``backoffice bank import``'s work (``import_run``) — each file committed with those
of the last second, read with iterparse (the next files by a process of their own while
this one is imported),
checked, its entries stored once, matched, payments recorded through the billing service
and posted to the books. The limit: the same files parsed with
``etree.iterparse`` (the same fields taken from each ``Ntry``) and the rows inserted with
one ``executemany`` per file into ``bank_entries`` — no checks, no matching, no payment.
Each runs on its own copy of the database. The peak memory after the first tenth of the
files and after all of them is reported.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from lxml import etree
from sqlalchemy import exists, func, insert, select

from backoffice import clock
from backoffice.db import Database
from backoffice.demo import bank as demo_bank
from backoffice.models import (
    BankFile,
    BankStatement,
    Instalment,
    Invoice,
    MandateStatus,
    Member,
    Role,
    SepaCollection,
    SepaMandate,
    StaffUser,
)
from backoffice.models.bank import BankEntry, BankEntryKind, BankFileFormat, BankMatchState
from backoffice.reports.bank import Movement, Statement, camt
from backoffice.reports.sepa import pain008
from backoffice.services import identity as identity_service
from backoffice.services.actors import actor_of
from backoffice.services.bank import import_run, importing
from bench.common import (
    OUT,
    Context,
    Result,
    peak_rss_mib,
    pg_url,
)

ENTRIES = int(os.environ.get("BENCH_BANK_ENTRIES", "100000"))
FILES = int(os.environ.get("BENCH_BANK_FILES", "250"))
COLLECTIONS = int(os.environ.get("BENCH_BANK_COLLECTIONS", "12"))
DEBITS = int(os.environ.get("BENCH_BANK_DEBITS", "800"))
RETURN_CODES = ("AM04", "AC04", "MD07", "MD01", "AC06", "MS02")
NS = "{urn:iso:std:iso:20022:tech:xsd:camt.053.001.08}"


def _copy(backend: str, source_url: str, label: str) -> Database:
    """A copy of the benchmark's demo database that a run may change."""
    if backend == "sqlite":
        source = Path(source_url.removeprefix("sqlite:///"))
        target = OUT / f"{label}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return Database(f"sqlite:///{target}")
    from bench.common import _admin_execute

    source_name = source_url.rsplit("/", maxsplit=1)[-1]
    _admin_execute(f'DROP DATABASE IF EXISTS "{label}" WITH (FORCE)')
    _admin_execute(f'CREATE DATABASE "{label}" TEMPLATE "{source_name}"')
    return Database(pg_url(label))


def _files(database: Database) -> list[tuple[str, bytes]]:
    """The year's statements, made from what the database holds."""
    rng = random.Random(15)
    today = clock.today()
    with database.session() as session:
        service = identity_service.load(session)
        account = service.invoice_account or service.direct_debit_account
        assert account is not None
        mandated = exists().where(
            SepaMandate.member_id == Invoice.member_id,
            SepaMandate.status == MandateStatus.ACTIVE,
        )
        remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
        rows = session.execute(
            select(
                Invoice.number,
                Invoice.creditor_reference,
                Member.member_code,
                Member.legal_name,
                func.min(remaining),
            )
            .join(Instalment, Instalment.invoice_id == Invoice.id)
            .join(Member, Member.id == Invoice.member_id)
            .where(~mandated, Instalment.superseded_at.is_(None), remaining > 0)
            .group_by(Invoice.id, Invoice.number, Invoice.creditor_reference, Member.id)
            .limit(int(ENTRIES * 0.8))
        ).all()
    days = [today - timedelta(days=offset) for offset in range(365, 0, -1)]
    debited = _direct_debits(database, days)
    movements: list[Movement] = []
    for index in range(ENTRIES - len(debited)):
        day = days[index * len(days) // ENTRIES]
        reference = f"B{index:011d}"
        if index < len(rows) and rng.random() < 0.8:
            number, rf, code, name, due = rows[index]
            way = rng.random()
            if way < 0.5:
                item = Movement(int(due), day, reference, name=name, creditor_reference=rf)
            elif way < 0.69:
                item = Movement(int(due), day, reference, name=name, remittance=f"FACT {number}")
            elif way < 0.81:
                item = Movement(int(due), day, reference, name=name, remittance=f"ADH {code}")
            else:
                item = Movement(int(due), day, reference, name=name, remittance="COTISATION")
        elif rng.random() < 0.9:
            item = Movement(
                rng.randrange(1000, 90000),
                day,
                reference,
                name=f"PAYEUR {index}",
                remittance="DIVERS",
            )
        else:
            item = Movement(
                -rng.randrange(100, 3000), day, reference, kind="fee", remittance="FRAIS"
            )
        movements.append(item)
    movements = sorted([*movements, *debited], key=lambda movement: movement.booked_on)
    per_file = -(-len(movements) // FILES)
    files = []
    balance = 10_000_000
    for number in range(FILES):
        chunk = tuple(movements[number * per_file : (number + 1) * per_file])
        if not chunk:
            break
        statement = Statement(
            f"BENCH-{number:04d}",
            account.iban,
            account.bic,
            "SERVICE",
            chunk[0].booked_on,
            chunk[-1].booked_on,
            balance,
            chunk,
        )
        balance = statement.closing_cents
        files.append((f"releve-{number:04d}.xml", camt.write([statement], "camt.053.001.08")))
    return files


def _direct_debits(database: Database, days: list[date]) -> list[Movement]:
    """The year's direct-debit files (made in ``database`` the first time, as the demo
    makes its month's), each credited by batch on its day, and one debit in a hundred
    returned a week later."""
    rng = random.Random(19)
    with database.transaction() as session:
        made = list(
            session.scalars(
                select(SepaCollection)
                .where(SepaCollection.message_id.like("BENCH-%"))
                .order_by(SepaCollection.id)
            )
        )
        if not made:
            staff_id = session.scalar(select(StaffUser.id).where(StaffUser.role == Role.BILLING))
            for number in range(COLLECTIONS):
                day = days[number * len(days) // COLLECTIONS + 3]
                done = demo_bank.collect(
                    session, rng, day, staff_id, DEBITS, message_id=f"BENCH-{day:%Y%m%d}"
                )
                if done is None:
                    break
                made.append(done[0])
        files = [(c.message_id, c.collection_date, c.xml) for c in made]
    movements: list[Movement] = []
    for message_id, day, xml in files:
        transactions = pain008.read_transactions(xml)
        for sequence in ("FRST", "RCUR"):
            batch = [item for item in transactions if item.sequence == sequence]
            if batch:
                movements.append(
                    Movement(
                        sum(item.amount_cents for item in batch),
                        day,
                        f"C{len(movements):011d}",
                        kind="collection",
                        batch_message_id=message_id,
                        batch_payment_info_id=f"{message_id[:30]}-{sequence}",
                        batch_count=len(batch),
                    )
                )
        for position, item in enumerate(transactions[::100]):
            movements.append(
                Movement(
                    -item.amount_cents,
                    min(day + timedelta(days=7), days[-1]),
                    f"R{len(movements):011d}",
                    kind="return",
                    name=item.debtor_name,
                    iban=item.iban,
                    end_to_end_id=item.end_to_end_id,
                    return_code=RETURN_CODES[position % len(RETURN_CODES)],
                )
            )
    return movements


def _ours(database: Database, files: list[tuple[str, bytes]]) -> tuple[float, int, int, dict]:
    with database.session() as session:
        staff = session.scalar(select(StaffUser).where(StaffUser.role == Role.BILLING))
        assert staff is not None
        actor = actor_of(staff)
    totals = {"new": 0, "matched": 0, "returned": 0, "left": 0}
    early_peak = 0
    start = time.perf_counter()
    # as `backoffice bank import FILE...` does
    reading = import_run.reading_for(database.is_postgresql, len(files))
    read = import_run.read_ahead(files, reading=reading)
    for index, (_item, outcome) in enumerate(import_run.import_each(database, actor, read)):
        assert isinstance(outcome, importing.ImportOutcome), outcome
        totals["new"] += outcome.new
        totals["matched"] += outcome.matched
        totals["returned"] += outcome.returned
        totals["left"] += outcome.left
        if index + 1 == max(1, len(files) // 10):
            early_peak = peak_rss_mib()
    return time.perf_counter() - start, early_peak, peak_rss_mib(), totals


def _text(element: etree._Element, path: str) -> str | None:
    found = element.find(path)
    return found.text if found is not None else None


def _raw(database: Database, files: list[tuple[str, bytes]]) -> float:
    """iterparse each file, take each entry's fields, insert them in one executemany."""
    table = BankEntry.__table__
    paths = {
        key: "/".join(f"{NS}{part}" for part in value.split("/"))
        for key, value in {
            "amount": "Amt",
            "sign": "CdtDbtInd",
            "booked": "BookgDt/Dt",
            "value": "ValDt/Dt",
            "reference": "AcctSvcrRef",
            "name": "NtryDtls/TxDtls/RltdPties/Dbtr/Pty/Nm",
            "remittance": "NtryDtls/TxDtls/RmtInf/Ustrd",
            "rf": "NtryDtls/TxDtls/RmtInf/Strd/CdtrRefInf/Ref",
            "iban": "Stmt/Acct/Id/IBAN",
        }.items()
    }
    from datetime import date

    start = time.perf_counter()
    with database.engine.begin() as connection:
        now = clock.now()
        for number, (name, data) in enumerate(files):
            file_id = connection.execute(
                insert(BankFile.__table__).returning(BankFile.__table__.c.id),
                {
                    "sha256": f"raw{number}",
                    "file_name": name,
                    "format": BankFileFormat.CAMT053,
                    "imported_at": now,
                    "entry_count": 0,
                    "new_count": 0,
                },
            ).scalar_one()
            statement_id = connection.execute(
                insert(BankStatement.__table__).returning(BankStatement.__table__.c.id),
                {"file_id": file_id, "account_iban": "-", "entry_count": 0},
            ).scalar_one()
            rows = []
            for _event, entry in etree.iterparse(BytesIO(data), tag=f"{NS}Ntry"):
                cents = int(Decimal(_text(entry, paths["amount"]) or "0") * 100)
                if _text(entry, paths["sign"]) == "DBIT":
                    cents = -cents
                reference = _text(entry, paths["reference"])
                rows.append(
                    {
                        "dedup_key": f"raw:{reference}",
                        "account_iban": "-",
                        "file_id": file_id,
                        "statement_id": statement_id,
                        "kind": BankEntryKind.TRANSFER if cents > 0 else BankEntryKind.DEBIT,
                        "amount_cents": cents,
                        "booked_on": date.fromisoformat(_text(entry, paths["booked"]) or ""),
                        "value_on": date.fromisoformat(_text(entry, paths["value"]) or ""),
                        "bank_reference": reference,
                        "counterparty_name": _text(entry, paths["name"]),
                        "remittance": _text(entry, paths["remittance"]),
                        "creditor_reference": _text(entry, paths["rf"]),
                        "match_state": BankMatchState.UNMATCHED,
                    }
                )
                entry.clear()
            connection.execute(insert(table), rows)
    return time.perf_counter() - start


def run(context: Context) -> None:
    for backend in context.backends:
        source = context.database_url(backend)
        kept = Database(source)
        kept.upgrade()  # a database kept in bench/out from an older schema
        kept.dispose()
        # The year's direct-debit files are made in a copy (the kept database stays as the
        # demo made it for the other benchmarks); both runs start from that copy.
        base = _copy(backend, source, "bench_bank_base")
        with clock.frozen(clock.now()):
            files = _files(base)
        base.dispose()  # PostgreSQL copies it as a template: no connection may stay
        base_url = base.url.render_as_string(hide_password=False)
        entries = sum(data.count(b"<Ntry>") for _name, data in files)
        collections = sum(data.count(b"<Btch>") for _name, data in files)
        raw = _raw(_copy(backend, base_url, "bench_bank_raw"), files)
        seconds, early, peak, totals = _ours(_copy(backend, base_url, "bench_bank_ours"), files)
        context.add(
            Result(
                f"bank import: {entries} entries, {len(files)} files",
                backend,
                seconds,
                raw,
                "iterparse + executemany",
                "≤ 2×",
                f"{totals['matched']} matched ({collections} direct-debit credits), "
                f"{totals['returned']} returned, {totals['left']} left; peak RSS "
                f"{early} MiB after {max(1, len(files) // 10)} files, {peak} MiB after all",
            )
        )
