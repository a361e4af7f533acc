"""``backoffice sepa export|prenotify|lapse`` on a database file, in French."""

from __future__ import annotations

from pathlib import Path

import pytest

from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.models import SepaCollection, SepaPrenotification
from backoffice.reports.sepa import pain008
from tests import factories
from tests.sepa.builders import count, due
from tests.sepa.xsd import assert_valid

pytestmark = pytest.mark.usefixtures("staff_password")  # --as LOGIN's password


@pytest.fixture
def url(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    with sqlite_database.transaction() as session:
        actors = factories.staff_of_every_role(session)
    due(sqlite_database, actors["billing"], 48607, 145822)
    return sqlite_database.url.render_as_string(hide_password=False)


def sepa(url: str, *args: str) -> int:
    return main(["--database", url, "sepa", *args, "--as", "billing"])


def test_prenotify_then_export(
    url: str, sqlite_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "prelevements.xml"
    assert sepa(url, "export", "--date", "2027-03-15", "--out", str(out)) == 1
    assert "Refusé : Aucune des 2 échéances" in capsys.readouterr().err
    assert not out.exists()

    assert sepa(url, "prenotify", "--date", "2027-03-15", "--quiet") == 1
    assert "2 courriers à imprimer" in capsys.readouterr().err
    assert count(sqlite_database, SepaPrenotification) == 0

    letters, emails = tmp_path / "avis.pdf", tmp_path / "avis"
    code = sepa(
        url,
        "prenotify",
        "--date",
        "2027-03-15",
        "--letters",
        str(letters),
        "--emails",
        str(emails),
        "--quiet",
    )
    assert code == 0
    assert "2 adhérents pré-notifiés pour le 15/03/2027" in capsys.readouterr().out
    assert letters.read_bytes().startswith(b"%PDF")

    assert sepa(url, "export", "--date", "2027-03-15", "--out", str(out), "--dry-run") == 0
    assert "prélèvements : 2 · adhérents : 2" in capsys.readouterr().out
    assert not out.exists()

    assert sepa(url, "export", "--date", "2027-03-15", "--out", str(out), "--quiet") == 0
    printed = capsys.readouterr().out
    assert "validé par le schéma officiel" in printed
    assert_valid(out.read_bytes())
    assert sum(t.amount_cents for t in pain008.read_transactions(out.read_bytes())) == 194429
    assert not list(tmp_path.glob(".*.partial"))

    second = tmp_path / "again.xml"
    assert sepa(url, "export", "--date", "2027-03-15", "--out", str(second)) == 1
    assert "Déjà dans le fichier" in capsys.readouterr().out
    assert not second.exists()
    assert count(sqlite_database, SepaCollection) == 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2027-03-13", "un samedi"), ("2027-03-26", "Vendredi saint"), ("2027-01-04", "future")],
)
def test_bad_dates_are_refused_in_one_french_sentence(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture, day: str, expected: str
) -> None:
    out = tmp_path / "x.xml"
    assert sepa(url, "export", "--date", day, "--out", str(out)) == 1
    error = capsys.readouterr().err
    assert error.startswith("Refusé : Date de prélèvement : ") and expected in error
    assert not out.exists()


def test_roles_and_folders_are_checked(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "x.xml"
    args = ["--database", url, "sepa", "export", "--date", "2027-03-15", "--out", str(out)]
    assert main([*args, "--as", "read_only"]) == 1
    assert "ne vous permet pas de gérer les prélèvements" in capsys.readouterr().err
    assert sepa(url, "export", "--date", "2027-03-15", "--out", "/nonexistent/x.xml") == 1
    assert "n'existe pas" in capsys.readouterr().err
    assert sepa(url, "lapse") == 0
    assert "0 mandats rendus caducs." in capsys.readouterr().out


def test_letters_that_cannot_be_written_record_no_notice(
    url: str, sqlite_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    emails = tmp_path / "avis"
    args = ("prenotify", "--date", "2027-03-15", "--quiet", "--emails", str(emails))
    assert sepa(url, *args, "--letters", "/proc/avis.pdf") == 1  # /proc takes no file
    error = capsys.readouterr().err
    assert error.startswith("Refusé : ") and "avis.pdf" in error
    assert len(error.strip().splitlines()) == 1
    assert count(sqlite_database, SepaPrenotification) == 0
    assert not emails.exists()
