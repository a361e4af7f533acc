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


def amount_cents(text: str | None, name: str, where: object) -> int:
    match = AMOUNT.match(text or "")
    if match is None:
        raise BankFileError(name, tr("{amount} is not an amount.", amount=text or "-"), where)
    units, fraction = match.groups()
    return int(units) * 100 + int((fraction or "0").ljust(2, "0"))


def _day(text: str | None, name: str, where: object) -> date | None:
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
        self.brace = f"{{{namespace}}}"
        self._days: dict[str, date | None] = {}  # a statement's entries share their days
        self._paths: dict[str, str] = {}

    def day(self, text: str | None, where: object) -> date | None:
        """``_day``, each text read once."""
        if not text:
            return None
        if text not in self._days:
            self._days[text] = _day(text, self.name, where)
        return self._days[text]

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
        statement.entries.extend(_entries(reader, entry, _Place(where, index)))
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


class _Place:
    """Where an entry is, for a message: made into French only when one is needed (an
    import reads 100,000 entries and names almost none)."""

    __slots__ = ("detail", "entry", "statement")

    def __init__(self, statement: str, entry: int, detail: int | None = None) -> None:
        self.statement = statement
        self.entry = entry
        self.detail = detail

    def __reduce__(self) -> tuple[type[_Place], tuple[str, int, int | None]]:
        return _Place, (self.statement, self.entry, self.detail)  # pickled by the thousand

    def of_detail(self, number: int) -> _Place:
        return _Place(self.statement, self.entry, number)

    def __str__(self) -> str:
        place = f"{self.statement}, {tr('entry {n}', n=self.entry)}"
        if self.detail is None:
            return place
        return tr("{place}, detail {n}", place=place, n=self.detail)

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


# The paths an entry's and a transaction's texts are read at (``_Fields.text``), each
# relative to its ``Ntry`` or ``TxDtls`` (an entry without details is read as its own).
_ENTRY_PATHS = (
    "Sts",
    "Sts/Cd",
    "Amt",
    "CdtDbtInd",
    "RvslInd",
    "BookgDt/Dt",
    "BookgDt/DtTm",
    "ValDt/Dt",
    "ValDt/DtTm",
    "AcctSvcrRef",
    "BkTxCd/Domn/Cd",
    "BkTxCd/Domn/Fmly/Cd",
    "BkTxCd/Domn/Fmly/SubFmlyCd",
    "BkTxCd/Prtry/Cd",
    "NtryDtls/Btch",
    "NtryDtls/Btch/MsgId",
    "NtryDtls/Btch/PmtInfId",
    "NtryDtls/Btch/NbOfTxs",
    "AddtlNtryInf",
)
_DETAIL_PATHS = (
    "Amt",
    "AmtDtls/TxAmt/Amt",
    "Refs/AcctSvcrRef",
    "Refs/EndToEndId",
    "Refs/MsgId",
    "Refs/PmtInfId",
    "Refs/MndtId",
    "RtrInf/Rsn/Cd",
    *(
        path
        for them in ("Cdtr", "Dbtr")
        for path in (
            f"RltdPties/{them}/Nm",
            f"RltdPties/{them}/Pty/Nm",
            f"RltdPties/{them}Acct/Id/IBAN",
            f"RltdAgts/{them}Agt/FinInstnId/BIC",
            f"RltdAgts/{them}Agt/FinInstnId/BICFI",
        )
    ),
    "RmtInf/Ustrd",
    "RmtInf/Strd/CdtrRefInf/Ref",
    "AddtlTxInf",
)
_READ, _DESCEND, _DETAIL, _LINE, _AMOUNT = 1, 2, 4, 8, 16


def _actions() -> dict[str, int]:
    """What the walk does at each path: read its text, descend into it (it leads to a
    path read), keep it as a transaction (``NtryDtls/TxDtls``), add it to the remittance
    lines, read its currency."""
    actions: dict[str, int] = {}
    for path in (*_ENTRY_PATHS, *_DETAIL_PATHS):
        actions[path] = actions.get(path, 0) | _READ
        parts = path.split("/")
        for end in range(1, len(parts)):
            above = "/".join(parts[:end])
            actions[above] = actions.get(above, 0) | _DESCEND
    actions["NtryDtls"] |= _DESCEND
    actions["NtryDtls/TxDtls"] = _DETAIL
    actions["RmtInf/Ustrd"] |= _LINE
    actions["Amt"] |= _AMOUNT
    actions["AmtDtls/TxAmt/Amt"] |= _AMOUNT
    return actions


