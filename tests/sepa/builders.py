"""Test data for direct debits: members with a mandate, invoices with their schedule."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice.db import Database
from backoffice.demo.identifiers import bank_account
from backoffice.models import Instalment, Invoice, InvoiceKind, Member
from backoffice.services.permissions import Actor
from backoffice.services.sepa import collections, mandates, prenotifications, selection
from backoffice.services.sepa.mandates import MandateInfo
from tests import factories

TODAY = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)  # the tests' "now": a Monday
COLLECTION = date(2027, 3, 15)  # a TARGET2 business day, 6 weeks ahead
_numbers = itertools.count(1)
_rng = random.Random(68)


def account() -> tuple[str, str]:
    return bank_account(_rng)


def member_with_mandate(
    session: Session,
    actor: Actor,
    *,
    signed_on: date = date(2025, 6, 1),
    name: str | None = None,
    email: str | None = None,
) -> tuple[Member, MandateInfo]:
    member = factories.member(session, legal_name=name or f"ETS DURAND {next(_numbers)} SARL")
    iban, bic = account()
    mandate = mandates.create_mandate(
        session, actor, member.id, iban, bic, signed_on=signed_on, email=email
    )
    return member, mandate


def invoice(
    session: Session,
    member: Member,
    schedule: list[tuple[date, int]],
    *,
    direct_debit: bool = True,
) -> Invoice:
    """An issued invoice whose TTC is the sum of its instalments (VAT left at 0)."""
    total = sum(amount for _due, amount in schedule)
    number = next(_numbers)
    created = Invoice(
        number=f"FA-2027-{number:06d}",
        kind=InvoiceKind.ANNUAL if number % 2 else InvoiceKind.REGULARISATION,
        member_id=member.id,
        year=2027,
        period_label="Année 2027",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        issued_on=date(2027, 1, 15),
        issued_at=datetime(2027, 1, 15, 9, tzinfo=UTC),
        total_ht_cents=total,
        discount_cents=0,
        discount_rate_bp=0,
        vat_rate_bp=0,
        vat_cents=0,
        total_ttc_cents=total,
        pays_by_direct_debit=direct_debit,
        billing_name=member.legal_name,
        billing_address_line1=member.address_line1,
        billing_postcode=member.postcode,
        billing_city=member.city,
    )
    created.instalments = [
        Instalment(position=position, due_on=due_on, amount_cents=amount)
        for position, (due_on, amount) in enumerate(schedule, start=1)
    ]
    session.add(created)
    session.flush()
    return created


def review(database: Database, actor: Actor, day: date = COLLECTION, **options: Any) -> Any:
    with database.session() as session:
        return selection.review_collection(session, actor, day, **options)


def prenotify(database: Database, actor: Actor, day: date = COLLECTION, **options: Any) -> Any:
    with database.transaction() as session:
        return prenotifications.prenotify(session, actor, day, **options)


def export(database: Database, actor: Actor, day: date = COLLECTION, **options: Any) -> Any:
    with database.transaction() as session:
        return collections.export_collection(session, actor, day, **options)


def count(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def due(database: Database, actor: Actor, *amounts: int) -> list[int]:
    """A member per amount, each with a mandate and one instalment due on COLLECTION;
    returns the members' ids."""
    with database.transaction() as session:
        members = []
        for amount in amounts:
            member, _ = member_with_mandate(session, actor)
            invoice(session, member, [(COLLECTION, amount)])
            members.append(member.id)
        return members


def exported(database: Database, actor: Actor, *amounts: int) -> tuple[list[int], int]:
    """:func:`due`, then the file of COLLECTION exported (on TODAY, a late notice allowed):
    the members' ids and the collection's."""
    from backoffice import clock

    with clock.frozen(TODAY):
        members = due(database, actor, *amounts)
        collection_id = export(database, actor, late_notice=True).collection_id
    return members, collection_id
