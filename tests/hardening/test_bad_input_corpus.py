"""Issue 14: a corpus of bad input given to the services (items 1, 2, 8 and their neighbours).

Each case is a service call as a form or the command line makes it, with what a careless
or hostile person types: absurd amounts, fractions of a cent, numbers that are not
counts, dates in year 1 or 2999, texts longer than their column, identifiers that are not
ones. Each must be refused with its French sentence, and leave the database exactly as
it was (on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.models import PaymentMethod
from backoffice.services import members as member_service
from backoffice.services.accounts import firms
from backoffice.services.billing import (
    credit_notes,
    declarations,
    payments,
    replanning,
    single_invoices,
    tariffs,
)
from backoffice.services.billing.tariffs import AMOUNT_FIELDS
from backoffice.services.errors import ServiceError
from backoffice.services.membership.creation import NewMember, create_member
from backoffice.services.permissions import Actor
from backoffice.services.sepa import mandates
from tests.billing.builders import billed_member
from tests.billing.test_tariffs import VALUES as TARIFF
from tests.hardening.support import database_state

NOW = datetime(2027, 2, 10, 9, 30, tzinfo=UTC)
TODAY = NOW.date()
IBAN = "FR7630006000011234567890189"
BIC = "AGRIFRPP"


@dataclass(frozen=True)
class World:
    """What the calls work on: a member billed by the 2027 campaign, the staff."""

    member_id: int
    invoice_id: int
    version: int
    actors: dict[str, Actor]


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable[[Session, World], Any]
    says: str  # a part of the French sentence


def _pay(amount: object = 10000, received_on: date = TODAY, **options: Any) -> Callable:
    return lambda session, w: payments.record_payment(
        session,
        w.actors["billing"],
        w.member_id,
        amount,  # type: ignore[arg-type]
        PaymentMethod.TRANSFER,
        received_on,
        **options,
    )


def _credit(amount: object = 1000, reason: str = "Erreur de saisie") -> Callable:
    return lambda session, w: credit_notes.issue_credit_note(
        session,
        w.actors["billing"],
        w.invoice_id,
        reason,
        amount,  # type: ignore[arg-type]
    )


def _joining(year: object = 2027, employees: object = 2, due_on: date | None = None) -> Callable:
    return lambda session, w: single_invoices.issue_joining_fee(
        session,
        w.actors["billing"],
        w.member_id,
        year,  # type: ignore[arg-type]
        employees,  # type: ignore[arg-type]
        due_on,
    )


def _replan(dates: list[date], amounts: list[object] | None = None) -> Callable:
    return lambda session, w: replanning.replan(
        session,
        w.actors["billing"],
        w.invoice_id,
        dates,
        amounts,  # type: ignore[arg-type]
    )


def _tariff(**changes: object) -> Callable:
    values = replace(TARIFF, **changes)  # type: ignore[arg-type]
    return lambda session, w: tariffs.save_tariff(session, w.actors["billing"], values)


def _declare(year: object = 2027, si: object = 3, sia: object = 0, sir: object = 0) -> Callable:
    return lambda session, w: declarations.enter_declaration(
        session,
        w.actors["administrative"],
        w.member_id,
        year,  # type: ignore[arg-type]
        si,  # type: ignore[arg-type]
        sia,  # type: ignore[arg-type]
        sir,  # type: ignore[arg-type]
    )


def _mandate(iban: str = IBAN, bic: str = BIC, signed_on: date = date(2026, 6, 1)) -> Callable:
    return lambda session, w: mandates.create_mandate(
        session, w.actors["billing"], w.member_id, iban, bic, signed_on=signed_on
    )


def _edit(**values: object) -> Callable:
    return lambda session, w: member_service.update_member(
        session, w.actors["administrative"], w.member_id, w.version, values
    )


NEW_MEMBER = {
    "legal_name": "MENUISERIE DU RHIN SARL",
    "siret": "73282932000074",
    "joined_on": date(2027, 1, 1),
    "address_line1": "4 rue du Rhin",
    "postcode": "68100",
    "city": "Mulhouse",
}


def _new_member(**changes: object) -> Callable:
    values = NEW_MEMBER | changes
    return lambda session, w: create_member(
        session, w.actors["administrative"], NewMember(values=values)
    )


def _firm(**changes: object) -> Callable:
    values = firms.FirmInput(
        **{"name": "Cabinet Quatorze", "address_line1": "1 rue du Port"}
        | {"postcode": "68100", "city": "Mulhouse"}
        | changes  # type: ignore[arg-type]
    )
    return lambda session, w: firms.create_firm(session, w.actors["administrative"], values)


LONG = "x" * 201
CEILING = "dépasse le plafond"
NOT_CENTS = "n’est pas un nombre entier de centimes"
NOT_A_DAY = "n’est pas une date plausible ici"
NOT_A_YEAR = "n’est pas une année plausible ici"

CASES = [
    # -- 14.8 payments: amounts and dates typed by people --------------------------------
    Case("payment 2^63-1 cents", _pay(2**63 - 1), CEILING),
    Case("payment 10^12 cents", _pay(10**12), CEILING),
    Case("payment just above its ceiling", _pay(payments.PAYMENT_CEILING_CENTS + 1), CEILING),
    Case("payment 100.5 cents", _pay(100.5), NOT_CENTS),
    Case("payment Decimal 100.5", _pay(Decimal("100.5")), NOT_CENTS),
    Case("payment infinity", _pay(float("inf")), NOT_CENTS),
    Case("payment NaN", _pay(float("nan")), NOT_CENTS),
    Case("payment True", _pay(True), NOT_CENTS),
    Case("payment as text", _pay("100"), NOT_CENTS),
    Case("payment of zero", _pay(0), "Le montant doit être positif"),
    Case("payment negative", _pay(-1), "Le montant doit être positif"),
    Case("payment in year 1", _pay(received_on=date(1, 1, 1)), NOT_A_DAY),
    Case("payment in 1900", _pay(received_on=date(1900, 1, 1)), NOT_A_DAY),
    Case("payment eleven years ago", _pay(received_on=date(2016, 2, 9)), NOT_A_DAY),
    Case("payment in 2999", _pay(received_on=date(2999, 1, 1)), "dans le futur"),
    Case("payment tomorrow", _pay(received_on=date(2027, 2, 11)), "dans le futur"),
    Case(
        "payment reference too long",
        _pay(reference="R" * 81),
        "Référence de paiement : 80 caractères au plus (81 saisis).",
    ),
    Case("payment far above the debt", _pay(10**8), "dépasse ce qui est dû"),
    # -- 14.8 credit notes ---------------------------------------------------------------
    Case("credit note 100.5 cents", _credit(100.5), NOT_CENTS),
    Case("credit note Decimal", _credit(Decimal("12.5")), NOT_CENTS),
    Case("credit note True", _credit(True), NOT_CENTS),
    Case("credit note as text", _credit("50"), NOT_CENTS),
    Case("credit note 2^63", _credit(2**63), CEILING),
    Case("credit note negative", _credit(-5), "saisissez plus de 0"),
    Case("credit note zero", _credit(0), "saisissez plus de 0"),
    Case("credit note above what is left", _credit(10**7), "saisissez plus de 0"),
    Case("credit note without reason", _credit(reason="  "), "Motif"),
    Case("credit note reason too long", _credit(reason="m" * 301), "Motif"),
    # -- 14.8 joining fees ---------------------------------------------------------------
    Case("joining fee year -5", _joining(year=-5), NOT_A_YEAR),
    Case("joining fee year 1", _joining(year=1), NOT_A_YEAR),
    Case("joining fee year 2999", _joining(year=2999), NOT_A_YEAR),
    Case("joining fee 0 employees", _joining(employees=0), "Nouveaux salariés : 0"),
    Case("joining fee -3 employees", _joining(employees=-3), "Nouveaux salariés : -3"),
    Case("joining fee 10^9 employees", _joining(employees=10**9), "n'est pas un nombre"),
    Case("joining fee 2.5 employees", _joining(employees=2.5), "n'est pas un nombre"),
    Case("joining fee True employees", _joining(employees=True), "n'est pas un nombre"),
    Case("joining fee due in 1900", _joining(due_on=date(1900, 1, 1)), "est déjà passé."),
    Case("joining fee due in 2999", _joining(due_on=date(2999, 1, 1)), NOT_A_DAY),
    # -- 14.8 re-planning ----------------------------------------------------------------
    Case("replan to 2999", _replan([date(2027, 3, 1), date(2999, 1, 1)]), NOT_A_DAY),
    Case("replan 100.5 cents", _replan([date(2027, 3, 1)], [100.5]), NOT_CENTS),
    Case("replan Decimal", _replan([date(2027, 3, 1)], [Decimal("1.5")]), NOT_CENTS),
    Case("replan 2^63", _replan([date(2027, 3, 1)], [2**63]), CEILING),
    Case(
        "replan a zero instalment",
        _replan([date(2027, 3, 1), date(2027, 4, 1)], [126000, 0]),
        "Nouvel échéancier",
    ),
    Case("replan not adding up", _replan([date(2027, 3, 1)], [100]), "et non les"),
    Case("replan into the past", _replan([date(2027, 1, 1)]), "déjà passée"),
    Case("replan without dates", _replan([]), "au moins une échéance"),
    Case(
        "replan on 13 dates",
        _replan(
            [date(2027, month, 1) for month in range(3, 13)] + [date(2028, 1, d) for d in (1, 2, 3)]
        ),
        "12 échéances au plus",
    ),
    Case("replan decreasing", _replan([date(2027, 5, 1), date(2027, 4, 1)]), "croissantes"),
    # -- 14.8 tariffs --------------------------------------------------------------------
    *(Case(f"tariff {name} 2^63", _tariff(**{name: 2**63}), CEILING) for name in AMOUNT_FIELDS),
    *(Case(f"tariff {name} 100.5", _tariff(**{name: 100.5}), NOT_CENTS) for name in AMOUNT_FIELDS),
    *(
        Case(f"tariff {name} negative", _tariff(**{name: -1}), "ne peut pas être négatif")
        for name in AMOUNT_FIELDS
    ),
    Case("tariff year -5", _tariff(year=-5), NOT_A_YEAR),
    Case("tariff year 1", _tariff(year=1), NOT_A_YEAR),
    Case("tariff year 2999", _tariff(year=2999), NOT_A_YEAR),
    Case("tariff VAT above 100 %", _tariff(vat_rate_bp=10001), "entre 0 et 100"),
    Case("tariff VAT as a float", _tariff(vat_rate_bp=20.5), "entre 0 et 100"),
    Case("tariff discount negative", _tariff(sepa_discount_bp=-1), "entre 0 et 100"),
    # -- 14.8 declarations ---------------------------------------------------------------
    Case("declaration year -5", _declare(year=-5), NOT_A_YEAR),
    Case("declaration year 2999", _declare(year=2999), NOT_A_YEAR),
    Case("declaration year 0", _declare(year=0), NOT_A_YEAR),
    Case("declaration -1 employee", _declare(si=-1), "Salariés en SI : -1"),
    Case("declaration 10^9 employees", _declare(sia=10**9), "Salariés en SIA"),
    Case("declaration 2.5 employees", _declare(sir=2.5), "Salariés en SIR"),
    Case("declaration True employees", _declare(si=True), "Salariés en SI"),
    # -- 14.8 mandates -------------------------------------------------------------------
    Case("mandate signed in 1900", _mandate(signed_on=date(1900, 1, 1)), NOT_A_DAY),
    Case("mandate signed in year 1", _mandate(signed_on=date(1, 1, 1)), NOT_A_DAY),
    Case("mandate signed in 2999", _mandate(signed_on=date(2999, 1, 1)), "dans le futur"),
    Case("mandate IBAN checksum", _mandate(iban="FR7630006000011234567890188"), "IBAN"),
    Case("mandate IBAN full-width wrong", _mandate(iban="ＦＲ７６ ３０００"), "IBAN"),
    Case("mandate BIC garbage", _mandate(bic="NOT A BIC"), "BIC"),
    # -- 14.1 and 14.8 the member's record -----------------------------------------------
    Case("member joins in 2999", _edit(joined_on=date(2999, 1, 1)), "plus d'un an"),
    Case("member joined in 1900", _edit(joined_on=date(1900, 1, 1)), NOT_A_DAY),
    Case("member active since 1700", _edit(activity_started_on=date(1700, 1, 1)), NOT_A_DAY),
    Case("member SIRET of 13 digits", _edit(siret="732 829 320 0007"), "SIRET"),
    Case(
        "member SIRET full-width, wrong key", _edit(siret="７３２８２９３２００００７５"), "SIRET"
    ),
    Case("member postcode of 4 digits", _edit(postcode="6810"), "code postal"),
    Case("member postcode full-width 6 digits", _edit(postcode="６８１００１"), "code postal"),
    Case("member phone as words", _edit(phone="trois"), "téléphone"),
    Case("member legal name 201", _edit(legal_name=LONG), "200 caractères au plus"),
    Case("member city 101", _edit(city="c" * 101), "Ville : 100 caractères au plus"),
    Case("member email 255", _edit(email="e" * 245 + "@exemple.fr"), "254 caractères au plus"),
    Case("member contact 121", _edit(contact_name="n" * 121), "120 caractères au plus"),
    Case("member address 201", _edit(address_line1=LONG), "200 caractères au plus"),
    Case("member billing name 201", _edit(billing_name=LONG), "200 caractères au plus"),
    Case("member legal name blank", _edit(legal_name="   "), "obligatoire"),
    Case("member unknown field", _edit(member_code="X"), "ne peut pas être modifié"),
    # -- 14.1 a new member ---------------------------------------------------------------
    Case("new member name 201", _new_member(legal_name=LONG), "200 caractères au plus"),
    Case("new member SIRET spaced wrong", _new_member(siret="732 829 320 00075"), "SIRET"),
    Case("new member joins in 2999", _new_member(joined_on=date(2999, 1, 1)), "plus d'un an"),
    Case("new member joined in 1900", _new_member(joined_on=date(1900, 1, 1)), NOT_A_DAY),
    Case("new member postcode", _new_member(postcode="ABCDE"), "code postal"),
    # -- 14.1 a firm ---------------------------------------------------------------------
    Case("firm name 201", _firm(name=LONG), "200 caractères au plus"),
    Case("firm SIRET wrong", _firm(siret="732 829 320 00075"), "SIRET"),
    Case("firm postcode", _firm(postcode="681"), "code postal"),
    Case("firm phone", _firm(phone="appelez-moi"), "téléphone"),
    Case("firm city 101", _firm(city="c" * 101), "100 caractères au plus"),
]


@pytest.fixture
def world(database: Database, actors: dict[str, Actor]) -> Iterator[World]:
    with clock.frozen(NOW):
        member_id, invoice_id = billed_member(database, actors["billing"], si=10)
        with database.session() as session:
            from backoffice.models import Member

            version = session.get(Member, member_id).version
        yield World(member_id, invoice_id, version, actors)


def test_the_corpus_has_a_hundred_service_calls() -> None:
    assert len(CASES) >= 100
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_refused_in_french_and_changes_nothing(
    database: Database, world: World, case: Case
) -> None:
    before = database_state(database)
    with pytest.raises(ServiceError) as refused, database.transaction() as session:
        case.call(session, world)
    assert case.says in refused.value.message
    assert database_state(database) == before
