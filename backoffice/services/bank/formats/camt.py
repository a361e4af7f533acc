"""ISO 20022 XML from the bank: camt.053 and camt.054 (001.02, 001.08), and pain.002.

Read with lxml ``iterparse``: each statement (``Stmt``, ``Ntfctn``) is handled when its
end tag arrives and then dropped, so a large file never sits whole in memory as a tree.
The two versions differ in a few places (the status is ``Sts`` or ``Sts/Cd``, a party's
name ``Dbtr/Nm`` or ``Dbtr/Pty/Nm``, a detail's amount ``AmtDtls/TxAmt/Amt`` or
``Amt``): both are looked for.

An entry (``Ntry``) is one movement of the account. Its kind comes from its bank
transaction code and contents: a credit carrying a batch (``Btch``: our pain.008's
``MsgId`` / ``PmtInfId``) or a direct-debit code is our collection credited; a debit with
a return reason (``RtrInf``) or a reversal of a direct debit is a return; a credit with a
cheque code a remittance of cheques; other credits are transfers. An entry whose details
list several transactions that are not one collection (a batch of returns, a grouped
credit) is split into one entry per transaction, which must add up to it. Entries not
booked (``PDNG``, ``INFO``) are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from lxml import etree

from backoffice.i18n import tr
from backoffice.models.bank import BankEntryKind, BankFileFormat
from backoffice.services.bank.formats import (
    BankFileError,
    ParsedEntry,
    ParsedFile,
    ParsedStatement,
)

PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
STATEMENTS = {
    "camt.053.001.02": "Stmt",
    "camt.053.001.08": "Stmt",
    "camt.054.001.02": "Ntfctn",
    "camt.054.001.08": "Ntfctn",
}
REPORTS = ("pain.002.001.03", "pain.002.001.10")
AMOUNT = re.compile(r"^\s*(\d{1,15})(?:\.(\d{1,2})0*)?\s*$")
OPENING = ("OPBD", "PRCD")
CLOSING = ("CLBD",)
COLLECTION_FAMILIES = ("IDDT", "RDDT")  # issued / received direct debits
CHEQUE_FAMILIES = ("RCHQ",)
RETURN_SUBFAMILIES = ("UPDD", "RRTN", "RPCR", "PRDD")


def amount_cents(text: str | None, name: str, where: str) -> int:
    match = AMOUNT.match(text or "")
    if match is None:
        raise BankFileError(name, tr("{amount} is not an amount.", amount=text or "-"), where)
    units, fraction = match.groups()
    return int(units) * 100 + int((fraction or "0").ljust(2, "0"))


def _day(text: str | None, name: str, where: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise BankFileError(name, tr("{day} is not a date.", day=text), where) from None


class _Reader:
    """Paths of one namespace: ``self.find(element, "A/B")``."""

    def __init__(self, name: str, namespace: str) -> None:
        self.name = name
        self.ns = namespace
        self._paths: dict[str, str] = {}

    def path(self, path: str) -> str:
        made = self._paths.get(path)
        if made is None:
            made = self._paths[path] = "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))
        return made

    def text(self, element: etree._Element, *paths: str) -> str | None:
        for path in paths:
            found = element.findtext(self.path(path))  # no element proxy made: faster
            if found and (found := found.strip()):
                return found
        return None

    def all(self, element: etree._Element, path: str) -> list[etree._Element]:
        return element.findall(self.path(path))

    def euros(self, amount: etree._Element | None, where: str) -> int:
        if amount is None:
            raise BankFileError(self.name, tr("the amount is missing."), where)
        currency = amount.get("Ccy")
        if currency != "EUR":
            raise BankFileError(
                self.name,
                tr(
                    "the amount is in {currency}: only euros (EUR) are imported.",
                    currency=currency or "-",
                ),
                where,
            )
        return amount_cents(amount.text, self.name, where)


def read(name: str, data: bytes) -> ParsedFile:
    statements: list[ParsedStatement] = []
    schema: str | None = None
    try:
        for _event, root in _events(data, ("start",)):  # the root says what the file is
            schema = _schema(name, root)
            break
        if schema in REPORTS:
            from backoffice.services.bank.formats import pain002

            return pain002.read(name, data, schema)
        if schema is not None:
            reader = _Reader(name, PREFIX + schema)
            wanted = f"{{{PREFIX}{schema}}}{STATEMENTS[schema]}"
            # only the statements' end tags reach Python: lxml builds the rest
            for _event, element in _events(data, ("end",), tag=wanted):
                statements.append(_statement(reader, element, len(statements) + 1))
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise BankFileError(
            name,
            tr("the XML is malformed ({reason}).", reason=str(error.msg or error)),
            tr("line {line}", line=error.lineno) if error.lineno else None,
        ) from None
    if schema is None or not statements:
        raise BankFileError(name, tr("the file holds no statement."))
    kind = BankFileFormat.CAMT053 if schema.startswith("camt.053") else BankFileFormat.CAMT054
    return ParsedFile(name, kind, schema, statements)


def _events(data: bytes, events: tuple[str, ...], tag: str | None = None) -> etree.iterparse:
    return etree.iterparse(
        BytesIO(data),
        events=events,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )


def _schema(name: str, root: etree._Element) -> str:
    tag = root.tag if isinstance(root.tag, str) else ""
    namespace = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    schema = namespace.removeprefix(PREFIX) if namespace.startswith(PREFIX) else ""
    if schema in STATEMENTS or schema in REPORTS:
        return schema
    if schema.startswith(("camt.053.", "camt.054.", "pain.002.")):
        raise BankFileError(
            name,
            tr(
                "version {version} is not read (camt.053 and camt.054 001.02 or 001.08, "
                "pain.002 001.03 or 001.10 are).",
                version=schema,
            ),
        )
    raise BankFileError(
        name,
        tr(
            "this is not a bank statement (the document is {what}, not a camt.053, camt.054 "
            "or pain.002).",
            what=schema or etree.QName(root).localname if tag else "?",
        ),
    )


def _statement(reader: _Reader, element: etree._Element, number: int) -> ParsedStatement:
    name = reader.name
    identifier = reader.text(element, "Id")
    where = tr("statement {id}", id=identifier or number)
    iban = reader.text(element, "Acct/Id/IBAN")
    if iban is None:
        raise BankFileError(name, tr("the account is not identified by an IBAN."), where)
    currency = reader.text(element, "Acct/Ccy")
    if currency not in (None, "EUR"):
        raise BankFileError(
            name,
            tr(
                "the account is in {currency}: only euros (EUR) are imported.",
                currency=currency,
            ),
            where,
        )
    statement = ParsedStatement(
        account_iban=iban.replace(" ", "").upper(),
        identifier=identifier,
        from_on=_day(reader.text(element, "FrToDt/FrDtTm"), name, where),
        to_on=_day(reader.text(element, "FrToDt/ToDtTm"), name, where),
    )
    for balance in reader.all(element, "Bal"):
        code = reader.text(balance, "Tp/CdOrPrtry/Cd")
        cents = reader.euros(balance.find(reader.path("Amt")), where)
        if reader.text(balance, "CdtDbtInd") == "DBIT":
            cents = -cents
        if code in OPENING and statement.opening_cents is None:
            statement.opening_cents = cents
        elif code in CLOSING:
            statement.closing_cents = cents
    for index, entry in enumerate(reader.all(element, "Ntry"), start=1):
        statement.entries.extend(_entries(reader, entry, tr("entry {n}", n=index), where))
    if statement.opening_cents is not None and statement.closing_cents is not None:
        moved = sum(item.amount_cents for item in statement.entries)
        if statement.opening_cents + moved != statement.closing_cents:
            raise BankFileError(
                name,
                tr(
                    "the entries do not add up to the balances (opening {opening} + entries "
                    "{moved} ≠ closing {closing}).",
                    opening=_euros(statement.opening_cents),
                    moved=_euros(moved),
                    closing=_euros(statement.closing_cents),
                ),
                where,
            )
    return statement


def _euros(cents: int) -> str:
    from backoffice.money import format_eur

    return format_eur(cents)


@dataclass
class _Head:
    """What an entry (``Ntry``) says of itself, shared by its transactions."""

    place: str
    cents: int
    credit: bool
    reversal: bool
    booked: date
    value: date | None
    family: str | None
    subfamily: str | None
    code: str | None
    reference: str | None
    batch_message: str | None = None
    batch_info: str | None = None
    batch_count: int | None = None


def _head(reader: _Reader, entry: etree._Element, place: str) -> _Head:
    name = reader.name
    booked = _day(reader.text(entry, "BookgDt/Dt", "BookgDt/DtTm"), name, place)
    if booked is None:
        raise BankFileError(name, tr("the booking date is missing."), place)
    family = reader.text(entry, "BkTxCd/Domn/Fmly/Cd")
    subfamily = reader.text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd")
    code = "/".join(filter(None, (reader.text(entry, "BkTxCd/Domn/Cd"), family, subfamily)))
    return _Head(
        place=place,
        cents=reader.euros(entry.find(reader.path("Amt")), place),
        credit=reader.text(entry, "CdtDbtInd") == "CRDT",
        reversal=reader.text(entry, "RvslInd") in ("true", "1"),
        booked=booked,
        value=_day(reader.text(entry, "ValDt/Dt", "ValDt/DtTm"), name, place),
        family=family,
        subfamily=subfamily,
        code=code or reader.text(entry, "BkTxCd/Prtry/Cd"),
        reference=reader.text(entry, "AcctSvcrRef"),
    )


def _entries(
    reader: _Reader, entry: etree._Element, where: str, statement_where: str
) -> list[ParsedEntry]:
    place = f"{statement_where}, {where}"
    if reader.text(entry, "Sts/Cd", "Sts") not in (None, "BOOK"):
        return []
    head = _head(reader, entry, place)
    batch = entry.find(reader.path("NtryDtls/Btch"))
    details = reader.all(entry, "NtryDtls/TxDtls")
    if batch is not None:
        head.batch_message = reader.text(batch, "MsgId")
        head.batch_info = reader.text(batch, "PmtInfId")
        count = reader.text(batch, "NbOfTxs")
        head.batch_count = int(count) if count and count.isdigit() else None
    elif len(details) > 1:
        head.batch_message = reader.text(details[0], "Refs/MsgId")
        head.batch_info = reader.text(details[0], "Refs/PmtInfId")
    collection = (
        head.credit
        and not head.reversal
        and (
            head.batch_info is not None
            or head.batch_message is not None
            or head.family in COLLECTION_FAMILIES
        )
    )
    if collection and len(details) != 1:  # our direct debits credited as one batch
        return [
            ParsedEntry(
                kind=BankEntryKind.COLLECTION,
                amount_cents=head.cents,
                booked_on=head.booked,
                where=place,
                value_on=head.value,
                bank_reference=head.reference,
                bank_code=head.code,
                batch_message_id=head.batch_message,
                batch_payment_info_id=head.batch_info,
                batch_count=head.batch_count or len(details) or None,
                remittance=reader.text(entry, "AddtlNtryInf"),
            )
        ]
    if not details:
        details = [entry]  # no details: what the entry itself says
    parts = [
        _transaction(reader, entry, detail, head, number, len(details))
        for number, detail in enumerate(details, start=1)
    ]
    if len(parts) > 1:
        total = sum(abs(part.amount_cents) for part in parts)
        if total != head.cents:
            raise BankFileError(
                reader.name,
                tr(
                    "its transactions ({total}) do not add up to the entry ({amount}).",
                    total=_euros(total),
                    amount=_euros(head.cents),
                ),
                place,
            )
    return parts


def _kind(reader: _Reader, detail: etree._Element, head: _Head) -> BankEntryKind:
    if not head.credit:
        returned = (
            reader.text(detail, "RtrInf/Rsn/Cd")
            or head.reversal
            or (head.family in COLLECTION_FAMILIES and head.subfamily in RETURN_SUBFAMILIES)
        )
        return BankEntryKind.RETURN if returned else BankEntryKind.DEBIT
    if not head.reversal and (
        head.family in COLLECTION_FAMILIES or reader.text(detail, "Refs/MndtId")
    ):
        return BankEntryKind.COLLECTION
    if head.family in CHEQUE_FAMILIES:
        return BankEntryKind.CHEQUE
    payer = reader.text(detail, "RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm")
    return BankEntryKind.TRANSFER if payer or head.family == "RCDT" else BankEntryKind.OTHER_CREDIT


def _transaction(
    reader: _Reader,
    entry: etree._Element,
    detail: etree._Element,
    head: _Head,
    number: int,
    count: int,
) -> ParsedEntry:
    """One transaction of an entry (the entry itself when it has one)."""
    where = head.place if count == 1 else tr("{place}, detail {n}", place=head.place, n=number)
    cents = head.cents
    reference = head.reference
    if count > 1:
        amount = detail.find(reader.path("Amt"))
        if amount is None:
            amount = detail.find(reader.path("AmtDtls/TxAmt/Amt"))
        cents = reader.euros(amount, where)
        own = reader.text(detail, "Refs/AcctSvcrRef")
        reference = own or (f"{head.reference}/{number}" if head.reference else None)
    end_to_end = reader.text(detail, "Refs/EndToEndId")
    kind = _kind(reader, detail, head)
    them = "Cdtr" if kind == BankEntryKind.DEBIT else "Dbtr"
    remittance = (
        " ".join((line.text or "").strip() for line in reader.all(detail, "RmtInf/Ustrd")).strip()
        or reader.text(detail, "AddtlTxInf")
        or reader.text(entry, "AddtlNtryInf")
    )
    iban = reader.text(detail, f"RltdPties/{them}Acct/Id/IBAN")
    return ParsedEntry(
        kind=kind,
        amount_cents=cents if head.credit else -cents,
        booked_on=head.booked,
        where=where,
        value_on=head.value,
        bank_reference=reference,
        bank_code=head.code,
        end_to_end_id=None if end_to_end == "NOTPROVIDED" else end_to_end,
        counterparty_name=reader.text(detail, f"RltdPties/{them}/Nm", f"RltdPties/{them}/Pty/Nm"),
        counterparty_iban=iban.replace(" ", "").upper() if iban else None,
        counterparty_bic=reader.text(
            detail,
            f"RltdAgts/{them}Agt/FinInstnId/BIC",
            f"RltdAgts/{them}Agt/FinInstnId/BICFI",
        ),
        remittance=remittance[:500] if remittance else None,
        creditor_reference=reader.text(detail, "RmtInf/Strd/CdtrRefInf/Ref"),
        batch_message_id=reader.text(detail, "Refs/MsgId") or head.batch_message,
        batch_payment_info_id=reader.text(detail, "Refs/PmtInfId") or head.batch_info,
        batch_count=head.batch_count if count == 1 else None,
        return_code=reader.text(detail, "RtrInf/Rsn/Cd"),
    )
