"""Columns the billing lists share with the member's record."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from backoffice.i18n import tr
from backoffice.services.billing import queries as billing_queries
from backoffice.views import labels
from backoffice.views.widgets.rows_model import Column, date_column, member_columns, money_column

LATE = QColor("#fbe3e3")  # an instalment past its due date


def invoice_columns(*, with_member: bool = False) -> list[Column[Any]]:
    """Every list of invoices: number, date (the member, where the list holds several
    members' invoices), kind, period, its total and where its payment stands."""
    return [
        Column(tr("Number"), lambda r: r.number),
        date_column(tr("Date"), lambda r: r.issued_on),
        *(member_columns() if with_member else []),
        Column(tr("Type"), lambda r: labels.label(r.kind)),
        Column(tr("Period"), lambda r: r.period_label),
        money_column(tr("Total incl. VAT"), lambda r: r.total_ttc_cents),
        money_column(tr("Amount paid"), lambda r: r.paid_cents),
        money_column(tr("Credit notes"), lambda r: r.credited_cents),
        money_column(tr("Left to pay"), lambda r: r.remaining_cents),
    ]


def schedule_columns() -> list[Column[billing_queries.InstalmentRow]]:
    """The portal's schedule columns: number, issue date, due date, debit, credit, status."""
    return [
        Column(tr("Number"), lambda r: r.invoice_number),
        date_column(tr("Issued on"), lambda r: r.issued_on),
        date_column(tr("Due on"), lambda r: r.due_on),
        money_column(tr("Debit"), lambda r: r.amount_cents),
        money_column(tr("Credit"), lambda r: r.paid_cents + r.credited_cents),
        money_column(tr("Remaining"), lambda r: r.remaining_cents),
        Column(tr("Status"), lambda r: labels.instalment_status(r.status)),
        Column(
            tr("Days late"),
            lambda r: str(r.days_late) if r.days_late else "",
            lambda r: r.days_late,
            align_right=True,
        ),
    ]
