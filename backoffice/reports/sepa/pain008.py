"""The ISO 20022 ``pain.008`` customer direct-debit initiation file, built with lxml and
validated against the official schema (:mod:`validation`) before anyone writes it
anywhere.

Data in (the creditor, the debits, already checked by the services), a tree out; the
tree is validated as it is (no second parse), then serialised once. Amounts are integer
cents all the way. Names, addresses and the remittance text are put in the SEPA
character set here, so that every caller gets the same transliteration the review
showed; addresses are structured (:mod:`postal_address`).

The file: a group header (message id, creation time, count, control sum, the creditor as
initiating party), then one payment information block per sequence type (``FRST``,
``RCUR``) in the order the debits first use them, each with its own count and control
sum, the creditor's name, address, account, bank and identifier (ICS), then one
``DrctDbtTxInf`` per debit. ``pain.008.001.08`` names the banks' BIC ``BICFI``,
``pain.008.001.02`` ``BIC``; a debit without a BIC names its bank ``NOTPROVIDED``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from lxml import etree

from backoffice.money import to_cents
from backoffice.reports.sepa.charset import to_sepa_text
from backoffice.reports.sepa.postal_address import PostalAddress, structured
from backoffice.reports.sepa.validation import SchemaInvalid, validate

__all__ = [
    "SCHEMAS",
    "Creditor",
    "DirectDebit",
    "FileTransaction",
    "PostalAddress",
    "PreparedDebit",
    "SchemaInvalid",
    "build",
    "debit_texts",
    "prepared",
    "read_transactions",
    "serialise",
    "validate",
    "write",
]

SCHEMAS = ("pain.008.001.08", "pain.008.001.02")
NAME_LENGTH = 70
REMITTANCE_LENGTH = 140
ID_LENGTH = 35
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


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


def amount_text(cents: int) -> str:
    """``48607`` → ``"486.07"``: the schema's decimal amount, without a float."""
    return f"{cents // 100}.{cents % 100:02d}"


class _Tags:
    """The qualified element names of one schema (``tags.Nm`` is ``{namespace}Nm``),
    each made once per file and then an ordinary attribute."""

    def __init__(self, schema: str) -> None:
        self.namespace = NAMESPACE + schema
        self.bic = "BICFI" if schema != "pain.008.001.02" else "BIC"

    def __getattr__(self, name: str) -> str:
        qualified = f"{{{self.namespace}}}{name}"
        setattr(self, name, qualified)
        return qualified


def _path(
    parent: etree._Element, tags: _Tags, path: str, text: str | None = None
) -> etree._Element:
    """Append the nested elements of ``path`` ("Id/OrgId/Othr/Id"), ``text`` in the last
    one; returns the last one."""
    node = parent
    for name in path.split("/"):
        node = etree.SubElement(node, getattr(tags, name))
    if text is not None:
        node.text = text
    return node


def _address(parent: etree._Element, tags: _Tags, address: PostalAddress | None) -> None:
    parts = structured(address)
    if parts:
        postal = etree.SubElement(parent, tags.PstlAdr)
        for name, text in parts:
            etree.SubElement(postal, getattr(tags, name)).text = text


def _bank(parent: etree._Element, tags: _Tags, bic: str | None) -> None:
    institution = etree.SubElement(parent, tags.FinInstnId)
    if bic:
        etree.SubElement(institution, getattr(tags, tags.bic)).text = bic.replace(" ", "").upper()
    else:
        _path(institution, tags, "Othr/Id", "NOTPROVIDED")


class _Batch:
    """One ``PmtInf`` block: its header now, its count and control sum at the end."""

    def __init__(
        self,
        root: etree._Element,
        tags: _Tags,
        creditor: Creditor,
        creditor_name: str,
        identifier: str,
        sequence: str,
        collection_date: date,
    ) -> None:
        sub = etree.SubElement
        self.element = block = sub(root, tags.PmtInf)
        sub(block, tags.PmtInfId).text = identifier
        sub(block, tags.PmtMtd).text = "DD"
        sub(block, tags.BtchBookg).text = "true"
        self.count_element = sub(block, tags.NbOfTxs)
        self.sum_element = sub(block, tags.CtrlSum)
        kind = sub(block, tags.PmtTpInf)
        _path(kind, tags, "SvcLvl/Cd", "SEPA")
        _path(kind, tags, "LclInstrm/Cd", "CORE")
        sub(kind, tags.SeqTp).text = sequence
        sub(block, tags.ReqdColltnDt).text = collection_date.isoformat()
        party = sub(block, tags.Cdtr)
        sub(party, tags.Nm).text = creditor_name
        _address(party, tags, creditor.address)
        _path(block, tags, "CdtrAcct/Id/IBAN", creditor.iban.replace(" ", "").upper())
        _bank(sub(block, tags.CdtrAgt), tags, creditor.bic)
        sub(block, tags.ChrgBr).text = "SLEV"
        scheme = _path(block, tags, "CdtrSchmeId/Id/PrvtId/Othr")
        sub(scheme, tags.Id).text = creditor.creditor_id.replace(" ", "").upper()
        _path(scheme, tags, "SchmeNm/Prtry", "SEPA")
        self.count = 0
        self.total_cents = 0

    def close(self) -> None:
        self.count_element.text = str(self.count)
        self.sum_element.text = amount_text(self.total_cents)


