"""Bulk approval of simple changes: many at once, with progress, each request whole or not at
all; what is not simple stays in the queue with its reason; cancelling saves nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import AuditEvent, ChangeKind, ChangeRequest, ChangeStatus, Member
from backoffice.services.changes import claims, decisions
from backoffice.services.permissions import Actor
from backoffice.services.progress import Cancelled, Progress
from tests import changes_support as support


def address(number: int) -> dict[str, object]:
    return {
        "address_line1": f"{number} rue de la Paix",
        "address_line2": None,
        "postcode": "68200",
        "city": "Mulhouse",
    }


def test_two_hundred_address_changes_in_one_go(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owners = [support.member(session) for _ in range(200)]
        simple = [
            support.submit(session, owner, ChangeKind.COMPANY_RECORD, address(n))
            for n, owner in enumerate(owners)
        ]
        bad = support.submit(
            session, owners[0], ChangeKind.COMPANY_RECORD, {**address(1), "postcode": "682"}
        )
        sepa = support.submit(
            session, owners[1], ChangeKind.SEPA_OPT_IN, {"iban": support.IBAN, "bic": support.BIC}
        )
        held = support.submit(
            session, owners[2], ChangeKind.COMPANY_RECORD, {"phone": "0389000012"}
        )
    with database.transaction() as session:
        claims.claim(session, actors["administrator"], held)
    steps: list[tuple[int, int]] = []
    with database.transaction() as session:
        outcome = decisions.approve_many(
            session,
            actors["administrative"],
            [*simple, bad, sepa, held],
            Progress(lambda done, total, _message: steps.append((done, total))),
        )
    assert sorted(outcome.approved) == sorted(simple)
    skipped = dict(outcome.skipped)
    assert set(skipped) == {bad, sepa, held}
    assert skipped[sepa] == (
        "Seules les modifications de fiche entreprise s'approuvent en lot : examinez celle-ci "
        "à part."
    )
    assert skipped[held].startswith("Agent administrator examine cette demande depuis le ")
    assert "682" in skipped[bad]
    assert steps[-1] == (203, 203) and len(steps) >= 1
    with database.session() as session:
        statuses = dict(session.execute(select(ChangeRequest.id, ChangeRequest.status)).all())
        approvals = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "change.approve")
        )
        untouched = session.get(Member, owners[0].id).address_line1
    assert {statuses[i] for i in simple} == {ChangeStatus.APPROVED}
    # the invalid request is left whole: none of its fields approved, its member unchanged
    assert statuses[bad] == statuses[sepa] == statuses[held] == ChangeStatus.PENDING
    assert approvals == 200 and untouched == "3 rue des Tilleuls"
    from backoffice.models import ChangeRequestField, FieldDecision

    with database.session() as session:
        decisions_of_bad = set(
            session.scalars(
                select(ChangeRequestField.decision).where(ChangeRequestField.request_id == bad)
            )
        )
    assert decisions_of_bad == {FieldDecision.PENDING}


def test_cancelling_a_bulk_approval_saves_nothing(
    database: Database, actors: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decisions, "BULK_CHUNK", 10)  # several batches from a few requests
    with database.transaction() as session:
        ids = [
            support.submit(session, support.member(session), ChangeKind.COMPANY_RECORD, address(n))
            for n in range(25)
        ]
    progress = Progress(lambda done, _total, _message: progress.cancel() if done else None)
    with pytest.raises(Cancelled), database.transaction() as session:
        decisions.approve_many(session, actors["administrative"], ids, progress)
    with database.session() as session:
        statuses = set(session.scalars(select(ChangeRequest.status)))
        events = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("change.%"))
        )
    assert statuses == {ChangeStatus.PENDING} and events == 0
