"""Approved changes take effect on their date: each kind applied to the records, its knock-on
effects (employees exited, appointments cancelled, mandate created), ``apply-due``
idempotent, later edits never overwritten, a failing request isolated."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from backoffice import clock
from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.i18n import tr
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    ChangeKind,
    ChangeRequest,
    Employee,
    EmployeeOrigin,
    FollowUpCategory,
    MandateStatus,
    Member,
    MemberStatus,
    SepaMandate,
)
from backoffice.services import members as member_service
from backoffice.services.actors import system_actor
from backoffice.services.changes import apply, decisions, scheduled
from backoffice.services.members import MemberQuery
from backoffice.services.permissions import Actor
from tests import changes_support as support
from tests import factories


def later(days: int) -> object:
    """The clock ``days`` from now (at the same time of day)."""
    return clock.frozen(clock.now() + timedelta(days=days))


def approve(database: Database, actor: Actor, request_id: int) -> None:
    with database.transaction() as session:
        decisions.approve_all(session, actor, request_id)


def apply_due(database: Database) -> apply.ApplyReport:
    with database.transaction() as session:
        return apply.apply_due(session, system_actor(session))


def count(database: Database, statement: object) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(statement.subquery())) or 0  # type: ignore[attr-defined]


def test_a_company_change_applies_the_next_day_once(
    database: Database, actors: dict[str, Actor]
) -> None:
    owner, request_id = support.one_request(
        database,
        ChangeKind.COMPANY_RECORD,
        {
            "postcode": "68000",
            "city": "Colmar",
            "address_line1": "8 rue Vauban",
            "address_line2": None,
        },
    )
    reviewer = actors["administrative"]
    approve(database, reviewer, request_id)
    assert apply_due(database).applied == ()  # not before its date
    with database.session() as session:
        [coming] = scheduled.scheduled_changes(session, reviewer, owner.id)
    assert coming.effective_on == clock.today() + timedelta(days=1)
    assert (tr("City"), "Colmar") in coming.values
    with later(1):
        report = apply_due(database)
        again = apply_due(database)
    assert report.applied == (request_id,) and report.notes == () and report.failed == ()
    assert again.applied == again.failed == ()
    with database.session() as session:
        member = session.get(Member, owner.id)
        assert (member.city, member.postcode, member.address_line1) == (
            "Colmar",
            "68000",
            "8 rue Vauban",
        )
        assert member.version == owner.version + 1
        found = member_service.search_member_ids(session, reviewer, MemberQuery(text="colmar"))
        assert owner.id in found  # the search text follows the new city
        assert scheduled.scheduled_changes(session, reviewer, owner.id) == []
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "change.apply")
        ).all()
    assert len(events) == 1
    assert events[0].actor == "system" and events[0].member_id == owner.id
    assert events[0].before["city"] == "Mulhouse" and events[0].after["city"] == "Colmar"
    assert support.status_of(database, request_id).applied_at is not None


def test_a_field_edited_after_the_approval_is_left_as_it_is(
    database: Database, actors: dict[str, Actor]
) -> None:
    owner, request_id = support.one_request(
        database,
        ChangeKind.COMPANY_RECORD,
        {"phone": "03 89 01 01 01", "contact_name": "Anne Roth"},
    )
    approve(database, actors["administrative"], request_id)
    with database.transaction() as session:  # staff change the phone before the effective date
        member = session.get(Member, owner.id)
        member_service.update_member(
            session, actors["administrator"], owner.id, member.version, {"phone": "03 89 77 77 77"}
        )
    with later(1):
        report = apply_due(database)
    assert report.applied == (request_id,)
    assert report.notes == (
        (
            request_id,
            f"Demande {request_id} : {tr('Phone')} laissé tel quel : il a changé après "
            "l'approbation (maintenant « 03 89 77 77 77 »).",
        ),
    )
    with database.session() as session:
        member = session.get(Member, owner.id)
        assert (member.phone, member.contact_name) == ("03 89 77 77 77", "Anne Roth")


def test_a_cessation_ceases_exits_and_cancels_future_appointments(
    database: Database, actors: dict[str, Actor]
) -> None:
    cessation = clock.today() + timedelta(days=3)
    with database.transaction() as session:
        owner = support.member(session)
        other = support.member(session)
        staff = [factories.employee(session, owner.id) for _ in range(3)]
        gone = factories.employee(session, owner.id, exited_on=date(2023, 6, 30))
        neighbour = factories.employee(session, other.id)
        past = support.appointment(session, owner.id, staff[0].id, clock.now() - timedelta(days=2))
        before_end = support.appointment(
            session, owner.id, staff[1].id, clock.at_local(cessation, time(9))
        )
        after_end = support.appointment(
            session, owner.id, staff[2].id, clock.at_local(cessation + timedelta(days=5), time(9))
        )
        kept = support.appointment(
            session, other.id, neighbour.id, clock.at_local(cessation + timedelta(days=5), time(10))
        )
        request_id = support.submit(
            session,
            owner,
            ChangeKind.SITUATION,
            {"situation": "cessation", "situation_date": cessation},
        )
    reviewer = actors["administrative"]
    with database.session() as session:
        from backoffice.services.changes import review

        detail = review.review_detail(session, reviewer, request_id)
    assert detail.effective_on == cessation
    assert detail.consequences[:3] == (
        f"L'adhérent est enregistré comme ayant cessé son activité le {cessation:%d/%m/%Y} : plus "
        "aucune facture ne lui est émise ensuite (les factures déjà émises restent dues).",
        f"3 salariés sont enregistrés comme sortis le {cessation:%d/%m/%Y}.",
        "1 rendez-vous à venir est annulé.",
    )
    approve(database, reviewer, request_id)
    with later(1):
        assert apply_due(database).applied == ()  # a cessation waits for its own date
    with later(3):
        assert apply_due(database).applied == (request_id,)
    with database.session() as session:
        member = session.get(Member, owner.id)
        assert (member.status, member.ceased_on, member.has_employees) == (
            MemberStatus.CEASED,
            cessation,
            False,
        )
        exits = {
            e.id: e.exited_on
            for e in session.scalars(select(Employee).where(Employee.member_id == owner.id))
        }
        statuses = {a.id: a.status for a in session.scalars(select(Appointment))}
        reason = session.get(Appointment, after_end).cancellation_reason
        assert session.get(Employee, neighbour.id).exited_on is None
    assert exits == {
        staff[0].id: cessation,
        staff[1].id: cessation,
        staff[2].id: cessation,
        gone.id: date(2023, 6, 30),
    }
    assert statuses[after_end] == AppointmentStatus.CANCELLED
    assert statuses[past] == statuses[before_end] == statuses[kept] == AppointmentStatus.CONFIRMED
    assert reason == "Cessation d'activité de l'adhérent"
    with database.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.member_id == owner.id)
        ).all()
    assert actions.count("employee.exit") == 3 and actions.count("appointment.cancel") == 1


def test_no_more_employees_exits_them(database: Database, actors: dict[str, Actor]) -> None:
    on = clock.today() - timedelta(days=10)
    with database.transaction() as session:
        owner = support.member(session)
        worker = factories.employee(session, owner.id)
        request_id = support.submit(
            session,
            owner,
            ChangeKind.SITUATION,
            {"situation": "no_employees", "situation_date": on},
        )
    approve(database, actors["administrative"], request_id)
    with later(1):
        apply_due(database)
    with database.session() as session:
        member = session.get(Member, owner.id)
        assert (member.status, member.has_employees) == (MemberStatus.ACTIVE, False)
        assert session.get(Employee, worker.id).exited_on == on


def test_a_sepa_opt_in_creates_the_mandate(database: Database, actors: dict[str, Actor]) -> None:
    submitted = clock.now() - timedelta(days=2)
    with database.transaction() as session:
        owner = support.member(session)
        previous = SepaMandate(
            member_id=owner.id,
            rum=f"STRV-{owner.member_code}-001",
            signed_on=date(2020, 1, 2),
            iban="FR7610907002372717459860660",
            bic="CCBPFRPP",
            debtor_name=owner.legal_name,
        )
        session.add(previous)
        request_id = support.submit(
            session,
            owner,
            ChangeKind.SEPA_OPT_IN,
            {"iban": support.IBAN, "bic": support.BIC, "email": "compta@exemple.fr"},
            at=submitted,
        )
    reviewer = actors["administrative"]
    approve(database, reviewer, request_id)
    with later(1):
        apply_due(database)
        apply_due(database)
    with database.session() as session:
        mandates = session.scalars(
            select(SepaMandate).where(SepaMandate.member_id == owner.id).order_by(SepaMandate.id)
        ).all()
    assert [m.status for m in mandates] == [MandateStatus.REVOKED, MandateStatus.ACTIVE]
    new = mandates[1]
    assert (new.rum, new.iban, new.bic, new.email) == (
        f"STRV-{owner.member_code}-002",
        support.IBAN,
        support.BIC,
        "compta@exemple.fr",
    )
    assert new.signed_on == clock.local(submitted).date()
    assert new.change_request_id == request_id
    assert new.created_by_id == reviewer.staff_id  # on behalf of the reviewer, by the nightly job


def test_a_new_hire_joins_with_the_category_its_risks_require(
    database: Database, actors: dict[str, Actor]
) -> None:
    owner, request_id = support.one_request(
        database,
        ChangeKind.EMPLOYEE_ADDED,
        {
            "civility": "M.",
            "last_name": "Schwartz",
            "first_name": "Hugo",
            "birth_date": date(1990, 4, 2),
            "pcs_code": "632a",
            "job_title": "Couvreur",
            "hired_on": clock.today() - timedelta(days=3),
            "risk_factors": ["amiante", "travail_nuit"],
            "follow_up_category": "sia",
        },
        has_employees=False,
    )
    reviewer = actors["administrative"]
    with database.session() as session:
        from backoffice.services.changes import review

        detail = review.review_detail(session, reviewer, request_id)
    category = next(f for f in detail.fields if f.name == "follow_up_category")
    assert category.note == "SIA déclaré, mais les risques exigent SIR, qui sera enregistré."
    approve(database, reviewer, request_id)
    with later(1):
        apply_due(database)
    with database.session() as session:
        employee = session.scalar(select(Employee).where(Employee.member_id == owner.id))
        assert (employee.last_name, employee.origin, employee.follow_up_category) == (
            "Schwartz",
            EmployeeOrigin.PORTAL,
            FollowUpCategory.SIR,
        )
        assert employee.risk_codes == ["amiante", "travail_nuit"]
        assert session.get(Member, owner.id).has_employees
        assert session.get(ChangeRequest, request_id).employee_id == employee.id


def test_an_exit_cancels_the_appointments_after_it(
    database: Database, actors: dict[str, Actor]
) -> None:
    exit_day = clock.today() + timedelta(days=10)
    with database.transaction() as session:
        owner = support.member(session)
        worker = factories.employee(session, owner.id)
        before = support.appointment(
            session, owner.id, worker.id, clock.at_local(exit_day, time(8))
        )
        after = support.appointment(
            session, owner.id, worker.id, clock.at_local(exit_day + timedelta(days=1), time(8))
        )
        request_id = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_EXITED,
            {"exited_on": exit_day, "exit_reason": "Fin de CDD"},
            employee_id=worker.id,
        )
    approve(database, actors["administrative"], request_id)
    with later(1):
        apply_due(database)
    with database.session() as session:
        employee = session.get(Employee, worker.id)
        assert (employee.exited_on, employee.exit_reason) == (exit_day, "Fin de CDD")
        assert session.get(Appointment, before).status == AppointmentStatus.CONFIRMED
        assert session.get(Appointment, after).status == AppointmentStatus.CANCELLED


def test_an_update_replaces_the_risks_and_raises_the_category(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        worker = factories.employee(session, owner.id)
        request_id = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_UPDATED,
            {
                "pcs_code": "621g",
                "job_title": "Peintre en bâtiment",
                "risk_factors": ["plomb"],
                "follow_up_category": "sir",
            },
            employee_id=worker.id,
        )
    approve(database, actors["administrative"], request_id)
    with later(1):
        apply_due(database)
    with database.session() as session:
        employee = session.get(Employee, worker.id)
        assert (employee.pcs_code, employee.job_title, employee.follow_up_category) == (
            "621g",
            "Peintre en bâtiment",
            FollowUpCategory.SIR,
        )
        assert employee.risk_codes == ["plomb"]


def test_a_request_that_cannot_apply_is_reported_and_retried(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        owner = support.member(session)
        worker = factories.employee(session, owner.id, hired_on=date(2020, 1, 6))
        exit_id = support.submit(
            session,
            owner,
            ChangeKind.EMPLOYEE_EXITED,
            {"exited_on": date(2024, 3, 1)},
            employee_id=worker.id,
        )
        phone_id = support.submit(
            session, owner, ChangeKind.COMPANY_RECORD, {"phone": "03 89 44 44 44"}
        )
    approve(database, actors["administrative"], exit_id)
    approve(database, actors["administrative"], phone_id)
    with database.transaction() as session:  # the hiring date is corrected after the approval
        session.get(Employee, worker.id).hired_on = date(2024, 6, 1)
    with later(1):
        report = apply_due(database)
        again = apply_due(database)
    assert report.applied == (phone_id,)
    assert [request_id for request_id, _message in report.failed] == [exit_id]
    assert report.failed[0][1].startswith(f"La demande {exit_id} n'a pas pu être appliquée : ")
    assert [request_id for request_id, _message in again.failed] == [exit_id]
    with database.session() as session:
        assert session.get(Member, owner.id).phone == "03 89 44 44 44"
        assert session.get(Employee, worker.id).exited_on is None
    assert support.status_of(database, exit_id).applied_at is None


@pytest.mark.slow
def test_the_command_is_idempotent(
    database: Database,
    actors: dict[str, Actor],
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    staff_password: str,
) -> None:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    owner, request_id = support.one_request(
        database, ChangeKind.COMPANY_RECORD, {"phone": "03 89 55 55 55"}
    )
    approve(database, actors["administrative"], request_id)
    url = database.url.render_as_string(hide_password=False)
    with later(1):
        assert main(["--database", url, "changes", "apply-due"]) == 0
        first = capsys.readouterr().out
        assert main(["--database", url, "changes", "apply-due", "--as", "administrative"]) == 0
        second = capsys.readouterr().out
    assert first.strip() == "1 modification approuvée appliquée."
    assert (
        second.strip()
        == "Rien à appliquer : toutes les modifications approuvées arrivées à échéance sont "
        "déjà appliquées."
    )
    with database.session() as session:
        assert session.get(Member, owner.id).phone == "03 89 55 55 55"
        applied = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "change.apply")
        ).all()
    assert len(applied) == 1


def test_apply_due_reports_nothing_when_nothing_is_due(database: Database) -> None:
    assert apply_due(database) == apply.ApplyReport((), (), ())
