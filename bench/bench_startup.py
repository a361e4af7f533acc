"""Start-up: ``backoffice --version``, and the time to a shown main window, each the
median of several runs in fresh processes, beside a bare Python (and a bare Qt)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from bench.common import Context, Result, median_of

MAIN_WINDOW = """
import time
start = time.perf_counter()
from sqlalchemy import select
from backoffice.views.app import application, open_database
from backoffice.ops.context import AppContext
from backoffice.models import StaffUser
from backoffice.services.actors import actor_of
from backoffice.views.main_window import MainWindow
app = application()
database = open_database({url!r})
with database.session() as session:
    actor = actor_of(session.scalar(select(StaffUser).where(StaffUser.login == "admin")))
window = MainWindow(AppContext(database, actor))
window.show()
app.processEvents()
print(time.perf_counter() - start)
window.context.wait_for_background_work()
"""


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True)


def run(context: Context) -> None:
    python = sys.executable
    context.add(
        Result(
            "backoffice --version (median of 7)",
            "-",
            median_of(7, lambda: _run([python, "-m", "backoffice", "--version"])),
            median_of(7, lambda: _run([python, "-c", "pass"])),
            "python -c pass",
        )
    )
    url = context.database_url("sqlite")
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.qpa.*=false")
    runs = []
    for _ in range(5):
        output = subprocess.run(
            [python, "-c", MAIN_WINDOW.format(url=url)],
            check=True,
            capture_output=True,
            text=True,
            env=environment,
        )
        runs.append(float(output.stdout.strip().splitlines()[-1]))
    start = time.perf_counter()
    _run(
        [
            python,
            "-c",
            "from PySide6.QtWidgets import QApplication, QMainWindow; "
            "app = QApplication([]); w = QMainWindow(); w.show(); app.processEvents()",
        ]
    )
    bare = time.perf_counter() - start
    context.add(
        Result(
            "start-up to a shown main window (median of 5)",
            "sqlite",
            statistics.median(runs),
            bare,
            "bare Qt main window",
        )
    )
