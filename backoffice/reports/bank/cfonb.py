"""CFONB 120 statements as a French bank writes them (records 01, 04, 05, 07; see
``services/bank/formats/cfonb.py`` for the positions): ASCII, 120 characters a line,
CRLF, amounts with the sign in their last character."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from schwifty import IBAN

from backoffice.reports.bank import Movement, Statement
from backoffice.reports.sepa.charset import to_sepa_text

# CFONB interbank operation codes (positions 33-34) as the creditor's bank writes them;
# the sources are named beside the reader's tables (services/bank/formats/cfonb.py): 05
# transfers received, A1 SEPA direct debits remitted (credit to the creditor), B3 SEPA
# direct debits rejected/unpaid received by the creditor (debit; A3 is the debtor's
# side, a credit), 02 cheques remitted, 62 « commissions et frais divers » (14 is a
# treasury transfer sent).
OPERATION_CODES = {
    "transfer": "05",
    "collection": "A1",
    "return": "B3",
    "cheque": "02",
    "fee": "62",
}
# CFONB reject reasons (positions 41-42) of direct debits and their ISO 20022 codes. The
# CFONB codes and labels are those of its « Codes et motifs de rejet de virements,
# prélèvements, TIP, prélèvement SEPA » as two independent repositories copy it, and
# agree on: akretion/l10n-france (account_payment_batch_oca_rejection_fr_cfonb,
# wizards/account_payment_order_rejection_import.py, _cfonb_rejection_reason_codes) and
# axelor/axelor-open-suite (axelor-bank-payment, demo data
# bankpayment_interBankCodeReject.csv, which also says which codes apply to SEPA direct
# debits); 01-06 are LCR-only there (endos erroné, échéance hors limite, …). The ISO
# equivalents were matched by label, with the French titles French SEPA code lists give
# the ISO codes (AM04 « provision insuffisante », MS02 « sur ordre du client / refus du
# débiteur », MD06 « contestation débiteur », RC01 « code banque incorrect », …). The
# authority is the CFONB's brochure « Liste interbancaire délais et codes motifs de
# rejet/retour » (June 2012), which gives the CFONB-to-ISO correspondence: it was not
# reachable offline (only its first page was found). A reason not in the table is read
# as MS03 (not specified).
REJECT_REASONS = {
    "12": "AC01",  # coordonnées bancaires inexploitables
    "14": "AC04",  # compte soldé, clôturé, viré
    "20": "AM04",  # provision insuffisante
    "31": "MD01",  # pas d'autorisation
    "34": "AC06",  # opposition sur compte (compte bloqué)
    "35": "MD07",  # titulaire décédé
    "52": "AG02",  # code opération incorrect
    "58": "MS02",  # sur ordre du client (refus du débiteur)
    "59": "MS03",  # raison non communiquée
    "60": "RC01",  # code banque (BIC) incorrect
    "62": "RR04",  # motif réglementaire
    "63": "SL01",  # service spécifique
    "64": "AM05",  # doublon
    "66": "MD02",  # donnée mandat incorrecte
    "80": "MD06",  # contestation débiteur
    "99": "AG01",  # opération non admise
}
# The same the other way round, for the writer. A code without a CFONB equivalent is
# written 59, « raison non communiquée ».
REASONS = {iso: code for code, iso in REJECT_REASONS.items()}
UNSPECIFIED = "59"
POSITIVE = "{ABCDEFGHI"
NEGATIVE = "}JKLMNOPQR"


def amount_field(cents: int) -> str:
    """14 characters: 13 digits, then the last digit and the sign in one character."""
    text = f"{abs(cents):014d}"
    signs = POSITIVE if cents >= 0 else NEGATIVE
    return text[:13] + signs[int(text[13])]


def _day(value: date) -> str:
    return value.strftime("%d%m%y")


def _text(value: str | None, length: int) -> str:
    return to_sepa_text(value or "", length).upper().ljust(length)[:length]


def write(statements: Iterable[Statement]) -> bytes:
    lines: list[str] = []
    for statement in statements:
        account = IBAN(statement.iban)
        bank, branch = account.bank_code, account.branch_code
        number = account.account_code
        head = f"{bank:5}{{code:4}}{branch:5}EUR2 {number:11}"

        def record(code: str, operation: str, rest: str, head: str = head) -> str:
            line = code + head.replace("{code:4}", operation.ljust(4)) + rest
            assert len(line) == 120, (len(line), line)
            return line

        lines.append(
            record(
                "01",
                "",
                "  "
                + _day(statement.from_on)
                + " " * 50
                + amount_field(statement.opening_cents)
                + " " * 16,
            )
        )
        for index, movement in enumerate(statement.movements, start=1):
            lines.extend(_movement(record, movement, index))
        lines.append(
            record(
                "07",
                "",
                "  "
                + _day(statement.to_on)
                + " " * 50
                + amount_field(statement.closing_cents)
                + " " * 16,
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _movement(record: object, movement: Movement, index: int) -> list[str]:
    code = OPERATION_CODES.get(movement.kind, "05")
    reason = REASONS.get(movement.return_code, UNSPECIFIED) if movement.return_code else "  "
    label = movement.remittance or movement.name or ""
    rest = (
        code
        + _day(movement.booked_on)
        + reason
        + _day(movement.value_on or movement.booked_on)
        + _text(label, 31)
        + "  "
        + f"{index:07d}"
        + " "
        + " "
        + amount_field(movement.amount_cents)
        + _text(movement.reference, 16)
    )
    lines = [record("04", "0000", rest)]  # type: ignore[operator]
    complements = [
        ("NPY", movement.name),
        ("LCC", movement.remittance),
        ("LCS", movement.creditor_reference),
        ("RCN", movement.end_to_end_id),
        ("REF", movement.batch_payment_info_id),
    ]
    for qualifier, value in complements:
        if value:
            text = code + _day(movement.booked_on) + " " * 5 + qualifier + _text(value, 70) + "  "
            lines.append(record("05", "0000", text))  # type: ignore[operator]
    return lines
