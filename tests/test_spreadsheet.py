"""The table workbook every Excel export is made of: typed cells, totals that follow a
filter, a file that appears whole or not at all."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from backoffice.reports.spreadsheet import Column, Kind, RowCount, Sum, TableWriter, excel_day

COLUMNS = [
    Column("Code", 10),
    Column("Jour", 12, Kind.DAY),
    Column("Montant", 15, Kind.MONEY),
    Column("Jours", 8, Kind.COUNT),
]
ROWS = [
    ("A1", date(2027, 3, 15), 145822, 3),
    ("A2", date(1999, 12, 31), 1, None),
    ("A3 & fils", date(2027, 1, 1), 48607, 0),
]


def write(target: Path | BytesIO) -> None:
    with TableWriter(target, "Table", COLUMNS, print_title="Table & co") as table:
        for row in ROWS:
            table.append(row)
        table.totals(("Total", RowCount(3, "ligne", "lignes"), Sum(194430), Sum(3)))
        table.note(("Factures", None, 194430, None))


def test_cells_are_typed_and_totals_follow_the_filter(tmp_path: Path) -> None:
    target = tmp_path / "table.xlsx"
    write(target)
    sheet = load_workbook(target).active
    assert [cell.value for cell in sheet[2]] == ["A1", datetime(2027, 3, 15), 1458.22, 3]
    assert sheet["B3"].value == datetime(1999, 12, 31) and sheet["C3"].value == 0.01
    assert sheet["D3"].value is None and sheet["D4"].value == 0
    assert [sheet.cell(2, c).number_format for c in (2, 3, 4)] == [
        "DD/MM/YYYY",
        '#,##0.00 "€"',
        "#,##0",
    ]
    assert sheet.auto_filter.ref == "A1:D4"
    assert sheet.row_dimensions[1].height == 30  # the wrapped titles fit in LibreOffice too
    assert sheet["A5"].value is None  # a blank row between the records and the totals
    assert [cell.value for cell in sheet[6]] == [
        "Total",
        "=SUBTOTAL(3,A2:A4)",
        "=SUBTOTAL(9,C2:C4)",
        "=SUBTOTAL(9,D2:D4)",
    ]
    assert sheet["B6"].number_format == '[=1]0 "ligne";#,##0 "lignes"'
    assert all(sheet.cell(6, c).font.b for c in range(1, 5))
    cached = load_workbook(target, data_only=True).active
    assert [cell.value for cell in cached[6]] == ["Total", 3, 1944.30, 3]
    assert [cell.value for cell in cached[7]] == ["Factures", None, 1944.30, None]
    assert sheet.oddHeader.left.text == "&BTable && co"


def test_days_are_counted_from_excels_epoch() -> None:
    assert excel_day(date(1900, 3, 1)) == 61
    assert excel_day(date(2027, 3, 15)) == 46461


def test_a_stream_target_gets_the_workbook() -> None:
    stream = BytesIO()
    write(stream)
    assert load_workbook(BytesIO(stream.getvalue())).active["A2"].value == "A1"


def test_a_failed_export_leaves_the_previous_file_and_no_other(tmp_path: Path) -> None:
    target = tmp_path / "table.xlsx"
    target.write_bytes(b"the previous export")

    def rows() -> object:
        yield ROWS[0]
        raise RuntimeError("the database went away")

    with (
        pytest.raises(RuntimeError),
        TableWriter(target, "Table", COLUMNS) as table,
    ):
        for row in rows():
            table.append(row)
    assert target.read_bytes() == b"the previous export"
    assert [path.name for path in tmp_path.iterdir()] == ["table.xlsx"]


def test_a_row_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError), TableWriter(tmp_path / "t.xlsx", "T", COLUMNS) as table:
        table.append(("A1", date(2027, 1, 1), 100))
    assert not (tmp_path / "t.xlsx").exists()
