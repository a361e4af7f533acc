"""A table in an Excel workbook, at the speed of XlsxWriter's constant-memory mode.

Every Excel export (the schedules; the aged balance and the journals as they come) has
one shape, built here once:

- a header row (bold, shaded, wrapped), frozen, with an AutoFilter over the rows;
- one typed row per record: text, real dates (``15/05/2018`` in a French Excel or
  LibreOffice), amounts as exact numbers (``1 458,22 €``), counts;
- below, totals that follow the filter: ``SUBTOTAL`` formulas written together with their
  value, so that a reader that does not compute sees the figure while Excel and
  LibreOffice recompute it when a filter hides rows;
- a page set up to print: A4 landscape, one page wide, the header row repeated on every
  page, the title in the header and the page numbers in the footer.

Rows go to the disk as they are written (constant memory): 150,000 rows take the memory
of one. Each column writes its values with XlsxWriter's call for its kind, so nothing is
guessed per cell. Money arrives in integer cents and is written as an exact decimal.
The file is written under a temporary name in the target's folder and renamed when
complete: a failed export leaves no half-written workbook behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_col_to_name

from backoffice import private_files

DATE_FORMAT = "DD/MM/YYYY"
EURO_FORMAT = '#,##0.00 "€"'
COUNT_FORMAT = "#,##0"
HEADER_HEIGHT = 30  # points: two lines of the default font
HEADER_FILL = "#DCE6F1"
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()  # day 0 of Excel's (1900) date system


class Kind(StrEnum):
    TEXT = "text"
    DAY = "day"
    MONEY = "money"  # integer cents in, euros out
    COUNT = "count"


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # in characters, as Excel shows it
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Sum:
    """A ``SUBTOTAL(9, …)`` of the column's rows shown; ``value`` is the total of all rows
    (cents for a money column)."""

    value: int


@dataclass(frozen=True)
class RowCount:
    """A ``SUBTOTAL(3, …)``: how many rows are shown, with the word after the number
    (``1 échéance``, ``12 échéances``)."""

    value: int
    singular: str
    plural: str


@lru_cache(maxsize=16384)
def euros(cents: int) -> Decimal:
    """Cents as an exact decimal number of euros (``145822`` → ``1458.22``); amounts
    repeat (instalments of one price, zeros), so the recent ones are remembered."""
    return Decimal(cents).scaleb(-2)


def excel_day(day: date) -> int:
    """The day as Excel stores it: days since 30 December 1899."""
    return day.toordinal() - _EXCEL_EPOCH


def _quoted(words: str) -> str:
    return '"' + words.replace('"', "'") + '"'


class TableWriter:
    """Writes one table: ``append`` each row, then ``totals`` and ``note`` rows, then
    ``close`` (or use it as a context manager, which removes the file on an error)."""

    def __init__(
        self,
        target: Path | IO[bytes],
        sheet_title: str,
        columns: Sequence[Column],
        *,
        print_title: str | None = None,
    ) -> None:
        self.columns = list(columns)
        self._target = target
        self._temporary: Path | None = None
        if isinstance(target, Path):
            self._temporary = private_files.temporary_beside(target, ".xlsx")
        self.workbook = Workbook(
            str(self._temporary) if self._temporary else target, {"constant_memory": True}
        )
        self.sheet = self.workbook.add_worksheet(sheet_title[:31])
        self._formats = self._make_formats()
        self._writers = [self._writer(column.kind) for column in self.columns]
        self.rows = 0
        self._next_row = 1
        self._set_up(print_title or sheet_title)

    # -- the parts --------------------------------------------------------------------------

    def _make_formats(self) -> dict[str, Any]:
        add = self.workbook.add_format
        number_formats = {
            Kind.DAY: DATE_FORMAT,
            Kind.MONEY: EURO_FORMAT,
            Kind.COUNT: COUNT_FORMAT,
        }
        formats: dict[str, Any] = {
            "header": add(
                {"bold": True, "bg_color": HEADER_FILL, "text_wrap": True, "valign": "vcenter"}
            ),
            "bold": add({"bold": True}),
        }
        for kind, number_format in number_formats.items():
            formats[kind] = add({"num_format": number_format})
            formats[f"bold {kind}"] = add({"num_format": number_format, "bold": True})
        return formats

    def _writer(self, kind: Kind) -> Callable[[int, int, Any], object]:
        """The cell writer of a column: XlsxWriter's typed call with the column's format."""
        sheet, formats = self.sheet, self._formats
        if kind == Kind.TEXT:
            return sheet.write_string
        if kind == Kind.DAY:
            day_format = formats[Kind.DAY]
            return lambda row, column, value: sheet.write_number(
                row, column, excel_day(value), day_format
            )
        if kind == Kind.MONEY:
            money_format = formats[Kind.MONEY]
            return lambda row, column, value: sheet.write_number(
                row, column, euros(value), money_format
            )
        count_format = formats[Kind.COUNT]
        return lambda row, column, value: sheet.write_number(row, column, value, count_format)

    def _set_up(self, print_title: str) -> None:
        sheet = self.sheet
        for index, column in enumerate(self.columns):
            sheet.set_column(index, index, column.width)
        header = self._formats["header"]
        # Two lines tall: a wrapped title (« Date d'échéance ») is cut at one line's height
        # in LibreOffice, which does not fit a row XlsxWriter wrote.
        sheet.set_row(0, HEADER_HEIGHT)
        for index, column in enumerate(self.columns):
            sheet.write_string(0, index, column.title, header)
        sheet.freeze_panes(1, 0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)  # one page wide, as many pages down as needed
        sheet.repeat_rows(0)
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        title = print_title.replace("&", "&&")
        sheet.set_header(f"&L&B{title}")
        sheet.set_footer("&RPage &P / &N")

    # -- the rows ---------------------------------------------------------------------------

    def append(self, values: Sequence[object]) -> None:
        """One record: a value per column (``None`` leaves the cell empty)."""
        row = self._next_row
        for column, (write, value) in enumerate(zip(self._writers, values, strict=True)):
            if value is not None:
                write(row, column, value)
        self._next_row += 1
        self.rows += 1

    def _close_table(self) -> None:
        """The filter covers the header and the records (the first call after them)."""
        if self._next_row == self.rows + 1:
            self.sheet.autofilter(0, 0, self.rows, len(self.columns) - 1)
            self._next_row += 1  # a blank row between the records and what follows

    def totals(self, cells: Sequence[str | Sum | RowCount | None]) -> None:
        """A bold row of totals that follow the filter: text, :class:`Sum`, :class:`RowCount`
        (a cell per column)."""
        self._close_table()
        row, first, last = self._next_row, 2, self.rows + 1  # the records' rows, as Excel counts
        for column, cell in enumerate(cells):
            if cell is None:
                continue
            if isinstance(cell, str):
                self.sheet.write_string(row, column, cell, self._formats["bold"])
                continue
            letter = xl_col_to_name(column if isinstance(cell, Sum) else 0)
            cells_range = f"{letter}{first}:{letter}{last}"
            if isinstance(cell, Sum):
                kind = self.columns[column].kind
                value = euros(cell.value) if kind == Kind.MONEY else cell.value
                self.sheet.write_formula(
                    row,
                    column,
                    f"=SUBTOTAL(9,{cells_range})",
                    self._formats[f"bold {kind}"],
                    value,
                )
            else:
                words = self.workbook.add_format(
                    {
                        "bold": True,
                        "num_format": f"[=1]0 {_quoted(cell.singular)};"
                        f"#,##0 {_quoted(cell.plural)}",
                    }
                )
                self.sheet.write_formula(
                    row, column, f"=SUBTOTAL(3,{cells_range})", words, cell.value
                )
        self._next_row += 1

    def note(self, cells: Sequence[object]) -> None:
        """A bold row of plain values after the table (money in cents)."""
        self._close_table()
        row = self._next_row
        for column, value in enumerate(cells):
            if value is None:
                continue
            kind = self.columns[column].kind
            if isinstance(value, str):
                self.sheet.write_string(row, column, value, self._formats["bold"])
            elif kind == Kind.MONEY:
                self.sheet.write_number(
                    row, column, euros(int(value)), self._formats[f"bold {kind}"]
                )
            else:
                self.sheet.write(row, column, value, self._formats["bold"])
        self._next_row += 1

    # -- the file ---------------------------------------------------------------------------

    def close(self) -> None:
        self._close_table()
        self.workbook.close()
        if self._temporary is not None:
            assert isinstance(self._target, Path)
            private_files.put_in_place(self._temporary, self._target)
            self._temporary = None

    def discard(self) -> None:
        """Give up: nothing is left at the target."""
        if self._temporary is not None:
            try:
                self.workbook.close()
            finally:
                self._temporary.unlink(missing_ok=True)
                self._temporary = None

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()
