"""Invoices and credit notes of every kind, issued through the services."""

from __future__ import annotations

from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import AppointmentStatus, CreditNote, FollowUpCategory, Invoice, Setting
from backoffice.services.billing import credit_notes, single_invoices
from backoffice.services.permissions import Actor
from tests import factories
from tests.billing.builders import billed_member
from tests.billing.test_single_invoices import _absence

EXEMPTION = "Exonération de TVA, article 261-4-1° du CGI"


def every_kind(database: Database, billing: Actor) -> dict[str, tuple[str, int]]:
    """Name → ("invoice" | "credit_note", id): an annual invoice with its schedule and
    the SEPA discount, one paid by transfer, a régularisation, a joining fee, a no-show
    fee, full and partial credit notes, and an annual invoice at 0 % (VAT-exempt)."""
    _member, sepa = billed_member(database, billing, si=10, sir=2, sepa=True)
    member_id, transfer = billed_member(database, billing, si=3, sia=1)
    _other, to_cancel = billed_member(database, billing, si=7)
    with database.transaction() as session:
        regularisation = single_invoices.issue_regularisation(
            session, billing, member_id, 2027, {FollowUpCategory.SI: 2}
        ).id
        joining = single_invoices.issue_joining_fee(session, billing, member_id, 2027, 3).id
        absence = _absence(session, member_id, AppointmentStatus.ABSENT)
        no_show = single_invoices.issue_no_show(session, billing, absence).id
        full = credit_notes.issue_credit_note(session, billing, to_cancel, "Cessation").id
        partial = credit_notes.issue_credit_note(
            session, billing, transfer, "Salarié compté deux fois", 10_000
        ).id
        factories.tariff(session, 2028, vat_rate_bp=0)
        session.add(Setting(key="einvoicing.vat_exemption_reason", value=EXEMPTION))
    _exempt_member, exempt = billed_member(database, billing, si=4, year=2028, sepa=True)
    return {
        "annual with schedule and SEPA discount": ("invoice", sepa),
        "annual paid by transfer": ("invoice", transfer),
        "régularisation": ("invoice", regularisation),
        "joining fee": ("invoice", joining),
        "no-show fee": ("invoice", no_show),
        "full credit note": ("credit_note", full),
        "partial credit note": ("credit_note", partial),
        "VAT-exempt annual": ("invoice", exempt),
    }


def invoice_number(database: Database, invoice_id: int) -> str:
    with database.session() as session:
        return session.scalar(select(Invoice.number).where(Invoice.id == invoice_id))


def credit_note_number(database: Database, note_id: int) -> str:
    with database.session() as session:
        return session.scalar(select(CreditNote.number).where(CreditNote.id == note_id))
