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
from lxml import etree

from backoffice.reports.sepa import pain008
from backoffice.reports.sepa.charset import ALLOWED, to_sepa_text, transliterated
from backoffice.reports.sepa.postal_address import split_street
from backoffice.reports.sepa.validation import official_schema
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
    """Built, validated and serialised, as the export does."""
    return pain008.write(
        creditor, date(2027, 3, 15), message_id, "2027-02-01T10:00:00", debits, schema
    )


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


def values(xml: bytes, name: str) -> list[str]:
    return [e.text or "" for e in ET.fromstring(xml).iter() if local(e.tag) == name]


@pytest.mark.parametrize("schema", pain008.SCHEMAS)
def test_addresses_are_structured_as_the_2025_rulebook_requires(schema: str) -> None:
    """Street name and building number apart, postcode, town and country: never the
    unstructured ``AdrLine`` banks refuse from 15 November 2026."""
    xml = build([debit(1, 1000)], schema)
    assert_valid(xml, schema)
    addresses = [e for e in ET.fromstring(xml).iter() if local(e.tag) == "PstlAdr"]
    assert [[local(part.tag) for part in address] for address in addresses] == [
        ["StrtNm", "BldgNb", "PstCd", "TwnNm", "Ctry"]
    ] * 2  # the creditor's, then the debtor's
    assert values(xml, "StrtNm") == ["rue de la Sinne", "rue des Tilleuls"]
    assert values(xml, "BldgNb") == ["12", "3"]
    assert values(xml, "AdrLine") == []


def test_an_address_without_a_town_is_left_out_rather_than_half_written() -> None:
    no_town = pain008.PostalAddress("3 rue des Tilleuls", "68100", None, "FR")
    xml = build([dataclasses.replace(debit(1, 1000), debtor_address=no_town)])
    assert_valid(xml)
    assert len([e for e in ET.fromstring(xml).iter() if local(e.tag) == "PstlAdr"]) == 1
    assert values(xml, "TwnNm") == ["Mulhouse"]  # the creditor's only


@pytest.mark.parametrize(
    ("street", "number", "name"),
    [
        ("12 rue de la Sinne", "12", "rue de la Sinne"),
        ("12 bis rue de la Paix", "12 bis", "rue de la Paix"),
        ("3B avenue Foch", "3B", "avenue Foch"),
        ("3-5, place de la Réunion", "3-5", "place de la Réunion"),
        ("rue du Rhin", None, "rue du Rhin"),
        ("Lieu-dit Le Moulin", None, "Lieu-dit Le Moulin"),
        ("1234567 rue trop longue", None, "1234567 rue trop longue"),
    ],
)
def test_the_building_number_is_taken_from_the_street(
    street: str, number: str | None, name: str
) -> None:
    assert split_street(street) == (number, name)


@pytest.mark.parametrize("schema", pain008.SCHEMAS)
def test_a_debit_without_bic_names_its_bank_not_provided(schema: str) -> None:
    xml = build([dataclasses.replace(debit(1, 1000), bic=None), debit(2, 2000)], schema)
    assert_valid(xml, schema)
    assert values(xml, "BICFI" if schema.endswith("08") else "BIC") == ["AGRIFRPP"] * 2
    assert values(xml, "Id").count("NOTPROVIDED") == 1


def test_each_batch_counts_and_sums_its_own_debits() -> None:
    debits = [debit(1, 100, "FRST"), debit(2, 20000), debit(3, 5, "FRST"), debit(4, 99999)]
    root = etree.fromstring(build(debits))
    batches = {
        batch.findtext(".//{*}SeqTp"): (batch.findtext("{*}NbOfTxs"), batch.findtext("{*}CtrlSum"))
        for batch in root.iter("{*}PmtInf")
    }
    assert batches == {"FRST": ("2", "1.05"), "RCUR": ("2", "1199.99")}
    assert [b.findtext(".//{*}SeqTp") for b in root.iter("{*}PmtInf")] == ["FRST", "RCUR"]
    assert {b.findtext("{*}PmtInfId") for b in root.iter("{*}PmtInf")} == {"M1-FRST", "M1-RCUR"}


def test_the_schema_is_compiled_once_per_process() -> None:
    build([debit(1, 1000)])
    before = official_schema.cache_info()
    build([debit(2, 1000)])
    after = official_schema.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1
