"""Billing: the annual campaign and the invoice PDFs.

- Campaign (next year, every member declared) on SQLite and PostgreSQL, in its own
  process: time and peak memory, beside a raw bulk insert of the very rows it wrote
  (sqlite3 ``executemany`` / psycopg ``COPY``) into the same state. Goal ≤ 2×. All is
  rolled back: the shared benchmark database stays as generated.
- Excel: see ``bench_excel``.
- PDF: 1,000 invoices (one file each, then all in one file) beside reportlab's canvas
  drawing the same texts and rules directly. Goal ≤ 1.5×.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import Connection, func, select, text

from backoffice.db import Database
from backoffice.i18n import tr
from backoffice.models import Base, Invoice, Tariff
from backoffice.money import format_eur
from backoffice.reports import pdf
from backoffice.reports.billing import documents as batch
from backoffice.reports.billing.formats import day, eur, rate
from backoffice.reports.billing.invoice_pdf import (
    InvoiceDocument,
    _legal_mentions,
    how_to_pay,
    invoice_facts,
    invoice_story,
)
from backoffice.services.actors import actor_for_login
from backoffice.services.billing import campaign_issue
from backoffice.services.billing import documents as document_service
from bench.bench_demo_generation import adapt
from bench.common import Context, Result, peak_rss_mib, timed

EXCEL_ROWS = 150_000
PDF_COUNT = 1000
CAMPAIGN_TABLES = (
    "billing_campaigns",
    "invoices",
    "invoice_lines",
    "instalments",
    "audit_events",
    "journal_entries",  # the invoices' sales entries, posted by the campaign (issue 18)
    "journal_lines",
)


def run(context: Context) -> None:
    for backend in context.backends:
        campaign(context, backend)
    invoice_pdfs(context)


# -- the campaign ---------------------------------------------------------------------------


def declare_next_year(connection: Connection) -> int:
    """Every member of the benchmark database declares for the latest tariff's year (the
    campaign not run yet): the same counts as the year before. Returns the year."""
    year = connection.scalar(select(func.max(Tariff.year)))
    connection.execute(
        text(
            "INSERT INTO workforce_declarations (member_id, year, headcount_si, "
            "headcount_sia, headcount_sir, declared_at, source, version) "
            "SELECT member_id, :year, headcount_si, headcount_sia, headcount_sir, "
            "declared_at, 'portal', 1 FROM workforce_declarations WHERE year = :previous"
        ),
        {"year": year, "previous": year - 1},
    )
    return year


def campaign_process(url: str, runs: int = 3) -> None:
    """In its own process: the campaign, then the raw insert of the rows it wrote, each
    from the same state (a savepoint rolled back), ``runs`` times (the best is kept, as
    ``timeit`` does: the machine's other work only ever adds time);
    all rolled back at the end: the benchmark database stays as generated. Prints the
    seconds of each, the counts, and the peak memory of the first campaign."""
    tr("Issuing"), format_eur(0)  # the catalogue and Babel's data, loaded at start-up
    database = Database(url)
    campaign_times, raw_times = [], []
    with database.transaction() as session:
        year = declare_next_year(session.connection())
        actor = actor_for_login(session, "compta")
        idle = peak_rss_mib()
        peak = 0
        for _run in range(runs):
            savepoint = session.begin_nested()
            start = time.perf_counter()
            outcome = campaign_issue.issue(session, actor, year)
            session.flush()
            campaign_times.append(time.perf_counter() - start)
            peak = peak or peak_rss_mib()
            rows = campaign_rows(session.connection(), outcome.campaign_id)
            savepoint.rollback()
            savepoint = session.begin_nested()
            raw_times.append(raw_insert_seconds(session.connection(), database.backend, rows))
            savepoint.rollback()
        session.rollback()
    count = sum(len(table_rows) for _name, _columns, table_rows in rows)
    print(
        json.dumps(
            [
                year,
                outcome.invoice_count,
                count,
                min(campaign_times),
                min(raw_times),
                idle,
                peak,
            ]
        )
    )


def campaign(context: Context, backend: str) -> None:
    url = context.database_url(backend)
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from bench.bench_billing import campaign_process; campaign_process({url!r})",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[-1]
    year, invoices, rows, seconds, raw, idle, peak = json.loads(output)
    context.add(
        Result(
            f"campaign {year}: {invoices} invoices, {rows} rows",
            backend,
            seconds,
            raw,
            "raw bulk insert of the same rows",
            "≤ 2×",
            f"peak {peak} MiB ({peak - idle} MiB over the idle process)",
        )
    )


def campaign_rows(connection: Connection, campaign_id: int) -> list[tuple[str, list[str], list]]:
    """Every row the campaign wrote, table by table, as the database holds them."""
    invoices = f"SELECT id FROM invoices WHERE campaign_id = {campaign_id}"
    where = {
        "billing_campaigns": f"id = {campaign_id}",
        "invoices": f"campaign_id = {campaign_id}",
        "invoice_lines": f"invoice_id IN ({invoices})",
        "instalments": f"invoice_id IN ({invoices})",
        "audit_events": f"(entity_type = 'invoice' AND entity_id IN ({invoices})) OR "
        f"(entity_type = 'billing_campaign' AND entity_id = {campaign_id})",
        "journal_entries": f"source = 'invoice' AND source_id IN ({invoices})",
        "journal_lines": "entry_id IN (SELECT id FROM journal_entries WHERE "
        f"source = 'invoice' AND source_id IN ({invoices}))",
    }
    tables = {table.name: table for table in Base.metadata.sorted_tables}
    result = []
    for name in CAMPAIGN_TABLES:
        names = [column.name for column in tables[name].columns]
        query = text(f"SELECT {', '.join(names)} FROM {name} WHERE {where[name]}")
        result.append((name, names, [tuple(row) for row in connection.execute(query)]))
    return result


def raw_insert_seconds(connection: Connection, backend: str, rows: list) -> float:
    """The driver's own bulk path (sqlite3 ``executemany``, psycopg ``COPY``) on the same
    rows, values ready, in the same transaction."""
    prepared = [
        (name, names, [tuple(adapt(value, backend) for value in row) for row in table_rows])
        for name, names, table_rows in rows
    ]
    raw = connection.connection.driver_connection
    cursor = raw.cursor()
    start = time.perf_counter()
    for name, names, table_rows in prepared:
        if backend == "sqlite":
            marks = ", ".join("?" * len(names))
            cursor.executemany(
                f"INSERT INTO {name} ({', '.join(names)}) VALUES ({marks})", table_rows
            )
        else:
            with cursor.copy(f"COPY {name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in table_rows:
                    copy.write_row(row)
    return time.perf_counter() - start


def best_of(runs: int, mine: Callable[[], object], raw: Callable[[], object]) -> tuple:
    """The best time of each, run in turns (the machine's other work only adds time)."""
    mine_times, raw_times = [], []
    for _run in range(runs):
        mine_times.append(timed(mine))
        raw_times.append(timed(raw))
    return min(mine_times), min(raw_times)


# -- PDF -------------------------------------------------------------------------------------


def direct_invoice(canvas: Canvas, document: InvoiceDocument, service, payment) -> None:
    """The invoice's texts and rules drawn straight on the canvas (no layout engine)."""
    width, height = A4
    left = pdf.MARGIN
    canvas.setFont(pdf.FONT_BOLD, 13)
    canvas.drawString(left, height - 20 * mm, service.name)
    canvas.setFont(pdf.FONT, 8)
    y = height - 25 * mm
    for line in (
        *service.address.lines,
        f"Tél. {service.phone} · {service.email}",
        service.website,
    ):
        canvas.drawString(left, y, line)
        y -= 3.6 * mm
    canvas.line(left, 14 * mm, width - left, 14 * mm)
    canvas.setFont(pdf.FONT, 6.5)
    canvas.drawString(
        left,
        10.5 * mm,
        f"{service.name} · SIRET {service.siret} · TVA intracommunautaire {service.vat_number}",
    )
    canvas.drawRightString(width - left, 10.5 * mm, "page 1")
    y = height - 50 * mm
    for index, line in enumerate(document.address):
        canvas.setFont(pdf.FONT_BOLD if index == 0 else pdf.FONT, 10)
        canvas.drawString(110 * mm, y, line)
        y -= 4.6 * mm
    y = height - 95 * mm
    canvas.setFont(pdf.FONT_BOLD, 14)
    canvas.drawString(left, y, f"Facture n° {document.number}")
    facts = invoice_facts(document)
    y = _grid(canvas, y - 8 * mm, [45 * mm, 129 * mm], facts, ())
    lines = [("Désignation", "Quantité", "Prix unitaire HT", "Montant HT")] + [
        (line.label, str(line.quantity), eur(line.unit_price_cents), eur(line.amount_cents))
        for line in document.lines
    ]
    y = _grid(canvas, y - 4 * mm, [94 * mm, 20 * mm, 32 * mm, 28 * mm], lines, (1, 2, 3))
    totals = [("Total HT", eur(document.total_ht_cents))]
    if document.discount_cents:
        totals.append(
            (
                f"Remise prélèvement SEPA ({rate(document.discount_rate_bp)})",
                "-" + eur(document.discount_cents),
            )
        )
    totals += [
        (f"TVA {rate(document.vat_rate_bp)}", eur(document.vat_cents)),
        ("Total TTC", eur(document.total_ttc_cents)),
    ]
    y = _grid(canvas, y - 3 * mm, [60 * mm, 30 * mm], totals, (1,), x=left + 84 * mm)
    canvas.setFont(pdf.FONT_BOLD, 10.5)
    canvas.drawString(left, y - 8 * mm, "Échéancier")
    schedule = [("Échéance", "Date d'exigibilité", "Montant TTC", "Réglé", "Reste dû")] + [
        (
            f"{n}/{len(document.instalments)}",
            day(item.due_on),
            eur(item.amount_cents),
            eur(item.settled_cents),
            eur(item.amount_cents - item.settled_cents),
        )
        for n, item in enumerate(document.instalments, start=1)
    ]
    y = _grid(
        canvas, y - 12 * mm, [26 * mm, 40 * mm, 36 * mm, 36 * mm, 36 * mm], schedule, (2, 3, 4)
    )
    y = _paragraph(canvas, how_to_pay(document, payment), y - 4 * mm, 9.5, 13)
    for mention in _legal_mentions(payment):
        y = _paragraph(canvas, mention, y - 1 * mm, 7.5, 9.5)


def _grid(
    canvas: Canvas, top: float, widths: list[float], rows: list, right: tuple, x: float = pdf.MARGIN
) -> float:
    height = 5.2 * mm
    canvas.setFont(pdf.FONT, 8.5)
    y = top
    for row in rows:
        left = x
        for column, (width, value) in enumerate(zip(widths, row, strict=True)):
            canvas.rect(left, y - height, width, height)
            if column in right:
                canvas.drawRightString(left + width - 2, y - height + 4, value)
            else:
                canvas.drawString(left + 2, y - height + 4, value)
            left += width
        y -= height
    return y


def _paragraph(canvas: Canvas, words: str, top: float, size: float, leading: float) -> float:
    canvas.setFont(pdf.FONT, size)
    y = top
    for line in simpleSplit(words, pdf.FONT, size, A4[0] - 2 * pdf.MARGIN):
        y -= leading
        canvas.drawString(pdf.MARGIN, y, line)
    return y


def direct_pdf(documents: list[InvoiceDocument], service, payment) -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for document in documents:
        direct_invoice(canvas, document, service, payment)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def invoice_pdfs(context: Context) -> None:
    database = Database(context.database_url("sqlite"))
    with database.session() as session:
        ids = list(session.scalars(select(Invoice.id).order_by(Invoice.id).limit(PDF_COUNT)))
        documents = document_service.invoice_documents(session, ids)
        service = document_service.identity(session)
        payment = document_service.payment_details(session, service)
    database.dispose()
    pdf.register_fonts()

    def one_each() -> None:
        for document in documents:
            batch.render_one(service, document.number, invoice_story(document, payment))

    def direct_each() -> None:
        for document in documents:
            direct_pdf([document], service, payment)

    def all_in_one() -> None:
        stories = (invoice_story(document, payment) for document in documents)
        batch.render_batch(service, "Factures", stories)

    for title, mine, raw in (
        (f"{len(documents)} invoice PDFs, one file each", one_each, direct_each),
        (
            f"{len(documents)} invoices in one PDF",
            all_in_one,
            lambda: direct_pdf(documents, service, payment),
        ),
    ):
        seconds, baseline = best_of(3, mine, raw)
        context.add(
            Result(
                title,
                "-",
                seconds,
                baseline,
                "reportlab canvas, same content",
                "≤ 1.5×",
                "best of 3",
            )
        )
