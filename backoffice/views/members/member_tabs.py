"""The tabs of a member's record read when first shown: invoices and schedule,
appointments, portal account, history. Each is a live tab of the tables it shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services import members as member_service
from backoffice.services.accounts import queries as account_queries
from backoffice.services.appointments import queries as appointment_queries
from backoffice.services.billing import queries as billing_queries
from backoffice.views import formatting, labels
from backoffice.views.billing.columns import LATE, invoice_columns, schedule_columns
from backoffice.views.widgets.history import history_columns
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.rows_model import Column, RowsModel, moment_column
from backoffice.views.widgets.table import DataTable


class MemberTab(LiveTab):
    """A tab of one member's record."""

    def __init__(self, context: AppContext, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.member_id = member_id
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def read(self, work: Callable[..., Any], show: Callable[[Any], None]) -> None:
        """``work(session, actor, member_id)`` in the background, then ``show``."""
        actor, member_id = self.context.actor, self.member_id
        self.query(lambda session: work(session, actor, member_id), show)


def table_of(key: str, model: RowsModel[Any]) -> DataTable:
    table = DataTable(key)
    table.set_rows_model(model)
    return table


class InvoicesOfMember(MemberTab):
    TABLES = ("invoices", "instalments", "payments", "payment_allocations", "credit_notes")

    def __init__(self, context: AppContext, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(context, member_id, parent)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.invoices: RowsModel[billing_queries.InvoiceSummary] = RowsModel(invoice_columns())
        splitter.addWidget(table_of("member_invoices", self.invoices))
        self.schedule: RowsModel[billing_queries.InstalmentRow] = RowsModel(
            schedule_columns(), background=lambda r: LATE if r.days_late else None
        )
        splitter.addWidget(table_of("member_schedule", self.schedule))
        self.layout_.addWidget(splitter)

    def load(self) -> None:
        def work(session: Any, actor: Any, member_id: int) -> tuple[list, list]:
            return (
                billing_queries.member_invoices(session, actor, member_id),
                billing_queries.schedule(session, actor, member_id=member_id),
            )

        self.read(
            work,
            lambda result: (self.invoices.set_rows(result[0]), self.schedule.set_rows(result[1])),
        )


class AppointmentsOfMember(MemberTab):
    TABLES = ("appointments",)

    def __init__(self, context: AppContext, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(context, member_id, parent)
        self.appointments: RowsModel[appointment_queries.AppointmentRow] = RowsModel(
            [
                moment_column(tr("Date"), lambda r: r.starts_at),
                Column(tr("Employee"), lambda r: r.employee),
                Column(tr("Visit"), lambda r: r.visit_type),
                Column(tr("Professional"), lambda r: r.professional),
                Column(tr("Centre"), lambda r: r.centre),
                Column(tr("Status"), lambda r: labels.label(r.status)),
            ]
        )
        self.layout_.addWidget(table_of("member_appointments", self.appointments))

    def load(self) -> None:
        self.read(appointment_queries.member_appointments, self.appointments.set_rows)


class AccountOfMember(MemberTab):
    TABLES = ("portal_accounts", "firm_member_access", "accounting_firms", "portal_login_attempts")

    def __init__(self, context: AppContext, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(context, member_id, parent)
        self.account_text = QLabel()
        self.account_text.setWordWrap(True)
        self.account_text.setTextFormat(Qt.TextFormat.RichText)
        self.account_text.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.account_text)
        self.layout_.addWidget(scroll)

    def load(self) -> None:
        self.read(account_queries.member_account, self._show_account)

    def _show_account(self, account: account_queries.AccountSummary | None) -> None:
        if account is None:
            self.account_text.setText(tr("This member has no portal account."))
            return
        lines = [
            tr("<b>Login:</b> {login}", login=account.login),
            tr(
                "<b>Last login:</b> {when}",
                when=formatting.moment(account.last_login_at) or tr("never"),
            ),
            tr("<b>Failed attempts:</b> {count}", count=account.failed_attempt_count),
            tr(
                "<b>Locked:</b> {state}",
                state=tr(
                    "since {when} — {reason}",
                    when=formatting.moment(account.locked_at),
                    reason=account.lock_reason or "",
                )
                if account.locked_at
                else tr("no"),
            ),
            tr(
                "<b>Must change password at next login:</b> {value}",
                value=formatting.yes_no(account.must_change_password),
            ),
            tr("<b>Recovery email:</b> {email}", email=account.recovery_email or "—"),
        ]
        if account.recent_failures:
            lines.append(
                tr(
                    "<b>Recent failures:</b> {times}",
                    times=", ".join(
                        formatting.moment(moment) for moment in account.recent_failures[:10]
                    ),
                )
            )
        if account.firms:
            lines.append(tr("<b>Accounting firms acting for this member:</b>"))
            lines += [
                f"&nbsp;&nbsp;• {grant.firm_name} ({grant.firm_code}) — "
                + tr("consent of {date}", date=formatting.day(grant.consent_on))
                for grant in account.firms
            ]
        self.account_text.setText("<br>".join(lines))


class HistoryOfMember(MemberTab):
    TABLES = ("audit_events",)

    def __init__(self, context: AppContext, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(context, member_id, parent)
        self.history: RowsModel[member_service.HistoryRow] = RowsModel(history_columns())
        self.layout_.addWidget(table_of("member_history", self.history))

    def load(self) -> None:
        self.read(member_service.member_history, self.history.set_rows)
