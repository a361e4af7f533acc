"""pain.002 (001.03, 001.10): the bank's status report on one of our pain.008 files.

Only the rejected debits matter (``TxSts`` ``RJCT``, or every debit of a batch or a file
rejected whole): each becomes an entry of kind ``reject`` with its end-to-end id, reason
code and the amount that was not collected (negative: it will not come). No money moved,
so the report has no account balance; its entries carry no bank reference and are known
by their content (the end-to-end id is unique to a debit).
"""

from __future__ import annotations

from io import BytesIO

from lxml import etree

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models.bank import BankEntryKind, BankFileFormat
from backoffice.services.bank.formats import (
    BankFileError,
    ParsedEntry,
    ParsedFile,
    ParsedStatement,
)
from backoffice.services.bank.formats.camt import PREFIX, _day, _Reader

REJECTED = ("RJCT",)


def read(name: str, data: bytes, schema: str) -> ParsedFile:
    reader = _Reader(name, PREFIX + schema)
    try:
        root = etree.parse(BytesIO(data), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:  # pragma: no cover - caught by iterparse first
        raise BankFileError(
            name, tr("the XML is malformed ({reason}).", reason=error.msg)
        ) from None
    report = root.getroot().find(reader.path("CstmrPmtStsRpt"))
    if report is None:
        raise BankFileError(name, tr("the file holds no payment status report."))
    message_id = reader.text(report, "OrgnlGrpInfAndSts/OrgnlMsgId")
    if not message_id:
        raise BankFileError(name, tr("the original message id is missing."))
    created = _day(reader.text(report, "GrpHdr/CreDtTm"), name, "GrpHdr") or clock.today()
    group_rejected = reader.text(report, "OrgnlGrpInfAndSts/GrpSts") in REJECTED
    group_reason = reader.text(report, "OrgnlGrpInfAndSts/StsRsnInf/Rsn/Cd")
    statement = ParsedStatement(account_iban=None, identifier=message_id[:35])
    number = 0
    for batch in reader.all(report, "OrgnlPmtInfAndSts"):
        batch_id = reader.text(batch, "OrgnlPmtInfId")
        batch_rejected = group_rejected or reader.text(batch, "PmtInfSts") in REJECTED
        batch_reason = reader.text(batch, "StsRsnInf/Rsn/Cd") or group_reason
        for transaction in reader.all(batch, "TxInfAndSts"):
            number += 1
            where = tr("transaction {n}", n=number)
            rejected = batch_rejected or reader.text(transaction, "TxSts") in REJECTED
            if not rejected:
                continue
            end_to_end = reader.text(transaction, "OrgnlEndToEndId")
            if not end_to_end:
                raise BankFileError(name, tr("the end-to-end id is missing."), where)
            amount = transaction.find(reader.path("OrgnlTxRef/Amt/InstdAmt"))
            cents = reader.euros(amount, where)
            collected_on = _day(reader.text(transaction, "OrgnlTxRef/ReqdColltnDt"), name, where)
            statement.entries.append(
                ParsedEntry(
                    kind=BankEntryKind.REJECT,
                    amount_cents=-cents,
                    booked_on=collected_on or created,
                    where=where,
                    end_to_end_id=end_to_end,
                    counterparty_name=reader.text(
                        transaction, "OrgnlTxRef/Dbtr/Nm", "OrgnlTxRef/Dbtr/Pty/Nm"
                    ),
                    counterparty_iban=reader.text(transaction, "OrgnlTxRef/DbtrAcct/Id/IBAN"),
                    batch_message_id=message_id,
                    batch_payment_info_id=batch_id,
                    return_code=reader.text(transaction, "StsRsnInf/Rsn/Cd") or batch_reason,
                )
            )
    return ParsedFile(
        name,
        BankFileFormat.PAIN002,
        schema,
        [statement],
        original_message_id=message_id,
    )
