"""The e-invoicing tests live on the billing tests' day (10 February 2027)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backoffice import clock
from backoffice.services.permissions import Actor
from tests.billing.builders import TODAY


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def billing(actors: dict[str, Actor]) -> Actor:
    return actors["billing"]
