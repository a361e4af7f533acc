"""The member list and a member's page on the large database, as a user meets them.

- first page: from the moment the search answered to the rows painted (goal ≤ 150 ms);
- a keystroke: from the key to the list showing its result, median over a typed word
  (goal ≤ 100 ms), beside the raw driver running the same SQL; the longest stall of the
  GUI thread meanwhile (goal ≤ 50 ms);
- a member with 2,000 employees: from opening to a usable page (goal ≤ 300 ms);
- start-up to the login dialog, median of several runs in fresh processes.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import Employee, StaffUser
from backoffice.ops.context import AppContext
from backoffice.services.actors import actor_of
from backoffice.views.app import application
from bench.common import Context, Result

WORD = "boulangerie"


def wait(app: QApplication, condition: object, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition() and time.perf_counter() < deadline:  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.0005)


class StallMeter:
    """The longest gap between ticks of a 5 ms timer: how long the GUI thread was busy."""

    def __init__(self) -> None:
        self.gaps: list[int] = []
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.gaps.append(self.clock.restart())

    def start(self) -> None:
        self.clock.start()
        self.timer.start(5)

    def stop(self) -> int:
        self.timer.stop()
        return max(self.gaps[1:], default=0)


def raw_search_seconds(database: Database, text: str) -> float:
    """The driver alone running the list's query (ids in name order, then 200 rows)."""
    pattern = f"%{text}%"
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        marker = "?" if database.backend == "sqlite" else "%s"
        start = time.perf_counter()
        cursor.execute(
            f"SELECT id FROM members WHERE search_text LIKE {marker} ORDER BY legal_name, id",
            (pattern,),
        )
        ids = [row[0] for row in cursor.fetchall()][:200]
        if ids:
            cursor.execute("SELECT * FROM members WHERE id IN (" + ",".join(map(str, ids)) + ")")
            cursor.fetchall()
        return time.perf_counter() - start
    finally:
        connection.close()


def run(context: Context) -> None:
    app = application()  # as the application runs: collection on the GUI thread
    for backend in context.backends:
        measure(context, backend, app)
    startup(context)


def measure(context: Context, backend: str, app: QApplication) -> None:
    from backoffice.views.members.member_view import MemberView
    from backoffice.views.members.page import MembersPage

    database = Database(context.database_url(backend))
    with database.session() as session:
        actor = actor_of(session.scalar(select(StaffUser).where(StaffUser.login == "admin")))
        big = session.execute(
            select(Employee.member_id, func.count())
            .group_by(Employee.member_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    app_context = AppContext(database, actor)
    page = MembersPage(app_context)
    page.resize(1300, 800)
    page.show()
    # First page: time from the answer of the search to the painted rows.
    shown: list[float] = []
    original = page._show

    def timed_show(sequence: int, ids: list[int], rows: list[object]) -> None:
        start = time.perf_counter()
        original(sequence, ids, rows)
        if not shown:
            page.table.viewport().repaint()  # the first page: measured until painted
        if sequence == page._sequence:
            shown.append(time.perf_counter() - start)

    page._show = timed_show  # type: ignore[method-assign]
    page.activated()
    wait(app, lambda: bool(shown))
    context.add(
        Result(
            "member list: first page painted",
            backend,
            shown[0],
            raw_search_seconds(database, ""),
            "driver runs the query",
            "≤ 150 ms",
            f"{page.model.rowCount()} members",
        )
    )
    # Keystrokes: type a word, one key at a time, as a user would.
    latencies = []
    meter = StallMeter()
    meter.start()
    for length in range(1, len(WORD) + 1):
        count = len(shown)
        start = time.perf_counter()
        page.search.setText(WORD[:length])
        wait(app, lambda c=count: len(shown) > c)
        app.processEvents()  # the rows painted, as Qt paints them after a change
        latencies.append(time.perf_counter() - start)
    stall = meter.stop()
    raw = statistics.median(raw_search_seconds(database, WORD[:n]) for n in range(1, len(WORD) + 1))
    context.add(
        Result(
            "member list: keystroke answered (median)",
            backend,
            statistics.median(latencies),
            raw,
            "driver runs the query",
            "≤ 100 ms",
            f"GUI thread longest stall {stall} ms (goal ≤ 50)",
        )
    )
    # A member with 2,000 employees.
    start = time.perf_counter()
    view = MemberView(app_context, big.member_id)
    view.show()
    wait(app, lambda: view.detail is not None and view.employees.rowCount() > 0)
    view.employee_table.viewport().repaint()
    opened = time.perf_counter() - start
    context.add(
        Result(f"member page with {big[1]} employees", backend, opened, None, "", "≤ 300 ms")
    )
    view.close()
    page.close()
    app_context.wait_for_background_work()
    database.dispose()


STARTUP = """
import time
start = time.perf_counter()
from backoffice.views.app import application, open_database
from backoffice.ops.context import AppContext
from backoffice.views.login_dialog import LoginDialog
app = application()
database = open_database({url!r})
dialog = LoginDialog(AppContext(database))
dialog.show()
app.processEvents()
print(time.perf_counter() - start)
"""


def startup(context: Context) -> None:
    url = context.database_url("sqlite")
    runs = []
    for _ in range(5):
        output = subprocess.run(
            [sys.executable, "-c", STARTUP.format(url=url)],
            check=True,
            capture_output=True,
            text=True,
            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin"},
        )
        runs.append(float(output.stdout.strip().splitlines()[-1]))
    bare = statistics.median(
        _time([sys.executable, "-c", "import PySide6.QtWidgets"]) for _ in range(5)
    )
    context.add(
        Result(
            "start-up to the login dialog (median of 5)",
            "sqlite",
            statistics.median(runs),
            bare,
            "python importing QtWidgets",
        )
    )


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start
