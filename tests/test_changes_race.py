"""Two reviewers at the same moment, on PostgreSQL, each in a process of its own: exactly one
approval wins, the other is told; nothing is applied twice, even by two nightly runs."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import AuditEvent, ChangeKind, ChangeStatus, Member, SepaMandate
from backoffice.services import settings
from backoffice.services.actors import system_actor
from backoffice.services.changes import apply, decisions
from backoffice.services.errors import Conflict
from backoffice.services.permissions import Actor
from tests import changes_support as support

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
HOLD_SECONDS = 0.5  # each winner keeps its transaction open this long: the other must wait


def _approve(url: str, actor: Actor, request_id: int) -> str:
    database = Database(url)
    try:
        with database.transaction() as session:
            outcome = decisions.approve_all(session, actor, request_id)
            time.sleep(HOLD_SECONDS)
        return f"approved:{outcome.status.value}"
    except Conflict as refusal:
        return f"refused:{refusal.message}"
    finally:
        database.dispose()


def _apply_due(url: str, _actor: Actor | None, _request_id: int) -> str:
    database = Database(url)
    try:
        with database.transaction() as session:
            report = apply.apply_due(session, system_actor(session))
            time.sleep(HOLD_SECONDS)
        return ",".join(str(request_id) for request_id in report.applied)
    finally:
        database.dispose()


def _worker(
    work: Callable[[str, Actor | None, int], str],
    url: str,
    actor: Actor | None,
    request_id: int,
    start,
    results,
) -> None:
    start.wait()
    results.put(work(url, actor, request_id))


def race(work: Callable, url: str, pairs: list[tuple[Actor | None, int]]) -> list[str]:
    """Run ``work`` in one process per (actor, request), all released at the same instant."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(len(pairs)), context.Queue()
    processes = [
        context.Process(target=_worker, args=(work, url, actor, request_id, start, results))
        for actor, request_id in pairs
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    return outcomes


def test_two_approvals_racing_exactly_one_wins(pg_database: Database) -> None:
    with pg_database.transaction() as session:
        from tests import factories

        actors = factories.staff_of_every_role(session)
        owner = support.member(session)
        request_id = support.submit(
            session, owner, ChangeKind.SEPA_OPT_IN, {"iban": support.IBAN, "bic": support.BIC}
        )
        settings.put(session, actors["administrator"], "changes.effective_delay_days", 0)
    url = pg_database.url.render_as_string(hide_password=False)
    outcomes = race(
        _approve,
        url,
        [(actors["administrative"], request_id), (actors["administrator"], request_id)],
    )
    assert sorted(outcome.split(":")[0] for outcome in outcomes) == ["approved", "refused"]
    refusal = next(outcome for outcome in outcomes if outcome.startswith("refused"))
    assert "Cette demande a été traitée entre-temps : Approuvée par Agent " in refusal
    with pg_database.session() as session:
        mandates = session.scalar(select(func.count()).select_from(SepaMandate)) or 0
        approvals = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "change.approve")
        )
    assert (mandates, approvals) == (1, 1)  # applied at once, and once only
    assert support.status_of(pg_database, request_id).status == ChangeStatus.APPROVED


def test_two_nightly_runs_apply_each_change_once(pg_database: Database) -> None:
    with pg_database.transaction() as session:
        from tests import factories

        actors = factories.staff_of_every_role(session)
        owners = [support.member(session) for _ in range(6)]
        ids = [
            support.submit(
                session,
                owner,
                ChangeKind.COMPANY_RECORD,
                {
                    "city": f"Ville {n}",
                    "postcode": "68000",
                    "address_line1": "1 rue",
                    "address_line2": None,
                },
            )
            for n, owner in enumerate(owners)
        ]
    for request_id in ids:
        with pg_database.transaction() as session:
            decisions.approve_all(session, actors["administrative"], request_id)
    with pg_database.transaction() as session:
        settings.put(session, actors["administrator"], "changes.effective_delay_days", 0)
    with pg_database.transaction() as session:  # make them due today
        from sqlalchemy import update

        from backoffice import clock
        from backoffice.models import ChangeRequest

        session.execute(update(ChangeRequest).values(effective_on=clock.today()))
    url = pg_database.url.render_as_string(hide_password=False)
    outcomes = race(_apply_due, url, [(None, 0), (None, 0)])
    applied = [int(x) for outcome in outcomes for x in outcome.split(",") if x]
    assert sorted(applied) == sorted(ids)  # shared between the runs, none twice
    with pg_database.session() as session:
        events = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "change.apply")
        )
        versions = session.scalars(
            select(Member.version).where(Member.id.in_([o.id for o in owners]))
        )
        assert set(versions) == {owners[0].version + 1}
    assert events == len(ids)