_ACTIONS = _actions()

# The walk's table for one namespace: an element's tag → (what to do, its path, the
# table of its children); one dictionary look-up an element.
_Node = dict[object, tuple[int, str, "_Node"]]
_TREES: dict[str, _Node] = {}


def _tree(brace: str) -> _Node:
    tree = _TREES.get(brace)
    if tree is None:
        tree = {}
        nodes: dict[str, _Node] = {"": tree}
        for path in sorted(_ACTIONS, key=lambda item: item.count("/")):
            above, _, name = path.rpartition("/")
            below: _Node = {}
            nodes[above][brace + name] = (_ACTIONS[path], path, below)
            nodes[path] = below
        _TREES[brace] = tree
    return tree


class _Fields:
    """The texts of an entry (``Ntry``) or of one of its transactions (``TxDtls``), read in
    one walk of its elements: each path of ``_ENTRY_PATHS`` / ``_DETAIL_PATHS`` below it →
    the text of its first element in document order, as ``findtext`` answers (a
    ``findtext`` per path walked the subtree again each time: 20 walks an entry). Only the
    branches that lead to a path read are walked."""

    __slots__ = ("details", "lines", "texts")

    def __init__(self, reader: _Reader, root: etree._Element) -> None:
        self.texts: dict[str, str] = {}
        self.lines: list[str | None] = []  # RmtInf/Ustrd, each of them
        self.details: list[etree._Element] = []  # NtryDtls/TxDtls of an entry
        self._walk(_tree(reader.brace), root)

    def _walk(self, node: _Node, element: etree._Element) -> None:
        texts = self.texts
        for child in element:
            found = node.get(child.tag)  # a comment, another namespace: not there
            if found is None:
                continue
            action, path, below = found
            if action & _DETAIL:
                self.details.append(child)
                continue
            if action & _READ:
                if path not in texts:
                    texts[path] = child.text or ""
                    if action & _AMOUNT:
                        texts[path + "@Ccy"] = child.get("Ccy") or ""
                elif path == "NtryDtls/Btch":  # the first batch says it, as find() would
                    continue
                if action & _LINE:
                    self.lines.append(child.text)
            if action & _DESCEND:
                self._walk(below, child)

    def text(self, path: str, other: str | None = None) -> str | None:
        """The text at ``path`` (stripped), else at ``other``, as ``_Reader.text`` (the
        paths are among those the walk reads: tests/bank/test_camt_paths.py)."""
        found = self.texts.get(path)
        if found and (found := found.strip()):
            return found
        if other is not None:
            found = self.texts.get(other)
            if found and (found := found.strip()):
                return found
        return None

    def has(self, path: str) -> bool:
        return path in self.texts

    def euros(self, reader: _Reader, path: str, where: object) -> int:
        if path not in self.texts:
            raise BankFileError(reader.name, tr("the amount is missing."), where)
        currency = self.texts[path + "@Ccy"]
        if currency != "EUR":
            raise BankFileError(
                reader.name,
                tr(
                    "the amount is in {currency}: only euros (EUR) are imported.",
                    currency=currency or "-",
                ),
                where,
            )
        return amount_cents(self.texts[path], reader.name, where)


@dataclass
class _Head:
    """What an entry (``Ntry``) says of itself, shared by its transactions."""

    place: _Place
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


def _head(reader: _Reader, fields: _Fields, place: _Place) -> _Head:
    name = reader.name
    booked = reader.day(fields.text("BookgDt/Dt", "BookgDt/DtTm"), place)
    if booked is None:
        raise BankFileError(name, tr("the booking date is missing."), place)
    family = fields.text("BkTxCd/Domn/Fmly/Cd")
    subfamily = fields.text("BkTxCd/Domn/Fmly/SubFmlyCd")
    code = "/".join(filter(None, (fields.text("BkTxCd/Domn/Cd"), family, subfamily)))
    return _Head(
        place=place,
        cents=fields.euros(reader, "Amt", place),
        credit=fields.text("CdtDbtInd") == "CRDT",
        reversal=fields.text("RvslInd") in ("true", "1"),
        booked=booked,
        value=reader.day(fields.text("ValDt/Dt", "ValDt/DtTm"), place),
        family=family,
        subfamily=subfamily,
        code=code or fields.text("BkTxCd/Prtry/Cd"),
        reference=fields.text("AcctSvcrRef"),
    )


