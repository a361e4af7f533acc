"""Accounting firms: created with their account and letter, given access to several
members from their consent dates, refused for ceased members, revoked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    AccountingFirm,
    AccountKind,
    AuditEvent,
    ChangeKind,
    FirmAccess,
    MemberStatus,
    PortalAccount,
)
from backoffice.portal import simulator
from backoffice.portal.simulator import LoginOutcome, PortalRefusal
from backoffice.reports.accounts_letter import LetterKind
from backoffice.services.accounts import firms, queries
from backoffice.services.accounts.firms import GrantInput
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import accounts_support as support
from tests import factories


def test_a_new_firm_gets_its_account_and_first_access_letter(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        created = support.create_firm(session, actors["administrative"], siret="732 829 320 00074")
        second = support.create_firm(session, actors["administrative"], name="Fiduciaire Roth")
        assert (created.code, second.code) == ("CAB0001", "CAB0002")
        firm = session.get(AccountingFirm, created.firm_id)
        assert firm.siret == "73282932000074" and firm.city == "Mulhouse"
        account = session.scalar(select(PortalAccount).where(PortalAccount.firm_id == firm.id))
        assert (account.login, account.kind) == ("CAB0001", AccountKind.FIRM)
        assert created.access.kind == LetterKind.FIRST_ACCESS and created.access.letter.is_firm
        assert created.access.letter.address.lines == (
            "Cabinet Léon Expertise Comptable",
            "À l'attention de Marc Léon",
            "8 avenue de Colmar",
            "68200 Mulhouse",
        )
        assert simulator.log_in(session, "CAB0001", created.access.temporary_password) == (
            LoginOutcome.MUST_CHANGE_PASSWORD
        )
        assert session.scalar(
            select(AuditEvent.action).where(AuditEvent.entity_type == "accounting_firm")
        ) == ("accounts.firm_create")


def test_bad_firms_are_refused_field_by_field_and_nothing_is_written(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        factories.member(session, member_code="CABX01")
        with pytest.raises(ValidationFailed) as refused:
            support.create_firm(
                session,
                actors["administrative"],
                name=" ",
                email="cabinet-at-leon.fr",
                postcode="6820",
                siret="12345678901234",
                code="cabx01",
            )
        fields = {error.field for error in refused.value.errors}
        assert fields == {"name", "email", "postcode", "siret", "code"}
        message = refused.value.message
        assert "Nom du cabinet" in message and "cabinet-at-leon.fr" in message
        assert "CABX01 est déjà un identifiant du portail" in message
        assert session.scalar(select(func.count()).select_from(AccountingFirm)) == 0
        assert session.scalar(select(func.count()).select_from(PortalAccount)) == 0


def test_a_firm_acts_for_several_members_from_their_consent_until_revoked(
    database: Database, actors: dict[str, Actor]
) -> None:
    staff = actors["administrative"]
    with database.transaction() as session:
        created = support.create_firm(session, staff)
        clients = [support.member_with_account(session)[0] for _ in range(3)]
        consent = [clock.today() - timedelta(days=days) for days in (40, 3, 0)]
        granted = firms.grant_access(
            session,
            staff,
            created.firm_id,
            [GrantInput(m.member_code, day) for m, day in zip(clients, consent, strict=True)],
        )
        assert [g.consent_on for g in granted] == consent
        simulator.complete_first_login(
            session, created.code, created.access.temporary_password, "cabinet68", "a@b.fr"
        )
        # The firm submits for each of its clients on the portal.
        for client in clients:
            simulator.submit_change(
                session,
                created.code,
                ChangeKind.COMPANY_RECORD,
                {"phone": "03 89 99 99 99"},
                member_code=client.member_code,
            )
        # Who acts for whom, from both sides.
        firm_row, *member_rows = queries.account_rows(
            session,
            staff,
            [
                session.scalar(select(PortalAccount.id).where(PortalAccount.login == created.code)),
                *[
                    session.scalar(select(PortalAccount.id).where(PortalAccount.member_id == m.id))
                    for m in clients
                ],
            ],
        )
        assert firm_row.acts_for == tuple(sorted(m.member_code for m in clients))
        assert {row.acts_for for row in member_rows} == {(created.code,)}
        firms.revoke_access(session, staff, granted[0].access_id, "Fin de mission")
        with pytest.raises(PortalRefusal):
            simulator.submit_change(
                session,
                created.code,
                ChangeKind.COMPANY_RECORD,
                {"phone": "03 89 99 99 98"},
                member_code=clients[0].member_code,
            )
        with pytest.raises(Conflict) as twice:
            firms.revoke_access(session, staff, granted[0].access_id)
        assert "a déjà été retiré" in twice.value.message
        revoked = session.get(FirmAccess, granted[0].access_id)
        assert revoked.revoke_reason == "Fin de mission" and revoked.revoked_by_id == staff.staff_id
        # Revoked, the pair can be granted again (a new consent), and the history stays.
        firms.grant_access(
            session, staff, created.firm_id, [GrantInput(clients[0].member_code, clock.today())]
        )
        assert session.scalar(select(func.count()).select_from(FirmAccess)) == 4
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "accounting_firm")
        ).all()
        assert actions.count("accounts.firm_grant") == 4
        assert actions.count("accounts.firm_revoke") == 1


def test_a_firm_is_refused_a_ceased_member_and_nothing_is_granted(
    database: Database, actors: dict[str, Actor]
) -> None:
    staff = actors["administrative"]
    with database.transaction() as session:
        created = support.create_firm(session, staff)
        active = factories.member(session)
        ceased = factories.member(session, status=MemberStatus.CEASED, ceased_on=date(2025, 12, 31))
        already = factories.member(session)
        firms.grant_access(
            session, staff, created.firm_id, [GrantInput(already.member_code, clock.today())]
        )
        tomorrow = clock.today() + timedelta(days=1)
        with pytest.raises(ValidationFailed) as refused:
            firms.grant_access(
                session,
                staff,
                created.firm_id,
                [
                    GrantInput(active.member_code, clock.today()),
                    GrantInput(ceased.member_code, clock.today()),
                    GrantInput(already.member_code, clock.today()),
                    GrantInput(active.member_code, tomorrow),
                    GrantInput("424242", clock.today()),
                ],
            )
        message = refused.value.message
        assert f"{ceased.member_code} ({ceased.legal_name}) a cessé son activité le 31/12/2025" in (
            message
        )
        assert f"agit déjà pour l'adhérent {already.member_code}" in message
        assert f"L'adhérent {active.member_code} figure deux fois" in message
        assert "il n'y a pas d'adhérent avec le code 424242" in message
        with pytest.raises(ValidationFailed) as future:
            firms.grant_access(
                session, staff, created.firm_id, [GrantInput(active.member_code, tomorrow)]
            )
        assert "est dans le futur" in future.value.message
        with pytest.raises(ValidationFailed):
            firms.grant_access(session, staff, created.firm_id, [])
        assert session.scalar(select(func.count()).select_from(FirmAccess)) == 1


def test_firm_details_are_corrected_with_their_version(
    database: Database, actors: dict[str, Actor]
) -> None:
    staff = actors["administrator"]
    with database.transaction() as session:
        created = support.create_firm(session, staff)
        firm = session.get(AccountingFirm, created.firm_id)
        firms.update_firm(
            session,
            staff,
            firm.id,
            firm.version,
            support.firm_input(city="Colmar", postcode="68000"),
        )
        assert (firm.city, firm.postcode, firm.code) == ("Colmar", "68000", "CAB0001")
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "accounts.firm_update")
        )
        assert event.before == {"postcode": "68200", "city": "Mulhouse"}
        with pytest.raises(Conflict):
            firms.update_firm(session, staff, firm.id, firm.version - 1, support.firm_input())
        with pytest.raises(ValidationFailed):
            firms.update_firm(session, staff, firm.id, firm.version, support.firm_input(city=""))
        assert firm.city == "Colmar"


def test_firms_are_managed_by_administrative_staff_and_administrators_only(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        for role in ("billing", "medical_assistant", "read_only"):
            with pytest.raises(PermissionDenied):
                support.create_firm(session, actors[role])
        assert session.scalar(select(func.count()).select_from(AccountingFirm)) == 0
