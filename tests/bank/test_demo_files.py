"""``backoffice demo`` leaves this month's bank files; imported, they match: the
collection credited, its returns and reject applied, the members' transfers paid, only
the noise left to reconcile."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from backoffice import clock
from backoffice.demo.generate import DemoOptions, generate
from backoffice.models import Instalment, SepaState
from backoffice.models.bank import BankEntry, BankEntryKind, BankMatchState
from tests import factories
from tests.bank import builders

NOW = datetime(2026, 12, 18, 9, tzinfo=UTC)


def test_the_demo_month_imports_and_matches(database, tmp_path: Path) -> None:
    folder = tmp_path / "banque"
    with clock.frozen(NOW):
        summary = generate(database, DemoOptions(members=60, seed=7, bank_folder=folder))
    names = sorted(path.name for path in summary.bank_files)
    assert "camt054-impayes.xml" in names and "pain002-rejets.xml" in names
    assert any(name.endswith(".cfonb") for name in names)
    for path in summary.bank_files:
        if path.name.startswith("camt053"):
            builders.assert_valid(path.read_bytes(), "camt.053.001.08")
        elif path.name.startswith("camt054"):
            builders.assert_valid(path.read_bytes(), "camt.054.001.02")
    with database.transaction() as session:
        billing = factories.staff_of_every_role(session)["billing"]
    with clock.frozen(NOW):
        outcome = builders.run_import(
            database,
            billing,
            *[(path.name, path.read_bytes()) for path in sorted(summary.bank_files)],
        )
    assert outcome.returned == 3 and outcome.matched > 10
    with database.session() as session:
        entries = session.scalars(select(BankEntry)).all()
        left = [entry for entry in entries if entry.match_state == BankMatchState.UNMATCHED]
        assert {entry.remittance for entry in left} <= {
            "FRAIS TENUE DE COMPTE",
            "LOYER",
            "INTERETS",
            "REGLT",
        }
        collections = [entry for entry in entries if entry.kind == BankEntryKind.COLLECTION]
        assert collections and all(
            entry.match_state == BankMatchState.MATCHED for entry in collections
        )
        rejected = session.scalars(
            select(Instalment.rejection_code).where(Instalment.sepa_state == SepaState.REJECTED)
        ).all()
        assert {"AC04", "AM04", "MD07"} <= set(rejected)
    assert outcome.left == len(left)
