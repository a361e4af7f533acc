"""Start-up: ``backoffice --version`` (median of several runs), beside a bare Python."""

from __future__ import annotations

import subprocess
import sys

from bench.common import Context, Result, median_of


def run(context: Context) -> None:
    def version() -> None:
        subprocess.run(
            [sys.executable, "-m", "backoffice", "--version"], check=True, capture_output=True
        )

    def bare_python() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)

    context.add(
        Result(
            "backoffice --version (median of 7)",
            "-",
            median_of(7, version),
            median_of(7, bare_python),
            "python -c pass",
        )
    )
