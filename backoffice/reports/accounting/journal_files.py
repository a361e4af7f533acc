"""The journal for the accounting software: a CSV file or an Excel workbook, one row per
line of each entry, with its number, dates, accounts, member and amounts.

The CSV file follows the French habit of accounting imports: UTF-8 with a byte order mark
(Excel opens it as such), semicolons, dates ``15/05/2018``, amounts ``1458,22`` without
grouping. The workbook has real dates and amounts, and the totals below.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO, NamedTuple

from backoffice.i18n import tr
from backoffice.reports.accounting.fec import amount
from backoffice.reports.spreadsheet import Column, Kind, Sum, TableWriter

PROGRESS_EVERY = 5000


class JournalRow(NamedTuple):
    journal: str
    number: str
    entry_date: date
    account: str
    account_label: str
    auxiliary: str
    auxiliary_label: str
    piece_ref: str
    piece_date: date
    label: str
    debit_cents: int
    credit_cents: int
    validated_on: date


@dataclass
class JournalTotals:
    lines: int = 0
    entries: int = 0
    debit_cents: int = 0
    credit_cents: int = 0


def columns() -> list[Column]:
    return [
        Column(tr("Journal"), 8),
        Column(tr("Entry number"), 16),
        Column(tr("Date"), 11, Kind.DAY),
        Column(tr("Account"), 10),
        Column(tr("Account label"), 30),
        Column(tr("Auxiliary account"), 12),
        Column(tr("Auxiliary label"), 32),
        Column(tr("Piece"), 16),
        Column(tr("Piece date"), 11, Kind.DAY),
        Column(tr("Label"), 50),
        Column(tr("Debit"), 13, Kind.MONEY),
        Column(tr("Credit"), 13, Kind.MONEY),
        Column(tr("Validated on"), 11, Kind.DAY),
    ]


def _counted(
    rows: Iterable[JournalRow], totals: JournalTotals, on_progress: Callable[[int], None] | None
) -> Iterable[JournalRow]:
    last = None
    for row in rows:
        if row.number != last:
            totals.entries += 1
            last = row.number
        totals.lines += 1
        totals.debit_cents += row.debit_cents
        totals.credit_cents += row.credit_cents
        if on_progress is not None and totals.lines % PROGRESS_EVERY == 0:
            on_progress(totals.lines)
        yield row


def write_csv(
    target: IO[bytes],
    rows: Iterable[JournalRow],
    on_progress: Callable[[int], None] | None = None,
) -> JournalTotals:
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.title for column in columns()])
    totals = JournalTotals()
    for row in _counted(rows, totals, on_progress):
        writer.writerow(
            (
                row.journal,
                row.number,
                f"{row.entry_date:%d/%m/%Y}",
                row.account,
                row.account_label,
                row.auxiliary,
                row.auxiliary_label,
                row.piece_ref,
                f"{row.piece_date:%d/%m/%Y}",
                row.label,
                amount(row.debit_cents),
                amount(row.credit_cents),
                f"{row.validated_on:%d/%m/%Y}",
            )
        )
    text.flush()
    text.detach()
    return totals


def write_xlsx(
    target: IO[bytes],
    rows: Iterable[JournalRow],
    title: str,
    on_progress: Callable[[int], None] | None = None,
) -> JournalTotals:
    totals = JournalTotals()
    with TableWriter(target, tr("Journal"), columns(), print_title=title) as table:
        for row in _counted(rows, totals, on_progress):
            table.append(row)
        table.totals(
            [
                tr("Total"),
                tr("{count} entries", count=totals.entries),
                *([None] * 8),
                Sum(totals.debit_cents),
                Sum(totals.credit_cents),
                None,
            ]
        )
    return totals
