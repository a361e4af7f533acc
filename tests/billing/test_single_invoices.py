"""Invoices issued one at a time: régularisation, joining fee, quarterly, missed appointment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import (
    Appointment,
    AppointmentStatus,
    FollowUpCategory,
    HealthProfessional,
    Invoice,
    InvoiceKind,
    VisitCentre,
    VisitType,
)
from backoffice.services.billing import single_invoices
from backoffice.services.errors import Conflict, ValidationFailed
from backoffice.services.permissions import Actor
from tests import factories
from tests.billing.builders import declare, mandate

SI, SIA, SIR = FollowUpCategory.SI, FollowUpCategory.SIA, FollowUpCategory.SIR


@pytest.fixture
def member_id(database: Database) -> int:
    with database.transaction() as session:
        factories.tariff(session, 2027)
        member = factories.member(session)
        mandate(session, member)
        return member.id


def stored(database: Database, invoice_id: int) -> Invoice:
    with database.session() as session:
        invoice = session.get(Invoice, invoice_id)
        _ = invoice.lines, invoice.instalments
        return invoice


def test_regularisation_bills_the_hires_at_the_year_prices_without_discount(
    database: Database, billing: Actor, member_id: int
) -> None:
    with database.transaction() as session:
        issued = single_invoices.issue_regularisation(
            session, billing, member_id, 2027, {SI: 2, SIR: 1}
        )
    invoice = stored(database, issued.id)
    assert invoice.kind == InvoiceKind.REGULARISATION and invoice.number == "FA-2027-000001"
    assert [(line.quantity, line.unit_price_cents) for line in invoice.lines] == [
        (2, 10500),
        (1, 12600),
    ]
    assert invoice.total_ht_cents == 33600 and invoice.discount_cents == 0
    assert invoice.vat_cents == 6720 and invoice.total_ttc_cents == 40320
    assert invoice.pays_by_direct_debit  # collected by direct debit, without the discount
    [instalment] = invoice.instalments
    assert instalment.due_on == date(2027, 3, 12)  # 30 days after issue
    assert instalment.amount_cents == 40320


def test_regularisation_facts_count_hires_since_the_declaration(
    database: Database, billing: Actor, member_id: int
) -> None:
    with database.transaction() as session:
        member = session.get(factories.Member, member_id)
        declare(session, member, 2027, si=3)  # declared on 10/02/2027
        factories.employee(session, member_id, hired_on=date(2020, 1, 1))
        factories.employee(session, member_id, hired_on=date(2027, 2, 11))
        factories.employee(session, member_id, hired_on=date(2027, 2, 12), follow_up_category=SIR)
    with database.session() as session:
        facts = single_invoices.headcount_facts(session, billing, member_id, 2027)
    assert facts.declared == {SI: 3, SIA: 0, SIR: 0}
    assert facts.present == {SI: 2, SIA: 0, SIR: 1}
    assert facts.hired_since == {SI: 1, SIA: 0, SIR: 1}


def test_joining_fee_per_new_employee(database: Database, billing: Actor, member_id: int) -> None:
    with database.transaction() as session:
        issued = single_invoices.issue_joining_fee(
            session, billing, member_id, 2027, 3, date(2027, 4, 1)
        )
    invoice = stored(database, issued.id)
    assert invoice.total_ht_cents == 7500 and invoice.total_ttc_cents == 9000
    assert invoice.instalments[0].due_on == date(2027, 4, 1)


def test_quarterly_invoice_once_per_quarter(
    database: Database, billing: Actor, member_id: int
) -> None:
    with database.transaction() as session:
        issued = single_invoices.issue_quarterly(
            session, billing, member_id, 2027, 2, {SI: 4, SIA: 1}
        )
    invoice = stored(database, issued.id)
    assert invoice.period_label == "2e trimestre 2027"
    assert (invoice.period_start, invoice.period_end) == (date(2027, 4, 1), date(2027, 6, 30))
    assert [line.unit_price_cents for line in invoice.lines] == [2625, 2850]  # a quarter
    assert invoice.total_ht_cents == 4 * 2625 + 2850
    with pytest.raises(Conflict, match="2e trimestre 2027"), database.transaction() as session:
        single_invoices.issue_quarterly(session, billing, member_id, 2027, 2, {SI: 4})
    with database.session() as session:
        assert len(session.scalars(select(Invoice)).all()) == 1  # and its number given back


def test_quarter_prices_round_half_up() -> None:
    assert single_invoices.quarter_price(10502) == 2626  # 26,255 → 26,26
    assert single_invoices.quarter_price(10501) == 2625
    assert single_invoices.quarter_period(2027, 4).end == date(2027, 12, 31)


def _absence(session, member_id: int, status: AppointmentStatus) -> int:
    employee = factories.employee(session, member_id)
    centre = VisitCentre(
        code="C1", name="Centre", address_line1="1 rue", postcode="68100", city="Mulhouse"
    )
    doctor = HealthProfessional(kind="doctor", title="Dr", first_name="Anne", last_name="Klein")
    session.add_all([centre, doctor])
    session.flush()
    start = datetime(2027, 1, 20, 8, 30, tzinfo=UTC)
    appointment = Appointment(
        member_id=member_id,
        employee_id=employee.id,
        professional_id=doctor.id,
        centre_id=centre.id,
        visit_type_code=session.scalar(select(VisitType.code).limit(1)),
        starts_at=start,
        ends_at=start + timedelta(minutes=20),
        status=status,
        booked_at=start - timedelta(days=10),
    )
    session.add(appointment)
    session.flush()
    return appointment.id


def test_a_missed_appointment_is_billed_once(
    database: Database, billing: Actor, member_id: int
) -> None:
    with database.transaction() as session:
        absent = _absence(session, member_id, AppointmentStatus.ABSENT)
    with database.session() as session:
        assert [
            row.appointment_id for row in single_invoices.billable_no_shows(session, billing)
        ] == [absent]
    with database.transaction() as session:
        issued = single_invoices.issue_no_show(session, billing, absent)
    invoice = stored(database, issued.id)
    assert invoice.appointment_id == absent
    assert invoice.total_ht_cents == 6000 and invoice.total_ttc_cents == 7200
    assert "Absence non excusée à la visite du 20/01/2027" in invoice.lines[0].label
    with database.session() as session:
        assert single_invoices.billable_no_shows(session, billing) == []
    with pytest.raises(Conflict), database.transaction() as session:
        single_invoices.issue_no_show(session, billing, absent)


def test_an_excused_absence_is_not_billed(
    database: Database, billing: Actor, member_id: int
) -> None:
    with database.transaction() as session:
        excused = _absence(session, member_id, AppointmentStatus.EXCUSED)
    with pytest.raises(ValidationFailed, match="sans excuse"), database.transaction() as session:
        single_invoices.issue_no_show(session, billing, excused)


@pytest.mark.parametrize(
    ("issue", "field"),
    [
        (
            lambda s, a, m: single_invoices.issue_regularisation(s, a, m, 2027, {SI: 0}),
            "headcount_si",
        ),
        (
            lambda s, a, m: single_invoices.issue_regularisation(s, a, m, 2027, {SI: -2}),
            "headcount_si",
        ),
        (lambda s, a, m: single_invoices.issue_joining_fee(s, a, m, 2027, 0), "new_employees"),
        (lambda s, a, m: single_invoices.issue_quarterly(s, a, m, 2027, 5, {SI: 1}), "quarter"),
        (
            lambda s, a, m: single_invoices.issue_joining_fee(s, a, m, 2027, 1, date(2027, 1, 1)),
            "due_on",
        ),
        (lambda s, a, m: single_invoices.issue_joining_fee(s, a, m, 2031, 1), "year"),
    ],
)
def test_bad_single_invoices_are_refused_and_nothing_is_written(
    database: Database, billing: Actor, member_id: int, issue, field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        issue(session, billing, member_id)
    assert refused.value.errors[0].field == field
    with database.session() as session:
        assert session.scalars(select(Invoice)).all() == []
