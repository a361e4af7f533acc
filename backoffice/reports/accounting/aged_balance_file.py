"""The aged balance as an Excel workbook: a row per member, the ages in columns, totals and
the open instalments they reconcile to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import IO, NamedTuple

from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.reports.spreadsheet import Column, Kind, Sum, TableWriter


class AgedLine(NamedTuple):
    member_code: str
    member_name: str
    not_due_cents: int
    days_0_30_cents: int
    days_31_60_cents: int
    days_61_90_cents: int
    over_90_cents: int
    total_cents: int
    oldest_due_on: date


def columns() -> list[Column]:
    return [
        Column(tr("Member code"), 12),
        Column(tr("Company name"), 40),
        Column(tr("Not yet due"), 14, Kind.MONEY),
        Column(tr("0–30 days"), 14, Kind.MONEY),
        Column(tr("31–60 days"), 14, Kind.MONEY),
        Column(tr("61–90 days"), 14, Kind.MONEY),
        Column(tr("over 90 days"), 14, Kind.MONEY),
        Column(tr("Total owed"), 15, Kind.MONEY),
        Column(tr("Oldest due date"), 13, Kind.DAY),
    ]


def write_aged_balance(
    target: IO[bytes],
    on: date,
    lines: Iterable[AgedLine],
    totals: list[int],
    reconciliation_cents: int | None,
) -> None:
    """``totals``: the five ages then the total, in cents."""
    title = tr("Aged balance on {day}", day=format_day(on))
    with TableWriter(target, tr("Aged balance"), columns(), print_title=title) as table:
        count = 0
        for line in lines:
            table.append(line)
            count += 1
        table.totals(
            [
                tr("Total"),
                tr("{count} members", count=count),
                *(Sum(cents) for cents in totals),
                None,
            ]
        )
        if reconciliation_cents is not None:
            difference = reconciliation_cents - totals[-1]
            table.note(
                [
                    tr("Open instalments"),
                    tr("Reconciled") if difference == 0 else tr("Difference"),
                    *([None] * 5),
                    reconciliation_cents,
                    None,
                ]
            )
