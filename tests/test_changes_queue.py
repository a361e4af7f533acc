"""The queue of pending portal changes: oldest first, filters, and the flags a reviewer needs
(sent by a firm, out of period, duplicate, member or employee gone, record changed, held)."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import delete, select

from backoffice import clock
from backoffice.db import Database
from backoffice.i18n import tr
from backoffice.models import ChangeKind, Employee, Member, PortalAccount
from backoffice.services import settings
from backoffice.services.changes import claims, queue
from backoffice.services.changes.queue import QueueFilter, QueueFlag
from backoffice.services.errors import PermissionDenied
from backoffice.services.permissions import Actor
from tests import changes_support as support
from tests import factories


def test_oldest_first_with_sender_age_and_fields(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        first = support.member(session)
        second = support.member(session)
        firm = support.firm_for(session, second)
        recent = support.submit(
            session, first, ChangeKind.COMPANY_RECORD, {"phone": "03 89 11 22 33"}
        )
        old = support.submit(
            session,
            second,
            ChangeKind.COMPANY_RECORD,
            {"postcode": "68000", "city": "Colmar"},
            at=support.days_ago(5),
            login=firm,
        )
    with database.session() as session:
        rows = queue.pending_queue(session, actors["billing"])
    assert [row.id for row in rows] == [old, recent]
    assert rows[0].age_days == 5 and rows[1].age_days == 0
    assert rows[0].by_firm and "Cabinet Weber Expertise" in rows[0].submitted_by
    assert not rows[1].by_firm
    assert rows[0].fields == f"{tr('Postcode')}, {tr('City')}"
    assert rows[0].member_code == second.member_code


def test_filters_by_kind_and_age(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        worker = factories.employee(session, owner.id)
        phone = support.company_change(session, owner, {"phone": "0389000001"}, 8)
        exit_ = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_EXITED,
            {"exited_on": date(2025, 6, 30)},
            employee_id=worker.id,
            at=support.days_ago(2),
        )
    with database.session() as session:
        reviewer = actors["administrative"]
        by_kind = queue.pending_queue(
            session, reviewer, QueueFilter(kind=ChangeKind.EMPLOYEE_EXITED)
        )
        old_only = queue.pending_queue(session, reviewer, QueueFilter(min_age_days=7))
        three_days = queue.pending_queue(session, reviewer, QueueFilter(min_age_days=3))
        all_rows = queue.pending_queue(session, reviewer, QueueFilter(min_age_days=2))
    assert [row.id for row in by_kind] == [exit_]
    assert [row.id for row in old_only] == [phone]
    assert [row.id for row in three_days] == [phone]
    assert [row.id for row in all_rows] == [phone, exit_]


def test_employee_requests_sent_in_january_are_out_of_period(
    database: Database, actors: dict[str, Actor]
) -> None:
    january = clock.at_local(date(clock.today().year, 1, 12), time(10))
    with database.transaction() as session:
        owner = support.member(session)
        added = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_ADDED,
            {"last_name": "Keller", "first_name": "Lucie", "hired_on": date(2025, 1, 6)},
            at=january,
        )
        company = support.submit(
            session, owner, ChangeKind.COMPANY_RECORD, {"phone": "0389000002"}, at=january
        )
    with database.session() as session:
        rows = {row.id: row for row in queue.pending_queue(session, actors["administrative"])}
        flagged = queue.pending_queue(
            session, actors["administrative"], QueueFilter(flag=QueueFlag.OUT_OF_PERIOD)
        )
    assert rows[added].out_of_period and not rows[company].out_of_period
    assert [row.id for row in flagged] == [added]
    # The period is a setting shared with the portal: moved to February, January is open.
    with database.transaction() as session:
        settings.put(
            session,
            actors["administrator"],
            "portal.employees_lock_period",
            {"start": "02-01", "end": "02-28"},
        )
    with database.session() as session:
        rows = {row.id: row for row in queue.pending_queue(session, actors["administrative"])}
    assert not rows[added].out_of_period


def test_a_request_submitted_twice_is_flagged_as_duplicate(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        first, again = support.sent_twice(session, owner, {"phone": "0389000003"}, 2, 1)
        other = support.company_change(session, owner, {"phone": "0389000004"})
    with database.session() as session:
        rows = {row.id: row for row in queue.pending_queue(session, actors["administrative"])}
    assert rows[first].duplicate_of is None
    assert rows[again].duplicate_of == first
    assert rows[other].duplicate_of is None


def test_requests_whose_member_or_employee_is_gone_are_flagged(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        leaving = support.member(session)
        worker = factories.employee(session, owner.id)
        update = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_UPDATED,
            {"job_title": "Cariste"},
            employee_id=worker.id,
        )
        orphan = support.company_change(session, leaving, {"city": "Colmar"})
        kept = support.company_change(session, owner, {"city": "Colmar"})
    with database.transaction() as session:
        session.execute(delete(Employee).where(Employee.id == worker.id))
        session.execute(delete(PortalAccount).where(PortalAccount.member_id == leaving.id))
        session.execute(delete(Member).where(Member.id == leaving.id))
    with database.session() as session:
        rows = {row.id: row for row in queue.pending_queue(session, actors["administrative"])}
    assert rows[update].missing and rows[orphan].missing and not rows[kept].missing
    assert rows[orphan].member_code == leaving.member_code  # kept by the request itself


def test_record_changed_and_held_flags(database: Database, actors: dict[str, Actor]) -> None:
    owner, request_id = support.one_request(
        database, ChangeKind.COMPANY_RECORD, {"email": "rh@exemple.fr"}
    )
    with database.transaction() as session:
        session.scalar(select(Member).where(Member.id == owner.id)).phone = "03 89 99 99 99"
    with database.transaction() as session:
        assert claims.claim(session, actors["administrative"], request_id) is None
    with database.session() as session:
        [row] = queue.pending_queue(session, actors["administrator"])
        held = queue.pending_queue(
            session, actors["administrator"], QueueFilter(flag=QueueFlag.HELD)
        )
        refreshed = queue.queue_rows(session, actors["administrator"], [request_id, 999])
    assert row.record_changed
    assert row.held_by == "Agent administrative"
    assert [r.id for r in held] == [request_id]
    assert [r.id for r in refreshed] == [request_id]


def test_medical_assistants_do_not_see_the_queue(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.session() as session, pytest.raises(PermissionDenied):
        queue.pending_queue(session, actors["medical_assistant"])
