"""What ``backoffice sepa`` writes holds debtors' names and IBANs: owner-only files, and
an export interrupted right after its commit keeps its file (issue 14.6)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice.cli import sepa_command
from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.models import SepaCollection
from tests import factories
from tests.sepa.builders import COLLECTION, count, due, invoice, member_with_mandate

DAY = "2027-03-15"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def url(
    sqlite_database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, staff_password: str
) -> str:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    with sqlite_database.transaction() as session:
        actors = factories.staff_of_every_role(session)
    due(sqlite_database, actors["billing"], 48607)  # a notice by letter
    with sqlite_database.transaction() as session:  # and one by e-mail
        member, _ = member_with_mandate(session, actors["billing"], email="compta@exemple.fr")
        invoice(session, member, [(COLLECTION, 145822)])
    url = sqlite_database.url.render_as_string(hide_password=False)
    letters, emails = tmp_path / "avis.pdf", tmp_path / "avis"
    code = sepa(url, "prenotify", "--date", DAY, "--letters", str(letters), "--emails", str(emails))
    assert code == 0
    return url


def sepa(url: str, *args: str) -> int:
    return main(["--database", url, "sepa", *args, "--as", "billing", "--quiet"])


def test_notices_and_the_file_are_owner_only(url: str, tmp_path: Path) -> None:
    letters, emails = tmp_path / "avis.pdf", tmp_path / "avis"
    assert mode(letters) == 0o600
    messages = list(emails.glob("*.eml"))
    assert messages and all(mode(message) == 0o600 for message in messages)
    out = tmp_path / "prelevements.xml"
    assert sepa(url, "export", "--date", DAY, "--out", str(out)) == 0
    assert mode(out) == 0o600
    assert not list(tmp_path.glob(".*"))  # no partial or temporary file left


def test_an_export_interrupted_after_its_commit_is_finished_from_the_database(
    url: str,
    sqlite_database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "prelevements.xml"
    partial = tmp_path / ".prelevements.xml.partial"

    class Crashing:
        """``os`` for the command, whose renaming fails: the process stopped between the
        commit and the rename."""

        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

        def replace(self, _source: object, _target: object) -> None:
            raise OSError(errno.EIO, "simulated crash after the commit")

    with monkeypatch.context() as patched:
        patched.setattr(sepa_command, "os", Crashing())
        assert sepa(url, "export", "--date", DAY, "--out", str(out)) == 1
    said = capsys.readouterr().err
    assert "Les prélèvements sont enregistrés (fichier n° 1)" in said
    assert "relancez la même commande" in said
    assert count(sqlite_database, SepaCollection) == 1  # committed: the debits are sent
    assert not out.exists()
    assert partial.exists() and mode(partial) == 0o600  # kept, not deleted

    assert sepa(url, "export", "--date", DAY, "--out", str(out)) == 0
    assert "écrit à nouveau depuis la base" in capsys.readouterr().out
    with sqlite_database.session() as session:
        kept = session.scalar(select(SepaCollection.xml))
    assert out.read_bytes() == kept
    assert mode(out) == 0o600
    assert not partial.exists()
    assert count(sqlite_database, SepaCollection) == 1  # nothing exported twice


def test_a_partial_file_of_an_export_that_was_not_saved_is_dropped(
    url: str, sqlite_database: Database, tmp_path: Path
) -> None:
    out = tmp_path / "prelevements.xml"
    partial = tmp_path / ".prelevements.xml.partial"
    partial.write_bytes(b"<?xml version='1.0'?><Document>interrompu avant")
    assert sepa(url, "export", "--date", DAY, "--out", str(out)) == 0
    assert not partial.exists()
    with sqlite_database.session() as session:
        assert out.read_bytes() == session.scalar(select(SepaCollection.xml))


def test_a_refused_export_leaves_no_partial_file(url: str, tmp_path: Path) -> None:
    out = tmp_path / "prelevements.xml"
    assert sepa(url, "export", "--date", DAY, "--out", str(out)) == 0
    again = tmp_path / "encore.xml"
    assert sepa(url, "export", "--date", DAY, "--out", str(again)) == 1  # already sent
    assert not again.exists()
    assert not list(tmp_path.glob(".*"))
