"""``backoffice demo``: fill an empty database with a realistic service, relative to today.

Bulk rows (members, employees, invoices, schedules, payments) go through SQLAlchemy Core
in chunks, so memory stays flat whatever the number of members; what the portal does
(changes, requests, failed logins) goes through the portal simulator, as in production.
"""

from __future__ import annotations

import random
import time as timer
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backoffice import clock, passwords
from backoffice.db import Database
from backoffice.demo import bank
from backoffice.demo import identity as service_identity
from backoffice.demo import members as member_rows
from backoffice.demo.accounting import keep_books
from backoffice.demo.agenda import EmployeePool, book_agenda, build_care_network
from backoffice.demo.billing import BillingHistory, BillingIds, YearPlan
from backoffice.demo.bulk import BulkWriter, analyze, collection_paused, reset_sequences
from backoffice.demo.members import MemberFactory
from backoffice.demo.people import NamePools
from backoffice.demo.portal_activity import PortalActivity
from backoffice.i18n import tr
from backoffice.models import (
    Appointment,
    BillingCampaign,
    Document,
    DocumentTheme,
    Employee,
    Instalment,
    Invoice,
    Member,
    NumberCounter,
    Payment,
    PortalAccount,
    RiskFactor,
    Role,
    SepaMandate,
    StaffUser,
    Tariff,
    TariffInstalmentDate,
)
from backoffice.models.employees import FollowUpCategory
from backoffice.services import audit
from backoffice.services.billing.pricing import Prices

STAFF_PASSWORD = "demo2026"
PORTAL_PASSWORD = "portail68"
DEMO_STAFF = [
    ("admin", Role.ADMINISTRATOR, "Claire Schmitt"),
    ("gestion", Role.ADMINISTRATIVE, "Julie Meyer"),
    ("compta", Role.BILLING, "Marc Weber"),
    ("assistante", Role.MEDICAL_ASSISTANT, "Sophie Muller"),
    ("lecture", Role.READ_ONLY, "Paul Keller"),
]
CHUNK = 1000
LARGE_MEMBER_INDEX = 7  # one member with 2,000 employees once the demo is large enough


class DemoRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DemoOptions:
    members: int = 400
    seed: int = 2026
    bank_folder: Path | None = None  # where to leave the month's bank files (none: not made)


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    staff: list[tuple[str, Role]] = field(default_factory=list)
    staff_password: str = STAFF_PASSWORD
    portal_password: str = PORTAL_PASSWORD
    locked_accounts: list[str] = field(default_factory=list)
    firm_logins: list[str] = field(default_factory=list)
    bank_files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


Progress = Callable[[float, str], None]


def generate(
    database: Database, options: DemoOptions, progress: Progress | None = None
) -> DemoSummary:
    with collection_paused():
        return _generate(database, options, progress or (lambda _fraction, _message: None))


def _generate(database: Database, options: DemoOptions, report: Progress) -> DemoSummary:
    started = timer.perf_counter()
    rng = random.Random(options.seed)
    today = clock.today()
    summary = DemoSummary(staff=[(login, role) for login, role, _name in DEMO_STAFF])
    with database.transaction() as session:
        if session.scalar(select(func.count()).select_from(Member)):
            raise DemoRefused(
                tr(
                    "The database already holds members: the demo only fills an "
                    "empty database (use --reset to start again)."
                )
            )
        demo_logins = [login for login, _role, _name in DEMO_STAFF]
        if session.scalar(select(func.count()).where(StaffUser.login.in_(demo_logins))):
            raise DemoRefused(
                tr(
                    "The database already holds the demo's staff accounts (a demo stopped "
                    "before its end?): use --reset to start again."
                )
            )
        staff_ids = _staff(session)
        service_identity.install(session)
        pools = NamePools.build(options.seed)
        network = build_care_network(session, rng, pools, options.members)
        plans = _tariffs(session, today, staff_ids["compta"])
        member_rows.RISK_CATEGORY.update(
            {risk.code: risk.category for risk in session.scalars(select(RiskFactor))}
        )
    portal_hash = passwords.hash_password(PORTAL_PASSWORD, light=True)
    pool = EmployeePool(capacity=3000, rng=rng)
    with database.transaction() as session:
        writer = BulkWriter(session.connection())
        factory = MemberFactory(
            rng,
            pools,
            today,
            portal_hash,
            network.doctors_by_centre,
            [plan.year for plan in plans],
        )
        billing = _bulk_members(writer, factory, plans, pool, options, staff_ids, report)
        _close_campaigns(session, plans, billing)
        report(0.82, tr("Booking the agenda"))
        book_agenda(
            writer,
            rng,
            network,
            pool,
            today,
            staff_ids["assistante"],
            writer.next_id(Appointment.__table__),
        )
        reset_sequences(session.connection())
        analyze(session.connection())
        summary.counts.update(writer.counts)
    report(0.86, tr("Keeping the books"))
    with database.transaction() as session:
        summary.counts["journal_entries"] = keep_books(session, today, staff_ids["compta"])
        # The other tables were analysed after their load; the books only add these.
        analyze(session.connection(), ("journal_entries", "journal_lines"))
    report(0.9, tr("Replaying the portal's activity"))
    with database.transaction() as session:
        activity = PortalActivity(session, rng, pools, today, portal_hash, staff_ids["gestion"])
        _portal_activity(
            activity, summary, pool, options.members, billing.totals.undeclared_member_ids
        )
        _documents(session, staff_ids["admin"])
        audit.record(
            session,
            "system",
            "demo.generate",
            "database",
            None,
            summary=f"{options.members} members, seed {options.seed}",
        )
    if options.bank_folder is not None:
        report(0.96, tr("Writing the month's bank files"))
        with database.transaction() as session:
            month = bank.write_month(session, options.bank_folder, rng, staff_ids["compta"])
        summary.bank_files = month.files
    report(1.0, tr("Demo ready"))
    summary.seconds = timer.perf_counter() - started
    return summary


