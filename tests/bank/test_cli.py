"""``backoffice bank import`` and ``backoffice bank unmatched`` on a database file, in
French."""

from __future__ import annotations

from pathlib import Path

import pytest

from backoffice import clock
from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.reports.bank import Movement
from tests import factories
from tests.bank import builders
from tests.bank.builders import AFTER, CREDITED
from tests.sepa.builders import exported

pytestmark = pytest.mark.usefixtures("staff_password")  # --as LOGIN's password


@pytest.fixture
def url(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    return sqlite_database.url.render_as_string(hide_password=False)


def test_import_prints_the_counts_and_unmatched_lists_what_is_left(
    database: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On PostgreSQL the files are read one ahead (``read_ahead``): the same lines."""
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    url = database.url.render_as_string(hide_password=False)
    with database.transaction() as session:
        actors = factories.staff_of_every_role(session)
    _, collection_id = exported(database, actors["billing"], 48607, 145822)
    with database.session() as session:
        iban, bic = builders.service_iban(session)
        credits = builders.collection_credits(session, collection_id, CREDITED)
    unknown = Movement(
        4200, CREDITED, "VIRX", name="SOCIETE INCONNUE", remittance="REGLEMENT DIVERS"
    )
    statement = tmp_path / "releve.xml"
    statement.write_bytes(
        builders.camt053([builders.statement(iban, bic, [*credits, unknown], day=CREDITED)])
    )
    bad = tmp_path / "casse.txt"
    bad.write_bytes(b"0130004" + b" " * 50)
    with clock.frozen(AFTER):
        code = main(
            ["--database", url, "bank", "import", str(statement), str(bad), "--as", "billing"]
        )
    out, err = capsys.readouterr()
    assert code == 1  # a file was refused; the other one is imported
    assert "casse.txt, ligne 1 : 57 caractères au lieu de 120" in err
    read = len(credits) + 1
    assert (
        f"releve.xml : importé, {read} nouvelles opérations sur {read}, "
        f"{len(credits)} rapprochées, 0 retours, 1 restant à rapprocher." in out
    )
    assert "restant à rapprocher : 1." in out
    with clock.frozen(AFTER):
        assert main(["--database", url, "bank", "import", str(statement), "--as", "billing"]) == 0
    out, _ = capsys.readouterr()
    assert f"releve.xml : déjà importé ({read} opérations) ; 0 rapprochées maintenant" in out
    assert main(["--database", url, "bank", "unmatched"]) == 0
    out, _ = capsys.readouterr()
    assert "SOCIETE INCONNUE" in out and "42,00" in out
    assert "1 écritures restant à rapprocher." in out


def test_import_needs_a_role_that_records_payments(
    url: str, sqlite_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    with sqlite_database.transaction() as session:
        factories.staff_of_every_role(session)
    path = tmp_path / "a.xml"
    path.write_bytes(b"<x/>")
    assert main(["--database", url, "bank", "import", str(path), "--as", "read_only"]) == 1
    assert "Refusé" in capsys.readouterr().err


def test_many_files_are_read_by_a_process_of_their_own_and_imported_in_order(
    url: str, sqlite_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Four files or more on SQLite: read ahead by a process (``Reading.PROCESS``), each
    file's line in its order, the refused one in French."""
    with sqlite_database.transaction() as session:
        factories.staff_of_every_role(session)
        iban, bic = builders.service_iban(session)
    paths = []
    for number in range(4):
        movement = Movement(1000 + number, CREDITED, f"VIR{number}", name="INCONNU")
        path = tmp_path / f"releve-{number}.xml"
        statement = builders.statement(iban, bic, [movement], day=CREDITED)
        path.write_bytes(builders.camt053([statement]))
        paths.append(path)
    bad = tmp_path / "casse.txt"
    bad.write_bytes(b"0130004" + b" " * 50)
    paths.insert(2, bad)
    with clock.frozen(AFTER):
        code = main(["--database", url, "bank", "import", *map(str, paths), "--as", "billing"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "casse.txt, ligne 1 : 57 caractères au lieu de 120" in err
    lines = [line for line in out.splitlines() if line.startswith("releve-")]
    assert [line.split(" : ")[0] for line in lines] == [f"releve-{n}.xml" for n in range(4)]
    assert all("importé, 1 nouvelles opérations sur 1" in line for line in lines)
