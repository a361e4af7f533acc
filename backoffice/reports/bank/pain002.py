"""pain.002 (001.10, 001.03): the bank's status report on one of our pain.008 files,
listing the debits it rejected with their reason (``TxSts`` ``RJCT``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from lxml import etree

from backoffice.reports.bank import Rejected
from backoffice.reports.sepa.pain008 import amount_text

SCHEMAS = ("pain.002.001.10", "pain.002.001.03")


def write(
    original_message_id: str,
    original_schema: str,
    rejected: Sequence[Rejected],
    schema: str = SCHEMAS[0],
    payment_info_id: str | None = None,
    message_id: str = "PSR",
    created_at: datetime | None = None,
) -> bytes:
    ns = f"urn:iso:std:iso:20022:tech:xsd:{schema}"
    new = schema.endswith(".10")

    def sub(parent: etree._Element, path: str, text: str | None = None) -> etree._Element:
        node = parent
        for name in path.split("/"):
            node = etree.SubElement(node, f"{{{ns}}}{name}")
        if text is not None:
            node.text = text
        return node

    created = (created_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    document = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    report = sub(document, "CstmrPmtStsRpt")
    header = sub(report, "GrpHdr")
    sub(header, "MsgId", message_id[:35])
    sub(header, "CreDtTm", created)
    group = sub(report, "OrgnlGrpInfAndSts")
    sub(group, "OrgnlMsgId", original_message_id)
    sub(group, "OrgnlMsgNmId", original_schema)
    sub(group, "GrpSts", "PART")
    batch = sub(report, "OrgnlPmtInfAndSts")
    sub(batch, "OrgnlPmtInfId", payment_info_id or original_message_id)
    sub(batch, "PmtInfSts", "PART")
    for number, item in enumerate(rejected, start=1):
        transaction = sub(batch, "TxInfAndSts")
        sub(transaction, "StsId", f"{message_id[:28]}-{number}")
        sub(transaction, "OrgnlEndToEndId", item.end_to_end_id)
        sub(transaction, "TxSts", "RJCT")
        sub(transaction, "StsRsnInf/Rsn/Cd", item.reason)
        reference = sub(transaction, "OrgnlTxRef")
        sub(reference, "Amt/InstdAmt", amount_text(item.amount_cents)).set("Ccy", "EUR")
        sub(reference, "ReqdColltnDt", item.collection_date.isoformat())
        sub(reference, "Dbtr/Pty/Nm" if new else "Dbtr/Nm", item.debtor_name[:70])
        sub(reference, "DbtrAcct/Id/IBAN", item.debtor_iban)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(document, encoding="UTF-8")