def _entries(reader: _Reader, entry: etree._Element, place: _Place) -> list[ParsedEntry]:
    fields = _Fields(reader, entry)
    if fields.text("Sts/Cd", "Sts") not in (None, "BOOK"):
        return []
    head = _head(reader, fields, place)
    details = fields.details
    if fields.has("NtryDtls/Btch"):
        head.batch_message = fields.text("NtryDtls/Btch/MsgId")
        head.batch_info = fields.text("NtryDtls/Btch/PmtInfId")
        count = fields.text("NtryDtls/Btch/NbOfTxs")
        head.batch_count = int(count) if count and count.isdigit() else None
        read_details: list[_Fields] | None = None
    else:
        read_details = [_Fields(reader, detail) for detail in details]
        if len(details) > 1:
            head.batch_message = read_details[0].text("Refs/MsgId")
            head.batch_info = read_details[0].text("Refs/PmtInfId")
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
                remittance=fields.text("AddtlNtryInf"),
            )
        ]
    if read_details is None:
        read_details = [_Fields(reader, detail) for detail in details]
    if not read_details:
        read_details = [fields]  # no details: what the entry itself says
    parts = [
        _transaction(reader, fields, detail, head, number, len(read_details))
        for number, detail in enumerate(read_details, start=1)
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


def _kind(detail: _Fields, head: _Head) -> BankEntryKind:
    if not head.credit:
        returned = (
            detail.text("RtrInf/Rsn/Cd")
            or head.reversal
            or (head.family in COLLECTION_FAMILIES and head.subfamily in RETURN_SUBFAMILIES)
        )
        return BankEntryKind.RETURN if returned else BankEntryKind.DEBIT
    if not head.reversal and (head.family in COLLECTION_FAMILIES or detail.text("Refs/MndtId")):
        return BankEntryKind.COLLECTION
    if head.family in CHEQUE_FAMILIES:
        return BankEntryKind.CHEQUE
    payer = detail.text("RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm")
    return BankEntryKind.TRANSFER if payer or head.family == "RCDT" else BankEntryKind.OTHER_CREDIT


_PARTY_PATHS = {
    them: (
        f"RltdPties/{them}Acct/Id/IBAN",
        f"RltdPties/{them}/Nm",
        f"RltdPties/{them}/Pty/Nm",
        f"RltdAgts/{them}Agt/FinInstnId/BIC",
        f"RltdAgts/{them}Agt/FinInstnId/BICFI",
    )
    for them in ("Cdtr", "Dbtr")
}


def _transaction(
    reader: _Reader,
    entry: _Fields,
    detail: _Fields,
    head: _Head,
    number: int,
    count: int,
) -> ParsedEntry:
    """One transaction of an entry (the entry itself when it has one)."""
    where = head.place if count == 1 else head.place.of_detail(number)
    cents = head.cents
    reference = head.reference
    if count > 1:
        path = "Amt" if detail.has("Amt") else "AmtDtls/TxAmt/Amt"
        cents = detail.euros(reader, path, where)
        own = detail.text("Refs/AcctSvcrRef")
        reference = own or (f"{head.reference}/{number}" if head.reference else None)
    end_to_end = detail.text("Refs/EndToEndId")
    kind = _kind(detail, head)
    iban_path, name_path, party_name_path, bic_path, bicfi_path = _PARTY_PATHS[
        "Cdtr" if kind == BankEntryKind.DEBIT else "Dbtr"
    ]
    remittance = (
        " ".join((line or "").strip() for line in detail.lines).strip()
        or detail.text("AddtlTxInf")
        or entry.text("AddtlNtryInf")
    )
    iban = detail.text(iban_path)
    return ParsedEntry(
        kind=kind,
        amount_cents=cents if head.credit else -cents,
        booked_on=head.booked,
        where=where,
        value_on=head.value,
        bank_reference=reference,
        bank_code=head.code,
        end_to_end_id=None if end_to_end == "NOTPROVIDED" else end_to_end,
        counterparty_name=detail.text(name_path, party_name_path),
        counterparty_iban=iban.replace(" ", "").upper() if iban else None,
        counterparty_bic=detail.text(bic_path, bicfi_path),
        remittance=remittance[:500] if remittance else None,
        creditor_reference=detail.text("RmtInf/Strd/CdtrRefInf/Ref"),
        batch_message_id=detail.text("Refs/MsgId") or head.batch_message,
        batch_payment_info_id=detail.text("Refs/PmtInfId") or head.batch_info,
        batch_count=head.batch_count if count == 1 else None,
        return_code=detail.text("RtrInf/Rsn/Cd"),
    )
