"""E-invoicing: 1,000 Factur-X written and XSD-checked beside the 1,000 plain invoice PDFs
of the billing benchmark, on the same data (read once before either is timed). Goal ≤ 2×.

Then the whole export as the command line runs it (reading included), and the EN 16931
business rules (the Commission's stylesheet, ``../shared/einvoicing/``, with saxonche) on
a sample of the demo's invoices and credit notes: their time, and the fatal rules found
(there must be none).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import CreditNote, Invoice
from backoffice.reports import pdf
from backoffice.reports.billing import documents as batch
from backoffice.reports.billing.invoice_pdf import invoice_story
from backoffice.reports.einvoicing import pdfa
from backoffice.services.actors import actor_for_login
from backoffice.services.billing import documents as document_service
from backoffice.services.einvoicing import facts as facts_module
from backoffice.services.einvoicing import facturx
from bench.common import Context, Result, timed

COUNT = 1000
RULES_SAMPLE = 20
STYLESHEET = Path(__file__).resolve().parents[2] / "shared/einvoicing/EN16931-CII-validation.xslt"


def run(context: Context) -> None:
    database = Database(context.database_url("sqlite"))
    with database.session() as session:
        ids = list(session.scalars(select(Invoice.id).order_by(Invoice.id).limit(COUNT)))
        service = document_service.identity(session)
        payment = document_service.payment_details(session, service)
        facts = []
        for start in range(0, len(ids), facturx.CHUNK):
            facts += facts_module.invoice_facts(
                session, service, payment, ids[start : start + facturx.CHUNK]
            )
        note_ids = list(session.scalars(select(CreditNote.id).order_by(CreditNote.id).limit(5)))
    pdf.register_fonts()
    pdfa.srgb_profile()
    refused: list[str] = []

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)

        def plain() -> None:
            for item in facts:
                content = batch.render_one(
                    service, f"Facture {item.number}", invoice_story(item.document, payment)
                )
                (out / f"{item.number}.pdf").write_bytes(content)

        def factur_x() -> None:
            refused.clear()
            for item in facts:
                title = f"Facture {item.number}"
                try:
                    xml = facturx.checked_xml(item.e_invoice, item.anomalies)
                except facturx.DocumentRefused as refusal:
                    refused.append(refusal.reason)
                    continue
                drawing = batch.render_one(service, title, invoice_story(item.document, payment))
                content = pdfa.facturx_pdf(
                    drawing, xml, pdfa.PdfMetadata(title, service.name, title)
                )
                facturx.write_whole(out / f"{item.number}-fx.pdf", content)

        mine_times, raw_times = [], []
        for _run in range(2):
            mine_times.append(timed(factur_x))
            raw_times.append(timed(plain))
        context.add(
            Result(
                f"{len(facts)} Factur-X written, XSD-checked",
                "sqlite",
                min(mine_times),
                min(raw_times),
                f"{len(facts)} plain invoice PDFs, same data",
                "≤ 2×",
                f"best of 2; {len(refused)} refused",
            )
        )
        with database.session() as session:
            actor = actor_for_login(session, "compta")
            export_ids = ids[:COUNT]
            seconds = timed(
                lambda: facturx.export_folder(session, actor, export_ids, out / "export")
            )
        context.add(
            Result(
                f"einvoice export of {len(export_ids)} invoices (reads included)",
                "sqlite",
                seconds,
                min(raw_times),
                f"{len(facts)} plain invoice PDFs, same data",
                "",
                "",
            )
        )
    database.dispose()
    _rules(context, database, ids[:RULES_SAMPLE], note_ids)


def _rules(context: Context, database: Database, ids: list[int], note_ids: list[int]) -> None:
    if not STYLESHEET.exists():
        print(f"EN 16931 rules: {STYLESHEET} is absent, not run")
        return
    from saxonche import PySaxonProcessor

    with database.session() as session:
        actor = actor_for_login(session, "compta")
        xmls = [facturx.invoice_facturx(session, actor, ident).xml for ident in ids]
        xmls += [facturx.credit_note_facturx(session, actor, ident).xml for ident in note_ids]
    started = time.perf_counter()
    processor = PySaxonProcessor(license=False)
    sheet = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(STYLESHEET))
    compiled = time.perf_counter() - started
    fatal = failed = 0
    started = time.perf_counter()
    for xml in xmls:
        svrl = sheet.transform_to_string(xdm_node=processor.parse_xml(xml_text=xml.decode()))
        failed += svrl.count("<svrl:failed-assert")
        fatal += svrl.count('flag="fatal"')
    seconds = time.perf_counter() - started
    context.add(
        Result(
            f"EN 16931 rules on {len(xmls)} documents",
            "sqlite",
            seconds,
            None,
            "",
            "",
            f"stylesheet compiled in {compiled:.1f} s; {failed} failed rules, {fatal} fatal; "
            f"{seconds / max(len(xmls), 1) * 1000:.0f} ms each",
        )
    )
