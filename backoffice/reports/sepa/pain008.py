"""The ISO 20022 ``pain.008`` customer direct-debit initiation file, written with sepaxml
and validated against the official schema sepaxml ships, before anyone writes it anywhere.

Data in (the creditor, the debits, already checked by the services), bytes out. Amounts are
integer cents all the way (sepaxml formats them without a float). Names, addresses and the
remittance text are put in the SEPA character set here, so that every caller gets the same
transliteration the review showed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from backoffice.money import to_cents
from backoffice.reports.sepa.charset import to_sepa_text

SCHEMAS = ("pain.008.001.08", "pain.008.001.02")
NAME_LENGTH = 70
STREET_LENGTH = 70
TOWN_LENGTH = 35
POSTCODE_LENGTH = 16
REMITTANCE_LENGTH = 140
ID_LENGTH = 35


class SchemaInvalid(Exception):
    """The file does not validate against the official schema (``reasons`` say where)."""

    def __init__(self, schema: str, reasons: list[str]) -> None:
        super().__init__(f"{schema}: {'; '.join(reasons)}")
        self.schema = schema
        self.reasons = reasons


@dataclass(frozen=True)
class PostalAddress:
    street: str | None
    postcode: str | None
    town: str | None
    country: str

    def as_sepaxml(self) -> dict[str, str]:
        fields = {
            "street_name": to_sepa_text(self.street or "", STREET_LENGTH),
            "postcode": to_sepa_text(self.postcode or "", POSTCODE_LENGTH),
            "town": to_sepa_text(self.town or "", TOWN_LENGTH),
            "country": self.country.upper(),
        }
        return {key: value for key, value in fields.items() if value}


@dataclass(frozen=True)
class Creditor:
    name: str
    creditor_id: str  # ICS
    iban: str
    bic: str
    address: PostalAddress | None


@dataclass(frozen=True)
class DirectDebit:
    end_to_end_id: str
    amount_cents: int
    sequence: str  # "FRST" (first debit on the mandate) or "RCUR"
    mandate_reference: str  # RUM
    mandate_signed_on: date
    debtor_name: str
    debtor_address: PostalAddress | None
    iban: str
    bic: str | None
    remittance: str


@dataclass(frozen=True)
class FileTransaction:
    """One transaction read back from a kept file."""

    end_to_end_id: str
    amount_cents: int
    sequence: str
    collection_date: date
    mandate_reference: str
    debtor_name: str
    iban: str


def _document_class() -> type:
    from sepaxml import SepaDD

    class Document(SepaDD):  # type: ignore[misc, valid-type]
        """sepaxml's writer, with our message id and creation time in the header."""

        def __init__(self, config: dict[str, Any], schema: str, header: tuple[str, str]) -> None:
            self._header = header
            super().__init__(config, schema=schema, clean=False)
            self.msg_id = header[0]

        def _create_header(self) -> None:
            super()._create_header()
            group_header = self._xml.find("CstmrDrctDbtInitn/GrpHdr")
            group_header.find("MsgId").text = self._header[0]
            group_header.find("CreDtTm").text = self._header[1]

    return Document


def creditor_config(creditor: Creditor, schema: str) -> dict[str, Any]:
    config: dict[str, Any] = {
        "name": to_sepa_text(creditor.name, NAME_LENGTH),
        "IBAN": creditor.iban.replace(" ", "").upper(),
        "BIC": creditor.bic.replace(" ", "").upper(),
        "batch": True,
        "creditor_id": creditor.creditor_id.replace(" ", "").upper(),
        "currency": "EUR",
    }
    if creditor.address is not None:
        config["address"] = creditor.address.as_sepaxml()
    return config


def payment(debit: DirectDebit, collection_date: date) -> dict[str, Any]:
    """A debit as sepaxml's ``add_payment`` takes it."""
    entry: dict[str, Any] = {
        "name": to_sepa_text(debit.debtor_name, NAME_LENGTH),
        "IBAN": debit.iban,
        "amount": debit.amount_cents,
        "type": debit.sequence,
        "collection_date": collection_date,
        "mandate_id": debit.mandate_reference,
        "mandate_date": debit.mandate_signed_on,
        "description": to_sepa_text(debit.remittance, REMITTANCE_LENGTH),
        "endtoend_id": debit.end_to_end_id,
    }
    if debit.bic:
        entry["BIC"] = debit.bic
    if debit.debtor_address is not None:
        entry["address"] = debit.debtor_address.as_sepaxml()
    return entry


def write(
    creditor: Creditor,
    collection_date: date,
    message_id: str,
    created_at: str,
    debits: Iterable[DirectDebit],
    schema: str = SCHEMAS[0],
    on_each: Callable[[int], None] | None = None,
) -> bytes:
    """The file's bytes (UTF-8), not validated yet: :func:`validate` them before anyone
    writes them anywhere."""
    if schema not in SCHEMAS:
        raise ValueError(f"unsupported schema {schema}")
    document = _document_class()(
        creditor_config(creditor, schema), schema, (message_id, created_at)
    )
    for index, debit in enumerate(debits):
        document.add_payment(payment(debit, collection_date))
        if on_each is not None:
            on_each(index)
    return document.export(validate=False)


@cache
def official_schema(schema: str) -> Any:
    """The XSD shipped with sepaxml, parsed once per process."""
    import sepaxml
    import xmlschema

    return xmlschema.XMLSchema(Path(sepaxml.__file__).parent / "schemas" / f"{schema}.xsd")


def validate(xml: bytes, schema: str, limit: int = 3) -> None:
    """Validate the bytes as written; they are parsed by the C parser of ElementTree
    first, which spares xmlschema a slower parse of its own (a tenth of the time)."""
    reasons = []
    for error in official_schema(schema).iter_errors(ET.fromstring(xml)):
        reasons.append(f"{error.path}: {error.reason}")
        if len(reasons) >= limit:
            break
    if reasons:
        raise SchemaInvalid(schema, reasons)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ET.Element, *path: str) -> str:
    node: ET.Element | None = element
    for name in path:
        node = next((child for child in node if _local(child.tag) == name), None)  # type: ignore[union-attr]
        if node is None:
            return ""
    return (node.text or "").strip()


def read_transactions(xml: bytes) -> list[FileTransaction]:
    """The transactions of a kept file, in file order."""
    root = ET.fromstring(xml)
    result = []
    for batch in root.iter():
        if _local(batch.tag) != "PmtInf":
            continue
        sequence = _child_text(batch, "PmtTpInf", "SeqTp")
        collection_day = date.fromisoformat(_child_text(batch, "ReqdColltnDt")[:10])
        for transaction in batch:
            if _local(transaction.tag) != "DrctDbtTxInf":
                continue
            result.append(
                FileTransaction(
                    end_to_end_id=_child_text(transaction, "PmtId", "EndToEndId"),
                    amount_cents=to_cents(Decimal(_child_text(transaction, "InstdAmt"))),
                    sequence=sequence,
                    collection_date=collection_day,
                    mandate_reference=_child_text(
                        transaction, "DrctDbtTx", "MndtRltdInf", "MndtId"
                    ),
                    debtor_name=_child_text(transaction, "Dbtr", "Nm"),
                    iban=_child_text(transaction, "DbtrAcct", "Id", "IBAN"),
                )
            )
    return result
