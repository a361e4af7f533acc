"""The VAT on receipts as an Excel workbook: a row per month and VAT rate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, NamedTuple

from backoffice.i18n import tr
from backoffice.reports.spreadsheet import Column, Kind, Sum, TableWriter


class VatLine(NamedTuple):
    month: str  # "03/2026"
    receipts_cents: int | None  # on the month's first row only
    rate: str
    base_cents: int
    vat_cents: int
    unsettled_cents: int | None
    journal_vat_cents: int | None
    difference_cents: int | None


def columns() -> list[Column]:
    return [
        Column(tr("Month"), 10),
        Column(tr("Receipts"), 15, Kind.MONEY),
        Column(tr("VAT rate"), 9),
        Column(tr("Base excl. VAT"), 15, Kind.MONEY),
        Column(tr("VAT due"), 14, Kind.MONEY),
        Column(tr("Settling no invoice"), 14, Kind.MONEY),
        Column(tr("VAT collected (journal)"), 15, Kind.MONEY),
        Column(tr("Difference"), 12, Kind.MONEY),
    ]


def write_vat(
    target: IO[bytes], fiscal_year: int, lines: Iterable[VatLine], totals: VatLine
) -> None:
    title = tr("VAT on receipts {year}", year=fiscal_year)
    with TableWriter(target, tr("VAT on receipts"), columns(), print_title=title) as table:
        for line in lines:
            table.append(line)
        table.totals(
            [
                tr("Total"),
                Sum(totals.receipts_cents or 0),
                None,
                Sum(totals.base_cents),
                Sum(totals.vat_cents),
                Sum(totals.unsettled_cents or 0),
                Sum(totals.journal_vat_cents or 0),
                Sum(totals.difference_cents or 0),
            ]
        )
