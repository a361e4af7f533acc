"""The command line's conventions: where ``--database`` goes, who acts and how they prove
it, what goes to stdout and stderr, the progress lines, a closed pipe, bytes that are not
UTF-8, a demo stopped before its end."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backoffice.cli.main import main
from backoffice.cli.progress import Reporter
from backoffice.db import SCHEMA_HEAD, Database
from backoffice.models import AuditEvent, Role, StaffUser
from backoffice.staff_keyring import remembered_password
from tests import factories

pytestmark = pytest.mark.usefixtures("_french_terminal")


@pytest.fixture
def _french_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")


@pytest.fixture
def url(database: Database) -> str:
    with database.transaction() as session:
        factories.staff_of_every_role(session)
    return database.url.render_as_string(hide_password=False)


def run(
    *args: str, stdin: int | None = subprocess.DEVNULL, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "BACKOFFICE_LANG": "fr"}
    return subprocess.run(  # type: ignore[call-overload]
        [sys.executable, "-m", "backoffice", *args],
        stdout=kwargs.pop("stdout", subprocess.PIPE),
        stderr=subprocess.PIPE,
        stdin=stdin,
        env=environment,
        timeout=300,
        check=False,
        **kwargs,
    )


def test_database_before_or_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    assert main(["db", "upgrade", "--database", f"sqlite:///{first}"]) == 0
    assert main(["db", "--database", f"sqlite:///{second}", "upgrade"]) == 0
    assert main(["--database", f"sqlite:///{first}", "db", "current"]) == 0
    output = capsys.readouterr().out
    assert f"Schéma {SCHEMA_HEAD}" in output
    assert first.exists() and second.exists()


def test_the_last_database_given_wins(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    code = main(
        ["--database", f"sqlite:///{first}", "db", "upgrade", "--database", f"sqlite:///{second}"]
    )
    assert code == 0
    assert second.exists() and not first.exists()


def test_as_login_reads_the_password_from_the_environment(
    url: str, database: Database, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_PASSWORD", factories.STAFF_PASSWORD)
    assert main(["--database", url, "sepa", "lapse", "--as", "billing"]) == 0
    assert "0 mandats rendus caducs." in capsys.readouterr().out
    with database.session() as session:
        login = session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.login"))
        assert login is not None and login.actor == "staff:billing"


def test_a_wrong_password_counts_and_locks_like_the_login_dialog(
    url: str, database: Database, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backoffice import clock
    from backoffice.services.staff import FREE_ATTEMPTS

    monkeypatch.setenv("BACKOFFICE_PASSWORD", "devine")
    for attempt in range(1, FREE_ATTEMPTS + 1):
        assert main(["--database", url, "sepa", "lapse", "--as", "billing"]) == 1
        assert "mot de passe incorrect" in capsys.readouterr().err
        with database.session() as session:
            user = session.scalar(select(StaffUser).where(StaffUser.login == "billing"))
            assert user.failed_login_count == attempt
    # The right password must now wait, as in the application.
    monkeypatch.setenv("BACKOFFICE_PASSWORD", factories.STAFF_PASSWORD)
    with clock.frozen(clock.now()):
        assert main(["--database", url, "sepa", "lapse", "--as", "billing"]) == 1
    assert "réessayez dans" in capsys.readouterr().err


def test_a_password_kept_in_the_keyring_serves_the_nightly_jobs(
    url: str, database: Database, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_PASSWORD", factories.STAFF_PASSWORD)
    assert main(["--database", url, "login", "remember", "--as", "billing"]) == 0
    assert "trousseau" in capsys.readouterr().out
    assert remembered_password(database.description(), "billing") == factories.STAFF_PASSWORD
    monkeypatch.delenv("BACKOFFICE_PASSWORD")
    assert main(["--database", url, "sepa", "lapse", "--as", "billing"]) == 0
    assert main(["--database", url, "login", "forget", "--as", "billing"]) == 0
    assert remembered_password(database.description(), "billing") is None
    assert main(["--database", url, "sepa", "lapse", "--as", "billing"]) == 1
    assert "Aucun mot de passe pour billing" in capsys.readouterr().err


def test_a_terminal_is_asked_for_the_password(
    url: str, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backoffice.cli import auth

    asked: list[str] = []
    monkeypatch.setattr(auth.sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(auth.sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(
        auth.getpass,
        "getpass",
        lambda prompt, stream=None: asked.append(prompt) or factories.STAFF_PASSWORD,
    )
    assert main(["--database", url, "sepa", "lapse", "--as", "billing"]) == 0
    assert asked == ["Mot de passe de billing : "]


def test_the_nightly_jobs_act_as_the_system_account(
    url: str, database: Database, capsys: pytest.CaptureFixture
) -> None:
    assert main(["--database", url, "changes", "apply-due", "--quiet"]) == 0
    assert "Rien à appliquer" in capsys.readouterr().out
    with database.transaction() as session:
        system = session.scalar(select(StaffUser).where(StaffUser.role == Role.SYSTEM))
        assert system.login == "system" and not system.must_change_password
        system.is_active = False  # an administrator stops the nightly jobs
    assert main(["--database", url, "changes", "apply-due"]) == 1
    assert "désactivé" in capsys.readouterr().err


def test_the_system_account_cannot_log_in_nor_be_given(database: Database) -> None:
    from backoffice.services import staff
    from backoffice.services.errors import ValidationFailed

    with database.transaction() as session:
        actors = factories.staff_of_every_role(session)
        assert staff.authenticate(session, "system", "!").actor is None
        assert "system" not in {
            row.login for row in staff.list_staff(session, actors["administrator"])
        }
        with pytest.raises(ValidationFailed):
            staff.create_staff(session, actors["administrator"], "robot", "Robot", Role.SYSTEM)


def test_progress_is_plain_lines_without_a_terminal() -> None:
    stream = io.StringIO()
    report = Reporter(stream, terminal=False)
    for done in range(1001):
        report(done, 1000, f"Ligne {done} sur 1000")
    lines = stream.getvalue().splitlines()
    assert "\x1b" not in stream.getvalue() and "\r" not in stream.getvalue()
    assert len(lines) == 101  # one per percent
    assert lines[0] == "[  0%] Ligne 0 sur 1000" and lines[-1] == "[100%] Ligne 1000 sur 1000"


def test_progress_rewrites_its_line_on_a_terminal() -> None:
    stream = io.StringIO()
    report = Reporter(stream, terminal=True)
    report(1, 2, "moitié")
    report(2, 2, "fini")
    assert stream.getvalue() == "\r[ 50%] moitié\x1b[K\r[100%] fini\x1b[K\n"


def test_a_real_run_logs_plain_progress_lines(url: str, staff_password: str) -> None:
    result = run("--database", url, "accounting", "catch-up", "--as", "billing")
    assert result.returncode == 0, result.stderr.decode()
    progress = result.stderr.decode()
    assert "[100%] " in progress
    assert "\x1b" not in progress and "\r" not in progress
    assert "écritures passées" in result.stdout.decode()  # the result, on stdout


def test_a_pipe_closed_early_stops_quietly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    assert main(["--database", url, "db", "upgrade"]) == 0
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = run("--database", url, "db", "current", stdout=writer)
    finally:
        os.close(writer)
    assert result.returncode == 141
    error = result.stderr.decode()
    assert error.strip() == "Arrêté : la sortie a été fermée avant la fin."


def test_bytes_that_are_not_utf8_get_a_sentence(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "backoffice", "accounts", "unblock", b"caf\xe9", "--as", "x"],
        capture_output=True,
        env={**os.environ, "BACKOFFICE_LANG": "fr", "LC_ALL": "C.UTF-8"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 64
    error = result.stderr.decode()
    assert "n'est pas du texte UTF-8" in error and "Traceback" not in error
    assert len(error.strip().splitlines()) == 1


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def own_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own (``demo --reset`` erases everything in it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'demo.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.conftest import PG_ADMIN_URL

    request.getfixturevalue("pg_server_url")  # skipped (or failed under CI) without a server
    name = f"bo_demo_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _demo_staff_committed(url: str) -> bool:
    database = Database(url)
    try:
        with database.session() as session:
            return bool(session.scalar(select(func.count()).where(StaffUser.login == "compta")))
    except Exception:  # the schema is not there yet
        return False
    finally:
        database.dispose()


def test_a_demo_killed_midway_is_refused_in_a_sentence_then_reset(
    own_database_url: str, capsys: pytest.CaptureFixture
) -> None:
    command = [sys.executable, "-m", "backoffice", "--database", own_database_url, "demo"]
    process = subprocess.Popen(
        [*command, "--members", "3000", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    try:
        while not _demo_staff_committed(own_database_url):
            assert process.poll() is None, "the demo ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        process.kill()
        process.wait()
    again = ["--database", own_database_url, "demo", "--members", "5", "--quiet"]
    assert main(again) == 1
    error = capsys.readouterr().err
    assert "--reset" in error and len(error.strip().splitlines()) == 1
    assert "Violation" not in error and "INSERT" not in error and "argon2" not in error
    assert main([*again, "--reset"]) == 0, capsys.readouterr().err
