"""Review of portal changes, on the generated database:

- the queue with 10,000 pending requests opens (query, rows, Qt model sorted oldest first),
  beside the driver running the queue's SELECT and fetching its rows (goal ≤ 300 ms);
- bulk approval of 1,000 address changes, beside the same UPDATEs and audit INSERTs sent
  raw with the driver's ``executemany`` (goal ≤ 3×); then their application on the
  effective date, beside the raw UPDATEs of the members.

Requests are added inside a transaction that is rolled back: the cached database is left
as it was.
"""

from __future__ import annotations

import json
import random
import time
from datetime import timedelta

from PySide6.QtCore import Qt
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.models import (
    ChangeKind,
    ChangeRequest,
    ChangeRequestField,
    ChangeStatus,
    Member,
    StaffUser,
)
from backoffice.models.change_requests import change_fingerprint, encode_value
from backoffice.services.actors import actor_of
from backoffice.services.changes import apply, decisions, queue
from bench.common import Context, Result

QUEUE_SIZE = 10_000
BULK_SIZE = 1_000
ADDRESS = ("address_line1", "address_line2", "postcode", "city")


def run(context: Context) -> None:
    for backend in context.backends:
        database = Database(context.database_url(backend))
        try:
            _queue(context, database, backend)
            _bulk(context, database, backend)
        finally:
            database.dispose()


# -- adding requests as the portal would, in bulk ----------------------------------------------


def _add_requests(session: Session, count: int, *, addresses_only: bool) -> list[int]:
    """``count`` pending requests on distinct members (address changes, or every kind)."""
    rng = random.Random(4)
    members = session.execute(
        select(Member.id, Member.member_code, *(getattr(Member, n) for n in ADDRESS)).order_by(
            Member.id
        )
    ).all()
    first_id = (session.scalar(select(func.max(ChangeRequest.id))) or 0) + 1
    field_id = (session.scalar(select(func.max(ChangeRequestField.id))) or 0) + 1
    now = clock.now()
    requests, fields = [], []
    for number in range(count):
        member = members[number % len(members)]
        kind = ChangeKind.COMPANY_RECORD if addresses_only or number % 3 else ChangeKind.SITUATION
        submitted = {
            "address_line1": f"{rng.randint(1, 99)} rue du Bench",
            "address_line2": None,
            "postcode": "68100",
            "city": "Mulhouse",
        }
        if kind == ChangeKind.SITUATION:
            submitted = {"situation": "cessation", "situation_date": encode_value(clock.today())}
        request_id = first_id + number
        requests.append(
            {
                "id": request_id,
                "kind": kind,
                "member_id": member.id,
                "member_code": member.member_code,
                "submitted_at": now - timedelta(minutes=rng.randint(1, 60 * 24 * 30)),
                "member_version_seen": None,
                "fingerprint": change_fingerprint(
                    member.member_code, kind.value, None, {**submitted, "n": str(number)}
                ),
                "status": ChangeStatus.PENDING,
            }
        )
        for position, (name, value) in enumerate(submitted.items()):
            shown = (
                encode_value(getattr(member, name)) if kind == ChangeKind.COMPANY_RECORD else None
            )
            fields.append(
                {
                    "id": field_id,
                    "request_id": request_id,
                    "position": position,
                    "field_name": name,
                    "shown_value": shown,
                    "submitted_value": value,
                }
            )
            field_id += 1
    session.execute(insert(ChangeRequest), requests)
    session.execute(insert(ChangeRequestField), fields)
    return [request["id"] for request in requests]


def _reviewer(session: Session) -> object:
    return actor_of(session.scalar(select(StaffUser).where(StaffUser.login == "gestion")))


