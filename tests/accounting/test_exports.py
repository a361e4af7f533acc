"""Journal exports for the accounting software: CSV and Excel, each entry carried once."""

from __future__ import annotations

import csv
import threading
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import JournalEntry, JournalExport
from backoffice.services.accounting import journal_export
from backoffice.services.errors import ValidationFailed
from tests import factories
from tests.accounting.builders import a_year, billed, close, on, pay


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _export(database, actor, path, start=date(2026, 1, 1), end=date(2026, 12, 31), **options):
    with on(date(2027, 1, 6)), database.transaction() as session:
        return journal_export.export_journal(session, actor, start, end, path, **options)


def test_the_csv_journal_carries_each_validated_line_with_french_formats(database, billing, out):
    a_year(database, billing)
    outcome = _export(database, billing, out / "journal.csv")
    raw = (out / "journal.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads the accents
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:4] == ["Journal", "N° d'écriture", "Date", "Compte"]
    assert len(rows) - 1 == outcome.lines
    assert outcome.entries == 12 and outcome.debit_cents == outcome.credit_cents
    first = rows[1]
    assert first[0] == "BQ" and first[1] == "BQ-2026-000001"
    assert first[2] == "12/03/2026" and first[12] == "05/01/2027"
    debit = sum(Decimal(row[10].replace(",", ".")) for row in rows[1:])
    assert debit * 100 == outcome.debit_cents
    customers = [row for row in rows[1:] if row[3] == "411000"]
    assert all(row[5].startswith("C") and row[6] for row in customers)
    assert all(row[5] == "" for row in rows[1:] if row[3] != "411000")


def test_the_next_export_carries_only_the_new_entries(database, billing, out):
    member_id, _invoice = billed(database, billing)
    close(database, billing, date(2026, 2, 28))
    first = _export(database, billing, out / "february.xlsx")
    assert first.entries == 1
    pay(database, billing, member_id, 10000, date(2026, 3, 10))
    with pytest.raises(ValidationFailed) as refused:
        _export(database, billing, out / "nothing.csv")
    assert "1 dans des mois non clôturés" in refused.value.message
    assert not (out / "nothing.csv").exists()
    close(database, billing, date(2026, 3, 31))
    second = _export(database, billing, out / "march.csv")
    assert second.entries == 1 and second.not_yet_closed == 0
    again = _export(database, billing, out / "all.csv", again=True)
    assert again.entries == 2
    with database.session() as session:
        marks = dict(session.execute(select(JournalEntry.journal, JournalEntry.export_id)).all())
        assert marks == {"VT": first.export_id, "BQ": second.export_id}
        assert session.scalar(select(func.count()).select_from(JournalExport)) == 3


def test_the_workbook_has_real_dates_amounts_and_totals(database, billing, out):
    a_year(database, billing)
    outcome = _export(database, billing, out / "journal.xlsx")
    sheet = load_workbook(out / "journal.xlsx", data_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Journal" and sheet.freeze_panes == "A2"
    first = rows[1]
    assert first[2].date() == date(2026, 3, 12)
    assert first[10] == Decimal("1260") or first[11] == Decimal("1260")
    total = rows[-1]
    assert total[0] == "Total"
    assert Decimal(str(total[10])) == Decimal(str(total[11])) == Decimal(outcome.debit_cents) / 100
    assert sheet.cell(row=2, column=11).number_format == '#,##0.00 "€"'
    assert sheet.cell(row=2, column=3).number_format == "DD/MM/YYYY"


@pytest.mark.parametrize(
    ("start", "end", "name", "message"),
    [
        (date(2026, 3, 1), date(2026, 2, 1), "j.csv", "après sa fin"),
        (date(2026, 1, 1), date(2026, 2, 1), "j.pdf", ".csv ou .xlsx"),
    ],
)
def test_bad_periods_and_files_are_refused(database, billing, out, start, end, name, message):
    with pytest.raises(ValidationFailed) as refused:
        _export(database, billing, out / name, start, end)
    assert message in refused.value.message
    assert list(out.iterdir()) == []


@pytest.mark.postgres
def test_two_exports_at_once_never_carry_the_same_entry(pg_database: Database, tmp_path):
    with pg_database.transaction() as session:
        actors = factories.staff_of_every_role(session)
    a_year(pg_database, actors["billing"])
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def export(login: str) -> None:
        start.wait()
        try:
            with pg_database.transaction() as session:
                outcomes.append(
                    journal_export.export_journal(
                        session,
                        actors[login],
                        date(2026, 1, 1),
                        date(2026, 12, 31),
                        tmp_path / f"{login}.csv",
                    )
                )
        except ValidationFailed as refused:
            outcomes.append(refused)

    with on(date(2027, 1, 6)):
        threads = [
            threading.Thread(target=export, args=(who,)) for who in ("billing", "administrator")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    exported = [o for o in outcomes if isinstance(o, journal_export.JournalExportOutcome)]
    assert len(exported) == 1 and exported[0].entries == 12
    assert len([o for o in outcomes if isinstance(o, ValidationFailed)]) == 1