def _bulk_members(
    writer: BulkWriter,
    factory: MemberFactory,
    plans: list[YearPlan],
    pool: EmployeePool,
    options: DemoOptions,
    staff_ids: dict[str, int],
    report: Progress,
) -> BillingHistory:
    """Members and everything they own, written a chunk at a time."""
    ids = {
        table: writer.next_id(model.__table__)
        for table, model in (
            ("member", Member),
            ("employee", Employee),
            ("account", PortalAccount),
            ("mandate", SepaMandate),
        )
    }
    billing = BillingHistory(
        factory.rng,
        factory.today,
        plans,
        BillingIds(
            invoice=writer.next_id(Invoice.__table__),
            instalment=writer.next_id(Instalment.__table__),
            payment=writer.next_id(Payment.__table__),
        ),
        staff_ids["compta"],
    )
    for index in range(options.members):
        large = index == LARGE_MEMBER_INDEX and options.members >= 1000
        facts = factory.build(
            writer,
            ids["member"],
            ids["employee"],
            ids["account"],
            ids["mandate"],
            employee_count=2000 if large else None,
        )
        ids["member"] += 1
        ids["employee"] += facts.employee_count
        ids["account"] += 1
        ids["mandate"] += 1 if facts.mandate_row else 0
        billing.bill(writer, facts)
        if facts.mandate_row is not None:  # with the collections the billing presented
            writer.add("sepa_mandates", facts.mandate_row)
        pool.offer(facts, facts.code)
        if (index + 1) % CHUNK == 0:
            writer.flush(background=True)
            report(
                0.8 * (index + 1) / options.members, tr("{count} members written", count=index + 1)
            )
    writer.flush()
    return billing


def _portal_activity(
    activity: PortalActivity,
    summary: DemoSummary,
    pool: EmployeePool,
    member_count: int,
    undeclared: list[int],
) -> None:
    scale = max(1, member_count // 400)
    summary.firm_logins = activity.accounting_firms(min(3 * scale, 60))
    summary.counts["change_requests"] = activity.submit_changes(min(24 * scale, 2500))
    activity.special_cases()
    summary.counts["late_declarations"] = activity.late_declarations(undeclared)
    summary.counts["appointment_requests"] = activity.appointment_requests(
        pool, min(12 * scale, 1500)
    )
    summary.counts["cancellation_requests"] = activity.cancellation_requests(min(3 * scale, 200))
    summary.locked_accounts = activity.lock_accounts(min(4 + scale, 15))
    activity.pending_access(min(3 * scale, 30))


def _staff(session: Session) -> dict[str, int]:
    password_hash = passwords.hash_password(STAFF_PASSWORD, light=True)
    ids = {}
    for login, role, name in DEMO_STAFF:
        user = StaffUser(
            login=login,
            full_name=name,
            role=role,
            password_hash=password_hash,
            email=f"{login}@sante-travail-rv.fr",
        )
        session.add(user)
        session.flush()
        ids[login] = user.id
    return ids


def current_year_plan(today: date) -> list[date]:
    """Three due dates, two months apart, the last a few weeks ahead (for the demo's
    direct debits and reminders to be due now, whatever the day it runs)."""
    ahead = today + timedelta(days=20)
    last = date(ahead.year, ahead.month, 15)
    if last < ahead:
        last = _add_months(last, 1)
    return [_add_months(last, -4), _add_months(last, -2), last]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)


