"""Excel: the schedules workbook of 150,000 instalments beside the physical limit,
XlsxWriter in constant-memory mode writing the same cells with the same formats by its
public calls (goal ≤ 1.2×, memory flat).

- Ours: :func:`write_schedules` (``reports/spreadsheet.py``): header, widths, frozen
  header, filter, typed cells with French formats, ``SUBTOTAL`` totals with their values,
  print setup.
- The limit: the same workbook written with ``write_string`` / ``write_datetime`` /
  ``write_number`` / ``write_formula`` and the same formats, the values ready.
- openpyxl: the previous writer (write-only mode, tuned cells; ``openpyxl_schedules``)
  on the same rows, against the same limit: why the export moved to XlsxWriter.
- Peak memory of ours at 15,000 and 150,000 rows (flat), and the export of a year
  straight from the database (reading included) against the limit on the same rows.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from xlsxwriter import Workbook

from backoffice.db import Database
from backoffice.models import Instalment, Invoice
from backoffice.reports.billing.schedules_xlsx import ScheduleLine, columns, write_schedules
from backoffice.reports.spreadsheet import DATE_FORMAT, EURO_FORMAT, euros
from backoffice.services.billing import exports
from backoffice.services.billing.exports import ScheduleSelection
from bench import openpyxl_schedules
from bench.common import OUT, Context, Result, timed

EXCEL_ROWS = 150_000


def run(context: Context) -> None:
    url = context.database_url("sqlite")
    sample, year = sample_lines(url)
    lines = list(itertools.islice(itertools.cycle(sample), EXCEL_ROWS))
    invoices_ttc = sum(line.amount_cents for line in lines)
    paths = {name: OUT / f"bench-{name}.xlsx" for name in ("ours", "limit", "openpyxl")}
    work: dict[str, Callable[[], object]] = {
        "ours": lambda: write_schedules(
            paths["ours"],
            lines,
            sheet_title="Échéanciers",
            invoice_count=len(lines) // 3,
            invoices_ttc_cents=invoices_ttc,
        ),
        "limit": lambda: limit_workbook(paths["limit"], lines),
        "openpyxl": lambda: openpyxl_schedules.write_schedules(
            paths["openpyxl"],
            lines,
            sheet_title="Échéanciers",
            invoice_count=len(lines) // 3,
            invoices_ttc_cents=invoices_ttc,
        ),
    }
    best = best_in_turns(2, work)
    small, large = excel_peak_mib(EXCEL_ROWS // 10), excel_peak_mib(EXCEL_ROWS)
    context.add(
        Result(
            f"Excel: {EXCEL_ROWS} instalment rows",
            "-",
            best["ours"],
            best["limit"],
            "XlsxWriter constant memory, same cells",
            "≤ 1.2×",
            f"peak {large} MiB at {EXCEL_ROWS} rows, {small} MiB at {EXCEL_ROWS // 10}",
        )
    )
    context.add(
        Result(
            f"Excel: {EXCEL_ROWS} rows, openpyxl write-only",
            "-",
            best["openpyxl"],
            best["limit"],
            "XlsxWriter constant memory, same cells",
            "",
            "the previous writer, for the choice of library",
        )
    )
    from_database(context, url, sample, year)


def best_in_turns(runs: int, work: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The best time of each, run in turns (the machine's other work only adds time)."""
    times: dict[str, list[float]] = {name: [] for name in work}
    for _run in range(runs):
        for name, job in work.items():
            times[name].append(timed(job))
    return {name: min(seconds) for name, seconds in times.items()}


def sample_lines(url: str) -> tuple[list[ScheduleLine], int]:
    """The instalments of the busiest year, and that year."""
    database = Database(url)
    with database.session() as session:
        year = session.execute(
            select(Invoice.year, func.count())
            .join(Instalment)
            .group_by(Invoice.year)
            .order_by(func.count().desc())
        ).first()[0]
        lines = list(exports._lines(session, ScheduleSelection(year=year)))
    database.dispose()
    return lines, year


