"""Builders for the tests of the review of portal changes: a member with its portal
account, requests submitted exactly as the portal does (``portal.simulator``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    AccountingFirm,
    AccountKind,
    Appointment,
    AuditEvent,
    ChangeKind,
    ChangeRequest,
    FirmAccess,
    HealthProfessional,
    Member,
    PortalAccount,
    ProfessionalKind,
    VisitCentre,
)
from backoffice.portal import simulator
from tests import factories

# A real French account (schwifty computes the RIB key) and its bank's BIC.
IBAN = "FR7630006000011234567890189"
BIC = "AGRIFRPP"


def member(session: Session, **overrides: Any) -> Member:
    created = factories.member(session, **overrides)
    factories.portal_account(session, created, password=None)
    return created


def submit(
    session: Session,
    member: Member,
    kind: ChangeKind,
    values: dict[str, object],
    *,
    employee_id: int | None = None,
    at: datetime | None = None,
    login: str | None = None,
) -> int:
    request = simulator.submit_change(
        session,
        login or member.member_code,
        kind,
        values,
        member_code=member.member_code,
        employee_id=employee_id,
        submitted_at=at,
    )
    return request.id


def days_ago(days: int) -> datetime:
    return clock.now() - timedelta(days=days)


def company_change(
    session: Session, owner: Member, values: dict[str, object], days_old: int | None = None
) -> int:
    """A change of ``owner``'s company record sent on the portal (``days_old`` days ago, or
    now): the request's id."""
    at = days_ago(days_old) if days_old is not None else None
    return submit(session, owner, ChangeKind.COMPANY_RECORD, values, at=at)


def sent_twice(
    session: Session, owner: Member, values: dict[str, object], *days_ago_: int
) -> tuple[int, int]:
    """The same company-record change sent by ``owner`` twice, ``days_ago_`` days ago
    (the second one now when only one age is given): the two requests' ids."""
    first, *rest = days_ago_
    first_id = submit(session, owner, ChangeKind.COMPANY_RECORD, values, at=days_ago(first))
    again_at = days_ago(rest[0]) if rest else None
    return first_id, submit(session, owner, ChangeKind.COMPANY_RECORD, values, at=again_at)


def phone_changes(database: Database, count: int, series: int) -> list[int]:
    """``count`` company-record requests of new members (phones « 03 89 00 00 {series}{n} »),
    sent 5, 4, 3… days ago."""
    with database.transaction() as session:
        return [
            submit(
                session,
                member(session),
                ChangeKind.COMPANY_RECORD,
                {"phone": f"03 89 00 00 {series}{n}"},
                at=days_ago(5 - n),
            )
            for n in range(count)
        ]


def firm_for(session: Session, member: Member, code: str = "CAB0001") -> str:
    """An accounting firm acting for ``member``; returns its portal login."""
    firm = AccountingFirm(code=code, name="Cabinet Weber Expertise")
    session.add(firm)
    session.flush()
    session.add(PortalAccount(login=code, kind=AccountKind.FIRM, firm_id=firm.id))
    session.add(
        FirmAccess(
            firm_id=firm.id,
            member_id=member.id,
            consent_on=date(2024, 1, 1),
            granted_at=clock.now(),
        )
    )
    session.flush()
    return code


def appointment(session: Session, member_id: int, employee_id: int, starts_at: datetime) -> int:
    """A confirmed appointment (with the centre and doctor it needs)."""
    centre = session.scalar(select(VisitCentre).limit(1))
    if centre is None:
        centre = VisitCentre(
            code="MUL", name="Mulhouse", address_line1="1 rue", postcode="68100", city="Mulhouse"
        )
        session.add(centre)
    doctor = session.scalar(select(HealthProfessional).limit(1))
    if doctor is None:
        doctor = HealthProfessional(
            kind=ProfessionalKind.DOCTOR, title="Dr", first_name="Anne", last_name="Klein"
        )
        session.add(doctor)
    session.flush()
    booked = Appointment(
        member_id=member_id,
        employee_id=employee_id,
        professional_id=doctor.id,
        centre_id=centre.id,
        visit_type_code="periodique",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        booked_at=clock.now(),
    )
    session.add(booked)
    session.flush()
    return booked.id


def status_of(database: Database, request_id: int) -> ChangeRequest:
    with database.session() as session:
        found = session.get(ChangeRequest, request_id)
        assert found is not None
        session.expunge(found)
        return found


def audit_actions(database: Database, entity_id: int) -> list[str]:
    """The staff decisions recorded on a request, in order."""
    with database.session() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(
                    AuditEvent.entity_type == "change_request",
                    AuditEvent.entity_id == entity_id,
                    AuditEvent.action.like("change.%"),
                )
                .order_by(AuditEvent.id)
            )
        )


def one_request(
    database: Database, kind: ChangeKind, values: dict[str, object], **member_fields: Any
) -> tuple[Member, int]:
    """A new member (with ``member_fields``) and one request submitted for it."""
    with database.transaction() as session:
        owner = member(session, **member_fields)
        return owner, submit(session, owner, kind, values)
