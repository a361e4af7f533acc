"""The CFONB interbank operation codes (positions 33-34 of records 04 and 05) our writer
puts and our reader tells apart, as the CFONB gives them: its « Evolutions du Relevé de
Compte 120 caractères pour les opérations de virements et de prélèvements SEPA » (v2.0,
March 2010, §2.3.2) for the SEPA direct debits — A1/A2 remitted (credit to the
creditor), B1/B2 paid (debit to the debtor), A3/A4 rejected (credit back to the debtor),
B3/B4 rejected (debit to the creditor) — and its « Codes opérations interbancaires » for
the rest: 01 cheques paid, 02 cheques remitted, 05 transfers received, 14 treasury
transfers sent, 15 cheques remitted over the counter, 62 fees, 85-88 securities. The
sources are named beside the reader's tables (``services/bank/formats/cfonb.py``).

Then the reject reasons (positions 41-42 of record 04) of the CFONB's « Codes et motifs de
rejet de virements, prélèvements, TIP, prélèvement SEPA » and their ISO 20022 codes: 20
provision insuffisante (AM04), 14 compte soldé clôturé viré (AC04), 35 titulaire décédé
(MD07), 31 pas d'autorisation (MD01), 34 opposition sur compte (AC06)…; 01-06 are
LCR-only, not direct-debit reasons. A returned cheque (interbank code 03) has the reasons
of the cheque list, which are left unmapped."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice.models.bank import BankEntryKind
from backoffice.reports.bank import Movement
from backoffice.reports.bank import cfonb as writer
from backoffice.services.bank.formats import ParsedEntry, read
from backoffice.services.bank.formats import cfonb as reader
from backoffice.services.sepa.reason_codes import reason_labels
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


RIB = ("30004", "00823", "00012345678")  # the bank, branch and account of IBAN above


def _amount(cents: int) -> str:
    """13 digits, then the last digit and the sign in one character."""
    digits = f"{abs(cents):014d}"
    return digits[:13] + ("{ABCDEFGHI" if cents >= 0 else "}JKLMNOPQR")[int(digits[13])]


def _hand_made(reason: str, code: str = "B3", cents: int = -48_612) -> bytes:
    """A statement typed field by field from the standard's positions: 01, one 04 with
    this interbank code and reject reason, 07."""
    bank, branch, account = RIB
    day = DAY.strftime("%d%m%y")

    def balance(record: str, amount: int) -> str:
        return (
            f"{record}{bank}    {branch}EUR2 {account}  {day}"
            + " " * 50
            + _amount(amount)
            + " " * 16
        )

    movement = (
        f"04{bank}0000{branch}EUR2 {account}{code}{day}{reason:2}{day}"
        + "IMPAYE PRLV SEPA DUPONT".ljust(31)
        + "  0000001  "
        + _amount(cents)
        + "REF0001".ljust(16)
    )
    lines = [balance("01", 1_000_000), movement, balance("07", 1_000_000 + cents)]
    assert [len(line) for line in lines] == [120, 120, 120]
    assert movement[40:42] == reason and movement[32:34] == code  # positions 41-42, 33-34
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _reasons(data: bytes) -> list[str]:
    """The reject reasons (positions 41-42) of the movements (04) of a file."""
    lines = data.decode("ascii").split("\r\n")
    return [line[40:42] for line in lines if line.startswith("04")]


def _read_one(data: bytes) -> ParsedEntry:
    [statement] = read("releve.txt", data).statements
    [entry] = statement.entries
    return entry


@pytest.mark.parametrize(
    ("reason", "iso"),
    [
        ("20", "AM04"),  # provision insuffisante
        ("14", "AC04"),  # compte soldé, clôturé, viré
        ("35", "MD07"),  # titulaire décédé
        ("31", "MD01"),  # pas d'autorisation
        ("34", "AC06"),  # opposition sur compte
        ("12", "AC01"),  # coordonnées bancaires inexploitables
        ("58", "MS02"),  # sur ordre du client
        ("60", "RC01"),  # code banque incorrect
        ("64", "AM05"),  # doublon
        ("80", "MD06"),  # contestation débiteur
        ("99", "AG01"),  # opération non admise
        ("59", "MS03"),  # raison non communiquée
        ("47", "MS03"),  # not a reject reason of the CFONB: not specified
        ("04", "MS03"),  # réclamation partielle, LCR-only (was read AM04)
        ("01", "MS03"),  # endos erroné, LCR-only (was read AC04)
    ],
)
def test_a_hand_made_reject_reason_reads_as_its_iso_code(reason: str, iso: str) -> None:
    entry = _read_one(_hand_made(reason))
    assert (entry.kind, entry.amount_cents, entry.return_code) == (
        BankEntryKind.RETURN,
        -48_612,
        iso,
    )


@pytest.mark.parametrize("code", ["B3", "B4", "10", "27"])  # SEPA and national debits
def test_the_reason_is_mapped_whatever_the_direct_debit_code(code: str) -> None:
    assert _read_one(_hand_made("20", code)).return_code == "AM04"


def test_a_returned_cheque_keeps_its_reason_unmapped() -> None:
    """Chèques impayés (03): 20 is « chèque prescrit » there, 35 « absence d'endos »."""
    for reason in ("20", "35", "31"):
        entry = _read_one(_hand_made(reason, "03"))
        assert (entry.kind, entry.bank_code, entry.return_code) == (
            BankEntryKind.RETURN,
            "03",
            "MS03",
        )


def test_a_movement_without_a_reason_has_no_return_code() -> None:
    entry = _read_one(_hand_made("  ", "05", 12_345))
    assert (entry.kind, entry.return_code) == (BankEntryKind.TRANSFER, None)


def test_the_writer_puts_the_cfonb_reason_of_each_iso_code() -> None:
    expected = {"AM04": "20", "AC04": "14", "MD07": "35", "MD01": "31", "AC06": "34"}
    expected |= {"AC01": "12", "MS02": "58", "MD06": "80", "AM05": "64", "MS03": "59"}
    movements = [
        Movement(-1_000, DAY, f"REF{index:04d}", kind="return", return_code=iso)
        for index, iso in enumerate(expected)
    ]
    assert _reasons(_written(movements)) == list(expected.values())


def test_the_writer_and_the_reader_have_the_same_table() -> None:
    inverse = {iso: code for code, iso in reader.REASONS.items()}
    assert inverse == writer.REASONS
    assert len(writer.REASONS) == len(reader.REASONS)  # one CFONB code per ISO code


@pytest.mark.parametrize("iso", sorted(writer.REASONS))
def test_a_written_return_reads_back_with_its_iso_code(iso: str) -> None:
    movement = Movement(-48_612, DAY, "IMP0001", kind="return", return_code=iso)
    entry = _read_one(_written([movement]))
    assert (entry.kind, entry.return_code) == (BankEntryKind.RETURN, iso)


def test_an_iso_code_without_a_cfonb_reason_is_written_as_not_communicated() -> None:
    movement = Movement(-48_612, DAY, "IMP0001", kind="return", return_code="FF01")
    data = _written([movement])
    assert _reasons(data) == ["59"]  # raison non communiquée
    assert _read_one(data).return_code == "MS03"


def test_every_iso_code_the_reader_gives_has_a_french_label() -> None:
    assert {*reader.REASONS.values(), "MS03"} <= reason_labels().keys()
