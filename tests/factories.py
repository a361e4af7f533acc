"""Small builders for test data: a valid member, employee, staff member, tariff..."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from backoffice import passwords
from backoffice.demo import identity as demo_identity
from backoffice.identity import ServiceIdentity
from backoffice.models import (
    AccountKind,
    Employee,
    FollowUpCategory,
    Member,
    PortalAccount,
    Role,
    StaffUser,
    Tariff,
    TariffInstalmentDate,
)
from backoffice.services.actors import actor_of, system_actor
from backoffice.services.permissions import Actor

STAFF_PASSWORD = "mot-de-passe-test"
_sequence = itertools.count(1)
_staff_hash: str | None = None


def service_identity(session: Session) -> ServiceIdentity:
    """The demo's fictional service, as the tests' databases are configured."""
    return demo_identity.install(session)


def staff_hash() -> str:
    global _staff_hash  # noqa: PLW0603 - hashing once keeps the tests fast
    if _staff_hash is None:
        _staff_hash = passwords.hash_password(STAFF_PASSWORD, light=True)
    return _staff_hash


def staff(session: Session, role: Role, login: str | None = None) -> StaffUser:
    user = StaffUser(
        login=login or f"{role.value}{next(_sequence)}",
        full_name=f"Agent {role.value}",
        role=role,
        password_hash=staff_hash(),
    )
    session.add(user)
    session.flush()
    return user


def system_account(session: Session) -> StaffUser:
    """The nightly jobs' account, as the migrations create it (which cannot log in)."""
    user = StaffUser(
        login="system", full_name="Système (tâches de nuit)", role=Role.SYSTEM, password_hash="!"
    )
    session.add(user)
    session.flush()
    return user


def staff_of_every_role(session: Session) -> dict[str, Actor]:
    """A staff member of every role, its login the role's name; ``system`` is the nightly
    jobs' account the migrations create."""
    actors = {
        role.value: actor_of(staff(session, role, login=role.value))
        for role in Role
        if role != Role.SYSTEM
    }
    return {**actors, Role.SYSTEM.value: system_actor(session)}


def member(session: Session, **overrides: Any) -> Member:
    number = next(_sequence)
    values: dict[str, Any] = {
        "member_code": f"{200000 + number}",
        "legal_name": f"BOULANGERIE MÜLLER {number} SARL",
        "siret": "73282932000074",
        "naf_code": "1071C",
        "joined_on": date(2015, 3, 1),
        "address_line1": "3 rue des Tilleuls",
        "postcode": "68100",
        "city": "Mulhouse",
        "email": f"contact{number}@exemple.fr",
        "phone": "03 89 00 00 00",
    }
    values.update(overrides)
    created = Member(**values)
    session.add(created)
    session.flush()
    return created


def employee(session: Session, member_id: int, **overrides: Any) -> Employee:
    number = next(_sequence)
    values: dict[str, Any] = {
        "member_id": member_id,
        "last_name": f"Dupont{number}",
        "first_name": "Léa",
        "civility": "Mme",
        "pcs_code": "543a",
        "job_title": "Employée administrative",
        "follow_up_category": FollowUpCategory.SI,
        "hired_on": date(2020, 9, 1),
    }
    values.update(overrides)
    created = Employee(**values)
    session.add(created)
    session.flush()
    return created


def portal_account(
    session: Session, member: Member, password: str | None = "portail", **overrides: Any
) -> PortalAccount:
    values: dict[str, Any] = {
        "login": member.member_code,
        "kind": AccountKind.MEMBER,
        "member_id": member.id,
        "password_hash": passwords.hash_password(password, light=True) if password else None,
        "must_change_password": False,
    }
    values.update(overrides)
    account = PortalAccount(**values)
    session.add(account)
    session.flush()
    return account


def tariff(session: Session, year: int, **overrides: Any) -> Tariff:
    values: dict[str, Any] = {
        "year": year,
        "price_si_cents": 10500,
        "price_sia_cents": 11400,
        "price_sir_cents": 12600,
        "joining_fee_cents": 2500,
        "minimum_per_member_cents": 9000,
        "no_show_fee_cents": 6000,
        "vat_rate_bp": 2000,
        "sepa_discount_bp": 150,
        "national_average_cost_cents": 11550,
        "minimum_instalment_cents": 10000,
    }
    values.update(overrides)
    created = Tariff(**values)
    created.instalment_dates = [
        TariffInstalmentDate(position=i, due_on=date(year, month, 15))
        for i, month in enumerate((3, 5, 7), start=1)
    ]
    session.add(created)
    session.flush()
    return created
