"""CFONB 120 read by an independent reader: ``python-cfonb`` (Akretion's, used by Odoo's
French statement imports; regular expressions of every record's positions from the
CFONB's « Relevé de compte 120 caractères » and its 2010 SEPA evolution) parses the files
our writer makes (the demo's bank files come from it too) and agrees with our reader on
every balance, movement and complement (05 records: NPY, LCC, LCS, RCN, REF)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from cfonb.parser.common import ParsingError
from cfonb.parser.statement import StatementReader

from backoffice.reports.bank import Movement
from backoffice.services.bank.formats import read
from tests.bank import builders

SERVICE_IBAN, SERVICE_BIC = "FR7630004008230001234567819", "BNPAFRPPXXX"
DAY = date(2027, 3, 17)
MOVEMENTS = [
    Movement(
        1_234_567,
        DAY,
        "PRLV0001",
        kind="collection",
        batch_message_id="SDD-2027-03-15-001",
        batch_payment_info_id="PMT-2027-03-15-RCUR",
        batch_count=48,
    ),
    Movement(
        12_345,
        DAY,
        "VIR0002",
        value_on=date(2027, 3, 18),
        name="Boulangerie Müller SARL",
        remittance="Facture FA-2027-000123",
        creditor_reference="RF18539007547034",
        end_to_end_id="E2E-MULLER-0001",
    ),
    Movement(
        -48_612,
        DAY,
        "IMP0003",
        kind="return",
        name="GARAGE DU RHIN",
        end_to_end_id="SDD-2027-03-15-001-000017",
        return_code="AM04",
    ),
    Movement(80_000, DAY, "CHQ0004", kind="cheque", remittance="REMISE CHEQUES 000042"),
    Movement(-350, DAY, "FRAIS05", kind="fee", remittance="COMMISSION PRELEVEMENTS"),
]


def written() -> bytes:
    return builders.cfonb120(
        [builders.statement(SERVICE_IBAN, SERVICE_BIC, MOVEMENTS, day=DAY, opening=1_000_000)]
    )


def judged(data: bytes) -> list:
    return StatementReader().parse(io.StringIO(data.decode("ascii"), newline=""))


def euros(cents: int) -> Decimal:
    return Decimal(cents) / 100


def test_the_independent_reader_parses_every_line_of_ours() -> None:
    [statement] = judged(written())  # a wrong length or field raises ParsingError
    assert statement.account_nb == SERVICE_IBAN[14:25]
    assert statement.header["prev_amount"] == euros(1_000_000)
    closing = 1_000_000 + sum(movement.amount_cents for movement in MOVEMENTS)
    assert statement.footer["next_amount"] == euros(closing)
    assert statement.header["prev_date"] == statement.footer["next_date"] == DAY.isoformat()
    assert len(statement.lines) == len(MOVEMENTS)


def test_both_readers_agree_on_each_movement() -> None:
    data = written()
    [judge] = judged(data)
    [ours] = read("releve.txt", data).statements
    assert ours.opening_cents == 1_000_000
    for line, entry, movement in zip(judge.lines, ours.entries, MOVEMENTS, strict=True):
        assert line["amount"] == euros(entry.amount_cents) == euros(movement.amount_cents)
        assert line["operation_date"] == entry.booked_on.isoformat()
        assert line["value_date"] == (entry.value_on or entry.booked_on).isoformat()
        assert line["operation_code"] == entry.bank_code


def test_the_complements_say_the_same_to_both() -> None:
    data = written()
    [judge] = judged(data)
    [ours] = read("releve.txt", data).statements
    collection, transfer, returned = (judge.lines[0], judge.lines[1], judge.lines[2])
    assert collection["payment_infor_id"] == "PMT-2027-03-15-RCUR"
    assert ours.entries[0].batch_payment_info_id == "PMT-2027-03-15-RCUR"
    assert transfer["debtor_name"] == "BOULANGERIE MULLER SARL" == ours.entries[1].counterparty_name
    assert transfer["remittance_information_1"] == "FACTURE FA-2027-000123"
    assert transfer["creditor_ref_information"] == "RF18539007547034"
    assert ours.entries[1].creditor_reference == "RF18539007547034"
    assert transfer["end2end_identification"] == "E2E-MULLER-0001" == ours.entries[1].end_to_end_id
    # AM04 written as the CFONB's 20 « provision insuffisante », read back as AM04
    assert returned["reject_code"] == "20" and ours.entries[2].return_code == "AM04"
    assert returned["end2end_identification"] == ours.entries[2].end_to_end_id


def test_the_judge_refuses_a_broken_line() -> None:
    """It can fail: a movement line one character short is not CFONB 120."""
    lines = written().decode("ascii").split("\r\n")
    lines[1] = lines[1][:60] + lines[1][61:]
    with pytest.raises(ParsingError):
        judged("\r\n".join(lines).encode("ascii"))
