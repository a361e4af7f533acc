"""``backoffice einvoice export`` from a terminal."""

from __future__ import annotations

from pathlib import Path

import facturx
import pytest
from sqlalchemy import select, update

from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.models import Invoice, Member, Role, Setting
from tests import factories
from tests.billing.builders import declare
from tests.einvoicing.en16931 import fatal_rules

pytestmark = pytest.mark.usefixtures("staff_password")  # --as LOGIN's password


@pytest.fixture
def url(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    with sqlite_database.transaction() as session:
        factories.staff(session, Role.BILLING, login="compta")
        factories.tariff(session, 2027)
        for count in (4, 9):
            declare(session, factories.member(session, legal_name=f"ADHÉRENT {count}"), 2027, count)
    assert (
        main(
            [
                "--database",
                url_of(sqlite_database),
                "billing",
                "issue",
                "--year",
                "2027",
                "--as",
                "compta",
                "--quiet",
            ]
        )
        == 0
    )
    return sqlite_database.url_text


def url_of(database: Database) -> str:
    return database.url_text


def test_export_one_invoice_into_a_file(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "facture.pdf"
    assert (
        main(
            [
                "--database",
                url,
                "einvoice",
                "export",
                "--invoice",
                "FA-2027-000001",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "1 Factur-X a passé la validation" in capsys.readouterr().out
    _name, xml = facturx.get_facturx_xml_from_pdf(out.read_bytes())
    assert b"FA-2027-000001" in xml
    assert fatal_rules(xml) == []


def test_export_a_year_into_a_folder(
    url: str, sqlite_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    with sqlite_database.transaction() as session:
        member_id = session.scalar(
            select(Invoice.member_id).where(Invoice.number == "FA-2027-000002")
        )
        session.execute(update(Member).where(Member.id == member_id).values(siret="11111111111111"))
    out = tmp_path / "year"
    assert (
        main(
            [
                "--database",
                url,
                "einvoice",
                "export",
                "--year",
                "2027",
                "--out",
                str(out),
                "--as",
                "compta",
                "--quiet",
            ]
        )
        == 1
    )
    captured = capsys.readouterr()
    assert "1 Factur-X ont passé la validation" in captured.out and "1 refusé" in captured.out
    assert "FA-2027-000002 : l'adhérent ne peut pas recevoir" in captured.err
    assert [path.name for path in out.iterdir()] == ["879514628_FA-2027-000001.pdf"]


def test_refusals(url: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "x.pdf"
    assert (
        main(["--database", url, "einvoice", "export", "--invoice", "FA-1999-1", "--out", str(out)])
        == 1
    )
    assert "Aucune facture ni aucun avoir ne porte le numéro FA-1999-1." in capsys.readouterr().err
    assert main(["--database", url, "einvoice", "export", "--year", "1999", "--out", str(out)]) == 1
    assert not out.exists()


def test_deposit_then_statuses_then_collections(
    url: str, sqlite_database: Database, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    with sqlite_database.transaction() as session:
        session.add(Setting(key="einvoicing.outbox", value=str(outbox)))
    assert main(["--database", url, "einvoice", "deposit", "--as", "compta", "--quiet"]) == 0
    assert "2 déposés, 0 retenus, 0 refusés." in capsys.readouterr().out
    statuses = tmp_path / "statuts.csv"
    statuses.write_text(
        "numero;statut;date;motif\nFA-2027-000001;213;2027-02-11;Destinataire inconnu\n",
        encoding="utf-8",
    )
    assert main(["--database", url, "einvoice", "statuses", str(statuses), "--as", "compta"]) == 0
    out = capsys.readouterr().out
    assert "1 statuts enregistrés, 0 déjà connus ; 1 rejets à traiter." in out
    assert "Rejetée ou refusée : FA-2027-000001" in out
    statuses.write_text("numero;statut;date\nFA-2030-000009;202;2027-02-11\n", encoding="utf-8")
    assert main(["--database", url, "einvoice", "statuses", str(statuses), "--as", "compta"]) == 1
    assert "FA-2030-000009 n'est pas un document déposé" in capsys.readouterr().err
    assert main(["--database", url, "einvoice", "collections", "--as", "compta"]) == 0
    assert "Aucun paiement à transmettre." in capsys.readouterr().out
