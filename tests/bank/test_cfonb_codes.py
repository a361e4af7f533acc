"""The CFONB interbank operation codes (positions 33-34 of records 04 and 05) our writer
puts and our reader tells apart, as the CFONB gives them: its « Evolutions du Relevé de
Compte 120 caractères pour les opérations de virements et de prélèvements SEPA » (v2.0,
March 2010, §2.3.2) for the SEPA direct debits — A1/A2 remitted (credit to the
creditor), B1/B2 paid (debit to the debtor), A3/A4 rejected (credit back to the debtor),
B3/B4 rejected (debit to the creditor) — and its « Codes opérations interbancaires » for
the rest: 01 cheques paid, 02 cheques remitted, 05 transfers received, 14 treasury
transfers sent, 15 cheques remitted over the counter, 62 fees, 85-88 securities. The
sources are named beside the reader's tables (``services/bank/formats/cfonb.py``)."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice.models.bank import BankEntryKind
from backoffice.reports.bank import Movement
from backoffice.services.bank.formats import read
from tests.bank import builders

IBAN, BIC = "FR7630004008230001234567819", "BNPAFRPPXXX"
DAY = date(2027, 3, 17)


def _written(movements: list[Movement]) -> bytes:
    return builders.cfonb120([builders.statement(IBAN, BIC, movements, day=DAY)])


def _movement_codes(data: bytes) -> list[str]:
    lines = data.decode("ascii").split("\r\n")
    return [line[32:34] for line in lines if line.startswith("04")]


def _with_code(code: str, cents: int) -> bytes:
    """One movement without a reject reason whose 04 and 05 records carry ``code``."""
    data = _written([Movement(cents, DAY, "REF0001", name="DUPONT", remittance="LIBELLE")])
    lines = data.decode("ascii").split("\r\n")
    lines = [line[:32] + code + line[34:] if line[:2] in ("04", "05") else line for line in lines]
    return "\r\n".join(lines).encode("ascii")


def test_the_writer_puts_the_cfonb_code_of_each_kind() -> None:
    kinds = {
        "collection": ("A1", 1_234_567),  # prélèvements SEPA émis: credit to the creditor
        "transfer": ("05", 12_345),  # virements reçus
        "return": ("B3", -48_612),  # prélèvements SEPA rejetés/impayés reçus (créancier)
        "cheque": ("02", 80_000),  # remises de chèques
        "fee": ("62", -350),  # commissions et frais divers
    }
    movements = [
        Movement(cents, DAY, f"REF{index:04d}", kind=kind)
        for index, (kind, (_, cents)) in enumerate(kinds.items())
    ]
    assert _movement_codes(_written(movements)) == [code for code, _ in kinds.values()]


def test_what_the_writer_writes_reads_back_as_its_kind() -> None:
    """Without a reject reason on the return: its code alone makes it one."""
    movements = [
        Movement(1_234_567, DAY, "REF0001", kind="collection"),
        Movement(12_345, DAY, "REF0002", kind="transfer"),
        Movement(-48_612, DAY, "REF0003", kind="return"),
        Movement(80_000, DAY, "REF0004", kind="cheque"),
        Movement(-350, DAY, "REF0005", kind="fee"),
    ]
    [statement] = read("releve.txt", _written(movements)).statements
    assert [entry.kind for entry in statement.entries] == [
        BankEntryKind.COLLECTION,
        BankEntryKind.TRANSFER,
        BankEntryKind.RETURN,
        BankEntryKind.CHEQUE,
        BankEntryKind.DEBIT,
    ]


@pytest.mark.parametrize(
    ("code", "cents", "kind"),
    [
        ("A1", 10_000, BankEntryKind.COLLECTION),  # SEPA direct debits remitted (CORE)
        ("A2", 10_000, BankEntryKind.COLLECTION),  # the same, B2B
        ("B3", -10_000, BankEntryKind.RETURN),  # rejected/unpaid, received by the creditor
        ("B4", -10_000, BankEntryKind.RETURN),  # the same, B2B
        ("02", 10_000, BankEntryKind.CHEQUE),  # remises de chèques
        ("15", 10_000, BankEntryKind.CHEQUE),  # remises de chèques sur caisse
        ("05", 10_000, BankEntryKind.TRANSFER),  # virements reçus
        ("B1", -10_000, BankEntryKind.DEBIT),  # a direct debit we pay, not a collection
        ("85", 10_000, BankEntryKind.TRANSFER),  # ventes bourses étrangères
        ("87", 10_000, BankEntryKind.TRANSFER),  # revenus sur titres
        ("86", -10_000, BankEntryKind.DEBIT),  # opérations sur titres
        ("88", -10_000, BankEntryKind.DEBIT),  # commissions et droits de garde
        ("62", -10_000, BankEntryKind.DEBIT),  # commissions et frais divers
    ],
)
def test_the_reader_tells_the_cfonb_codes_apart(code: str, cents: int, kind: BankEntryKind) -> None:
    [statement] = read("releve.txt", _with_code(code, cents)).statements
    [entry] = statement.entries
    assert (entry.bank_code, entry.kind, entry.return_code) == (code, kind, None)
