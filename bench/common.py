"""Shared benchmark plumbing: the generated databases, timing, and the results table."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backoffice.db import Database

OUT = Path(__file__).resolve().parent / "out"
PG_ADMIN_URL = os.environ.get(
    "BACKOFFICE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


_GOAL = re.compile(r"(?P<sign>[≤<])\s*(?P<bound>[\d.]+)\s*(?P<unit>×|ms|s)")


@dataclass
class Result:
    name: str
    backend: str
    seconds: float
    baseline_seconds: float | None = None
    baseline: str = ""
    goal: str = ""
    extra: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    @property
    def verdict(self) -> str:
        """``meets`` or ``MISSES`` for a goal such as ``≤ 1.5×`` (the ratio to the
        limit) or ``< 250 ms`` (the time); empty without a goal of that shape."""
        goal = _GOAL.fullmatch(self.goal.strip())
        if goal is None:
            return ""
        bound, unit = float(goal["bound"]), goal["unit"]
        if unit == "×":
            if self.ratio is None:
                return ""
            value = self.ratio
        else:
            value = self.seconds * (1000 if unit == "ms" else 1)
        met = value <= bound if goal["sign"] == "≤" else value < bound
        return "meets" if met else "MISSES"


@dataclass
class Context:
    members: int
    backends: list[str]
    results: list[Result] = field(default_factory=list)

    def database_url(self, backend: str) -> str:
        """The large demo database of this size, generated once and kept in bench/out."""
        if backend == "sqlite":
            path = OUT / f"bench-{self.members}.sqlite3"
            url = f"sqlite:///{path}"
            if not path.exists():
                generate_demo(url, self.members)
            return url
        name = f"bench_{self.members}"
        url = pg_url(name)
        if not pg_database_exists(name):
            create_pg_database(name)
            generate_demo(url, self.members)
        return url

    def add(self, result: Result) -> None:
        self.results.append(result)
        print(format_result(result), flush=True)


def pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _admin_execute(statement: str) -> object:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        cursor = connection.execute(text(statement))
        result = cursor.scalar() if cursor.returns_rows else None
    engine.dispose()
    return result


def pg_database_exists(name: str) -> bool:
    return bool(_admin_execute(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def create_pg_database(name: str) -> None:
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_execute(f'CREATE DATABASE "{name}"')


def fresh_database(backend: str, label: str) -> Database:
    """An empty, migrated database for one benchmark."""
    if backend == "sqlite":
        path = OUT / f"{label}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database = Database(f"sqlite:///{path}")
    else:
        create_pg_database(label)
        database = Database(pg_url(label))
    database.upgrade()
    return database


def generate_demo(url: str, members: int) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    name = url.rsplit("/", maxsplit=1)[-1]
    print(f"  generating a {members}-member demo database ({name})...", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "backoffice",
            "--database",
            url,
            "demo",
            "--reset",
            "--quiet",
            "--members",
            str(members),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def peak_rss_mib() -> int:
    """This process's peak resident memory, from ``VmHWM`` in /proc: ``ru_maxrss`` keeps,
    across ``exec``, the parent's size at ``fork``, so a child of the (large) benchmark
    process would report its parent's memory as its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def median_of(runs: int, work: Callable[[], object]) -> float:
    return statistics.median(timed(work) for _ in range(runs))


def format_result(result: Result) -> str:
    ratio = f"{result.ratio:5.2f}×" if result.ratio is not None else "     "
    baseline = (
        f"{result.baseline} {result.baseline_seconds * 1000:9.1f} ms"
        if result.baseline_seconds
        else ""
    )
    return (
        f"{result.name:<48} {result.backend:<10} {result.seconds * 1000:10.1f} ms  "
        f"{ratio}  {baseline:<44} {result.goal:<10} {result.verdict:<7} {result.extra}"
    )
