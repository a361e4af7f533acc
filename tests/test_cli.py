"""The command line: version, schema upgrade, demo, and one-sentence errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backoffice import __version__
from backoffice.cli.main import main
from backoffice.db import SCHEMA_HEAD

pytestmark = pytest.mark.usefixtures("staff_password")  # --as LOGIN's password


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "backoffice", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"backoffice {__version__}"


def test_db_upgrade_twice_does_no_harm(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["--database", url, "db", "upgrade"]) == 0
    assert main(["--database", url, "db", "upgrade"]) == 0
    assert main(["--database", url, "db", "current"]) == 0
    output = capsys.readouterr().out
    assert f"Schema {SCHEMA_HEAD} (latest: {SCHEMA_HEAD})" in output


@pytest.mark.parametrize(
    ("url", "lang", "expected"),
    [
        ("postgresql://nobody@127.0.0.1:1/nowhere", "fr_FR.UTF-8", "ne peut pas être joint"),
        ("postgresql://nobody@127.0.0.1:1/nowhere", "en_US.UTF-8", "cannot be reached"),
        ("mysql://localhost/x", "en_US.UTF-8", "Only SQLite and PostgreSQL"),
    ],
)
def test_bad_databases_get_one_sentence_in_the_terminal_language(
    url: str, lang: str, expected: str
) -> None:
    result = run_cli(
        "--database", url, "db", "upgrade", env={"LANG": lang, "LC_ALL": "", "BACKOFFICE_LANG": ""}
    )
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_twice_does_no_harm(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert main(["--database", url, "demo", "--members", "20", "--quiet"]) == 0
    first = capsys.readouterr().out
    assert "admin" in first and "demo2026" in first
    assert main(["--database", url, "demo", "--members", "20", "--quiet"]) == 1
    assert "--reset" in capsys.readouterr().err
    assert main(["--database", url, "demo", "--members", "20", "--quiet", "--reset"]) == 0
