"""ISO 11649 creditor references: made from the invoice number, stored on every invoice
(issued one by one, by the campaign or before the migration), printed on the PDF with the
IBAN to pay to, carried in the direct debits, found again in free text."""

from __future__ import annotations

import pytest
from alembic import command
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text
from stdnum import iso11649

from backoffice import clock, references
from backoffice.db import Database
from backoffice.models import Invoice
from backoffice.reports.sepa import pain008
from backoffice.services.billing import documents
from backoffice.services.permissions import Actor
from tests.billing.builders import TODAY, billed_member, flat, pdf_text
from tests.sepa.builders import COLLECTION, export, invoice, member_with_mandate, prenotify
from tests.sepa.builders import TODAY as SEPA_TODAY


def test_the_reference_is_iso_11649_and_reads_back_to_the_number() -> None:
    reference = references.creditor_reference("FA-2027-000123")
    assert reference == "RF78FA2027000123"
    assert iso11649.is_valid(reference)  # python-stdnum, independently of the code
    assert references.display(reference) == "RF78 FA20 2700 0123"
    assert references.invoice_number_body(reference) == "FA2027000123"


@given(st.integers(min_value=1, max_value=999_999), st.integers(min_value=2000, max_value=2999))
def test_every_invoice_number_makes_a_valid_reference(number: int, year: int) -> None:
    reference = references.creditor_reference(f"FA-{year}-{number:06d}")
    assert iso11649.is_valid(reference) and len(reference) <= 25


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("VIR SEPA RF78FA2027000123", ["RF78FA2027000123"]),
        ("Virement rf78 fa20 2700 0123 cotisation 2027", ["RF78FA2027000123"]),
        ("REF:RF78 FA20 2700 0123/FACTURE", ["RF78FA2027000123"]),
        ("RF79FA2027000123", []),  # one wrong check digit
        ("facture FA-2027-000123", []),
        ("", []),
        (None, []),
    ],
)
def test_references_are_found_in_free_text(text: str | None, found: list[str]) -> None:
    assert references.find_references(text) == found


def test_issued_invoices_carry_their_reference_on_the_pdf(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with clock.frozen(TODAY):
        _member_id, invoice_id = billed_member(database, billing)  # the campaign, in bulk
        with database.session() as session:
            bill = session.get(Invoice, invoice_id)
            assert bill is not None
            assert bill.creditor_reference == references.creditor_reference(bill.number)
            content = documents.invoice_pdf(session, billing, invoice_id)
    page = flat(pdf_text(content)[0])
    assert "Référence de paiement RF" in page
    shown = references.display(references.creditor_reference("FA-2027-000001"))
    assert (
        "IBAN FR76 1027 8030 0000 0201 2340 151 — BIC CMCIFR2A, en indiquant la référence "
        f"de paiement {shown}" in page
    )


def test_the_direct_debits_carry_the_reference(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    with clock.frozen(SEPA_TODAY), database.transaction() as session:
        member, _mandate = member_with_mandate(session, billing)
        bill = invoice(session, member, [(COLLECTION, 12000)])  # added as an object
        number, reference = bill.number, bill.creditor_reference
    assert reference == references.creditor_reference(number)
    with clock.frozen(SEPA_TODAY):
        prenotify(database, billing)
        outcome = export(database, billing)
    pain008.validate(outcome.xml, outcome.schema)
    assert f"<Ustrd>{reference} Cotisation {number}".encode() in outcome.xml


def test_the_migration_gives_existing_invoices_their_reference(sqlite_database: Database) -> None:
    config = sqlite_database.alembic_config()
    command.downgrade(config, "0001")
    with sqlite_database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO members (id, member_code, legal_name, siret, status, joined_on,"
                " has_employees, address_line1, postcode, city, country_code, search_text,"
                " version, created_at, updated_at) VALUES (1, 'A1', 'X', '12345678901234',"
                " 'active', '2020-01-01', 1, 'rue', '68100', 'Mulhouse', 'FR', '', 1,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        for key, number in ((1, "FA-2026-000001"), (2, "FA-2026-000002")):
            connection.execute(
                text(
                    "INSERT INTO invoices (id, number, kind, member_id, year, period_label,"
                    " period_start, period_end, issued_on, issued_at, total_ht_cents,"
                    " discount_cents, discount_rate_bp, vat_rate_bp, vat_cents, total_ttc_cents,"
                    " pays_by_direct_debit, billing_name, billing_address_line1,"
                    " billing_postcode, billing_city) VALUES (:id, :number, 'no_show', 1,"
                    " 2026, 'Année 2026', '2026-01-01', '2026-12-31', '2026-01-10',"
                    " '2026-01-10 09:00:00', 100, 0, 0, 0, 0, 100, 0, 'X', 'rue', '68100', 'M')"
                ),
                {"id": key, "number": number},
            )
    sqlite_database.upgrade()
    with sqlite_database.session() as session:
        stored = dict(session.execute(select(Invoice.number, Invoice.creditor_reference)).all())
    assert stored == {
        number: references.creditor_reference(number)
        for number in ("FA-2026-000001", "FA-2026-000002")
    }
