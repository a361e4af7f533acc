"""Issue 14.12: no empty instalment is ever planned; a cancel asked during the last progress
report (every row written) still rolls everything back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.models import BillingCampaign, Instalment, Invoice, Member
from backoffice.ops.operation import _Task
from backoffice.services.billing import campaign_issue, schedule
from backoffice.services.permissions import Actor
from backoffice.services.progress import Cancelled, Progress
from tests import factories
from tests.billing.builders import declare

DATES = [date(2027, 3, 15), date(2027, 5, 15), date(2027, 7, 15)]


@pytest.mark.parametrize("minimum", [0, -5, 1])
def test_two_cents_over_three_dates_make_two_instalments_not_empty_ones(minimum: int) -> None:
    assert schedule.plan(2, DATES, minimum) == [(DATES[0], 1), (DATES[1], 1)]


def test_nothing_due_plans_no_instalment() -> None:
    assert schedule.plan(0, DATES, 0) == []


def test_no_planned_instalment_is_empty() -> None:
    for total in range(1, 40):
        for minimum in (0, 1, 7, 10000):
            parts = schedule.plan(total, DATES, minimum)
            assert sum(amount for _day, amount in parts) == total
            assert all(amount > 0 for _day, amount in parts), (total, minimum, parts)


def test_a_cancel_during_the_campaigns_last_report_rolls_it_back(
    database: Database, actors: dict[str, Actor]
) -> None:
    with clock.frozen(datetime(2027, 2, 10, 9, 30, tzinfo=UTC)):
        with database.transaction() as session:
            factories.tariff(session, 2027)
            for si in (3, 8):
                declare(session, factories.member(session), 2027, si=si)
        progress = Progress()
        reports: list[tuple[int, int]] = []

        def cancel_at_the_end(done: int, total: int, _message: str) -> None:
            reports.append((done, total))
            if done == total:  # every member is written: the last report
                progress.cancel()

        progress._on_report = cancel_at_the_end
        with pytest.raises(Cancelled), database.transaction() as session:
            campaign_issue.issue(session, actors["billing"], 2027, progress)
    assert reports[-1] == (2, 2)
    with database.session() as session:
        for model in (Invoice, Instalment, BillingCampaign):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_the_operation_checks_a_cancel_once_more_before_its_commit(database: Database) -> None:
    progress = Progress()

    def work(session: Session, progress: Progress) -> int:
        member = factories.member(session)
        progress.step(1, 1, "done")
        progress.cancel()  # asked while the last report was on its way to the screen
        return member.id

    outcome = _Task(database, work, True, progress, True).execute()
    assert isinstance(outcome.error, Cancelled)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 0
