"""The schedules workbook as the application wrote it with openpyxl (write-only mode, with
its tuned cells) until XlsxWriter replaced it: kept for the benchmark that compares the
two libraries on the same workbook.

Instalment schedules as an Excel workbook (openpyxl, write-only: memory stays flat
however many rows).

One row per instalment; dates and amounts are real dates and numbers with French formats
(``15/05/2018``, ``1 458,22 €`` in a French Excel or LibreOffice); a frozen header with
filters; column widths; below the data, a totals row and the invoices' own total, which
reconcile to the cent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from backoffice.i18n import tr
from backoffice.reports.billing.schedules_xlsx import ExportTotals, ScheduleLine

DATE_FORMAT = "DD/MM/YYYY"
EURO_FORMAT = '#,##0.00 "€"'
PROGRESS_EVERY = 5000
HEADER_FILL = PatternFill("solid", start_color="DCE6F1")


TEXT, DAY, MONEY, NUMBER = "text", "day", "money", "number"


def columns() -> list[tuple[str, float, str]]:
    """(title, width, kind) of each column, in the order of :class:`ScheduleLine`."""
    return [
        (tr("Member code"), 13, TEXT),
        (tr("Company name"), 38, TEXT),
        (tr("Invoice number"), 17, TEXT),
        (tr("Issue date"), 12, DAY),
        (tr("Due date"), 12, DAY),
        (tr("Amount incl. VAT"), 15, MONEY),
        (tr("Amount paid"), 15, MONEY),
        (tr("Credit notes"), 15, MONEY),
        (tr("Left to pay"), 15, MONEY),
        (tr("Instalment status"), 14, TEXT),
        (tr("Days overdue"), 11, NUMBER),
    ]


@lru_cache(maxsize=16384)
def euros(cents: int) -> Decimal:
    """Cents as an exact decimal number of euros (``145822`` → ``1458.22``); amounts
    repeat (instalments of one price, zeros), so the recent ones are remembered."""
    return Decimal(cents).scaleb(-2)


def cell_values(line: ScheduleLine) -> tuple[object, ...]:
    """What the row of an instalment holds, column by column (real dates and numbers)."""
    return (
        line.member_code,
        line.member_name,
        line.invoice_number,
        line.issued_on,
        line.due_on,
        euros(line.amount_cents),
        euros(line.paid_cents),
        euros(line.credited_cents),
        euros(line.remaining_cents),
        line.status,
        line.days_late or None,
    )


class _ReusedCell(Cell):
    """A cell of one style written again and again with other values: openpyxl writes a
    row's cells as soon as it is appended, so one cell per column serves every row, and
    its style (a date or euro format) is looked up once instead of once per row."""

    __slots__ = ("_style_id",)

    def __init__(self, sheet: WriteOnlyWorksheet, number_format: str, font: Font | None) -> None:
        super().__init__(sheet, row=1, column=1)
        self.number_format = number_format
        if font is not None:
            self.font = font
        self._style_id: int | None = None

    @property
    def style_id(self) -> int:
        if self._style_id is None:
            self._style_id = super().style_id
        return self._style_id

    @property
    def has_style(self) -> bool:
        return True


def _appending_cells_as_they_are(sheet: WriteOnlyWorksheet) -> None:
    """openpyxl first tries to bind each appended value as a cell *value*, and takes it as
    a cell only when that fails (an exception per styled cell, hundreds of thousands of
    times). The rows here hold prepared cells and plain text or integers: they are taken
    as they are. (openpyxl's ``_values_to_row``, for this worksheet only.)"""

    def values_to_row(values: Iterable[object], row_index: int) -> Iterator[Cell]:
        plain = WriteOnlyCell(sheet)
        for column, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                cell = value
            else:
                cell = plain
                cell.value = value
            cell.column = column
            cell.row = row_index
            yield cell
            if cell is plain and plain.has_style:  # a date made it styled: a fresh one
                plain = WriteOnlyCell(sheet)

    sheet._values_to_row = values_to_row


class _RowCells:
    """The reused cells of the styled columns (dates, amounts; all of them in bold rows)."""

    def __init__(self, sheet: WriteOnlyWorksheet, kinds: list[str], font: Font | None = None):
        self.cells: list[_ReusedCell | None] = [
            _ReusedCell(sheet, {DAY: DATE_FORMAT, MONEY: EURO_FORMAT}.get(kind, "General"), font)
            if kind in (DAY, MONEY) or font is not None
            else None
            for kind in kinds
        ]

    def row(self, values: Iterable[object]) -> list[object]:
        filled: list[object] = []
        for cell, value in zip(self.cells, values, strict=True):
            if cell is None or value is None:
                filled.append(value)
            else:
                cell.value = value
                filled.append(cell)
        return filled


def write_schedules(
    target: Path | IO[bytes],
    lines: Iterable[ScheduleLine],
    *,
    sheet_title: str,
    invoice_count: int,
    invoices_ttc_cents: int,
    on_progress: Callable[[int], None] | None = None,
) -> ExportTotals:
    """Write the workbook; returns the totals it printed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    _appending_cells_as_they_are(sheet)
    sheet.freeze_panes = "A2"
    spec = columns()
    for index, (_title, width, _kind) in enumerate(spec, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    kinds = [kind for _title, _width, kind in spec]
    sheet.append(_header(sheet, [title for title, _width, _kind in spec]))
    cells = _RowCells(sheet, kinds)
    count = amount = paid = credited = remaining = 0
    for line in lines:
        sheet.append(cells.row(cell_values(line)))
        count += 1
        amount += line.amount_cents
        paid += line.paid_cents
        credited += line.credited_cents
        remaining += line.remaining_cents
        if on_progress is not None and count % PROGRESS_EVERY == 0:
            on_progress(count)
    totals = ExportTotals(count, amount, paid, credited, remaining)
    _footer(sheet, kinds, totals, invoice_count, invoices_ttc_cents)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec))}{count + 1}"
    workbook.save(target)
    return totals


def _header(sheet: WriteOnlyWorksheet, titles: list[str]) -> list[WriteOnlyCell]:
    header = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    return header


def _footer(
    sheet: WriteOnlyWorksheet,
    kinds: list[str],
    totals: ExportTotals,
    invoice_count: int,
    invoices_ttc_cents: int,
) -> None:
    """The totals row (outside the filtered range), then the invoices' own total."""
    bold = _RowCells(sheet, kinds, Font(bold=True))
    sheet.append([])
    sheet.append(
        bold.row(
            (
                tr("Total"),
                tr("{count} instalments", count=totals.rows),
                None,
                None,
                None,
                euros(totals.amount_cents),
                euros(totals.paid_cents),
                euros(totals.credited_cents),
                euros(totals.remaining_cents),
                None,
                None,
            )
        )
    )
    sheet.append(
        bold.row(
            (
                tr("Invoices"),
                tr("{count} invoices, total incl. VAT", count=invoice_count),
                None,
                None,
                None,
                euros(invoices_ttc_cents),
                None,
                None,
                None,
                tr("Reconciled") if invoices_ttc_cents == totals.amount_cents else tr("Difference"),
                None,
            )
        )
    )
