"""``backoffice demo --members N``: time and peak memory, beside a raw bulk insert of the
same rows with the driver's own bulk path (sqlite3 ``executemany``; psycopg ``COPY``), the
rows already in memory.

Peak memory is measured at N and N/10 members: it must not grow with the members.
"""

from __future__ import annotations

import subprocess
import sys
import time

from sqlalchemy import text

from backoffice.db import Database
from backoffice.models import Base
from bench.common import Context, Result, fresh_database

REFERENCE_TABLES = {"risk_factors", "visit_types", "document_themes", "alembic_version"}


def generate(url: str, members: int) -> tuple[float, int, float]:
    """Seconds, peak resident memory (MiB) and processor seconds (every thread) of the
    demo command in its own process."""
    script = (
        "import sys, time\n"
        "from bench.common import peak_rss_mib\n"
        "from backoffice.cli.main import main\n"
        "start, cpu = time.perf_counter(), time.process_time()\n"
        f"code = main(['--database', {url!r}, 'demo', '--quiet', '--members', '{members}'])\n"
        "elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu\n"
        "print(elapsed, peak_rss_mib(), cpu)\n"
        "sys.exit(code)\n"
    )
    output = (
        subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    seconds, peak, cpu = output.split()
    return float(seconds), int(peak), float(cpu)


def adapt(value: object, backend: str) -> object:
    if isinstance(value, dict | list):
        if backend == "postgresql":
            from psycopg.types.json import Jsonb

            return Jsonb(value)
        import json

        return json.dumps(value)
    return value


def raw_insert_seconds(source_url: str, backend: str, members: int) -> tuple[float, float]:
    """Copy every generated row into an empty database with the driver's executemany;
    returns the seconds and the processor seconds of the inserts."""
    origin = Database(source_url)
    target = fresh_database(backend, f"bench_raw_{members}")
    tables = [t for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    # appointment_requests ↔ appointments reference each other: requests go last.
    tables.sort(key=lambda table: table.name == "appointment_requests")
    total = cpu = 0.0
    with origin.engine.connect() as reader, target.engine.raw_connection() as raw:
        cursor = raw.cursor()
        if backend == "sqlite":
            # The engine's connections leave transactions to SQLAlchemy (autocommit at the
            # driver): without this, each row would be a transaction of its own.
            cursor.execute("BEGIN")
        for table in reversed(tables):  # the rows migrations put there (the system account,
            cursor.execute(f"DELETE FROM {table.name}")  # the books' row) come again below
        for table in tables:
            columns = [column.name for column in table.columns]
            rows = [
                tuple(adapt(value, backend) for value in row)
                for row in reader.execute(text(f"SELECT {', '.join(columns)} FROM {table.name}"))
            ]
            if not rows:
                continue
            start, start_cpu = time.perf_counter(), time.thread_time()
            if backend == "sqlite":
                cursor.executemany(
                    f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
                    f"({', '.join(['?'] * len(columns))})",
                    rows,
                )
            else:
                with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            total += time.perf_counter() - start
            cpu += time.thread_time() - start_cpu
        raw.rollback()
    origin.dispose()
    target.dispose()
    return total, cpu


def run(context: Context) -> None:
    for backend in context.backends:
        small = max(context.members // 10, 100)
        peaks = {}
        for members in (small, context.members):
            database = fresh_database(backend, f"bench_demo_{members}")
            url = database.url.render_as_string(hide_password=False)
            database.dispose()
            seconds, peaks[members], cpu = generate(url, members)
            if members == context.members:
                raw, raw_cpu = raw_insert_seconds(url, backend, members)
                context.add(
                    Result(
                        f"demo --members {members}",
                        backend,
                        seconds,
                        raw,
                        "raw bulk insert of the rows",
                        "≤ 2×",
                        f"peak {peaks[members]} MiB (vs {peaks[small]} MiB at {small} "
                        f"members); processor {cpu:.0f} s (both threads), "
                        f"{raw_cpu:.0f} s for the raw insert (in this process)",
                    )
                )