def _tariffs(session: Session, today: date, staff_id: int) -> list[YearPlan]:
    plans = []
    for year in range(today.year - 2, today.year + 2):
        growth = Decimal("1.02") ** (year - 2025)  # demo figures: prices grow 2 % a year
        cents = {
            category: int((base * growth).quantize(Decimal(10)))
            for category, base in (
                (FollowUpCategory.SI, 10500),
                (FollowUpCategory.SIA, 11400),
                (FollowUpCategory.SIR, 12600),
            )
        }
        due = (
            current_year_plan(today)
            if year == today.year
            else [date(year, 3, 15), date(year, 5, 15), date(year, 7, 15)]
        )
        tariff = Tariff(
            year=year,
            price_si_cents=cents[FollowUpCategory.SI],
            price_sia_cents=cents[FollowUpCategory.SIA],
            price_sir_cents=cents[FollowUpCategory.SIR],
            joining_fee_cents=2500,
            minimum_per_member_cents=9000,
            no_show_fee_cents=6000,
            vat_rate_bp=2000,
            sepa_discount_bp=150,
            national_average_cost_cents=int((11550 * growth).quantize(Decimal(1))),
            minimum_instalment_cents=10000,
            instalment_dates=[
                TariffInstalmentDate(position=i, due_on=d) for i, d in enumerate(due, start=1)
            ],
        )
        session.add(tariff)
        session.flush()
        if year > today.year:
            continue  # next year's tariff is ready; its campaign is not run yet
        issue_on = _add_months(due[0], -1)
        campaign = BillingCampaign(
            year=year,
            issued_at=clock.at_local(issue_on, time(9)),
            issued_by_id=staff_id,
            invoice_count=0,
            total_ttc_cents=0,
        )
        session.add(campaign)
        session.flush()
        plans.append(
            YearPlan(
                year=year,
                tariff_id=tariff.id,
                campaign_id=campaign.id,
                prices=Prices(
                    cents,
                    tariff.minimum_per_member_cents,
                    tariff.vat_rate_bp,
                    tariff.sepa_discount_bp,
                ),
                issue_on=issue_on,
                due_dates=due,
                minimum_instalment_cents=tariff.minimum_instalment_cents,
            )
        )
    return plans


def _close_campaigns(session: Session, plans: list[YearPlan], billing: BillingHistory) -> None:
    for plan in plans:
        count = billing.totals.invoices_per_year.get(plan.year, 0)
        session.execute(
            update(BillingCampaign)
            .where(BillingCampaign.id == plan.campaign_id)
            .values(
                invoice_count=count, total_ttc_cents=billing.totals.ttc_per_year.get(plan.year, 0)
            )
        )
        session.add(NumberCounter(series=f"invoice-{plan.year}", last_number=count))


def _documents(session: Session, staff_id: int) -> None:
    from io import BytesIO

    themes = {theme.name: theme for theme in session.scalars(select(DocumentTheme))}
    for theme_name, title in [
        ("Mode d'emploi du portail adhérent", "Mode d'emploi du portail adhérent"),
        ("Statuts et règlement intérieur", "Statuts du service"),
        ("Statuts et règlement intérieur", "Règlement intérieur"),
        ("Prévention des risques professionnels", "Le document unique d'évaluation des risques"),
    ]:
        buffer = BytesIO()
        canvas = Canvas(buffer, pagesize=A4)
        canvas.setFont("Helvetica-Bold", 18)
        canvas.drawString(72, 760, title)
        canvas.setFont("Helvetica", 11)
        canvas.drawString(72, 730, "Document de démonstration – Santé au Travail Rhin-Vosges")
        canvas.save()
        content = buffer.getvalue()
        session.add(
            Document(
                theme_id=themes[theme_name].id,
                title=title,
                file_name=title.lower().replace(" ", "-").replace("'", "") + ".pdf",
                media_type="application/pdf",
                size_bytes=len(content),
                content=content,
                is_published=True,
                published_at=clock.now(),
                uploaded_at=clock.now(),
                uploaded_by_id=staff_id,
            )
        )
