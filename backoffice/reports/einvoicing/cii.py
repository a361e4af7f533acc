"""The UN/CEFACT CII XML of an invoice or a credit note, profile EN 16931 (Factur-X).

Data in (:class:`EInvoice`, plain values, amounts in integer cents), bytes out. The
business terms of the norm (``BT-…``) are named beside the elements that carry them; the
French reform's additions go where its specifications put them: the buyer's routing
identity as its electronic address (scheme 0225), the billing frame (BT-23 ``S1``:
services), VAT on receipts as the tax point code 72, the notes PMT, PMD and AAB.

Element order follows the CII schema (the Factur-X XSD checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lxml import etree

from backoffice.identity import Address

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"
BILLING_FRAME_SERVICES = "S1"  # French reform: an invoice for services rendered

INVOICE = "380"
CREDIT_NOTE = "381"
DIRECT_DEBIT = "59"  # SEPA direct debit (UNTDID 4461)
CREDIT_TRANSFER = "58"  # SEPA credit transfer
SCHEME_SIREN = "0002"  # ISO 6523 ICD
SCHEME_SIRET = "0009"
SCHEME_ROUTING = "0225"  # the French directory's addressing identifier (SIREN[_SIRET])
VAT_ON_RECEIPTS = "72"  # UNTDID 2005 « paid to date »: VAT due when paid (services)
UNIT_ONE = "C62"


@dataclass(frozen=True)
class Party:
    """Seller or buyer: BT-27/BT-44 name, BT-29/46 SIRET, BT-30/47 SIREN, BT-31/48 VAT
    number, BG-5/BG-8 address, BT-34/BT-49 electronic address."""

    name: str
    siret: str
    vat_number: str
    address: Address
    routing_id: str = ""  # the platform's address: SIREN, or SIREN_SIRET
    trade_name: str = ""
    contact_department: str = ""
    contact_phone: str = ""
    contact_email: str = ""

    @property
    def siren(self) -> str:
        return self.siret[:9]


@dataclass(frozen=True)
class Line:
    """BG-25: BT-126 id, BT-155 seller's item code, BT-153 name, BT-129 quantity,
    BT-146 net price, BT-131 net amount (quantity × price, exact)."""

    line_id: str
    item_code: str
    name: str
    quantity: int
    unit_price_cents: int
    amount_cents: int


@dataclass(frozen=True)
class Payment:
    """BG-16: direct debit (BT-89 mandate, BT-90 creditor id, BT-91 the debtor's
    account) or credit transfer (BT-84 IBAN, BT-86 BIC); BT-83 the remittance reference."""

    means_code: str
    remittance: str = ""  # ISO 11649 creditor reference (RF…)
    payee_iban: str = ""
    payee_bic: str = ""
    mandate_reference: str = ""
    creditor_id: str = ""
    debtor_iban: str = ""


@dataclass(frozen=True)
class EInvoice:
    type_code: str  # 380 or 381
    number: str  # BT-1
    issued_on: date  # BT-2
    seller: Party
    buyer: Party
    buyer_reference: str  # BT-10: the member's code
    period_start: date  # BT-73
    period_end: date  # BT-74
    lines: tuple[Line, ...]
    vat_rate_bp: int  # BT-119 / BT-152
    line_total_cents: int  # BT-106
    allowance_cents: int  # BT-107 (the direct-debit discount, HT)
    allowance_rate_bp: int  # BT-94
    allowance_reason: str  # BT-97
    vat_cents: int  # BT-110 / BT-117
    total_ttc_cents: int  # BT-112
    prepaid_cents: int  # BT-113
    due_on: date | None  # BT-9
    payment_terms: str  # BT-20
    payment: Payment | None
    notes: tuple[tuple[str, str], ...]  # BT-21 subject code, BT-22 text
    exemption_reason: str = ""  # BT-120, when the rate is 0
    preceding_number: str = ""  # BT-25: the invoice a credit note cancels
    preceding_issued_on: date | None = None  # BT-26

    @property
    def tax_basis_cents(self) -> int:  # BT-109 / BT-116
        return self.line_total_cents - self.allowance_cents

    @property
    def due_payable_cents(self) -> int:  # BT-115
        return self.total_ttc_cents - self.prepaid_cents

    @property
    def vat_category(self) -> str:  # BT-118: S standard rate, E exempt
        return "S" if self.vat_rate_bp else "E"


def amount(cents: int) -> str:
    """``130200`` → ``1302.00``: exact, from integers."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def percent(basis_points: int) -> str:
    """``2000`` → ``20.00``, ``150`` → ``1.50``."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole}.{rest:02d}"


def _day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


class _Builder:
    def __init__(self) -> None:
        self.root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)

    @staticmethod
    def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str):
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attributes)
        if text is not None:
            element.text = text
        return element

    def date_time(self, parent: etree._Element, tag: str, value: date, qualified: bool = False):
        holder = self.sub(parent, tag)
        self.sub(
            holder,
            "qdt:DateTimeString" if qualified else "udt:DateTimeString",
            _day(value),
            format="102",
        )
        return holder


def build(invoice: EInvoice) -> bytes:
    """The CII XML (UTF-8, with its declaration)."""
    b = _Builder()
    sub = b.sub
    context = sub(b.root, "rsm:ExchangedDocumentContext")
    sub(
        sub(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"),
        "ram:ID",
        BILLING_FRAME_SERVICES,
    )
    sub(sub(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE_EN16931)

    document = sub(b.root, "rsm:ExchangedDocument")
    sub(document, "ram:ID", invoice.number)
    sub(document, "ram:TypeCode", invoice.type_code)
    b.date_time(document, "ram:IssueDateTime", invoice.issued_on)
    for subject, text in invoice.notes:
        note = sub(document, "ram:IncludedNote")
        sub(note, "ram:Content", text)
        sub(note, "ram:SubjectCode", subject)

    transaction = sub(b.root, "rsm:SupplyChainTradeTransaction")
    for line in invoice.lines:
        _line(b, transaction, invoice, line)

    agreement = sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    sub(agreement, "ram:BuyerReference", invoice.buyer_reference)
    _party(b, agreement, "ram:SellerTradeParty", invoice.seller)
    _party(b, agreement, "ram:BuyerTradeParty", invoice.buyer)

    sub(transaction, "ram:ApplicableHeaderTradeDelivery")
    _settlement(b, sub(transaction, "ram:ApplicableHeaderTradeSettlement"), invoice)
    return etree.tostring(b.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _settlement(b: _Builder, settlement: etree._Element, invoice: EInvoice) -> None:
    """BG-16 to BG-23: payment, VAT, period, allowance, terms, totals, preceding invoice."""
    sub = b.sub
    payment = invoice.payment
    if payment is not None and payment.creditor_id:
        sub(settlement, "ram:CreditorReferenceID", payment.creditor_id)
    if payment is not None and payment.remittance:
        sub(settlement, "ram:PaymentReference", payment.remittance)
    sub(settlement, "ram:InvoiceCurrencyCode", "EUR")
    if payment is not None:
        _payment_means(b, settlement, payment)
    tax = sub(settlement, "ram:ApplicableTradeTax")
    sub(tax, "ram:CalculatedAmount", amount(invoice.vat_cents))
    sub(tax, "ram:TypeCode", "VAT")
    if invoice.vat_category == "E":
        sub(tax, "ram:ExemptionReason", invoice.exemption_reason)
    sub(tax, "ram:BasisAmount", amount(invoice.tax_basis_cents))
    sub(tax, "ram:CategoryCode", invoice.vat_category)
    if invoice.vat_category == "S":
        sub(tax, "ram:DueDateTypeCode", VAT_ON_RECEIPTS)
    sub(tax, "ram:RateApplicablePercent", percent(invoice.vat_rate_bp))
    period = sub(settlement, "ram:BillingSpecifiedPeriod")
    b.date_time(period, "ram:StartDateTime", invoice.period_start)
    b.date_time(period, "ram:EndDateTime", invoice.period_end)
    _allowance_and_terms(b, settlement, invoice)
    _totals(b, settlement, invoice)


def _allowance_and_terms(b: _Builder, settlement: etree._Element, invoice: EInvoice) -> None:
    sub = b.sub
    payment = invoice.payment
    if invoice.allowance_cents:
        allowance = sub(settlement, "ram:SpecifiedTradeAllowanceCharge")
        sub(sub(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
        if invoice.allowance_rate_bp:
            sub(allowance, "ram:CalculationPercent", percent(invoice.allowance_rate_bp))
            sub(allowance, "ram:BasisAmount", amount(invoice.line_total_cents))
        sub(allowance, "ram:ActualAmount", amount(invoice.allowance_cents))
        sub(allowance, "ram:ReasonCode", "95")  # UNTDID 5189: discount
        sub(allowance, "ram:Reason", invoice.allowance_reason)
        _category(b, allowance, "ram:CategoryTradeTax", invoice)
    if invoice.payment_terms or invoice.due_on or (payment and payment.mandate_reference):
        terms = sub(settlement, "ram:SpecifiedTradePaymentTerms")
        if invoice.payment_terms:
            sub(terms, "ram:Description", invoice.payment_terms)
        if invoice.due_on is not None:
            b.date_time(terms, "ram:DueDateDateTime", invoice.due_on)
        if payment is not None and payment.mandate_reference:
            sub(terms, "ram:DirectDebitMandateID", payment.mandate_reference)


def _totals(b: _Builder, settlement: etree._Element, invoice: EInvoice) -> None:
    sub = b.sub
    totals = sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    sub(totals, "ram:LineTotalAmount", amount(invoice.line_total_cents))
    sub(totals, "ram:ChargeTotalAmount", amount(0))
    sub(totals, "ram:AllowanceTotalAmount", amount(invoice.allowance_cents))
    sub(totals, "ram:TaxBasisTotalAmount", amount(invoice.tax_basis_cents))
    sub(totals, "ram:TaxTotalAmount", amount(invoice.vat_cents), currencyID="EUR")
    sub(totals, "ram:GrandTotalAmount", amount(invoice.total_ttc_cents))
    sub(totals, "ram:TotalPrepaidAmount", amount(invoice.prepaid_cents))
    sub(totals, "ram:DuePayableAmount", amount(invoice.due_payable_cents))
    if invoice.preceding_number:
        preceding = sub(settlement, "ram:InvoiceReferencedDocument")
        sub(preceding, "ram:IssuerAssignedID", invoice.preceding_number)
        if invoice.preceding_issued_on is not None:
            b.date_time(preceding, "ram:FormattedIssueDateTime", invoice.preceding_issued_on, True)


def _category(b: _Builder, parent: etree._Element, tag: str, invoice: EInvoice) -> None:
    tax = b.sub(parent, tag)
    b.sub(tax, "ram:TypeCode", "VAT")
    b.sub(tax, "ram:CategoryCode", invoice.vat_category)
    b.sub(tax, "ram:RateApplicablePercent", percent(invoice.vat_rate_bp))


def _line(b: _Builder, parent: etree._Element, invoice: EInvoice, line: Line) -> None:
    sub = b.sub
    item = sub(parent, "ram:IncludedSupplyChainTradeLineItem")
    sub(sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.line_id)
    product = sub(item, "ram:SpecifiedTradeProduct")
    if line.item_code:
        sub(product, "ram:SellerAssignedID", line.item_code)
    sub(product, "ram:Name", line.name)
    agreement = sub(item, "ram:SpecifiedLineTradeAgreement")
    price = sub(agreement, "ram:NetPriceProductTradePrice")
    sub(price, "ram:ChargeAmount", amount(line.unit_price_cents))
    delivery = sub(item, "ram:SpecifiedLineTradeDelivery")
    sub(delivery, "ram:BilledQuantity", str(line.quantity), unitCode=UNIT_ONE)
    settlement = sub(item, "ram:SpecifiedLineTradeSettlement")
    _category(b, settlement, "ram:ApplicableTradeTax", invoice)
    sub(
        sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount",
        amount(line.amount_cents),
    )


def _party(b: _Builder, parent: etree._Element, tag: str, party: Party) -> None:
    sub = b.sub
    element = sub(parent, tag)
    if party.siret:
        sub(element, "ram:GlobalID", party.siret, schemeID=SCHEME_SIRET)
    sub(element, "ram:Name", party.name)
    if party.siret:
        legal = sub(element, "ram:SpecifiedLegalOrganization")
        sub(legal, "ram:ID", party.siren, schemeID=SCHEME_SIREN)
        if party.trade_name and party.trade_name != party.name:
            sub(legal, "ram:TradingBusinessName", party.trade_name)
    if party.contact_phone or party.contact_email:
        contact = sub(element, "ram:DefinedTradeContact")
        if party.contact_department:
            sub(contact, "ram:DepartmentName", party.contact_department)
        if party.contact_phone:
            sub(
                sub(contact, "ram:TelephoneUniversalCommunication"),
                "ram:CompleteNumber",
                party.contact_phone,
            )
        if party.contact_email:
            sub(
                sub(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", party.contact_email
            )
    _address(b, element, party.address)
    if party.routing_id:
        sub(
            sub(element, "ram:URIUniversalCommunication"),
            "ram:URIID",
            party.routing_id,
            schemeID=SCHEME_ROUTING,
        )
    if party.vat_number:
        sub(sub(element, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_number, schemeID="VA")


def _address(b: _Builder, parent: etree._Element, address: Address) -> None:
    element = b.sub(parent, "ram:PostalTradeAddress")
    if address.postcode:
        b.sub(element, "ram:PostcodeCode", address.postcode)
    if address.line1:
        b.sub(element, "ram:LineOne", address.line1)
    if address.line2:
        b.sub(element, "ram:LineTwo", address.line2)
    if address.city:
        b.sub(element, "ram:CityName", address.city)
    b.sub(element, "ram:CountryID", address.country_code or "FR")


def _payment_means(b: _Builder, parent: etree._Element, payment: Payment) -> None:
    sub = b.sub
    means = sub(parent, "ram:SpecifiedTradeSettlementPaymentMeans")
    sub(means, "ram:TypeCode", payment.means_code)
    if payment.means_code == DIRECT_DEBIT:
        if payment.debtor_iban:
            sub(
                sub(means, "ram:PayerPartyDebtorFinancialAccount"),
                "ram:IBANID",
                payment.debtor_iban,
            )
        return
    sub(sub(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", payment.payee_iban)
    if payment.payee_bic:
        sub(
            sub(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"),
            "ram:BICID",
            payment.payee_bic,
        )


def text_of(xml: bytes, path: str) -> list[str]:
    """The texts at ``path`` (XPath with the rsm/ram/udt/qdt prefixes): reading back."""
    return [str(value) for value in etree.fromstring(xml).xpath(path, namespaces=NSMAP)]


__all__: Sequence[str] = ("EInvoice", "Line", "Party", "Payment", "amount", "build", "percent")
