"""CFONB 120: the French fixed-width account statement (*relevé de compte 120 caractères*).

Every line is 120 characters, its first two the record code:

- ``01`` opening balance (*ancien solde*), ``07`` closing balance (*nouveau solde*): bank
  code 3-7, branch 12-16, currency 17-19, decimals 20, account 22-32, date 35-40
  (DDMMYY), amount 91-104;
- ``04`` a movement: internal operation code 8-11, interbank operation code 33-34,
  booking date 35-40, reject reason 41-42, value date 43-48, label 49-79, entry number
  82-88, amount 91-104, reference 105-120;
- ``05`` a complement of the movement before it: qualifier 46-48, text 49-118 (``NPY``
  payer's name, ``IPY`` payer's identifier, ``LCC``/``LC2`` unstructured remittance,
  ``LCS`` structured remittance — an RF creditor reference —, ``RCN`` the end-to-end id,
  ``REF`` a reference, ``RUM`` the mandate, ``LIB`` more label).

Positions are counted from 1 as in the standard. An amount's last character carries its
last digit and sign: ``{`` ``A``–``I`` positive (0–9), ``}`` ``J``–``R`` negative. The
account is given as a French RIB without its key; its IBAN is rebuilt (schwifty computes
the RIB key and the IBAN's check digits).

Movements are classified by sign, reject reason and interbank code: a debit with a reject
reason or a SEPA direct-debit return code is a return; credits with the SEPA
direct-debit codes are collections, with the cheque codes cheque remittances, others
transfers. The reject reasons of CFONB are mapped to their ISO 20022 equivalents for the
returns, but for returned cheques (interbank code 03), whose reasons are another list's:
MS03 (the codes' sources are named beside their tables below).
"""

from __future__ import annotations

from datetime import date

from schwifty import IBAN

from backoffice.i18n import tr
from backoffice.models.bank import BankEntryKind, BankFileFormat
from backoffice.money import format_eur
from backoffice.reports.bank.cfonb import REJECT_REASONS
from backoffice.services.bank.formats import (
    BankFileError,
    ParsedEntry,
    ParsedFile,
    ParsedStatement,
)

LENGTH = 120
RECORDS = ("01", "04", "05", "07")
SIGNS = {"{": (1, 0), "}": (-1, 0)}
SIGNS.update({chr(ord("A") + n): (1, n + 1) for n in range(9)})
SIGNS.update({chr(ord("J") + n): (-1, n + 1) for n in range(9)})
# Interbank operation codes (positions 33-34) the import tells apart; the rest are
# classified by their sign. Checked against the CFONB's own text: « Evolutions du Relevé
# de Compte 120 caractères pour les opérations de virements et de prélèvements SEPA »
# (v2.0, March 2010, §2.3.2; kept as specs/EvolutionRelevComptes.pdf in
# github.com/ebics-api/cfonb-php), which gives the SEPA direct-debit codes and whose
# account they land on: A1 (CORE) / A2 (B2B) remitted, a credit to the creditor; B1 / B2
# paid, a debit to the debtor; A3 / A4 rejected or unpaid, a credit back to the debtor;
# B3 / B4 rejected or unpaid, a debit to the creditor. The numeric codes from the list
# « Codes opérations interbancaires » as copied in that repository's
# specs/error_codes.csv and, identically for these codes, in an unrelated Dynamics NAV
# reconciliation module of 2002: 01 cheques paid (debit), 02 cheques remitted, 03 cheques
# returned unpaid (debit), 05 transfers received, 15 cheques remitted over the counter,
# 62 fees; 85-88 are securities (sales on foreign exchanges, operations, income, custody
# fees), not direct debits. The 2010 brochure, the csv and real statements in the
# fixtures of ebics-api/cfonb-php and pennylane-hq/cfonb agree: B1 debits (« PRLV SEPA
# … »), A3 credits, 62 fees.
COLLECTION_CODES = ("A1", "A2")  # SEPA direct debits remitted: CORE, B2B
CHEQUE_CODES = ("02", "15")  # cheques remitted
RETURN_CODES = ("B3", "B4")  # SEPA direct debits rejected/unpaid, received by the creditor
# CFONB reject reasons (positions 41-42) of direct debits → ISO 20022 codes: the table
# and its sources are beside the writer (reports/bank/cfonb.py).
REASONS = REJECT_REASONS
# Returned cheques (« chèques impayés », interbank code 03, a debit) carry the reasons of
# the CFONB's other list, « Codes et motifs de rejets relatifs aux Chèques » (in the same
# axelor file), whose numbers mean other things (10 perte, 20 chèque prescrit, 31
# signature non conforme, 34 faux chèque, 35 absence d'endos…): their reason is left
# unmapped, MS03.
CHEQUE_RETURN_CODES = ("03",)


