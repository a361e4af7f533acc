"""Fixtures of the billing tests: the clock pinned to 10 February 2027, the billing clerk."""

from __future__ import annotations

import pytest

from backoffice.services.permissions import Actor


@pytest.fixture(autouse=True)
def _on_billing_day(billing_day: None) -> None:
    """Every test here lives on the billing tests' day (``tests/view_fixtures.py``)."""


@pytest.fixture
def billing(actors: dict[str, Actor]) -> Actor:
    return actors["billing"]
