"""Employees recorded by staff: checked as the portal's requests, their category derived
by the portal's rule, exits cancelling their appointments, every change audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    Employee,
    EmployeeOrigin,
    FollowUpCategory,
    MemberStatus,
)
from backoffice.services.employees import staff_records
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests import factories
from tests.appointments.builders import TUESDAY, Network, at, book

NEW = {
    "civility": "M.",
    "last_name": "Koenig",
    "first_name": "Paul",
    "birth_date": date(1990, 4, 2),
    "pcs_code": "632A",
    "job_title": "Menuisier",
    "hired_on": date(2027, 2, 15),
    "risk_factors": ["travail_nuit"],
    "follow_up_category": "si",
}


def errors_of(refused: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {error.field: error.message for error in refused.value.errors}


def test_a_hire_gets_the_portals_category_and_its_hiring_visit(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    with database.transaction() as session:
        saved = staff_records.add_employee(session, actors["administrative"], world.member.id, NEW)
    assert saved.category == FollowUpCategory.SIA  # night work: SI declared, SIA recorded
    assert saved.hiring_visit  # the VIP a new hire needs
    with database.transaction() as session:
        employee = session.get(Employee, saved.id)
        assert employee.origin == EmployeeOrigin.BACKOFFICE and employee.pcs_code == "632a"
        assert employee.risk_codes == ["travail_nuit"]
        sir = staff_records.add_employee(
            session,
            actors["administrative"],
            world.member.id,
            dict(NEW, first_name="Marc", risk_factors=["amiante"]),
        )
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "employee.add"))
    assert sir.category == FollowUpCategory.SIR
    assert event.member_id == world.member.id and event.after["last_name"] == "Koenig"


def test_bad_employee_values_are_refused_field_by_field(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        staff_records.add_employee(
            session,
            actors["administrative"],
            world.member.id,
            dict(
                NEW,
                first_name="",
                pcs_code="63A",
                civility="Dr",
                birth_date=date(2028, 1, 1),
                risk_factors=["vertige"],
            ),
        )
    assert errors_of(refused) == {
        "first_name": "Prénom : champ obligatoire.",
        "pcs_code": "Code PCS : 63a n'est pas un code PCS-ESE (par exemple 621a).",
        "civility": "Civilité : Dr n'est ni M. ni Mme.",
        "risk_factors": "Risques (DSI) : vertige ne figure pas dans la liste des facteurs "
        "de risque.",
        "hired_on": "Date d'embauche (15/02/2027) ne peut pas précéder Date de naissance "
        "(01/01/2028).",
    }
    with database.transaction() as session:
        staff_records.add_employee(session, actors["administrative"], world.member.id, NEW)
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        staff_records.add_employee(
            session, actors["administrative"], world.member.id, dict(NEW, last_name="KOËNIG")
        )
    assert errors_of(refused) == {
        "last_name": "KOENIG Paul figure déjà parmi les salariés de l'adhérent (embauché le "
        "15/02/2027)."
    }


def test_an_edit_is_checked_against_the_version_opened(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    employee_id = world.employee.id
    with database.session() as session:
        opened = staff_records.employee_detail(session, actors["administrative"], employee_id)
    with database.transaction() as session:
        saved = staff_records.update_employee(
            session,
            actors["administrative"],
            employee_id,
            opened.version,
            {"risk_factors": ["amiante"], "job_title": "Désamiantage"},
        )
    assert saved.category == FollowUpCategory.SIR
    with pytest.raises(Conflict), database.transaction() as session:
        staff_records.update_employee(
            session, actors["administrative"], employee_id, opened.version, {"job_title": "X"}
        )
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        staff_records.update_employee(
            session, actors["administrative"], employee_id, None, {"exited_on": date(2027, 3, 1)}
        )
    assert "Enregistrer la sortie" in refused.value.message
    with database.transaction() as session:  # a risk removed: the category follows
        saved = staff_records.update_employee(
            session,
            actors["administrative"],
            employee_id,
            None,
            {"risk_factors": [], "follow_up_category": "si"},
        )
    assert saved.category == FollowUpCategory.SI


def test_an_exit_cancels_the_future_appointments_and_can_be_undone(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    employee_id = world.employee.id
    book(database, actors["medical_assistant"], world, employee_id, at(TUESDAY, 9))
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        staff_records.exit_employee(
            session, actors["administrative"], employee_id, None, date(2019, 12, 31)
        )
    assert errors_of(refused) == {
        "exited_on": "Date de sortie (31/12/2019) ne peut pas précéder Date d'embauche "
        "(01/09/2020)."
    }
    with pytest.raises(ValidationFailed), database.transaction() as session:
        staff_records.exit_employee(session, actors["administrative"], employee_id, None, None)
    with database.session() as session:
        said = staff_records.exit_consequences(
            session, actors["administrative"], employee_id, date(2027, 3, 1)
        )
    assert said[1] == "1 rendez-vous à venir est annulé."
    with database.transaction() as session:
        exited = staff_records.exit_employee(
            session, actors["administrative"], employee_id, None, date(2027, 3, 1), "Démission"
        )
    assert exited.cancelled_appointments == 1
    with database.session() as session:
        assert session.scalar(select(Appointment.status)) == AppointmentStatus.CANCELLED
        employee = session.get(Employee, employee_id)
        assert (employee.exited_on, employee.exit_reason) == (date(2027, 3, 1), "Démission")
    with database.transaction() as session:
        staff_records.reinstate_employee(session, actors["administrative"], employee_id, None)
    with database.session() as session:
        assert session.get(Employee, employee_id).exited_on is None
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == employee_id)
        ).all()
    assert "employee.exit" in actions and "employee.reinstate" in actions


def test_a_ceased_member_gets_no_employee_and_roles_are_checked(
    database: Database, actors: dict[str, Actor], world: Network
) -> None:
    with database.transaction() as session:
        ceased = factories.member(session, status=MemberStatus.CEASED, ceased_on=date(2026, 12, 31))
        ceased_id = ceased.id
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        staff_records.add_employee(session, actors["administrative"], ceased_id, NEW)
    assert "31/12/2026" in refused.value.message and "retour" in refused.value.message
    for role in ("billing", "medical_assistant", "read_only"):
        with pytest.raises(PermissionDenied), database.transaction() as session:
            staff_records.add_employee(session, actors[role], world.member.id, NEW)
