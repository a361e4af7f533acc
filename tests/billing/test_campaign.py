"""The annual campaign: preview, issue all or nothing, idempotent, cancellable."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import (
    AuditEvent,
    BillingCampaign,
    Instalment,
    Invoice,
    InvoiceLine,
    MemberStatus,
    NumberCounter,
)
from backoffice.services.billing import campaign, campaign_issue
from backoffice.services.billing.campaign import AnomalyKind
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from backoffice.services.progress import Cancelled, Progress
from tests import factories
from tests.billing.builders import declare, mandate


def world(database: Database) -> dict[str, int]:
    """A 2027 tariff; members: two declared, one by direct debit, one with nobody, one who
    has not declared, one ceased, one joined after the year."""
    with database.transaction() as session:
        factories.tariff(session, 2027)
        plain = factories.member(session, legal_name="ALPHA SARL")
        declare(session, plain, 2027, si=10, sir=2)
        sepa = factories.member(session, legal_name="BETA SAS")
        declare(session, sepa, 2027, si=3, sia=1)
        mandate(session, sepa)
        empty = factories.member(session, legal_name="GAMMA EURL")
        declare(session, empty, 2027, si=0)
        silent = factories.member(session, legal_name="DELTA SA")
        ceased = factories.member(
            session, legal_name="EPSILON", status=MemberStatus.CEASED, ceased_on=date(2027, 1, 5)
        )
        declare(session, ceased, 2027, si=4)
        factories.member(session, legal_name="ZETA", joined_on=date(2028, 1, 2))
        return {
            "plain": plain.id,
            "sepa": sepa.id,
            "empty": empty.id,
            "silent": silent.id,
            "ceased": ceased.id,
        }


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_preview_lists_invoices_totals_and_anomalies(database: Database, billing: Actor) -> None:
    ids = world(database)
    with database.session() as session:
        result = campaign.preview(session, billing, 2027)
        assert count(session, Invoice) == 0  # a dry run writes nothing
    by_member = {planned.member_id: planned for planned in result.invoices}
    assert set(by_member) == {ids["plain"], ids["sepa"], ids["empty"]}
    plain = by_member[ids["plain"]].amounts
    assert plain.total_ht_cents == 10 * 10500 + 2 * 12600
    assert plain.discount_cents == 0
    assert plain.vat_cents == 26040
    assert plain.total_ttc_cents == 156240
    sepa = by_member[ids["sepa"]]
    assert sepa.direct_debit and sepa.amounts.discount_cents == 644  # 1.5 % of 429,00 € = 6,435 €
    empty = by_member[ids["empty"]].amounts
    assert [line.amount_cents for line in empty.lines] == [9000]  # the member minimum
    assert [due for due, _ in by_member[ids["plain"]].instalments] == [
        date(2027, 3, 15),
        date(2027, 5, 15),
        date(2027, 7, 15),
    ]
    assert sum(amount for _, amount in by_member[ids["plain"]].instalments) == 156240
    kinds = {(anomaly.kind, anomaly.member_id) for anomaly in result.anomalies}
    assert kinds == {
        (AnomalyKind.NO_DECLARATION, ids["silent"]),
        (AnomalyKind.CEASED, ids["ceased"]),
        (AnomalyKind.NO_EMPLOYEES, ids["empty"]),
    }
    totals = result.totals
    assert totals.invoices == 3
    assert totals.total_ttc_cents == sum(p.amounts.total_ttc_cents for p in result.invoices)
    assert totals.total_ht_cents - totals.discount_cents + totals.vat_cents == (
        totals.total_ttc_cents
    )


def test_a_price_out_of_the_legal_range_is_an_anomaly(database: Database, billing: Actor) -> None:
    with database.transaction() as session:
        factories.tariff(session, 2027, price_sir_cents=15000)  # 130 % of 115,50 €
    with database.session() as session:
        result = campaign.preview(session, billing, 2027)
    [anomaly] = result.anomalies
    assert anomaly.kind == AnomalyKind.PRICE_OUT_OF_RANGE
    assert "SIR" in anomaly.message and "80 %–120 %" in anomaly.message


def test_issue_creates_numbered_invoices_with_exact_schedules(
    database: Database, billing: Actor
) -> None:
    ids = world(database)
    with database.transaction() as session:
        outcome = campaign_issue.issue(session, billing, 2027)
    assert outcome.invoice_count == 3
    assert (outcome.first_number, outcome.last_number) == ("FA-2027-000001", "FA-2027-000003")
    assert outcome.left_out == 2  # no declaration, ceased
    with database.session() as session:
        invoices = session.scalars(select(Invoice).order_by(Invoice.number)).all()
        assert [invoice.number for invoice in invoices] == [
            "FA-2027-000001",
            "FA-2027-000002",
            "FA-2027-000003",
        ]
        # numbers follow the member codes
        assert [invoice.member_id for invoice in invoices] == [
            ids["plain"],
            ids["sepa"],
            ids["empty"],
        ]
        for invoice in invoices:
            assert sum(item.amount_cents for item in invoice.instalments) == (
                invoice.total_ttc_cents
            )
            assert sum(line.amount_cents for line in invoice.lines) == invoice.total_ht_cents
            assert invoice.campaign_id == outcome.campaign_id
            assert invoice.issued_on == date(2027, 2, 10)
            assert invoice.billing_city == "Mulhouse"
        assert [item.amount_cents for item in invoices[0].instalments] == [52080, 52080, 52080]
        assert invoices[1].pays_by_direct_debit and invoices[1].discount_cents == 644
        assert len(invoices[2].instalments) == 1  # 108,00 € is not split below 100,00 €
        stored = session.get(BillingCampaign, outcome.campaign_id)
        assert stored.invoice_count == 3
        assert stored.total_ttc_cents == sum(invoice.total_ttc_cents for invoice in invoices)
        assert session.get(NumberCounter, "invoice-2027").last_number == 3
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "invoice.issue")
        ).all()
        assert {event.member_id for event in events} == {ids["plain"], ids["sepa"], ids["empty"]}
        assert all(event.staff_id == billing.staff_id for event in events)


def test_running_twice_bills_only_the_late_declarations(database: Database, billing: Actor) -> None:
    ids = world(database)
    with database.transaction() as session:
        campaign_issue.issue(session, billing, 2027)
    with database.transaction() as session:
        again = campaign_issue.issue(session, billing, 2027)
    assert again.invoice_count == 0 and again.already_billed == 3
    assert again.campaign_id is None
    with database.transaction() as session:
        declare(session, session.get(factories.Member, ids["silent"]), 2027, si=5)
    with database.session() as session:
        assert [p.member_id for p in campaign.preview(session, billing, 2027).invoices] == [
            ids["silent"]
        ]
    with database.transaction() as session:
        late = campaign_issue.issue(session, billing, 2027)
    assert late.invoice_count == 1 and late.first_number == "FA-2027-000004"
    with database.session() as session:
        assert count(session, Invoice) == 4
        assert count(session, BillingCampaign) == 2


def test_a_year_without_tariff_is_refused_in_french(database: Database, billing: Actor) -> None:
    with database.transaction() as session:
        declare(session, factories.member(session), 2031, si=3)
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        campaign_issue.issue(session, billing, 2031)
    assert "pas de tarif pour 2031" in refused.value.message
    with database.session() as session:
        assert count(session, Invoice) == 0


def test_cancelling_before_the_commit_leaves_nothing(
    database: Database, billing: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    world(database)
    monkeypatch.setattr(campaign, "CHUNK", 2)
    progress = Progress()
    reports = []

    def cancel_after_first_chunk(done: int, total: int, _message: str) -> None:
        reports.append((done, total))
        if done >= 2:
            progress.cancel()

    progress._on_report = cancel_after_first_chunk
    with pytest.raises(Cancelled), database.transaction() as session:
        campaign_issue.issue(session, billing, 2027, progress)
    assert reports[0] == (0, 5)
    with database.session() as session:
        assert count(session, Invoice) == 0
        assert count(session, Instalment) == 0
        assert count(session, BillingCampaign) == 0
        counter = session.get(NumberCounter, "invoice-2027")
        assert counter is None or counter.last_number == 0


def test_a_crash_in_the_middle_leaves_no_invoice_and_no_number(
    database: Database, billing: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    world(database)
    with database.transaction() as session:
        session.add(NumberCounter(series="invoice-2027", last_number=41))
    monkeypatch.setattr(campaign, "CHUNK", 2)
    written = campaign_issue.InvoiceWriter.write

    def crash_on_the_second_chunk(self, planned) -> None:
        if self.count:
            raise RuntimeError("disk full")
        written(self, planned)

    monkeypatch.setattr(campaign_issue.InvoiceWriter, "write", crash_on_the_second_chunk)
    with pytest.raises(RuntimeError), database.transaction() as session:
        campaign_issue.issue(session, billing, 2027)
    with database.session() as session:
        assert count(session, Invoice) == 0
        assert count(session, InvoiceLine) == 0
        assert count(session, Instalment) == 0
        assert session.get(NumberCounter, "invoice-2027").last_number == 41


def test_only_billing_staff_issue(database: Database, actors: dict[str, Actor]) -> None:
    world(database)
    with pytest.raises(PermissionDenied), database.transaction() as session:
        campaign_issue.issue(session, actors["read_only"], 2027)
    with database.session() as session:
        campaign.preview(session, actors["read_only"], 2027)  # reading is allowed


def test_late_issue_keeps_only_the_plan_dates_still_ahead(
    database: Database, billing: Actor
) -> None:
    with database.transaction() as session:
        factories.tariff(session, 2026)  # plan: 15/03, 15/05, 15/07/2026 — all past
        declare(session, factories.member(session), 2026, si=20)
    with database.transaction() as session:
        campaign_issue.issue(session, billing, 2026)
    with database.session() as session:
        invoice = session.scalars(select(Invoice)).one()
        assert [item.due_on for item in invoice.instalments] == [date(2027, 3, 12)]
        assert invoice.number == "FA-2027-000001"  # the series of the year of issue
