"""Bank files for the tests, shaped like the banks' (``reports/bank``), about the test
database's service and its direct-debit files."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.models import Instalment, SepaCollection
from backoffice.reports.bank import Movement, Rejected, Statement, camt, cfonb, pain002
from backoffice.reports.sepa import pain008
from backoffice.services import identity as identity_service
from backoffice.services.bank import importing
from backoffice.services.permissions import Actor

XSD = Path(__file__).parent / "xsd"
AFTER = datetime(2027, 3, 18, 9, tzinfo=UTC)  # three days after the collection date
CREDITED = date(2027, 3, 15)  # the collection date: the bank credits the file
_references = itertools.count(1)


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD / f"{name}.xsd")))


def assert_valid(data: bytes, name: str) -> None:
    compiled = schema(name)
    document = etree.fromstring(data)
    assert compiled.validate(document), [str(error) for error in compiled.error_log][:3]


def service_iban(session: Session) -> tuple[str, str]:
    account = identity_service.load(session).direct_debit_account
    assert account is not None
    return account.iban, account.bic


def reference() -> str:
    return f"BQ{next(_references):010d}"


def statement(
    iban: str,
    bic: str,
    movements: Sequence[Movement],
    *,
    day: date,
    opening: int = 1_000_000,
    identifier: str | None = None,
) -> Statement:
    return Statement(
        identifier or f"STMT-{day.isoformat()}",
        iban,
        bic,
        "SERVICE",
        day,
        day,
        opening,
        tuple(movements),
    )


def camt053(statements: Sequence[Statement], version: str = "08") -> bytes:
    data = camt.write(statements, f"camt.053.001.{version}")
    assert_valid(data, f"camt.053.001.{version}")
    return data


def camt054(statements: Sequence[Statement], version: str = "08") -> bytes:
    data = camt.write(statements, f"camt.054.001.{version}")
    assert_valid(data, f"camt.054.001.{version}")
    return data


def cfonb120(statements: Sequence[Statement]) -> bytes:
    return cfonb.write(statements)


def collection_credits(session: Session, collection_id: int, booked_on: date) -> list[Movement]:
    """The bank's credit of a file: one entry per batch (sequence type), with its ids."""
    collection = session.get(SepaCollection, collection_id)
    assert collection is not None
    batches: dict[str, list[int]] = {}
    for item in pain008.read_transactions(collection.xml):
        batches.setdefault(item.sequence, []).append(item.amount_cents)
    return [
        Movement(
            sum(amounts),
            booked_on,
            reference(),
            kind="collection",
            batch_message_id=collection.message_id,
            batch_payment_info_id=f"{collection.message_id[:30]}-{sequence}",
            batch_count=len(amounts),
        )
        for sequence, amounts in batches.items()
    ]


def returned(session: Session, instalment_id: int, code: str, booked_on: date) -> Movement:
    instalment = session.get(Instalment, instalment_id)
    assert instalment is not None and instalment.end_to_end_id
    return Movement(
        -instalment.amount_cents,
        booked_on,
        reference(),
        kind="return",
        name=instalment.invoice.billing_name,
        end_to_end_id=instalment.end_to_end_id,
        return_code=code,
    )


def rejects(session: Session, collection_id: int, items: Sequence[tuple[int, str]]) -> bytes:
    """A pain.002 rejecting these (instalment id, reason) of a file."""
    collection = session.get(SepaCollection, collection_id)
    assert collection is not None
    rows = []
    for instalment_id, code in items:
        instalment = session.get(Instalment, instalment_id)
        assert instalment is not None and instalment.end_to_end_id
        rows.append(
            Rejected(
                instalment.end_to_end_id,
                instalment.amount_cents,
                code,
                collection.collection_date,
                instalment.invoice.billing_name,
                "FR7630004008230001234567819",
            )
        )
    return pain002.write(collection.message_id, collection.schema, rows)


def end_to_end_ids(session: Session, collection_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Instalment.end_to_end_id)
            .where(Instalment.collection_id == collection_id)
            .order_by(Instalment.id)
        )
    )


def run_import(
    database: Database, actor: Actor, *files: tuple[str, bytes], **options: Any
) -> importing.ImportOutcome:
    with database.transaction() as session:
        return importing.import_files(session, actor, list(files), **options)


def credit_statement(
    session: Session, collection_id: int, version: str = "08"
) -> tuple[bytes, list[Movement]]:
    """A camt.053 of the service's account crediting the whole collection on CREDITED, and
    its movements."""
    iban, bic = service_iban(session)
    credits = collection_credits(session, collection_id, CREDITED)
    return camt053([statement(iban, bic, credits, day=CREDITED)], version), credits


def short_by(credits: Sequence[Movement], cents: int) -> list[Movement]:
    """The credits of a collection, each ``cents`` short of what the file asked."""
    return [
        Movement(
            credit.amount_cents - cents,
            credit.booked_on,
            credit.reference,
            kind="collection",
            batch_message_id=credit.batch_message_id,
            batch_payment_info_id=credit.batch_payment_info_id,
        )
        for credit in credits
    ]