def _best(runs: int, work: object) -> float:
    """Best of ``runs`` (the first warms the caches)."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        timings.append(time.perf_counter() - start)
    return min(timings)


# -- the queue -----------------------------------------------------------------------------------


def _queue(context: Context, database: Database, backend: str) -> None:
    from backoffice.views.app import application
    from backoffice.views.changes.queue_columns import SUBMITTED_COLUMN
    from backoffice.views.changes.queue_model import FilterOnlyProxy, QueueModel
    from backoffice.views.widgets.table import DataTable

    application()  # as the application runs: collection on the GUI thread
    with database.session() as session:
        pending = session.scalar(
            select(func.count())
            .select_from(ChangeRequest)
            .where(ChangeRequest.status == ChangeStatus.PENDING)
        )
        _add_requests(session, max(0, QUEUE_SIZE - (pending or 0)), addresses_only=False)
        session.flush()
        actor = _reviewer(session)
        table, model, proxy = DataTable("bench_changes_queue"), QueueModel(), FilterOnlyProxy()
        proxy.setSourceModel(model)
        table.setModel(proxy)

        def open_queue() -> None:
            model.sorted_by = (SUBMITTED_COLUMN, Qt.SortOrder.AscendingOrder)
            model.set_rows(queue.pending_queue(session, actor))
            assert proxy.rowCount() >= QUEUE_SIZE

        statement = queue._statement()  # the queue's own SELECT, run raw
        compiled = statement.compile(
            dialect=session.bind.dialect, compile_kwargs={"literal_binds": True}
        )
        raw = session.connection().connection.driver_connection

        def raw_select() -> None:
            cursor = raw.cursor()
            cursor.execute(str(compiled))
            assert len(cursor.fetchall()) >= QUEUE_SIZE
            cursor.close()

        seconds, baseline = _best(9, open_queue), _best(9, raw_select)
        session.rollback()
    context.add(
        Result(
            f"changes queue, {QUEUE_SIZE} pending, opened",
            backend,
            seconds,
            baseline,
            "driver: the queue's SELECT",
            "≤ 300 ms",
            "meets" if seconds <= 0.3 else "MISSES the goal",
        )
    )


# -- bulk approval and application -----------------------------------------------------------------


def _bulk(context: Context, database: Database, backend: str) -> None:
    with database.transaction() as session:
        ids = _add_requests(session, BULK_SIZE, addresses_only=True)
        session.flush()
        actor = _reviewer(session)
        start = time.perf_counter()
        outcome = decisions.approve_many(session, actor, ids)
        approve_seconds = time.perf_counter() - start
        assert len(outcome.approved) == BULK_SIZE, outcome.skipped[:3]
        approve_raw = _raw_decisions(session, ids, actor.staff_id)
        with clock.frozen(clock.now() + timedelta(days=1)):
            start = time.perf_counter()
            report = apply.apply_requests(session, None, ids)
            apply_seconds = time.perf_counter() - start
        assert len(report.applied) == BULK_SIZE and not report.failed
        apply_raw = _raw_application(session, ids)
        session.rollback()
    context.add(
        Result(
            f"bulk approval of {BULK_SIZE} address changes",
            backend,
            approve_seconds,
            approve_raw,
            "driver executemany: same UPDATEs + audit",
            "≤ 3×",
            "meets" if approve_seconds <= 3 * approve_raw else "MISSES the goal",
        )
    )
    context.add(
        Result(
            f"apply-due of {BULK_SIZE} address changes",
            backend,
            apply_seconds,
            apply_raw,
            "driver executemany: member UPDATEs + audit",
            "≤ 3×",
            "meets" if apply_seconds <= 3 * apply_raw else "MISSES the goal",
        )
    )


def _placeholders(backend_cursor: object, count: int) -> str:
    marker = "?" if type(backend_cursor).__module__.startswith("sqlite3") else "%s"
    return ", ".join([marker] * count)


def _executemany(session: Session, sql: str, rows: list[tuple]) -> float:
    """Run ``sql`` (with ``{}`` for its placeholders) raw, timed."""
    cursor = session.connection().connection.driver_connection.cursor()
    statement = sql.format(_placeholders(cursor, 1).split(", ")[0])
    start = time.perf_counter()
    cursor.executemany(statement, rows)
    elapsed = time.perf_counter() - start
    cursor.close()
    return elapsed


def _audit_rows(ids: list[int], staff_id: int | None, action: str) -> list[tuple]:
    now = clock.now().isoformat()
    before, after = json.dumps({"city": "Mulhouse"}), json.dumps({"city": "Mulhouse"})
    return [
        (now, staff_id, "staff:gestion", action, "change_request", i, i, "bench", before, after)
        for i in ids
    ]


AUDIT_INSERT = (
    "INSERT INTO audit_events (occurred_at, staff_id, actor, action, entity_type, entity_id, "
    "member_id, summary, before, after) VALUES ({0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, {0})"
)


def _raw_decisions(session: Session, ids: list[int], staff_id: int) -> float:
    """The writes of a bulk approval, sent raw (on rows already decided: same work)."""
    now, effective = clock.now(), clock.today() + timedelta(days=1)
    field_ids = session.execute(
        select(ChangeRequestField.id, ChangeRequestField.shown_value).where(
            ChangeRequestField.request_id.in_(ids)
        )
    ).all()
    return (
        _executemany(
            session,
            "UPDATE change_requests SET status = {0}, effective_on = {0}, "
            "rejection_reason = NULL, duplicate_of_id = NULL, reviewed_by_id = {0}, "
            "reviewed_at = {0}, claimed_by_id = NULL, claimed_at = NULL, version = version + 1 "
            "WHERE id = {0}",
            [("approved", effective, staff_id, now, i) for i in ids],
        )
        + _executemany(
            session,
            "UPDATE change_request_fields SET decision = {0}, decision_reason = NULL, "
            "value_at_review = {0} WHERE id = {0}",
            [("approved", shown, field_id) for field_id, shown in field_ids],
        )
        + _executemany(session, AUDIT_INSERT, _audit_rows(ids, staff_id, "change.approve"))
    )


def _raw_application(session: Session, ids: list[int]) -> float:
    members = (
        session.execute(select(ChangeRequest.member_id).where(ChangeRequest.id.in_(ids)))
        .scalars()
        .all()
    )
    now = clock.now()
    return (
        _executemany(
            session,
            "UPDATE members SET address_line1 = {0}, address_line2 = {0}, postcode = {0}, "
            "city = {0}, search_text = {0}, updated_at = {0}, version = version + 1 WHERE id = {0}",
            [
                ("1 rue du Bench", None, "68100", "Mulhouse", "bench", now, member)
                for member in members
            ],
        )
        + _executemany(
            session,
            "UPDATE change_requests SET applied_at = {0}, version = version + 1 WHERE id = {0}",
            [(now, i) for i in ids],
        )
        + _executemany(session, AUDIT_INSERT, _audit_rows(ids, None, "change.apply"))
    )