# Which elements a debit's ``DrctDbtTxInf`` has: a BIC or not, and its address's parts.
Variant = tuple[bool, tuple[str, ...]]


class PreparedDebit(NamedTuple):
    """A debit as the file writes it: its texts already in the SEPA character set, in
    document order (:func:`debit_texts` makes them)."""

    sequence: str
    amount_cents: int
    variant: Variant
    texts: list[str]


def debit_texts(
    end_to_end_id: str,
    amount_cents: int,
    mandate_reference: str,
    mandate_signed_on: date,
    bic: str | None,
    name_in_file: str,
    address: list[tuple[str, str]],
    iban: str,
    remittance_in_file: str,
) -> tuple[Variant, list[str]]:
    """A debit's variant and texts, from its name and remittance already put in the SEPA
    character set (``to_sepa_text``) and its address already ``structured``."""
    bic = (bic or "").replace(" ", "").upper()
    texts = [
        end_to_end_id,
        amount_text(amount_cents),
        mandate_reference,
        mandate_signed_on.isoformat(),
    ]
    if bic:
        texts.append(bic)
    texts.append(name_in_file)
    address_tags: tuple[str, ...] = ()
    if address:
        address_tags, address_texts = zip(*address, strict=True)  # in C
        texts += address_texts
    texts.append(iban.replace(" ", "").upper())
    texts.append(remittance_in_file)
    return (bool(bic), address_tags), texts


def prepared(debit: DirectDebit) -> PreparedDebit:
    """The debit's texts in the SEPA character set."""
    variant, texts = debit_texts(
        debit.end_to_end_id,
        debit.amount_cents,
        debit.mandate_reference,
        debit.mandate_signed_on,
        debit.bic,
        to_sepa_text(debit.debtor_name, NAME_LENGTH),
        structured(debit.debtor_address),
        debit.iban,
        to_sepa_text(debit.remittance, REMITTANCE_LENGTH),
    )
    return PreparedDebit(debit.sequence, debit.amount_cents, variant, texts)


class _Transactions:
    """A debit's ``DrctDbtTxInf`` is the same tree every time but for its texts and two
    variants (a BIC or not; which parts of the address): one prototype per variant is
    built element by element, then each debit is a copy made by libxml2 with its texts
    filled in, three times faster than building each element from Python."""

    def __init__(self, tags: _Tags) -> None:
        self.tags = tags
        self._prototypes: dict[Variant, tuple[etree._Element, list[int]]]
        self._prototypes = {}

    def append(self, block: etree._Element, variant: Variant, texts: Sequence[str]) -> None:
        prototype, slots = self._prototypes.get(variant) or self._prototype(variant)
        # lxml's copy is libxml2's copy of the whole subtree: copy.deepcopy's memo and
        # bookkeeping around it cost half as much again.
        transaction = prototype.__copy__()
        nodes = list(transaction.iter())
        for slot, text in zip(slots, texts, strict=True):
            nodes[slot].text = text
        block.append(transaction)

    def _prototype(self, variant: Variant) -> tuple[etree._Element, list[int]]:
        """The variant's tree, and the positions (in document order) of the elements
        that take the debit's texts, in the order :meth:`append` lists them."""
        has_bic, address_tags = variant
        tags, sub = self.tags, etree.SubElement
        filled: list[etree._Element] = []

        def text_of(parent: etree._Element, name: str) -> etree._Element:
            node = sub(parent, getattr(tags, name))
            filled.append(node)
            return node

        transaction = etree.Element(tags.DrctDbtTxInf)
        text_of(sub(transaction, tags.PmtId), "EndToEndId")
        text_of(transaction, "InstdAmt").set("Ccy", "EUR")
        mandate = _path(transaction, tags, "DrctDbtTx/MndtRltdInf")
        text_of(mandate, "MndtId")
        text_of(mandate, "DtOfSgntr")
        institution = _path(transaction, tags, "DbtrAgt/FinInstnId")
        if has_bic:
            text_of(institution, tags.bic)
        else:
            _path(institution, tags, "Othr/Id", "NOTPROVIDED")
        debtor = sub(transaction, tags.Dbtr)
        text_of(debtor, "Nm")
        if address_tags:
            postal = sub(debtor, tags.PstlAdr)
            for name in address_tags:
                text_of(postal, name)
        text_of(_path(transaction, tags, "DbtrAcct/Id"), "IBAN")
        text_of(sub(transaction, tags.RmtInf), "Ustrd")
        nodes = list(transaction.iter())
        made = transaction, [nodes.index(node) for node in filled]
        self._prototypes[variant] = made
        return made


