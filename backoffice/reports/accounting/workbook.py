"""A table in an Excel workbook, for the accounting exports (journal, aged balance, VAT).

The shape every export shares: a bold shaded header, frozen, with a filter; one typed row
per record (text, real dates, amounts as exact numbers from integer cents, counts); bold
totals below. openpyxl's write-only mode keeps memory flat.

Its interface is the one of the shared table writer being built for the schedules
workbook (XlsxWriter, issue 19): when that lands, the accounting exports switch to it by
importing it instead of this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import TracebackType
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

DATE_FORMAT = "DD/MM/YYYY"
EURO_FORMAT = '#,##0.00 "€"'
COUNT_FORMAT = "#,##0"
HEADER_FILL = PatternFill("solid", start_color="DCE6F1")


class Kind(StrEnum):
    TEXT = "text"
    DAY = "day"
    MONEY = "money"  # integer cents in, euros out
    COUNT = "count"


FORMATS = {Kind.DAY: DATE_FORMAT, Kind.MONEY: EURO_FORMAT, Kind.COUNT: COUNT_FORMAT}


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Sum:
    """The total of a column (cents for a money column)."""

    value: int


def euros(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


class TableWriter:
    """``append`` each record, then ``totals`` rows, then ``close`` (or ``with``)."""

    def __init__(
        self,
        target: IO[bytes],
        sheet_title: str,
        columns: Sequence[Column],
        *,
        print_title: str | None = None,
    ) -> None:
        self.target = target
        self.columns = list(columns)
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(sheet_title[:31])
        self.sheet.freeze_panes = "A2"
        self.sheet.print_options.gridLines = False
        self.sheet.page_setup.orientation = "landscape"
        self.sheet.oddHeader.left.text = (print_title or sheet_title).replace("&", "&&")
        for index, column in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.append([self._header(column.title) for column in self.columns])
        self.rows = 0
        self._filtered = False

    def _header(self, title: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        return cell

    def _cell(self, kind: Kind, value: object, *, bold: bool = False) -> object:
        if value is None:
            return None
        if kind == Kind.MONEY and isinstance(value, int):
            value = euros(value)
        if kind == Kind.TEXT and not bold:
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        if kind in FORMATS and not isinstance(value, str):
            cell.number_format = FORMATS[kind]
        if bold:
            cell.font = Font(bold=True)
        return cell

    def append(self, values: Sequence[object]) -> None:
        """One record: a value per column (None leaves the cell empty; money in cents)."""
        self.sheet.append(
            [
                self._cell(column.kind, value)
                for column, value in zip(self.columns, values, strict=True)
            ]
        )
        self.rows += 1

    def _close_table(self) -> None:
        if not self._filtered:
            last = get_column_letter(len(self.columns))
            self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"
            self.sheet.append([])
            self._filtered = True

    def totals(self, cells: Sequence[object]) -> None:
        """A bold row below the records: text, :class:`Sum` or plain values."""
        self._close_table()
        self.sheet.append(
            [
                self._cell(column.kind, cell.value if isinstance(cell, Sum) else cell, bold=True)
                for column, cell in zip(self.columns, cells, strict=True)
            ]
        )

    def close(self) -> None:
        self._close_table()
        self.workbook.save(self.target)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
