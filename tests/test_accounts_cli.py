"""``backoffice accounts unblock|reset MEMBER_CODE --as LOGIN``, on both backends."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.models import AuditEvent, PortalAccount
from backoffice.portal import simulator
from backoffice.portal.simulator import LoginOutcome
from backoffice.services.permissions import Actor
from tests import accounts_support as support

pytestmark = pytest.mark.usefixtures("staff_password")  # --as LOGIN's password


@pytest.fixture(autouse=True)
def _french_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")


@pytest.fixture
def locked_code(database: Database, actors: dict[str, Actor]) -> str:
    with database.transaction() as session:
        member, _account = support.locked_member(session)
        return member.member_code


def cli(database: Database, *args: str) -> int:
    url = database.url.render_as_string(hide_password=False)
    return main(["--database", url, "accounts", *args])


def account_of(database: Database, code: str) -> PortalAccount:
    with database.session() as session:
        found = session.scalar(select(PortalAccount).where(PortalAccount.login == code))
        session.expunge(found)
        return found


def test_unblock_from_the_command_line(
    database: Database, locked_code: str, capsys: pytest.CaptureFixture
) -> None:
    assert cli(database, "unblock", locked_code, "--as", "administrative", "--note", "tél.") == 0
    assert "5" in capsys.readouterr().out
    account = account_of(database, locked_code)
    assert account.locked_at is None and account.failed_attempt_count == 0
    with database.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "accounts.unblock"))
        assert (event.actor, event.summary) == ("staff:administrative", "tél.")
    # Not locked any more: refused in one French sentence, exit code 1.
    assert cli(database, "unblock", locked_code, "--as", "administrative") == 1
    assert "n'est pas bloqué" in capsys.readouterr().err


def test_reset_writes_the_letter_then_the_portal_accepts_its_password(
    database: Database, locked_code: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    letter = tmp_path / "courrier.pdf"
    assert (
        cli(database, "reset", locked_code, "--as", "administrator", "--letter", str(letter)) == 0
    )
    output = capsys.readouterr()
    assert stat.S_IMODE(letter.stat().st_mode) == 0o600  # it holds a password
    text = " ".join(support.pdf_text(letter.read_bytes()).split())
    password = text.split("Mot de passe provisoire ")[1].split()[0]
    assert len(password) == 12
    assert password not in output.out + output.err  # shown in the letter only
    assert str(letter) in output.out
    with database.transaction() as session:
        assert simulator.log_in(session, locked_code, password) == (
            LoginOutcome.MUST_CHANGE_PASSWORD
        )


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("reset", "777777", "--as", "administrative"), "il n'y a pas d'adhérent avec le code"),
        (("reset", "{code}", "--as", "billing"), "ne vous permet pas"),
        (("reset", "{code}", "--as", "nobody"), "nobody"),
        (("unblock", "777777", "--as", "administrative"), "il n'y a pas d'adhérent avec le code"),
    ],
)
def test_bad_commands_are_refused_and_change_nothing(
    database: Database,
    locked_code: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    arguments: tuple[str, ...],
    expected: str,
) -> None:
    before = account_of(database, locked_code)
    letter = ["--letter", str(tmp_path / "x.pdf")] if arguments[0] == "reset" else []
    code = cli(database, *(a.format(code=locked_code) for a in arguments), *letter)
    assert code == 1
    error = capsys.readouterr().err
    assert expected in error and len(error.strip().splitlines()) == 1
    after = account_of(database, locked_code)
    assert (after.version, after.password_hash) == (before.version, before.password_hash)
    assert not (tmp_path / "x.pdf").exists()


def test_a_letter_that_cannot_be_written_changes_nothing(
    database: Database, locked_code: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    before = account_of(database, locked_code)
    missing = tmp_path / "absent" / "courrier.pdf"
    assert (
        cli(database, "reset", locked_code, "--as", "administrative", "--letter", str(missing)) == 1
    )
    assert "n'existe pas" in capsys.readouterr().err
    directory = tmp_path / "courrier.pdf"
    directory.mkdir()  # the target is a folder: writing fails after the password changed
    assert (
        cli(database, "reset", locked_code, "--as", "administrative", "--letter", str(directory))
        == 1
    )
    assert "Rien n'a été modifié" in capsys.readouterr().err
    after = account_of(database, locked_code)
    assert (after.version, after.password_hash) == (before.version, before.password_hash)


def test_a_failure_after_the_letter_is_written_takes_the_letter_away(
    database: Database,
    locked_code: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backoffice.cli import accounts_command
    from backoffice.services.errors import Conflict

    real_write = accounts_command.write_letter

    def write_then_lose_a_race(path: Path, content: bytes) -> None:
        real_write(path, content)
        raise Conflict("modifié entre-temps")

    monkeypatch.setattr(accounts_command, "write_letter", write_then_lose_a_race)
    before = account_of(database, locked_code)
    letter = tmp_path / "courrier.pdf"
    assert (
        cli(database, "reset", locked_code, "--as", "administrative", "--letter", str(letter)) == 1
    )
    assert "modifié entre-temps" in capsys.readouterr().err
    assert not letter.exists()
    assert account_of(database, locked_code).password_hash == before.password_hash