def build(
    creditor: Creditor,
    collection_date: date,
    message_id: str,
    created_at: str,
    debits: Iterable[DirectDebit | PreparedDebit],
    schema: str = SCHEMAS[0],
    on_each: Callable[[int], None] | None = None,
) -> etree._Element:
    """The document as a tree, not validated yet: :func:`validate` it, then
    :func:`serialise` it. The debits as they are, or already :func:`prepared` (a
    caller that has their texts in the SEPA set already makes them with
    :func:`debit_texts`)."""
    if schema not in SCHEMAS:
        raise ValueError(f"unsupported schema {schema}")
    tags = _Tags(schema)
    document = etree.Element(tags.Document, nsmap={None: tags.namespace, "xsi": XSI})
    root = etree.SubElement(document, tags.CstmrDrctDbtInitn)
    header = etree.SubElement(root, tags.GrpHdr)
    etree.SubElement(header, tags.MsgId).text = message_id
    etree.SubElement(header, tags.CreDtTm).text = created_at
    count_element = etree.SubElement(header, tags.NbOfTxs)
    sum_element = etree.SubElement(header, tags.CtrlSum)
    creditor_name = to_sepa_text(creditor.name, NAME_LENGTH)
    party = etree.SubElement(header, tags.InitgPty)
    etree.SubElement(party, tags.Nm).text = creditor_name
    _path(party, tags, "Id/OrgId/Othr/Id", creditor.creditor_id.replace(" ", "").upper())
    batches: dict[str, _Batch] = {}
    transactions = _Transactions(tags)
    for index, given in enumerate(debits):
        debit = given if isinstance(given, PreparedDebit) else prepared(given)
        batch = batches.get(debit.sequence)
        if batch is None:
            batch = batches[debit.sequence] = _Batch(
                root,
                tags,
                creditor,
                creditor_name,
                f"{message_id[: ID_LENGTH - 5]}-{debit.sequence}",
                debit.sequence,
                collection_date,
            )
        transactions.append(batch.element, debit.variant, debit.texts)
        batch.count += 1
        batch.total_cents += debit.amount_cents
        if on_each is not None:
            on_each(index)
    for batch in batches.values():
        batch.close()
    count_element.text = str(sum(batch.count for batch in batches.values()))
    sum_element.text = amount_text(sum(batch.total_cents for batch in batches.values()))
    return document


def serialise(document: etree._Element) -> bytes:
    """The file's bytes: UTF-8 with its XML declaration."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(document, encoding="UTF-8")


def write(
    creditor: Creditor,
    collection_date: date,
    message_id: str,
    created_at: str,
    debits: Iterable[DirectDebit | PreparedDebit],
    schema: str = SCHEMAS[0],
    on_each: Callable[[int], None] | None = None,
) -> bytes:
    """The file's bytes after validation against the official schema (raises
    :class:`SchemaInvalid`, and returns nothing, for a file that does not validate)."""
    document = build(creditor, collection_date, message_id, created_at, debits, schema, on_each)
    validate(document, schema)
    return serialise(document)


def _child_text(element: etree._Element, *path: str) -> str:
    """The text of the first element at ``path`` below ``element``, whatever its
    namespace (found by lxml itself: a collection's file has thousands of them)."""
    return (element.findtext(_any_namespace(path)) or "").strip()


@lru_cache(maxsize=64)
def _any_namespace(path: tuple[str, ...]) -> str:
    return "/".join(f"{{*}}{name}" for name in path)


def read_transactions(xml: bytes) -> list[FileTransaction]:
    """The transactions of a kept file, in file order."""
    root = etree.fromstring(xml)
    result = []
    for batch in root.iter("{*}PmtInf"):
        sequence = _child_text(batch, "PmtTpInf", "SeqTp")
        collection_day = date.fromisoformat(_child_text(batch, "ReqdColltnDt")[:10])
        for transaction in batch.iterchildren("{*}DrctDbtTxInf"):
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
