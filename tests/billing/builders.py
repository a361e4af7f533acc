"""Builders for the billing tests: members who declared, pay by direct debit, were billed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    DeclarationSource,
    Instalment,
    Invoice,
    MandateStatus,
    Member,
    Role,
    SepaMandate,
    StaffUser,
    WorkforceDeclaration,
)
from backoffice.services.actors import actor_of
from backoffice.services.billing import campaign_issue, tariffs
from backoffice.services.permissions import Actor
from tests import factories

# The tests live on 10 February 2027, before the 2027 plan's first due date (15 March).
TODAY = datetime(2027, 2, 10, 9, 30, tzinfo=UTC)


def declare(session: Session, member: Member, year: int, si: int, sia: int = 0, sir: int = 0):
    declaration = WorkforceDeclaration(
        member_id=member.id,
        year=year,
        headcount_si=si,
        headcount_sia=sia,
        headcount_sir=sir,
        declared_at=clock.now(),
        source=DeclarationSource.PORTAL,
    )
    session.add(declaration)
    session.flush()
    return declaration


def mandate(session: Session, member: Member, signed_on: date = date(2026, 6, 1)) -> SepaMandate:
    created = SepaMandate(
        member_id=member.id,
        rum=f"STRV-{member.member_code}-001",
        signed_on=signed_on,
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        debtor_name=member.legal_name,
        status=MandateStatus.ACTIVE,
    )
    session.add(created)
    session.flush()
    return created


def billed_member(
    database: Database,
    actor: Actor,
    *,
    si: int = 10,
    sia: int = 0,
    sir: int = 0,
    year: int = 2027,
    sepa: bool = False,
) -> tuple[int, int]:
    """A member who declared and was billed by the campaign: (member id, invoice id)."""
    with database.transaction() as session:
        if tariffs.tariff_for_year(session, year) is None:
            factories.tariff(session, year)
        member = factories.member(session)
        declare(session, member, year, si, sia, sir)
        if sepa:
            mandate(session, member)
        member_id = member.id
    with database.transaction() as session:
        campaign_issue.issue(session, actor, year)
    with database.session() as session:
        invoice_id = session.scalar(
            select(Invoice.id).where(Invoice.member_id == member_id, Invoice.year == year)
        )
    return member_id, invoice_id


def long_overdue(database: Database, actor: Actor) -> tuple[int, int]:
    """:func:`billed_member` (ten SI employees) whose instalments all fell due a year
    earlier: (member id, invoice id)."""
    member_id, invoice_id = billed_member(database, actor, si=10)
    with database.transaction() as session:
        for item in instalments_of(session, invoice_id):
            item.due_on = item.due_on.replace(year=item.due_on.year - 1)
    return member_id, invoice_id


def instalments_of(session: Session, invoice_id: int, *, live: bool = True) -> list[Instalment]:
    statement = select(Instalment).where(Instalment.invoice_id == invoice_id)
    if live:
        statement = statement.where(Instalment.superseded_at.is_(None))
    return list(session.scalars(statement.order_by(Instalment.due_on, Instalment.position)))


def pdf_text(content: bytes) -> list[str]:
    """The text of each page of a PDF, read back with pypdf."""
    return [page.extract_text() for page in PdfReader(BytesIO(content)).pages]


def billing_clerk(database: Database) -> Actor:
    """The database's billing clerk (created the first time): for tests that reuse one
    database over many examples (hypothesis)."""
    with database.transaction() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.role == Role.BILLING))
        return actor_of(user or factories.staff(session, Role.BILLING))


def flat(text: str) -> str:
    """Text read back from a PDF on one line, French no-break spaces made plain spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
