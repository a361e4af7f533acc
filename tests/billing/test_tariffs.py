"""Tariffs: the legal price range warning, bad input refused in French, locked once used."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import AuditEvent, Tariff
from backoffice.services.billing import campaign_issue, tariffs
from backoffice.services.billing.tariffs import TariffValues
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import factories
from tests.billing.builders import declare

VALUES = TariffValues(
    year=2028,
    price_si_cents=10500,
    price_sia_cents=11400,
    price_sir_cents=12600,
    joining_fee_cents=2500,
    minimum_per_member_cents=9000,
    no_show_fee_cents=6000,
    vat_rate_bp=2000,
    sepa_discount_bp=150,
    national_average_cost_cents=11550,
    minimum_instalment_cents=10000,
    due_dates=(date(2028, 3, 15), date(2028, 5, 15), date(2028, 7, 15)),
)


def test_prices_within_80_to_120_percent_raise_no_warning() -> None:
    assert tariffs.price_warnings(VALUES) == []
    # exactly 80 % (92,40 €) and exactly 120 % (138,60 €) are within the law
    edges = replace(VALUES, price_si_cents=9240, price_sir_cents=13860)
    assert tariffs.price_warnings(edges) == []


def test_a_price_outside_the_range_is_named_with_the_bounds() -> None:
    low = replace(VALUES, price_si_cents=9239)
    [warning] = tariffs.price_warnings(low)
    assert warning.startswith("Le prix SI (92,39")
    assert "92,40" in warning and "138,60" in warning
    high = replace(VALUES, price_sia_cents=13861, price_sir_cents=20000)
    assert len(tariffs.price_warnings(high)) == 2


def test_create_then_change_a_tariff_with_its_plan(database: Database, billing: Actor) -> None:
    with database.transaction() as session:
        created = tariffs.save_tariff(session, billing, VALUES)
    assert created.values == VALUES and not created.locked
    fewer = replace(VALUES, price_si_cents=10600, due_dates=(date(2028, 4, 1), date(2028, 9, 1)))
    with database.transaction() as session:
        changed = tariffs.save_tariff(
            session, billing, fewer, tariff_id=created.id, expected_version=created.version
        )
    assert changed.values.due_dates == (date(2028, 4, 1), date(2028, 9, 1))
    with database.session() as session:
        assert tariffs.get_tariff(session, billing, 2028).values == fewer
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "tariff.update")
        ).one()
        assert event.before["price_si_cents"] == 10500
        assert event.after["price_si_cents"] == 10600
        assert event.after["due_dates"] == ["2028-04-01", "2028-09-01"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"price_sia_cents": -100}, "price_sia_cents", "ne peut pas être négatif"),
        ({"vat_rate_bp": 12000}, "vat_rate_bp", "entre 0 et 100"),
        (
            {"due_dates": (date(2028, 5, 15), date(2028, 3, 15))},
            "due_dates",
            "croissantes",
        ),
        ({"due_dates": ()}, "due_dates", "au moins une échéance"),
        ({"national_average_cost_cents": 0}, "national_average_cost_cents", "obligatoire"),
    ],
)
def test_bad_tariffs_are_refused_in_french_and_nothing_is_written(
    database: Database, billing: Actor, change: dict, field: str, words: str
) -> None:
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        tariffs.save_tariff(session, billing, replace(VALUES, **change))
    [error] = refused.value.errors
    assert error.field == field
    assert words in error.message
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Tariff)) == 0


def test_one_tariff_per_year(database: Database, billing: Actor) -> None:
    with database.transaction() as session:
        tariffs.save_tariff(session, billing, VALUES)
    with pytest.raises(ValidationFailed, match="existe déjà"), database.transaction() as session:
        tariffs.save_tariff(session, billing, VALUES)


def test_a_tariff_used_by_an_issued_invoice_cannot_change(
    database: Database, billing: Actor
) -> None:
    with database.transaction() as session:
        tariff = factories.tariff(session, 2027)
        declare(session, factories.member(session), 2027, si=4)
        tariff_id = tariff.id
    with database.transaction() as session:
        campaign_issue.issue(session, billing, 2027)
    with database.session() as session:
        info = tariffs.get_tariff(session, billing, 2027)
    assert info.locked and info.invoice_count == 1
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        tariffs.save_tariff(
            session, billing, replace(info.values, price_si_cents=1), tariff_id=tariff_id
        )
    assert "1 factures émises" in refused.value.message
    with database.session() as session:
        assert session.get(Tariff, tariff_id).price_si_cents == 10500


def test_a_stale_form_is_a_conflict(database: Database, billing: Actor) -> None:
    with database.transaction() as session:
        created = tariffs.save_tariff(session, billing, VALUES)
    with database.transaction() as session:
        tariffs.save_tariff(
            session, billing, replace(VALUES, price_si_cents=10000), tariff_id=created.id
        )
    with pytest.raises(Conflict), database.transaction() as session:
        tariffs.save_tariff(
            session, billing, VALUES, tariff_id=created.id, expected_version=created.version
        )


def test_only_billing_staff_change_tariffs(database: Database, actors: dict[str, Actor]) -> None:
    for role in ("administrative", "read_only", "medical_assistant"):
        with pytest.raises(PermissionDenied), database.transaction() as session:
            tariffs.save_tariff(session, actors[role], VALUES)


def test_a_new_year_is_proposed_from_the_previous_one(database: Database, billing: Actor) -> None:
    with database.transaction() as session:
        factories.tariff(session, 2027, price_si_cents=11000)
    with database.session() as session:
        proposal = tariffs.proposal_for(session, billing, 2028)
    assert proposal.year == 2028 and proposal.price_si_cents == 11000
    assert proposal.due_dates == (date(2028, 3, 15), date(2028, 5, 15), date(2028, 7, 15))