def read(name: str, data: bytes) -> ParsedFile:
    text = data.decode("latin-1")
    lines = text.splitlines()
    if len(lines) == 1 and len(text) > LENGTH and len(text) % LENGTH == 0:
        lines = [text[start : start + LENGTH] for start in range(0, len(text), LENGTH)]
    statements: list[ParsedStatement] = []
    current: ParsedStatement | None = None
    last: ParsedEntry | None = None
    moved = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = tr("line {n}", n=number)
        record = _record(name, line, where)
        if record == "05":
            if last is None:
                raise BankFileError(name, tr("a complement (05) without its movement."), where)
            _complement(last, line)
            continue
        iban = _iban(name, line, where)
        if record == "01":
            if current is not None:
                raise BankFileError(
                    name, tr("a new opening balance before the closing one (07)."), where
                )
            current = _opening(name, line, iban, where)
            statements.append(current)
            moved = 0
            last = None
            continue
        if current is None or current.account_iban != iban:
            raise BankFileError(
                name, tr("a record outside an account's statement (no opening 01)."), where
            )
        if record == "04":
            last = _movement(name, line, where)
            current.entries.append(last)
            moved += last.amount_cents
            continue
        _close(name, current, line, moved, where)  # 07: closing balance
        current = None
        last = None
    if current is not None:
        raise BankFileError(name, tr("the last statement has no closing balance (07)."))
    if not statements:
        raise BankFileError(name, tr("the file holds no statement."))
    return ParsedFile(name, BankFileFormat.CFONB120, "cfonb120", statements)


def _record(name: str, line: str, where: str) -> str:
    """The record code of a line that has the length, code and currency of CFONB 120."""
    if len(line) != LENGTH:
        raise BankFileError(
            name, tr("{count} characters instead of 120 (CFONB 120).", count=len(line)), where
        )
    record = line[0:2]
    if record not in RECORDS:
        raise BankFileError(
            name,
            tr(
                "record code {code} is not one of a CFONB 120 statement (01, 04, 05, 07).",
                code=record,
            ),
            where,
        )
    currency = line[16:19]
    if record != "05" and currency != "EUR":
        raise BankFileError(
            name,
            tr("the currency is {currency}: only euros (EUR) are imported.", currency=currency),
            where,
        )
    return record


def _opening(name: str, line: str, iban: str, where: str) -> ParsedStatement:
    return ParsedStatement(
        account_iban=iban,
        identifier=f"{line[2:7]}{line[11:16]}{line[21:32]}-{line[34:40]}",
        from_on=_day(name, line[34:40], where),
        opening_cents=_amount(name, line[90:104], line[19], where),
    )


def _close(name: str, statement: ParsedStatement, line: str, moved: int, where: str) -> None:
    statement.closing_cents = _amount(name, line[90:104], line[19], where)
    statement.to_on = _day(name, line[34:40], where)
    assert statement.opening_cents is not None
    if statement.opening_cents + moved != statement.closing_cents:
        raise BankFileError(
            name,
            tr(
                "the movements do not add up to the balances (opening {opening} + "
                "movements {moved} ≠ closing {closing}).",
                opening=format_eur(statement.opening_cents),
                moved=format_eur(moved),
                closing=format_eur(statement.closing_cents),
            ),
            where,
        )


