"""To the platform and back: the outbox, the status files read back (CSV and JSON), the
rejections as tasks, the payments reported as « encaissée »."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from backoffice.db import Database
from backoffice.models import EInvoice, EInvoiceEvent, Invoice, Member, PaymentMethod, Setting
from backoffice.services.billing import credit_notes, payments
from backoffice.services.einvoicing import platform, queries
from backoffice.services.errors import NotFound, ValidationFailed
from backoffice.services.permissions import Actor
from tests.billing.builders import billed_member


@pytest.fixture
def outbox(database: Database, tmp_path: Path) -> Path:
    folder = tmp_path / "outbox"
    folder.mkdir()
    with database.transaction() as session:
        session.add(Setting(key="einvoicing.outbox", value=str(folder)))
    return folder


def _numbers(database: Database, *invoice_ids: int) -> list[str]:
    with database.session() as session:
        return [session.get(Invoice, ident).number for ident in invoice_ids]


def _deposit(database: Database, actor: Actor, invoice_ids, notes=()):
    with database.transaction() as session:
        return platform.deposit(session, actor, list(invoice_ids), list(notes))


def test_deposit_writes_one_file_per_document_once(
    database: Database, billing: Actor, outbox: Path
) -> None:
    _m1, first = billed_member(database, billing, si=3)
    _m2, second = billed_member(database, billing, si=5, sepa=True)
    with database.transaction() as session:
        note = credit_notes.issue_credit_note(session, billing, second, "Erreur", 1000).number
        note_id = session.scalar(select(func.max(EInvoice.id)))  # none yet
        assert note_id is None
        from backoffice.models import CreditNote

        note_id = session.scalar(select(CreditNote.id).where(CreditNote.number == note))
    outcome = _deposit(database, billing, [first, second], [note_id])
    numbers = _numbers(database, first, second)
    assert outcome.deposited == [*numbers, note]
    assert sorted(path.name for path in outbox.iterdir()) == sorted(
        f"879514628_{number}.pdf" for number in [*numbers, note]
    )
    again = _deposit(database, billing, [first, second], [note_id])
    assert (again.deposited, again.already) == ([], 3)
    with database.session() as session:
        assert session.scalar(select(func.count(EInvoiceEvent.id))) == 3
        status = queries.invoice_status(session, billing, first)
    assert (status.code, status.label) == (200, "200 Déposée")
    assert [row.source for row in status.history] == ["outbox"]


def test_a_public_body_is_held_back_and_a_failure_takes_the_files_back(
    database: Database, billing: Actor, outbox: Path
) -> None:
    member_id, public = billed_member(database, billing, si=3)
    _m2, first = billed_member(database, billing, si=2)
    _m3, second = billed_member(database, billing, si=4)
    with database.transaction() as session:
        session.execute(update(Member).where(Member.id == member_id).values(naf_code="8411Z"))
    outcome = _deposit(database, billing, [public])
    assert outcome.deposited == [] and "Chorus Pro" in outcome.held[0][1]

    class Failing(platform.OutboxFolder):
        def deposit(self, file_name: str, content: bytes) -> Path:
            if any(self.folder.iterdir()):
                raise OSError("disk full")
            return super().deposit(file_name, content)

    with pytest.raises(OSError), database.transaction() as session:
        platform.deposit(session, billing, [first, second], platform=Failing(outbox))
    assert list(outbox.iterdir()) == []
    with database.session() as session:
        assert session.scalar(select(func.count(EInvoice.id))) == 0


def test_a_status_file_round_trips(database: Database, billing: Actor, outbox: Path) -> None:
    _m1, first = billed_member(database, billing, si=3)
    _m2, second = billed_member(database, billing, si=5)
    _deposit(database, billing, [first, second])
    one, two = _numbers(database, first, second)
    csv_file = (
        "numero;statut;date;motif\n"
        f"{one};202;2027-02-11T09:00:00+01:00;\n"
        f"{one};205;2027-02-12T10:00:00+01:00;\n"
        f"{two};213;2027-02-11T09:05:00+01:00;BR-FR-12 : SIREN du destinataire inconnu\n"
    ).encode()
    with database.transaction() as session:
        outcome = platform.record_statuses(session, billing, "statuts.csv", csv_file)
    assert (outcome.recorded, outcome.already, outcome.tasks) == (3, 0, [two])
    with database.transaction() as session:
        again = platform.record_statuses(session, billing, "statuts.csv", csv_file)
    assert (again.recorded, again.already) == (0, 3)
    with database.session() as session:
        status = queries.invoice_status(session, billing, first)
        assert status.label == "205 Approuvée"
        assert [row.code for row in status.history] == [200, 202, 205]
        [rejected] = queries.rejected(session, billing)
        assert (rejected.number, rejected.reason) == (
            two,
            "BR-FR-12 : SIREN du destinataire inconnu",
        )
        waiting = {row.number for row in queries.waiting(session, billing)}
        assert one not in waiting and two not in waiting
    # the same statuses as JSON change nothing more; a new one is recorded
    json_file = json.dumps(
        {
            "statuts": [
                {"numero": one, "statut": 205, "date": "2027-02-12T10:00:00+01:00"},
                {"numero": one, "statut": 211, "date": "2027-03-01"},
            ]
        }
    ).encode()
    with database.transaction() as session:
        outcome = platform.record_statuses(session, billing, "statuts.json", json_file)
    assert (outcome.recorded, outcome.already) == (1, 1)
    # the rejected invoice deposited again: its task is closed, its status 200
    outcome = _deposit(database, billing, [second])
    assert outcome.deposited == [two]
    with database.session() as session:
        assert queries.rejected(session, billing) == []
        assert queries.invoice_status(session, billing, second).code == 200


def test_bad_status_files_are_refused_whole(
    database: Database, billing: Actor, outbox: Path
) -> None:
    _m1, first = billed_member(database, billing, si=3)
    _deposit(database, billing, [first])
    [number] = _numbers(database, first)
    cases = {
        f"numero;statut;date\n{number};202;2027-02-11\nFA-1999-000001;202;2027-02-11\n": (
            NotFound,
            "statuts.csv, ligne 3 : FA-1999-000001 n'est pas un document déposé",
        ),
        f"numero;statut;date\n{number};999;2027-02-11\n": (
            ValidationFailed,
            "statuts.csv, ligne 2 : « 999 » n'est pas un statut du cycle de vie",
        ),
        f"numero;statut;date\n{number};202;demain\n": (
            ValidationFailed,
            "« demain » n'est pas une date",
        ),
        "numero;statut;date\n": (ValidationFailed, "aucun statut"),
        "[{": (ValidationFailed, "pas un JSON valide"),
    }
    for content, (error, message) in cases.items():
        with pytest.raises(error, match=message), database.transaction() as session:
            platform.record_statuses(session, billing, "statuts.csv", content.encode())
    with database.session() as session:
        assert session.scalar(select(func.count(EInvoiceEvent.id))) == 1  # the deposit only


def test_payments_are_reported_as_collected(
    database: Database, billing: Actor, outbox: Path
) -> None:
    member_id, invoice_id = billed_member(database, billing, si=3)
    _deposit(database, billing, [invoice_id])
    with database.transaction() as session:
        payments.record_payment(
            session,
            billing,
            member_id,
            12_345,
            PaymentMethod.TRANSFER,
            date(2027, 2, 9),
            invoice_id=invoice_id,
        )
        report = platform.report_collections(session, billing)
    assert (report.count, report.amount_cents) == (1, 12_345)
    assert report.file.parent == outbox / "statuts"
    content = json.loads(report.file.read_bytes())
    [number] = _numbers(database, invoice_id)
    assert content["statuts"] == [
        {
            "numero": number,
            "statut": 212,
            "date": "2027-02-09",
            "montant": "123.45",
            "devise": "EUR",
        }
    ]
    with database.transaction() as session:
        assert platform.report_collections(session, billing).count == 0
        status = queries.invoice_status(session, billing, invoice_id)
    assert status.code == 212
    assert [(row.code, row.amount_cents) for row in status.history] == [
        (212, 12_345),  # received the day before it was deposited: history in date order
        (200, None),
    ]
