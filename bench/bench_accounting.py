"""Accounting: the FEC of a year and the aged balance, on the large demo database.

- FEC of last year (the demo closes the books through last month), in its own process:
  best of 2 and peak memory, beside the same rows fetched by the driver from the same query
  and written with the ``csv`` module (tab-separated, values as ``str`` gives them: no French
  amounts, no checks). Goal ≤ 2×, memory flat (the peak over the idle process, against
  the size of the file).
- Aged balance today and at the end of last year (payments since taken back out), median
  of 3, beside the driver summing the open instalments per member. Goal ≤ 1 s on
  PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from backoffice import clock
from backoffice.db import Database
from bench.common import OUT, Context, Result, median_of, peak_rss_mib


def fec_process(url: str, folder: str) -> None:
    """In its own process: the FEC of last year, then the raw baseline; prints JSON."""
    from backoffice.i18n import tr
    from backoffice.money import format_eur
    from backoffice.services.accounting import fec
    from backoffice.services.actors import actor_for_login

    database = Database(url)
    year = clock.today().year - 1
    out = Path(folder)
    with database.session() as session:
        actor = actor_for_login(session, "compta")
        fec.service_siren(session)  # the settings, the catalogue and Babel's data
        tr("Writing the FEC"), format_eur(0)
        idle = peak_rss_mib()
        times: list[float] = []
        raw_times: list[float] = []
        peak = 0
        for _run in range(2):  # in turns, the best of each (the machine's other work adds)
            start = time.perf_counter()
            outcome = fec.export_fec(session, actor, year, out)
            times.append(time.perf_counter() - start)
            peak = peak or peak_rss_mib()  # after the first FEC only
            statement = fec.fec_statement(year)
            raw_times.append(raw_csv_seconds(session, database.backend, statement, out / "raw.csv"))
        seconds, raw_seconds = min(times), min(raw_times)
    print(
        json.dumps(
            [
                year,
                outcome.lines,
                seconds,
                raw_seconds,
                idle,
                peak,
                outcome.path.stat().st_size // 2**20,
            ]
        )
    )


def raw_csv_seconds(session: object, backend: str, statement: object, path: Path) -> float:
    """The same SELECT run by the driver, its rows written by ``csv.writer``."""
    sql = str(
        statement.compile(  # type: ignore[attr-defined]
            dialect=session.get_bind().dialect,  # type: ignore[attr-defined]
            compile_kwargs={"literal_binds": True},
        )
    )
    raw = session.connection().connection.driver_connection  # type: ignore[attr-defined]
    start = time.perf_counter()
    cursor = raw.cursor("fec_baseline") if backend == "postgresql" else raw.cursor()
    if backend == "postgresql":
        cursor.itersize = 10000
    cursor.execute(sql)
    with path.open("w", newline="", encoding="iso8859_15", errors="replace") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\r\n")
        for row in cursor:
            writer.writerow(row)
    cursor.close()
    return time.perf_counter() - start


def fec(context: Context, backend: str) -> None:
    url = context.database_url(backend)
    folder = OUT / f"fec-{backend}"
    folder.mkdir(parents=True, exist_ok=True)
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "from bench.bench_accounting import fec_process; "
            f"fec_process({url!r}, {str(folder)!r})",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[-1]
    year, lines, seconds, raw, idle, peak, size = json.loads(output)
    context.add(
        Result(
            f"FEC {year}: {lines} lines",
            backend,
            seconds,
            raw,
            "csv.writer on the driver's rows",
            "≤ 2×",
            f"peak {peak} MiB ({peak - idle} MiB over the idle process; file {size} MiB)",
        )
    )


def aged_balance(context: Context, backend: str) -> None:
    from backoffice.services.accounting import aged_balance as service
    from backoffice.services.actors import actor_for_login

    database = Database(context.database_url(backend))
    today = clock.today()
    with database.session() as session:
        actor = actor_for_login(session, "compta")
        raw = session.connection().connection.driver_connection
        baseline = median_of(3, lambda: _raw_open_by_member(raw))
        for label, on in (("today", today), ("31/12 last year", date(today.year - 1, 12, 31))):
            rows: list[int] = []
            seconds = median_of(
                3,
                lambda on=on, rows=rows: rows.append(
                    len(service.aged_balance(session, actor, on).rows)
                ),
            )
            context.add(
                Result(
                    f"aged balance at {label} (median of 3)",
                    backend,
                    seconds,
                    baseline,
                    "driver: open instalments per member",
                    "≤ 1 s" if backend == "postgresql" else "",
                    f"{rows[-1]} members owing",
                )
            )
    database.dispose()


def _raw_open_by_member(raw: object) -> int:
    cursor = raw.cursor()  # type: ignore[attr-defined]
    cursor.execute(
        "SELECT invoices.member_id, sum(amount_cents - paid_cents - credited_cents) "
        "FROM instalments JOIN invoices ON invoices.id = instalments.invoice_id "
        "WHERE superseded_at IS NULL AND amount_cents > paid_cents + credited_cents "
        "GROUP BY invoices.member_id"
    )
    count = len(cursor.fetchall())
    cursor.close()
    return count


def run(context: Context) -> None:
    for backend in context.backends:
        fec(context, backend)
        aged_balance(context, backend)
