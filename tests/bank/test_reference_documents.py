"""Issue 15.5 checked on every document that asks a member to pay: the invoice of a member
paying by direct debit gives the IBAN beside its reference too (a transfer instead of a
debit must come back matchable), and reminder letters give each invoice's reference."""

from __future__ import annotations

from datetime import UTC, datetime

from backoffice import clock, references
from backoffice.db import Database
from backoffice.models import Invoice
from backoffice.services.billing import documents, reminders
from backoffice.services.permissions import Actor
from tests.billing.builders import TODAY, billed_member, flat, pdf_text

IBAN = "FR76 1027 8030 0000 0201 2340 151"
LATE = datetime(2027, 4, 20, 9, 0, tzinfo=UTC)  # the first instalment (15 March) is overdue


def test_a_direct_debit_invoice_gives_the_iban_with_its_reference(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with clock.frozen(TODAY):
        _member, invoice_id = billed_member(database, billing, sepa=True)
        with database.session() as session:
            invoice = session.get(Invoice, invoice_id)
            assert invoice is not None and invoice.pays_by_direct_debit
            shown = references.display(invoice.creditor_reference)
            page = flat(pdf_text(documents.invoice_pdf(session, billing, invoice_id))[0])
    assert "Règlement par prélèvement SEPA" in page
    assert f"IBAN {IBAN} — BIC CMCIFR2A), indiquez la référence de paiement {shown}" in page


def test_reminder_letters_give_each_invoice_its_reference(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with clock.frozen(TODAY):
        _member, invoice_id = billed_member(database, billing)
    with clock.frozen(LATE):
        with database.session() as session:
            rows = reminders.overdue_instalments(session, billing)
            number = session.get(Invoice, invoice_id).number
        with database.transaction() as session:
            batch = reminders.send_reminders(session, billing, [row.instalment_id for row in rows])
    text = flat(" ".join(pdf_text(batch.pdf)))
    shown = references.display(references.creditor_reference(number))
    assert f"{number} {shown}" in text
    assert f"IBAN {IBAN}, BIC CMCIFR2A) en indiquant la référence de paiement" in text
