"""Staff identifiers that only look valid: logins with look-alike letters, e-mail
addresses that are not, passwords that are easy to guess (issue 14.9)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import Role, StaffUser
from backoffice.services import staff
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor
from tests.factories import STAFF_PASSWORD


def staff_count(database: Database) -> int:
    """People's accounts (the nightly jobs' system account aside)."""
    people = select(func.count()).select_from(StaffUser).where(StaffUser.role != Role.SYSTEM)
    with database.session() as session:
        return session.scalar(people) or 0


def create(database: Database, actor: Actor, login: str, email: str | None = None) -> None:
    with database.transaction() as session:
        staff.create_staff(session, actor, login, "Nouvelle Recrue", Role.BILLING, email)


@pytest.mark.parametrize(
    ("login", "sentence"),
    [
        ("\u0430dmin", "lettres non accentuées"),  # a Cyrillic « а », beside « admin »
        ("ad\u043cin", "lettres non accentuées"),  # a Cyrillic « м »
        ("hélène", "lettres non accentuées"),
        ("ｊdupont", "lettres non accentuées"),  # full-width
        ("j dupont", "lettres non accentuées"),
        ("ADMINISTRATOR", "déjà utilisé"),  # the same login but for the case
        ("a" * 61, "au plus 60 caractères"),
    ],
)
def test_logins_that_look_like_others_are_refused(
    database: Database, actors: dict[str, Actor], login: str, sentence: str
) -> None:
    before = staff_count(database)
    with pytest.raises(ValidationFailed) as refused:
        create(database, actors["administrator"], login)
    assert refused.value.errors[0].field == "login"
    assert sentence in refused.value.message
    assert staff_count(database) == before


def test_an_ascii_login_is_accepted(database: Database, actors: dict[str, Actor]) -> None:
    create(database, actors["administrator"], "j.dupont-2", "j.dupont@exemple.fr")
    with database.session() as session:
        created = session.scalar(select(StaffUser).where(StaffUser.login == "j.dupont-2"))
        assert created is not None and created.email == "j.dupont@exemple.fr"


@pytest.mark.parametrize("email", ["nope", "a@b", "j dupont@exemple.fr", "@exemple.fr"])
def test_staff_email_must_be_an_address(
    database: Database, actors: dict[str, Actor], email: str
) -> None:
    admin = actors["administrator"]
    with pytest.raises(ValidationFailed) as refused:
        create(database, admin, "nouvelle", email)
    assert refused.value.errors[0].field == "email"
    assert f"{email} n'est pas une adresse e-mail" in refused.value.message
    with database.session() as session:
        target = session.get(StaffUser, actors["billing"].staff_id)
        version = target.version
    with pytest.raises(ValidationFailed), database.transaction() as session:
        staff.update_staff(session, admin, target.id, version, email=email)
    with database.session() as session:
        assert session.get(StaffUser, target.id).email is None


@pytest.mark.parametrize(
    "password",
    [
        " " * 10,  # ten spaces
        " " * 16,
        "aaaaaaaaaaaa",
        "azertyuiop",  # a keyboard row
        "0123456789",
        "motdepasse1",
        "Password123",
        "administrative",  # the login
        "administrative2026",  # the login, a year
    ],
)
def test_weak_passwords_are_refused(
    database: Database, actors: dict[str, Actor], password: str
) -> None:
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        staff.change_own_password(session, actors["administrative"], STAFF_PASSWORD, password)
    assert refused.value.errors[0].field == "password"
    with database.transaction() as session:  # the old one still opens the account
        assert staff.authenticate(session, "administrative", STAFF_PASSWORD).actor is not None


def test_a_strong_password_is_accepted(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session:
        staff.change_own_password(
            session, actors["administrative"], STAFF_PASSWORD, "un-nouveau-mot-2026"
        )
    with database.transaction() as session:
        assert staff.authenticate(session, "administrative", "un-nouveau-mot-2026").actor


def test_the_first_administrator_gets_the_same_rules(database: Database) -> None:
    with pytest.raises(ValidationFailed) as spaces, database.transaction() as session:
        staff.create_first_administrator(session, "chef", "Chef", " " * 12)
    assert spaces.value.errors[0].field == "password"
    with pytest.raises(ValidationFailed) as cyrillic, database.transaction() as session:
        staff.create_first_administrator(session, "\u0441hef", "Chef", "premier-mot-2026")
    assert cyrillic.value.errors[0].field == "login"
    assert staff_count(database) == 0
