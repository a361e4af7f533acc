"""camt.053 (statement) and camt.054 (notification), versions 001.02 and 001.08, written
as French banks send them: one ``Ntry`` per booked movement with its ISO bank
transaction code (``PMNT/RCDT/ESCT`` a SEPA transfer received, ``PMNT/IDDT/ESDD`` our
direct debits credited — one entry per batch, with ``Btch`` —, ``PMNT/IDDT/UPDD`` a debit
returned, with ``RtrInf``, ``PMNT/RCHQ/CCHQ`` cheques, ``ACMT/MDOP/CHRG`` fees)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from lxml import etree

from backoffice.reports.bank import Movement, Statement
from backoffice.reports.sepa.pain008 import amount_text

SCHEMAS = ("camt.053.001.08", "camt.053.001.02", "camt.054.001.08", "camt.054.001.02")
CODES = {
    "transfer": ("PMNT", "RCDT", "ESCT"),
    "collection": ("PMNT", "IDDT", "ESDD"),
    "return": ("PMNT", "IDDT", "UPDD"),
    "cheque": ("PMNT", "RCHQ", "CCHQ"),
    "fee": ("ACMT", "MDOP", "CHRG"),
}


class _Writer:
    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.ns = f"urn:iso:std:iso:20022:tech:xsd:{schema}"
        self.new = schema.endswith(".08")

    def sub(self, parent: etree._Element, path: str, text: str | None = None) -> etree._Element:
        """Append the elements of ``path`` (``A/B/C``) under ``parent``; the last gets
        ``text``."""
        node = parent
        for name in path.split("/"):
            node = etree.SubElement(node, f"{{{self.ns}}}{name}")
        if text is not None:
            node.text = text
        return node

    def amount(self, parent: etree._Element, path: str, cents: int) -> None:
        self.sub(parent, path, amount_text(abs(cents))).set("Ccy", "EUR")

    def bic(self, parent: etree._Element, path: str, bic: str | None) -> None:
        if bic:
            self.sub(parent, f"{path}/FinInstnId/{'BICFI' if self.new else 'BIC'}", bic)

    def party(self, parent: etree._Element, role: str, name: str | None) -> None:
        if name:
            self.sub(parent, f"{role}/Pty/Nm" if self.new else f"{role}/Nm", name[:140])


def write(
    statements: Iterable[Statement],
    schema: str = SCHEMAS[0],
    message_id: str = "STMT",
    created_at: datetime | None = None,
) -> bytes:
    if schema not in SCHEMAS:
        raise ValueError(f"unsupported schema {schema}")
    writer = _Writer(schema)
    notification = schema.startswith("camt.054")
    created = (created_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    document = etree.Element(f"{{{writer.ns}}}Document", nsmap={None: writer.ns})
    root = writer.sub(document, "BkToCstmrDbtCdtNtfctn" if notification else "BkToCstmrStmt")
    header = writer.sub(root, "GrpHdr")
    writer.sub(header, "MsgId", message_id[:35])
    writer.sub(header, "CreDtTm", created)
    for statement in statements:
        block = writer.sub(root, "Ntfctn" if notification else "Stmt")
        writer.sub(block, "Id", statement.identifier[:35])
        writer.sub(block, "CreDtTm", created)
        dates = writer.sub(block, "FrToDt")
        writer.sub(dates, "FrDtTm", f"{statement.from_on.isoformat()}T00:00:00")
        writer.sub(dates, "ToDtTm", f"{statement.to_on.isoformat()}T23:59:59")
        account = writer.sub(block, "Acct")
        writer.sub(account, "Id/IBAN", statement.iban)
        writer.sub(account, "Ccy", "EUR")
        writer.sub(account, "Ownr/Nm", statement.owner[:140])
        writer.bic(account, "Svcr", statement.bic)
        if not notification:
            _balance(writer, block, "OPBD", statement.opening_cents, statement.from_on)
            _balance(writer, block, "CLBD", statement.closing_cents, statement.to_on)
        for movement in statement.movements:
            _entry(writer, block, movement)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(document, encoding="UTF-8")


def _balance(writer: _Writer, parent: etree._Element, code: str, cents: int, day: date) -> None:
    balance = writer.sub(parent, "Bal")
    writer.sub(balance, "Tp/CdOrPrtry/Cd", code)
    writer.amount(balance, "Amt", cents)
    writer.sub(balance, "CdtDbtInd", "CRDT" if cents >= 0 else "DBIT")
    writer.sub(balance, "Dt/Dt", day.isoformat())


def _entry(writer: _Writer, parent: etree._Element, movement: Movement) -> None:
    credit = movement.amount_cents > 0
    entry = writer.sub(parent, "Ntry")
    writer.amount(entry, "Amt", movement.amount_cents)
    writer.sub(entry, "CdtDbtInd", "CRDT" if credit else "DBIT")
    if writer.new:
        writer.sub(entry, "Sts/Cd", "BOOK")
    else:
        writer.sub(entry, "Sts", "BOOK")
    writer.sub(entry, "BookgDt/Dt", movement.booked_on.isoformat())
    writer.sub(entry, "ValDt/Dt", (movement.value_on or movement.booked_on).isoformat())
    if movement.reference:
        writer.sub(entry, "AcctSvcrRef", movement.reference[:35])
    domain, family, subfamily = CODES.get(movement.kind, CODES["transfer"])
    code = writer.sub(entry, "BkTxCd/Domn")
    writer.sub(code, "Cd", domain)
    group = writer.sub(code, "Fmly")
    writer.sub(group, "Cd", family)
    writer.sub(group, "SubFmlyCd", subfamily)
    if movement.kind == "collection" and movement.batch_payment_info_id:
        _batch(writer, writer.sub(entry, "NtryDtls"), movement)
    elif movement.kind != "fee":
        _details(writer, writer.sub(entry, "NtryDtls/TxDtls"), movement, credit)
    elif movement.remittance:
        writer.sub(entry, "AddtlNtryInf", movement.remittance[:500])


def _batch(writer: _Writer, details: etree._Element, movement: Movement) -> None:
    batch = writer.sub(details, "Btch")
    if movement.batch_message_id:
        writer.sub(batch, "MsgId", movement.batch_message_id)
    writer.sub(batch, "PmtInfId", movement.batch_payment_info_id)
    if movement.batch_count:
        writer.sub(batch, "NbOfTxs", str(movement.batch_count))
    writer.amount(batch, "TtlAmt", movement.amount_cents)
    writer.sub(batch, "CdtDbtInd", "CRDT")


def _references(writer: _Writer, details: etree._Element, movement: Movement) -> None:
    references = writer.sub(details, "Refs")
    if movement.batch_message_id:
        writer.sub(references, "MsgId", movement.batch_message_id)
    if movement.reference:
        writer.sub(references, "AcctSvcrRef", movement.reference[:35])
    if movement.batch_payment_info_id:
        writer.sub(references, "PmtInfId", movement.batch_payment_info_id)
    writer.sub(references, "EndToEndId", movement.end_to_end_id or "NOTPROVIDED")
    if movement.mandate_reference:
        writer.sub(references, "MndtId", movement.mandate_reference)


def _details(writer: _Writer, details: etree._Element, movement: Movement, credit: bool) -> None:
    _references(writer, details, movement)
    if writer.new:
        writer.amount(details, "Amt", movement.amount_cents)
        writer.sub(details, "CdtDbtInd", "CRDT" if credit else "DBIT")
    else:
        writer.amount(details, "AmtDtls/TxAmt/Amt", movement.amount_cents)
    if movement.name or movement.iban:
        parties = writer.sub(details, "RltdPties")
        # the counterparty: the payer of a credit, the debtor of a returned debit
        writer.party(parties, "Dbtr", movement.name)
        if movement.iban:
            writer.sub(parties, "DbtrAcct/Id/IBAN", movement.iban)
    if movement.bic:
        writer.bic(writer.sub(details, "RltdAgts"), "DbtrAgt", movement.bic)
    if movement.remittance or movement.creditor_reference:
        remittance = writer.sub(details, "RmtInf")
        if movement.remittance:
            writer.sub(remittance, "Ustrd", movement.remittance[:140])
        if movement.creditor_reference:
            structured = writer.sub(remittance, "Strd/CdtrRefInf")
            writer.sub(structured, "Tp/CdOrPrtry/Cd", "SCOR")
            writer.sub(structured, "Ref", movement.creditor_reference)
    if movement.return_code:
        writer.sub(details, "RtrInf/Rsn/Cd", movement.return_code)