def _iban(name: str, line: str, where: str) -> str:
    bank, branch, account = line[2:7], line[11:16], line[21:32]
    try:
        return str(
            IBAN.generate("FR", bank_code=bank, branch_code=branch, account_code=account).compact
        )
    except Exception:
        raise BankFileError(
            name,
            tr(
                "bank {bank}, branch {branch}, account {account} is not a French account.",
                bank=bank,
                branch=branch,
                account=account.strip(),
            ),
            where,
        ) from None


def _day(name: str, text: str, where: str) -> date:
    try:
        return date(2000 + int(text[4:6]), int(text[2:4]), int(text[0:2]))
    except ValueError:
        raise BankFileError(name, tr("{day} is not a date (DDMMYY).", day=text), where) from None


def _amount(name: str, text: str, decimals: str, where: str) -> int:
    sign_digit = SIGNS.get(text[-1:])
    digits = text[:-1]
    if sign_digit is None or not digits.isdigit() or not decimals.isdigit():
        raise BankFileError(name, tr("{amount} is not a CFONB amount.", amount=text), where)
    sign, last = sign_digit
    value = int(digits) * 10 + last
    scale = int(decimals)
    if scale > 2:
        if value % 10 ** (scale - 2):
            raise BankFileError(name, tr("{amount} has fractions of a cent.", amount=text), where)
        value //= 10 ** (scale - 2)
    else:
        value *= 10 ** (2 - scale)
    return sign * value


def _movement(name: str, line: str, where: str) -> ParsedEntry:
    cents = _amount(name, line[90:104], line[19], where)
    if cents == 0:
        raise BankFileError(name, tr("a movement of zero."), where)
    code = line[32:34]
    reject = line[40:42].strip()
    reference = line[104:120].strip() or line[81:88].strip() or None
    if cents < 0 and (reject or code in RETURN_CODES):
        kind = BankEntryKind.RETURN
    elif cents > 0 and code in COLLECTION_CODES:
        kind = BankEntryKind.COLLECTION
    elif cents > 0 and code in CHEQUE_CODES:
        kind = BankEntryKind.CHEQUE
    elif cents > 0:
        kind = BankEntryKind.TRANSFER
    else:
        kind = BankEntryKind.DEBIT
    value = line[42:48]
    return ParsedEntry(
        kind=kind,
        amount_cents=cents,
        booked_on=_day(name, line[34:40], where),
        where=where,
        value_on=_day(name, value, where) if value.strip() else None,
        bank_reference=f"{line[34:40]}-{reference}" if reference else None,
        bank_code=code,
        remittance=line[48:79].strip() or None,
        return_code=_reason(code, reject),
    )


def _reason(code: str, reject: str) -> str | None:
    """The ISO 20022 code of a movement's CFONB reject reason (None without one)."""
    if not reject:
        return None
    if code in CHEQUE_RETURN_CODES:
        return "MS03"
    return REASONS.get(reject, "MS03")


def _complement(entry: ParsedEntry, line: str) -> None:
    qualifier = line[45:48]
    text = line[48:118].strip()
    if not text:
        return
    if qualifier == "NPY":
        entry.counterparty_name = text
    elif qualifier == "IPY" and text[:2].isalpha() and text[2:4].isdigit():
        entry.counterparty_iban = text.replace(" ", "")[:34]
    elif qualifier == "LCC" and not entry.remittance_complemented:
        entry.remittance = text[:500]  # the whole text; the movement's label is its start
        entry.remittance_complemented = True
    elif qualifier in ("LCC", "LC2", "LIB"):
        entry.remittance = f"{entry.remittance or ''} {text}".strip()[:500]
    elif qualifier == "LCS":
        entry.creditor_reference = text[:35]
    elif qualifier == "RCN":
        entry.end_to_end_id = text[:35]
    elif qualifier == "REF" and entry.kind == BankEntryKind.COLLECTION:
        entry.batch_payment_info_id = text[:35]