def limit_workbook(path: Path, lines: list[ScheduleLine]) -> None:
    """XlsxWriter (constant memory) writing the same workbook by its public calls."""
    workbook = Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Échéanciers")
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "text_wrap": True, "valign": "vcenter"}
    )
    day = workbook.add_format({"num_format": DATE_FORMAT})
    money = workbook.add_format({"num_format": EURO_FORMAT})
    count = workbook.add_format({"num_format": "#,##0"})
    bold = workbook.add_format({"bold": True})
    bold_money = workbook.add_format({"bold": True, "num_format": EURO_FORMAT})
    for index, column in enumerate(columns()):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.title, header)
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    for row, line in enumerate(lines, start=1):
        sheet.write_string(row, 0, line.member_code)
        sheet.write_string(row, 1, line.member_name)
        sheet.write_string(row, 2, line.invoice_number)
        sheet.write_datetime(row, 3, line.issued_on, day)
        sheet.write_datetime(row, 4, line.due_on, day)
        sheet.write_number(row, 5, euros(line.amount_cents), money)
        sheet.write_number(row, 6, euros(line.paid_cents), money)
        sheet.write_number(row, 7, euros(line.credited_cents), money)
        sheet.write_number(row, 8, euros(line.remaining_cents), money)
        sheet.write_string(row, 9, line.status)
        if line.days_late:
            sheet.write_number(row, 10, line.days_late, count)
    last = len(lines) + 1
    sheet.autofilter(0, 0, len(lines), 10)
    sheet.write_string(last + 1, 0, "Total", bold)
    sheet.write_formula(last + 1, 1, f"=SUBTOTAL(3,A2:A{last})", bold, len(lines))
    for column, letter in zip(range(5, 9), "FGHI", strict=True):
        total = sum(line[column] for line in lines)
        sheet.write_formula(
            last + 1, column, f"=SUBTOTAL(9,{letter}2:{letter}{last})", bold_money, euros(total)
        )
    workbook.close()


EXCEL_MEMORY_SCRIPT = """
import sys
from bench.common import peak_rss_mib
from datetime import date
from backoffice.reports.billing.schedules_xlsx import ScheduleLine, write_schedules
from pathlib import Path
count = int(sys.argv[1])
lines = (
    ScheduleLine(f"{100000 + n % 50000}", f"ADHÉRENT {n % 50000} SARL", f"FA-2027-{n:06d}",
                 date(2027, 2, 10), date(2027, 3 + n % 3 * 2, 15), 48607 + n % 97, 48607,
                 0, n % 97, "Payée", 0)
    for n in range(count)
)
write_schedules(Path(sys.argv[2]), lines, sheet_title="x", invoice_count=count // 3,
                invoices_ttc_cents=0)
print(peak_rss_mib())
"""


def excel_peak_mib(rows: int) -> int:
    target = OUT / "bench-memory.xlsx"
    output = subprocess.run(
        [sys.executable, "-c", EXCEL_MEMORY_SCRIPT, str(rows), str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(output.stdout.split()[-1])


def from_database(context: Context, url: str, sample: list[ScheduleLine], year: int) -> None:
    """The export of a year, reading the database included, against the limit writing the
    same rows already in memory."""
    from backoffice.services.actors import command_line_reader

    database = Database(url)
    with database.session() as session:
        best = best_in_turns(
            3,
            {
                "export": lambda: exports.export_schedules(
                    session,
                    command_line_reader(),
                    OUT / "bench-export.xlsx",
                    ScheduleSelection(year=year),
                ),
                "limit": lambda: limit_workbook(OUT / "bench-limit.xlsx", sample),
            },
        )
    database.dispose()
    context.add(
        Result(
            f"export schedules {year} from the database ({len(sample)} rows)",
            "sqlite",
            best["export"],
            best["limit"],
            "XlsxWriter constant memory, same cells",
            "≤ 1.2×",
            "includes reading the database",
        )
    )
