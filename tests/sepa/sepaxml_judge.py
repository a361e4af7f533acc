"""sepaxml, the writer the application used before its own, as an independent judge:
the same debits through both writers must give files that say the same thing.

:func:`sepaxml_file` feeds sepaxml exactly as the old export did (its own transliteration
switched off: the names arrive in the SEPA character set, as the review shows them).
:func:`meaning` reads a file as the bank would: every value with its place in the
document, batches and transactions in file order. Two things differ by design and are
set aside: the payment information ids (sepaxml draws them at random) and the
building number, which the new writer gives apart from the street name (the old file
had both in ``StrtNm``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from backoffice.reports.sepa import pain008
from backoffice.reports.sepa.charset import to_sepa_text
from backoffice.reports.sepa.postal_address import PostalAddress


def _address(address: PostalAddress) -> dict[str, str]:
    fields = {
        "street_name": to_sepa_text(address.street or "", 70),
        "postcode": to_sepa_text(address.postcode or "", 16),
        "town": to_sepa_text(address.town or "", 35),
        "country": address.country.upper(),
    }
    return {key: value for key, value in fields.items() if value}


def creditor_config(creditor: pain008.Creditor) -> dict[str, Any]:
    config: dict[str, Any] = {
        "name": to_sepa_text(creditor.name, pain008.NAME_LENGTH),
        "IBAN": creditor.iban.replace(" ", "").upper(),
        "BIC": creditor.bic.replace(" ", "").upper(),
        "batch": True,
        "creditor_id": creditor.creditor_id.replace(" ", "").upper(),
        "currency": "EUR",
    }
    if creditor.address is not None:
        config["address"] = _address(creditor.address)
    return config


def payment(debit: pain008.DirectDebit, collection_date: date) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": to_sepa_text(debit.debtor_name, pain008.NAME_LENGTH),
        "IBAN": debit.iban,
        "amount": debit.amount_cents,
        "type": debit.sequence,
        "collection_date": collection_date,
        "mandate_id": debit.mandate_reference,
        "mandate_date": debit.mandate_signed_on,
        "description": to_sepa_text(debit.remittance, pain008.REMITTANCE_LENGTH),
        "endtoend_id": debit.end_to_end_id,
    }
    if debit.bic:
        entry["BIC"] = debit.bic
    if debit.debtor_address is not None:
        entry["address"] = _address(debit.debtor_address)
    return entry


def sepaxml_file(
    creditor: pain008.Creditor,
    collection_date: date,
    message_id: str,
    created_at: str,
    debits: list[pain008.DirectDebit],
    schema: str,
) -> bytes:
    """The file sepaxml writes for the same debits, validated by sepaxml itself."""
    from sepaxml import SepaDD

    document = SepaDD(creditor_config(creditor), schema=schema, clean=False)
    document.msg_id = message_id
    for debit in debits:
        document.add_payment(payment(debit, collection_date))
    xml = document.export(validate=True)
    root = etree.fromstring(xml)
    namespace = root.nsmap[None]
    header = root.find(f"{{{namespace}}}CstmrDrctDbtInitn/{{{namespace}}}GrpHdr")
    header.find(f"{{{namespace}}}MsgId").text = message_id
    header.find(f"{{{namespace}}}CreDtTm").text = created_at
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def meaning(xml: bytes) -> list[tuple[str, str]]:
    """Every value of the file as (path, text), in document order; attributes as
    ``path@name``. The street of an address is its building number and name together."""
    root = etree.fromstring(xml)
    values: list[tuple[str, str]] = []
    for element in root.iter():
        name = _local(element)
        if name == "PmtInfId" or len(element):
            continue
        path = "/".join(reversed([_local(element), *(_local(a) for a in element.iterancestors())]))
        text = (element.text or "").strip()
        if name == "BldgNb":
            continue
        if name == "StrtNm":
            number = element.getparent().find(f"{{{etree.QName(element).namespace}}}BldgNb")
            text = f"{number.text} {text}" if number is not None else text
        values.append((path, text))
        values += [(f"{path}@{key}", value) for key, value in sorted(element.attrib.items())]
    return values
