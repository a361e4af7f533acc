"""Splitting an amount into instalments (*échéances*), exactly to the cent.

The rule: every instalment gets the total divided by their number, rounded down to the
cent, and the cents left over go to the **first** instalment. 1 458,22 € in three gives
486,08 € + 486,07 € + 486,07 €, the portal's schedule in ``shared/seeds``. An amount too
small to split sensibly (an instalment below the tariff's minimum) is split into fewer
instalments, down to one, on the earliest due dates.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta


def split(total_cents: int, count: int) -> list[int]:
    """``total_cents`` in ``count`` parts summing exactly to it; the remainder goes first."""
    if count < 1:
        raise ValueError("at least one instalment")
    if total_cents < 0:
        raise ValueError("a negative amount is not split")
    base, remainder = divmod(total_cents, count)
    return [base + remainder, *([base] * (count - 1))]


def sensible_count(total_cents: int, wanted: int, minimum_instalment_cents: int) -> int:
    """How many instalments ``total_cents`` supports, each at least the minimum — and at
    least one cent whatever the minimum (2 cents never make three instalments)."""
    minimum = max(1, minimum_instalment_cents)
    return max(1, min(wanted, total_cents // minimum))


def plan(
    total_cents: int, due_dates: list[date], minimum_instalment_cents: int = 0
) -> list[tuple[date, int]]:
    """The schedule of an invoice: (due date, amount) pairs over the plan's dates, none of
    them empty (nothing is due on an invoice of 0,00 €)."""
    if not due_dates:
        raise ValueError("a plan needs at least one due date")
    if any(later <= earlier for earlier, later in itertools.pairwise(due_dates)):
        raise ValueError("due dates must be increasing")
    if total_cents == 0:
        return []
    count = sensible_count(total_cents, len(due_dates), minimum_instalment_cents)
    return list(zip(due_dates[:count], split(total_cents, count), strict=True))


MIN_NOTICE_DAYS = 14  # a due date closer than this to the issue leaves no time to pay
LATE_ISSUE_DUE_DAYS = 30  # the single due date of an invoice issued after the whole plan


def due_dates_from(plan_dates: list[date], issued_on: date) -> list[date]:
    """The plan's dates still usable for an invoice issued on ``issued_on``: those at least
    :data:`MIN_NOTICE_DAYS` ahead. An invoice issued late in the year (a late declaration)
    keeps the remaining dates; after the last one, it is due 30 days after issue."""
    usable = [day for day in plan_dates if (day - issued_on).days >= MIN_NOTICE_DAYS]
    return usable or [issued_on + timedelta(days=LATE_ISSUE_DUE_DAYS)]
