"""The pain.008 writer: valid against the official schemas, exact amounts, one transaction
per debit, names in the SEPA character set, and a refused file never returned."""

from __future__ import annotations

import dataclasses
import string
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.reports.sepa import pain008
from backoffice.reports.sepa.charset import ALLOWED, to_sepa_text, transliterated
from tests.sepa.xsd import assert_valid

CREDITOR = pain008.Creditor(
    name="Santé au Travail Rhin-Vosges",
    creditor_id="FR72ZZZ123456",
    iban="FR7630006000011234567890189",
    bic="AGRIFRPP",
    address=pain008.PostalAddress("12 rue de la Sinne", "68100", "Mulhouse", "FR"),
)


def debit(
    number: int, amount: int, sequence: str = "RCUR", name: str = "ETS MULLER"
) -> pain008.DirectDebit:
    return pain008.DirectDebit(
        end_to_end_id=f"FA-2027-{number:06d}-1-7",
        amount_cents=amount,
        sequence=sequence,
        mandate_reference=f"STRV-{200000 + number}-001",
        mandate_signed_on=date(2024, 5, 2),
        debtor_name=name,
        debtor_address=pain008.PostalAddress("3 rue des Tilleuls", "68100", "Mulhouse", "FR"),
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        remittance=f"Cotisation FA-2027-{number:06d} échéance 1",
    )


def build(
    debits: list[pain008.DirectDebit],
    schema: str = pain008.SCHEMAS[0],
    creditor: pain008.Creditor = CREDITOR,
    message_id: str = "M1",
) -> bytes:
    """Written, then validated, as the export does."""
    xml = pain008.write(
        creditor, date(2027, 3, 15), message_id, "2027-02-01T10:00:00", debits, schema
    )
    pain008.validate(xml, schema)
    return xml


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@pytest.mark.parametrize("schema", pain008.SCHEMAS)
def test_file_is_valid_and_exact_to_the_cent(schema: str) -> None:
    debits = [debit(1, 48607, "FRST"), debit(2, 48607), debit(3, 1), debit(4, 145822)]
    xml = build(debits, schema, message_id="STRV-20270201-090000-ab12cd34")
    assert_valid(xml, schema)
    root = ET.fromstring(xml)
    assert local(root.tag) == "Document" and schema in root.tag
    header = next(e for e in root.iter() if local(e.tag) == "GrpHdr")
    values = {local(e.tag): e.text for e in header.iter()}
    assert values["MsgId"] == "STRV-20270201-090000-ab12cd34"
    assert values["NbOfTxs"] == "4"
    assert Decimal(values["CtrlSum"]) == Decimal("2430.37")  # 486,07 × 2 + 0,01 + 1 458,22
    read = pain008.read_transactions(xml)
    assert [t.end_to_end_id for t in read] == [d.end_to_end_id for d in debits]
    assert sorted(t.amount_cents for t in read) == sorted(d.amount_cents for d in debits)
    assert {t.sequence for t in read} == {"FRST", "RCUR"}
    assert all(t.collection_date == date(2027, 3, 15) for t in read)
    batches = [e for e in root.iter() if local(e.tag) == "PmtInf"]
    assert len(batches) == 2  # one batch per sequence type


def test_names_outside_the_sepa_set_are_transliterated_in_the_file() -> None:
    xml = build(
        [debit(1, 1000, name="Boulangerie Müller & Fils — Œuvre «Straße»")],
        creditor=dataclasses.replace(CREDITOR, name="Santé & Travail"),
    )
    assert_valid(xml)
    names = [e.text for e in ET.fromstring(xml).iter() if local(e.tag) == "Nm"]
    assert "Boulangerie Muller + Fils -- OEuvre ((Strasse))" in names
    assert "Sante + Travail" in names
    assert all(set(name) <= ALLOWED for name in names)


def test_an_invalid_file_is_refused_with_its_reasons() -> None:
    bad = dataclasses.replace(debit(1, 1000), iban="NOT AN IBAN")
    with pytest.raises(pain008.SchemaInvalid) as refused:
        build([bad])
    assert "IBAN" in " ".join(refused.value.reasons)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200), st.integers(1, 140))
def test_sepa_text_is_always_in_the_character_set(text: str, length: int) -> None:
    result = to_sepa_text(text, length)
    assert set(result) <= ALLOWED
    assert len(result) <= length
    assert result == result.strip()


def test_plain_names_are_kept_and_others_shown() -> None:
    assert to_sepa_text("ETS DUPONT SARL", 70) == "ETS DUPONT SARL"
    assert transliterated("ETS DUPONT SARL", 70) is None
    assert transliterated("Société Générale", 70) == "Societe Generale"
    assert set(string.ascii_letters) <= ALLOWED
