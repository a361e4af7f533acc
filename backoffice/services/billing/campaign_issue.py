"""Issuing the campaign: the invoices, their lines and schedules, written in bulk.

Everything happens in the caller's transaction: a crash or a cancellation before the
commit leaves no invoice and no consumed number. The invoice numbers are taken a chunk at
a time from the year's counter, locked from the start: a parallel issuer (a colleague's
single invoice, a second campaign) waits, then sees what this one billed.

Rows go through the database driver's bulk path (``executemany`` on SQLite, ``COPY`` on
PostgreSQL) rather than one ORM object per row: 50,000 members make 350,000 rows
(:mod:`bulk_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    AuditEvent,
    BillingCampaign,
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    SepaState,
)
from backoffice.money import format_eur
from backoffice.references import creditor_reference
from backoffice.reports.billing import formats
from backoffice.services import audit
from backoffice.services.accounting import events as accounting_events
from backoffice.services.billing import numbering
from backoffice.services.billing.bulk_rows import IdReserver, TableRows, collector_paused
from backoffice.services.billing.campaign import (
    PlannedInvoice,
    Setting,
    chunks,
    setting_for,
    tariff_or_refuse,
)
from backoffice.services.billing.numbering import Series
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent
from backoffice.services.tracking import mark_touched


@dataclass(frozen=True)
class CampaignOutcome:
    campaign_id: int | None  # None: nobody was left to bill
    year: int
    invoice_count: int
    total_ttc_cents: int
    first_number: str | None
    last_number: str | None
    already_billed: int
    left_out: int  # members not billed (no declaration, ceased)


INVOICE_COLUMNS = (
    "id",
    "number",
    "kind",
    "member_id",
    "year",
    "period_label",
    "period_start",
    "period_end",
    "issued_on",
    "issued_at",
    "issued_by_id",
    "campaign_id",
    "tariff_id",
    "appointment_id",
    "total_ht_cents",
    "discount_cents",
    "discount_rate_bp",
    "vat_rate_bp",
    "vat_cents",
    "total_ttc_cents",
    "pays_by_direct_debit",
    "billing_name",
    "billing_address_line1",
    "billing_address_line2",
    "billing_postcode",
    "billing_city",
    "creditor_reference",
)
LINE_COLUMNS = (
    "invoice_id",
    "position",
    "label",
    "category",
    "quantity",
    "unit_price_cents",
    "amount_cents",
)
INSTALMENT_COLUMNS = (
    "invoice_id",
    "position",
    "due_on",
    "amount_cents",
    "paid_cents",
    "credited_cents",
    "sepa_state",
    "version",
)
AUDIT_COLUMNS = (
    "occurred_at",
    "staff_id",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "member_id",
    "summary",
    "after",
)


class InvoiceWriter:
    """Writes planned annual invoices, their lines and instalments, and an audit event
    each (the member's history shows the invoice), a chunk at a time."""

    def __init__(self, session: Session, actor: Actor, setting: Setting, campaign_id: int):
        self.session = session
        self.actor = actor
        self.setting = setting
        self.campaign_id = campaign_id
        connection = session.connection()
        self.invoices = TableRows(connection, Invoice.__table__, INVOICE_COLUMNS)
        self.lines = TableRows(connection, InvoiceLine.__table__, LINE_COLUMNS)
        self.instalments = TableRows(connection, Instalment.__table__, INSTALMENT_COLUMNS)
        self.events = TableRows(connection, AuditEvent.__table__, AUDIT_COLUMNS)
        self.ids = IdReserver(session, Invoice.__table__)
        issued_at = clock.now()
        bound = self.invoices.constant
        # What every invoice of the campaign shares, bound for the driver once.
        self.shared_head = (bound("kind", InvoiceKind.ANNUAL),)
        self.shared_period = (
            f"Année {setting.year}",  # printed on the invoice: French
            bound("period_start", date(setting.year, 1, 1)),
            bound("period_end", date(setting.year, 12, 31)),
            bound("issued_on", setting.issued_on),
            bound("issued_at", issued_at),
            actor.staff_id,
            campaign_id,
            setting.tariff_id,
            None,
        )
        self.event_head = (
            self.events.constant("occurred_at", issued_at),
            actor.staff_id,
            actor.audit_label,
            "invoice.issue",
            "invoice",
        )
        self.summary = tr("Annual invoice {number} issued ({amount})")
        self.count = 0
        self.total_ttc_cents = 0
        self.first_number: str | None = None
        self.last_number: str | None = None

    def write(self, planned: list[PlannedInvoice]) -> None:
        if not planned:
            return
        numbers = numbering.take(
            self.session, Series.INVOICE, self.setting.issued_on.year, len(planned)
        )
        ids = self.ids.take(len(planned))
        labels = numbers.labels()
        for invoice, invoice_id, number in zip(planned, ids, labels, strict=True):
            self._invoice(invoice, invoice_id, number)
        for rows in (self.invoices, self.lines, self.instalments, self.events):
            rows.flush()  # in the order of the foreign keys
        accounting_events.post_invoices(self.session, ids)
        mark_touched(self.session, "invoices", set(ids))
        self.count += len(planned)
        self.first_number = self.first_number or labels[0]
        self.last_number = labels[-1]

    def _invoice(self, planned: PlannedInvoice, invoice_id: int, number: str) -> None:
        amounts = planned.amounts
        address = planned.address
        self.total_ttc_cents += amounts.total_ttc_cents
        self.invoices.add(
            (
                invoice_id,
                number,
                *self.shared_head,
                planned.member_id,
                self.setting.year,
                *self.shared_period,
                amounts.total_ht_cents,
                amounts.discount_cents,
                amounts.discount_rate_bp,
                amounts.vat_rate_bp,
                amounts.vat_cents,
                amounts.total_ttc_cents,
                self.invoices.constant("pays_by_direct_debit", planned.direct_debit),
                address.name,
                address.line1,
                address.line2,
                address.postcode,
                address.city,
                creditor_reference(number),
            )
        )
        for position, line in enumerate(amounts.lines, start=1):
            self.lines.add(
                (
                    invoice_id,
                    position,
                    line.label,
                    self.lines.constant("category", line.category),
                    line.quantity,
                    line.unit_price_cents,
                    line.amount_cents,
                )
            )
        for position, (due_on, amount) in enumerate(planned.instalments, start=1):
            self.instalments.add(
                (
                    invoice_id,
                    position,
                    self.instalments.constant("due_on", due_on),
                    amount,
                    0,
                    0,
                    self.instalments.constant("sepa_state", SepaState.NONE),
                    1,
                )
            )
        self.events.add(
            (
                *self.event_head,
                invoice_id,
                planned.member_id,
                self.summary.format(number=number, amount=formats.eur(amounts.total_ttc_cents)),
                self.events.bind(
                    "after",
                    {
                        "number": number,
                        "kind": "annual",
                        "year": self.setting.year,
                        "campaign_id": self.campaign_id,
                        "total_ttc_cents": amounts.total_ttc_cents,
                        "instalments": len(planned.instalments),
                    },
                ),
            )
        )


def issue(
    session: Session, actor: Actor, year: int, progress: Progress | None = None
) -> CampaignOutcome:
    """Bill every member of ``year`` not billed yet, in one go (see the module)."""
    require(session, actor, Permission.BILLING_ISSUE)
    # The series first (every issuer takes it first: no deadlock), then the tariff, whose
    # prices cannot change until the commit.
    today = clock.today()  # one day for the whole campaign, even across midnight
    numbering.lock(session, Series.INVOICE, today.year)
    tariff = tariff_or_refuse(session, year, lock=True)
    setting = setting_for(session, tariff, today)
    writer: InvoiceWriter | None = None
    campaign: BillingCampaign | None = None
    already_billed = left_out = 0
    with collector_paused():
        for chunk in chunks(session, setting, progress or silent(), tr("Issuing")):
            already_billed += chunk.already_billed
            left_out += sum(1 for anomaly in chunk.anomalies if not anomaly.billed)
            if chunk.invoices and writer is None:
                campaign = _new_campaign(session, actor, year)
                writer = InvoiceWriter(session, actor, setting, campaign.id)
            if writer is not None:
                writer.write(chunk.invoices)
    if writer is None or campaign is None:
        return CampaignOutcome(None, year, 0, 0, None, None, already_billed, left_out)
    mark_touched(session, Instalment.__tablename__)
    mark_touched(session, "invoice_lines")
    campaign.invoice_count = writer.count
    campaign.total_ttc_cents = writer.total_ttc_cents
    audit.record(
        session,
        actor,
        "campaign.issue",
        "billing_campaign",
        campaign.id,
        summary=tr(
            "Campaign {year}: {count} invoices, {amount}, numbers {first} to {last}",
            year=year,
            count=writer.count,
            amount=format_eur(writer.total_ttc_cents),
            first=writer.first_number,
            last=writer.last_number,
        ),
        after={
            "invoice_count": writer.count,
            "total_ttc_cents": writer.total_ttc_cents,
            "first_number": writer.first_number,
            "last_number": writer.last_number,
            "already_billed": already_billed,
            "left_out": left_out,
        },
    )
    session.flush()
    # A cancel asked during the last progress report (every row written) is still obeyed:
    # raising here rolls the whole campaign back before the caller commits.
    (progress or silent()).check()
    return CampaignOutcome(
        campaign.id,
        year,
        writer.count,
        writer.total_ttc_cents,
        writer.first_number,
        writer.last_number,
        already_billed,
        left_out,
    )


def _new_campaign(session: Session, actor: Actor, year: int) -> BillingCampaign:
    campaign = BillingCampaign(
        year=year,
        issued_at=clock.now(),
        issued_by_id=actor.staff_id,
        invoice_count=0,
        total_ttc_cents=0,
    )
    session.add(campaign)
    session.flush()
    return campaign
