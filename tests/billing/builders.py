"""Builders for the billing tests: members who declared, pay by direct debit, were billed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import (
    DeclarationSource,
    MandateStatus,
    Member,
    SepaMandate,
    WorkforceDeclaration,
)

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
