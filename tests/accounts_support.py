"""Builders shared by the portal accounts tests: a locked account, a firm, text of a PDF."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import AuditEvent, Member, PortalAccount
from backoffice.portal import simulator
from backoffice.services.accounts import firms
from backoffice.services.permissions import Actor
from tests import factories

PORTAL_PASSWORD = "portail-secret"


def member_with_account(session: Session, **overrides: object) -> tuple[Member, PortalAccount]:
    member = factories.member(session, **overrides)
    return member, factories.portal_account(session, member, password=PORTAL_PASSWORD)


def lock(session: Session, login: str, minutes_ago: int = 20) -> None:
    """Five wrong passwords two minutes apart: the portal's default rule locks."""
    start = clock.now() - timedelta(minutes=minutes_ago)
    for attempt in range(5):
        simulator.log_in(session, login, "faux", at=start + timedelta(minutes=2 * attempt))


def locked_member(session: Session, **overrides: object) -> tuple[Member, PortalAccount]:
    member, account = member_with_account(session, **overrides)
    lock(session, account.login)
    assert account.locked_at is not None
    return member, account


def firm_input(**overrides: object) -> firms.FirmInput:
    values: dict[str, object] = {
        "name": "Cabinet Léon Expertise Comptable",
        "address_line1": "8 avenue de Colmar",
        "postcode": "68200",
        "city": "Mulhouse",
        "contact_name": "Marc Léon",
        "email": "contact@cabinet-leon.fr",
        "phone": "03 89 11 22 33",
    }
    values.update(overrides)
    return firms.FirmInput(**values)  # type: ignore[arg-type]


def create_firm(session: Session, actor: Actor, **overrides: object) -> firms.FirmCreated:
    return firms.create_firm(session, actor, firm_input(**overrides))


def audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
