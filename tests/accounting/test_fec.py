"""The FEC: the norm's file, its totals equal to what was billed, credited and collected."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from backoffice.models import CreditNote, Invoice, JournalLine, Member, Payment, WriteOff
from backoffice.services import settings
from backoffice.services.accounting import fec
from backoffice.services.errors import ServiceError, ValidationFailed
from tests.accounting.builders import YEAR, a_year, billed, close
from tests.accounting.fec_checker import FIELDS, FecRejected, check_fec


def test_the_fec_of_a_closed_year_passes_the_checker_and_adds_up(database, billing, folder):
    year = a_year(database, billing)
    with database.session() as session:
        outcome = fec.export_fec(session, billing, YEAR, folder)
        invoiced = session.scalar(select(func.sum(Invoice.total_ttc_cents)))
        invoiced_vat = session.scalar(select(func.sum(Invoice.vat_cents)))
        credited = session.scalar(select(func.sum(CreditNote.total_ttc_cents)))
        received = session.scalar(select(func.sum(Payment.amount_cents)))
        returned = session.scalar(
            select(func.sum(Payment.amount_cents)).where(Payment.reversed_at.is_not(None))
        )
        lost = session.scalar(select(func.sum(WriteOff.amount_cents)))
    assert outcome.path.name == "879514628FEC20261231.txt"
    assert outcome.path.stat().st_mode & 0o777 == 0o600
    assert outcome.complete
    summary = check_fec(outcome.path, keep_rows=True)
    assert (summary.lines, summary.entries) == (outcome.lines, outcome.entries)
    assert summary.by_journal == {"VT": 4, "BQ": 5, "OD": 3}  # a write-off per instalment
    # The sales journal holds the invoices and the credit note; the bank journal the
    # payments and the return; the customers' account what is still owed.
    sales = [row for row in summary.rows if row["JournalCode"] == "VT"]
    assert sum(_cents(row["Debit"]) for row in sales if row["CompteNum"] == "411000") == invoiced
    assert sum(_cents(row["Credit"]) for row in sales if row["CompteNum"] == "411000") == credited
    bank = [row for row in summary.rows if row["JournalCode"] == "BQ"]
    assert sum(_cents(row["Credit"]) for row in bank if row["CompteNum"] == "411000") == received
    assert sum(_cents(row["Debit"]) for row in bank if row["CompteNum"] == "411000") == returned
    assert summary.by_account["411000"] == invoiced - credited - received + returned - lost
    # VAT: all that was invoiced, less the credit note's and the lost debt's (never due).
    assert summary.by_account["445740"] + summary.by_account["445710"] == -(
        invoiced_vat - 2100 - lost // 6
    )
    # Members are auxiliary accounts under 411000, named.
    customers = [row for row in summary.rows if row["CompteNum"] == "411000"]
    assert all(row["CompAuxNum"].startswith("C") and row["CompAuxLib"] for row in customers)
    assert {row["CompAuxNum"] for row in customers} == {
        f"C{code}" for code in _codes(database, year.member_ids)
    }
    assert all(row["ValidDate"] == "20270105" for row in summary.rows)


@pytest.fixture
def folder(tmp_path):
    """An empty folder for the files (the test's SQLite database lies in ``tmp_path``)."""
    created = tmp_path / "out"
    created.mkdir()
    return created


def _cents(text: str) -> int:
    units, cents = text.split(",")
    return int(units) * 100 + int(cents)


def _codes(database, member_ids):
    with database.session() as session:
        return set(session.scalars(select(Member.member_code).where(Member.id.in_(member_ids))))


def test_a_year_with_no_closed_month_has_no_fec(database, billing, folder):
    billed(database, billing)
    with database.session() as session, pytest.raises(ValidationFailed) as refused:
        fec.export_fec(session, billing, YEAR, folder)
    assert "clôturez au moins un mois" in refused.value.message
    assert list(folder.iterdir()) == []


def test_a_partly_closed_year_gives_the_fec_of_its_closed_months(database, billing, folder):
    billed(database, billing)  # issued on 10 February 2026
    close(database, billing, date(2026, 2, 28))
    with database.session() as session:
        outcome = fec.export_fec(session, billing, YEAR, folder)
    assert not outcome.complete and outcome.through == date(2026, 2, 28)
    assert (outcome.entries, outcome.lines) == (1, 3)
    assert "28/02/2026" in fec.coverage_note(outcome)


def test_an_entry_that_does_not_balance_refuses_the_whole_file(database, billing, folder):
    a_year(database, billing)
    with database.transaction() as session:
        session.execute(
            update(JournalLine)
            .where(JournalLine.id == select(func.max(JournalLine.id)).scalar_subquery())
            .values(credit_cents=JournalLine.credit_cents + 1)
        )
    with database.session() as session, pytest.raises(ServiceError) as refused:
        fec.export_fec(session, billing, YEAR, folder)
    assert "ne s'équilibre pas" in refused.value.message
    assert "OD-2026-000003" in refused.value.message
    assert list(folder.iterdir()) == []  # no file, not even a partial one


def test_the_fec_is_named_after_the_siren_of_the_service(database, billing, folder, actors):
    a_year(database, billing)
    with database.transaction() as session:
        identity = settings.get(session, "service.identity") | {"siret": "123"}
        settings.put(session, actors["administrator"], "service.identity", identity)
    with database.session() as session, pytest.raises(ValidationFailed) as refused:
        fec.export_fec(session, billing, YEAR, folder)
    assert "SIRET" in refused.value.message


def test_names_outside_latin9_are_written_plainly(database, billing, folder):
    member_id, _invoice = billed(database, billing)
    with database.transaction() as session:
        session.get(Member, member_id).legal_name = "DVOŘÁK ĽUBOŠ\tŒUVRES"
    close(database, billing, date(2026, 2, 28))
    with database.session() as session:
        outcome = fec.export_fec(session, billing, YEAR, folder)
    summary = check_fec(outcome.path, keep_rows=True)
    assert {row["CompAuxLib"] for row in summary.rows if row["CompAuxLib"]} == {
        "DVORÁK LUBOŠ ŒUVRES"
    }


def test_the_checker_rejects_what_the_norm_forbids(tmp_path):
    header = "\t".join(FIELDS)

    def line(number: str, account: str, debit: str, credit: str, day: str = "20260310") -> str:
        return "\t".join(
            [
                "BQ",
                "Banque",
                number,
                day,
                account,
                "Compte",
                "",
                "",
                "REG-1",
                day,
                "Règlement",
                debit,
                credit,
                "",
                "",
                "20260405",
                "",
                "",
            ]
        )

    good = [
        line("BQ-2026-000001", "512000", "10,00", "0,00"),
        line("BQ-2026-000001", "411000", "0,00", "10,00"),
    ]
    cases = {
        "balance": [good[0], line("BQ-2026-000001", "411000", "0,00", "9,99")],
        "gap": [*good, *(item.replace("000001", "000003") for item in good)],
        "grouping": [line("BQ-2026-000001", "512000", "1 000,00", "0,00")],
        "year": [line("BQ-2026-000001", "512000", "1,00", "0,00", "20250310")],
        "account": [line("BQ-2026-000001", "ABC", "1,00", "0,00")],
    }
    path = tmp_path / "879514628FEC20261231.txt"
    path.write_bytes(("\r\n".join([header, *good]) + "\r\n").encode("iso8859_15"))
    assert check_fec(path).entries == 1
    for name, lines in cases.items():
        path.write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode("iso8859_15"))
        with pytest.raises(FecRejected):
            check_fec(path)
            pytest.fail(f"the checker accepted a file breaking the rule of {name}")
