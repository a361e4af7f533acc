"""Instalment schedules as an Excel workbook (:mod:`backoffice.reports.spreadsheet`:
XlsxWriter in constant memory, however many rows).

One row per instalment; dates and amounts are real dates and numbers with French formats
(``15/05/2018``, ``1 458,22 €`` in a French Excel or LibreOffice); a frozen header with
filters; column widths; below the data, totals of the rows shown (``SUBTOTAL``, so they
follow the filter) and the invoices' own total, which reconcile to the cent; printed
landscape, one page wide, the header on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, NamedTuple

from backoffice.i18n import tr, trc
from backoffice.reports.spreadsheet import Column, Kind, RowCount, Sum, TableWriter

PROGRESS_EVERY = 5000


class ScheduleLine(NamedTuple):
    member_code: str
    member_name: str
    invoice_number: str
    issued_on: date
    due_on: date
    amount_cents: int
    paid_cents: int
    credited_cents: int
    remaining_cents: int
    status: str
    days_late: int


@dataclass(frozen=True)
class ExportTotals:
    rows: int
    amount_cents: int
    paid_cents: int
    credited_cents: int
    remaining_cents: int


def columns() -> list[Column]:
    """The columns, in the order of :class:`ScheduleLine`."""
    return [
        Column(tr("Member code"), 13),
        Column(tr("Company name"), 38),
        Column(tr("Invoice number"), 17),
        Column(tr("Issue date"), 12, Kind.DAY),
        Column(tr("Due date"), 12, Kind.DAY),
        Column(tr("Amount incl. VAT"), 15, Kind.MONEY),
        Column(tr("Amount paid"), 15, Kind.MONEY),
        Column(tr("Credit notes"), 15, Kind.MONEY),
        Column(tr("Left to pay"), 15, Kind.MONEY),
        Column(tr("Instalment status"), 14),
        Column(tr("Days overdue"), 11, Kind.COUNT),
    ]


def cell_values(line: ScheduleLine) -> ScheduleLine:
    """What the row of an instalment holds, column by column (no overdue days: empty)."""
    return line if line.days_late else line._replace(days_late=None)  # type: ignore[arg-type]


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
    count = amount = paid = credited = remaining = 0
    with TableWriter(target, sheet_title, columns()) as table:
        for line in lines:
            table.append(cell_values(line))
            count += 1
            amount += line.amount_cents
            paid += line.paid_cents
            credited += line.credited_cents
            remaining += line.remaining_cents
            if on_progress is not None and count % PROGRESS_EVERY == 0:
                on_progress(count)
        totals = ExportTotals(count, amount, paid, credited, remaining)
        _footer(table, totals, invoice_count, invoices_ttc_cents)
    return totals


def _footer(
    table: TableWriter, totals: ExportTotals, invoice_count: int, invoices_ttc_cents: int
) -> None:
    """The totals of the rows shown (outside the filtered range), then the invoices' own
    total, which the totals of all rows match."""
    table.totals(
        (
            tr("Total"),
            RowCount(totals.rows, trc("count", "instalment"), trc("count", "instalments")),
            None,
            None,
            None,
            Sum(totals.amount_cents),
            Sum(totals.paid_cents),
            Sum(totals.credited_cents),
            Sum(totals.remaining_cents),
            None,
            None,
        )
    )
    table.note(
        (
            tr("Invoices"),
            tr("{count} invoices, total incl. VAT", count=invoice_count),
            None,
            None,
            None,
            invoices_ttc_cents,
            None,
            None,
            None,
            tr("Reconciled") if invoices_ttc_cents == totals.amount_cents else tr("Difference"),
            None,
        )
    )
