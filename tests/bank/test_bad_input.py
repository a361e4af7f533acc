"""Bad files: one French sentence naming the file (and line or entry), nothing of it
imported; an interrupted import leaves nothing, and running it again finishes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.i18n import set_language
from backoffice.models import Payment
from backoffice.models.bank import BankEntry, BankFile
from backoffice.reports.bank import Movement
from backoffice.services.bank import matching
from backoffice.services.bank.formats import BankFileError, read
from backoffice.services.bank.importing import BankImportRefused
from tests.bank import builders
from tests.bank.builders import AFTER, CREDITED, run_import
from tests.sepa.builders import exported

IBAN = "FR7610278030000002012340151"
BIC = "CMCIFR2A"


@pytest.fixture(autouse=True)
def _french():
    set_language("fr")
    yield
    set_language("en")


def _camt(movements=None, version="08", opening=100_000):
    movements = movements or [Movement(1000, CREDITED, "R1", name="A", remittance="x")]
    return builders.camt053(
        [builders.statement(IBAN, BIC, movements, day=CREDITED, opening=opening)], version
    )


def _cfonb():
    return builders.cfonb120(
        [builders.statement(IBAN, BIC, [Movement(1000, CREDITED, "R1", name="A")], day=CREDITED)]
    )


def _refusal(name, data):
    with pytest.raises(BankFileError) as error:
        read(name, data)
    return str(error.value)


def test_malformed_xml_names_the_file_and_line():
    message = _refusal("releve.xml", _camt()[:-40])
    assert message.startswith("releve.xml, ligne ")
    assert "XML" in message


def test_a_camt_version_we_do_not_read():
    data = _camt().replace(b"camt.053.001.08", b"camt.053.001.04")
    message = _refusal("v4.xml", data)
    assert "v4.xml" in message and "camt.053.001.04" in message


def test_not_a_statement():
    assert "n'est pas un relevé" in _refusal("photo.jpg", b"\xff\xd8\xff\xe0JFIF")
    pain = (
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"/>'
    )
    assert "pain.008.001.08" in _refusal("prelevements.xml", pain)


def test_a_currency_other_than_euro_names_the_entry():
    data = _camt().replace(b'<Amt Ccy="EUR">10.00</Amt>', b'<Amt Ccy="USD">10.00</Amt>')
    message = _refusal("usd.xml", data)
    assert "usd.xml" in message and "écriture 1" in message and "USD" in message


def test_balances_that_do_not_add_up():
    data = _camt().replace(b"1010.00", b"1011.00")  # the closing balance
    message = _refusal("faux.xml", data)
    assert "faux.xml" in message and "soldes" in message


def test_cfonb_line_of_the_wrong_length_and_unknown_record():
    lines = _cfonb().split(b"\r\n")
    short = b"\r\n".join([lines[0], lines[1][:-2], *lines[2:]])
    message = _refusal("releve.txt", short)
    assert message.startswith("releve.txt, ligne 2") and "118" in message
    unknown = b"\r\n".join([lines[0], b"03" + lines[1][2:], *lines[2:]])
    message = _refusal("releve.txt", unknown)
    assert message.startswith("releve.txt, ligne 2") and "03" in message


def test_cfonb_currency_and_balances():
    lines = _cfonb().split(b"\r\n")
    dollars = b"\r\n".join([lines[0], lines[1][:16] + b"USD" + lines[1][19:], *lines[2:]])
    assert "USD" in _refusal("releve.txt", dollars)
    closing = next(line for line in lines if line.startswith(b"07"))
    wrong = closing[:90] + b"0000000999999{" + closing[104:]
    message = _refusal("releve.txt", _cfonb().replace(closing, wrong))
    assert "soldes" in message


def test_a_bad_file_among_good_ones_imports_nothing(database, actors):
    good = _camt()
    bad = _cfonb()[:-10]
    with clock.frozen(AFTER), pytest.raises(BankImportRefused) as refused:
        run_import(database, actors["billing"], ("bon.xml", good), ("mauvais.txt", bad))
    assert "mauvais.txt" in str(refused.value)
    with database.session() as session:
        assert session.scalar(select(func.count(BankEntry.id))) == 0
        assert session.scalar(select(func.count(BankFile.id))) == 0


def test_an_interrupted_import_leaves_nothing_and_the_next_run_finishes(
    database, actors, monkeypatch
):
    billing = actors["billing"]
    _, collection_id = exported(database, billing, 48607, 145822)
    with clock.frozen(AFTER), database.session() as session:
        credits = builders.collection_credits(session, collection_id, CREDITED)
        data = builders.camt053([builders.statement(IBAN, BIC, credits, day=CREDITED)])
    real = matching._collection
    done = []

    def crash_after_recording(session, actor, entry):
        done.append(real(session, actor, entry))  # the payments are written...
        raise KeyboardInterrupt  # ...then the workstation is killed

    monkeypatch.setattr(matching, "_collection", crash_after_recording)
    with clock.frozen(AFTER), pytest.raises(KeyboardInterrupt):
        run_import(database, billing, ("credit.xml", data))
    assert done == [True]
    with database.session() as session:
        assert session.scalar(select(func.count(BankEntry.id))) == 0
        assert session.scalar(select(func.count(Payment.id))) == 0
    monkeypatch.setattr(matching, "_collection", real)
    with clock.frozen(AFTER):
        outcome = run_import(database, billing, ("credit.xml", data))
    assert (outcome.new, outcome.matched, outcome.left) == (len(credits), len(credits), 0)
    with database.session() as session:
        assert session.scalar(select(func.sum(Payment.amount_cents))) == 48607 + 145822
