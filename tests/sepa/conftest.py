"""Direct-debit tests run at a fixed "today" (1 February 2027), six weeks before the
collection of 15 March 2027."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backoffice import clock
from tests.sepa.builders import TODAY


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with clock.frozen(TODAY):
        yield
