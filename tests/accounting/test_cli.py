"""``backoffice accounting …`` from a terminal: the FEC, the journal, the aged balance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.models import Role
from tests import factories
from tests.accounting.builders import a_year, on
from tests.accounting.fec_checker import check_fec

pytestmark = pytest.mark.usefixtures("staff_password")  # --as LOGIN's password


@pytest.fixture
def url(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    with sqlite_database.transaction() as session:
        billing = factories.staff_of_every_role(session)["billing"]
        factories.staff(session, Role.BILLING, login="compta")
    a_year(sqlite_database, billing)
    return sqlite_database.url_text


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_fec_prints_the_file_and_its_totals(url, out, capsys):
    with on(date(2027, 1, 10)):
        assert (
            main(["--database", url, "accounting", "fec", "--year", "2026", "--out", str(out)]) == 0
        )
    lines = capsys.readouterr().out.splitlines()
    path = Path(lines[0])
    assert path.name == "879514628FEC20261231.txt" and path.parent == out
    summary = check_fec(path)
    assert lines[1].startswith(f"{summary.entries} écritures, {summary.lines} lignes ; débit ")
    assert any(line.startswith("  BQ : 5 écritures, ") for line in lines)
    assert lines[-1] == "Tout l'exercice 2026 est clôturé."


def test_fec_of_a_year_without_closed_month_is_refused(url, out, capsys):
    with on(date(2027, 1, 10)):
        code = main(["--database", url, "accounting", "fec", "--year", "2027", "--out", str(out)])
    assert code == 1
    assert "Aucune période de l'exercice 2027 n'est clôturée" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_journal_then_nothing_new(url, out, capsys):
    command = ["--database", url, "accounting", "journal", "--from", "01/01/2026"]
    command += ["--to", "2026-12-31", "--as", "compta", "--out"]
    with on(date(2027, 1, 10)):
        assert main([*command, str(out / "journal.xlsx")]) == 0
        assert "journal.xlsx : 12 écritures" in capsys.readouterr().out
        assert main([*command, str(out / "again.csv")]) == 1
    assert "Aucune écriture validée du 01/01/2026 au 31/12/2026" in capsys.readouterr().err
    assert not (out / "again.csv").exists()


def test_journal_with_a_bad_date_is_a_usage_error(url, out, capsys):
    code = main(["--database", url, "accounting", "journal", "--from", "31/02/2026", "--to", "x"])
    assert code == 64
    assert "31/02/2026 n'est pas une date" in capsys.readouterr().err


def test_aged_balance_writes_the_workbook_and_reconciles(url, out, capsys):
    with on(date(2026, 12, 1)):
        code = main(
            ["--database", url, "accounting", "aged-balance", "--out", str(out / "balance.xlsx")]
        )
    assert code == 0
    output = capsys.readouterr().out.replace("\u00a0", " ")
    assert "1 adhérent doit 336,00 € au 01/12/2026" in output
    assert "(écart 0,00 €)" in output
    workbook = load_workbook(out / "balance.xlsx", data_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("N° adhérent", "Raison sociale", "Non échu")
    assert rows[1][7] == 336
    assert rows[-1][0] == "Échéances ouvertes" and rows[-1][1] == "Rapproché"


def test_vat_prints_the_months(url, capsys, out):
    with on(date(2027, 1, 10)):
        code = main(
            [
                "--database",
                url,
                "accounting",
                "vat",
                "--year",
                "2026",
                "--out",
                str(out / "tva.xlsx"),
            ]
        )
    assert code == 0
    output = capsys.readouterr().out
    assert output.splitlines()[2].startswith("03/2026")
    assert "TVA collectée au journal" in output
    assert (out / "tva.xlsx").exists()
