"""Fixtures of the accounting tests: the billing clerk, the clock pinned (moved by each
test through the year), and the FEC checker applied to every FEC the tests produce."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backoffice import clock
from backoffice.services.accounting import fec
from backoffice.services.permissions import Actor
from tests.accounting.builders import START
from tests.accounting.fec_checker import check_fec


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with clock.frozen(START):
        yield


@pytest.fixture
def billing(actors: dict[str, Actor]) -> Actor:
    return actors["billing"]


@pytest.fixture(autouse=True)
def every_fec_checked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each FEC written by a test (service, command line, screen) passes the checker."""
    checked: list[object] = []
    original = fec.export_fec

    def export_and_check(*args: object, **kwargs: object) -> fec.FecOutcome:
        outcome = original(*args, **kwargs)  # type: ignore[arg-type]
        checked.append(check_fec(outcome.path))
        return outcome

    monkeypatch.setattr(fec, "export_fec", export_and_check)
    return checked
