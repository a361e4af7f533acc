"""``backoffice billing preview|issue`` and ``backoffice export schedules`` from a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.i18n import set_language
from backoffice.models import AuditEvent, Invoice, Role
from tests import factories
from tests.billing.builders import declare

pytestmark = pytest.mark.usefixtures("staff_password")  # --as LOGIN's password


@pytest.fixture
def url(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    with sqlite_database.transaction() as session:
        factories.staff(session, Role.BILLING, login="compta")
        factories.staff(session, Role.READ_ONLY, login="lecture")
        factories.tariff(session, 2027)
        for count in (4, 9):
            declare(session, factories.member(session, legal_name=f"ADHÉRENT {count}"), 2027, count)
        factories.member(session, legal_name="SILENCIEUX SA")
    return sqlite_database.url_text


def test_preview_then_issue_then_nothing_left(
    url: str, sqlite_database: Database, capsys: pytest.CaptureFixture
) -> None:
    assert main(["--database", url, "billing", "preview", "--year", "2027", "--details"]) == 0
    output = capsys.readouterr().out
    assert "Campagne 2027 : émission le 10/02/2027, échéances 15/03/2027, 15/05/2027" in output
    assert "Factures à émettre : 2 (13 salariés, 6 échéances)" in output
    assert "ADHÉRENT 9" in output
    assert "SILENCIEUX SA — Pas de déclaration des effectifs" in output
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 0
    assert (
        main(["--database", url, "billing", "issue", "--year", "2027", "--as", "compta", "--quiet"])
        == 0
    )
    assert "2 factures émises pour 2027 (FA-2027-000001 à FA-2027-000002)" in (
        capsys.readouterr().out
    )
    assert (
        main(["--database", url, "billing", "issue", "--year", "2027", "--as", "compta", "--quiet"])
        == 0
    )
    assert "Rien à facturer pour 2027 : 2 adhérents déjà facturés" in capsys.readouterr().out
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 2
        campaign = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "campaign.issue")
        ).one()
        assert campaign.actor == "staff:compta"


def test_refusals_are_one_french_sentence(url: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["--database", url, "billing", "issue", "--year", "2031", "--as", "compta"]) == 1
    error = capsys.readouterr().err.strip()
    assert "il n'y a pas de tarif pour 2031 ; créez-le" in error
    assert len(error.splitlines()) == 1
    assert main(["--database", url, "billing", "issue", "--year", "2027", "--as", "lecture"]) == 1
    assert "ne vous permet pas" in capsys.readouterr().err
    assert main(["--database", url, "billing", "issue", "--year", "2027", "--as", "personne"]) == 1
    assert "personne" in capsys.readouterr().err


def test_export_schedules_to_a_workbook(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    main(["--database", url, "billing", "issue", "--year", "2027", "--as", "compta", "--quiet"])
    capsys.readouterr()
    target = tmp_path / "echeanciers-2027.xlsx"
    assert (
        main(["--database", url, "export", "schedules", "--year", "2027", "--out", str(target)])
        == 0
    )
    assert "6 échéances écrites" in capsys.readouterr().out
    sheet = load_workbook(target).active
    assert sheet["C2"].value == "FA-2027-000001"
    assert main(["--database", url, "export", "schedules", "--out", str(target)]) == 64  # usage
    assert (
        main(["--database", url, "export", "schedules", "--member", "nope", "--out", str(target)])
        == 1
    )


def test_english_terminal(
    url: str, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_LANG", "en")
    try:
        main(["--database", url, "billing", "preview", "--year", "2027"])
    finally:
        set_language("fr")
    assert "Invoices to issue: 2" in capsys.readouterr().out
