"""One portal account beside the console's list: whose it is, its logins and failures,
its lock, who acts for whom, its history, and the buttons acting on it."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import tr, trc
from backoffice.models import AccountKind
from backoffice.services.accounts.queries import AccountDetail, AttemptRow, GrantRow
from backoffice.services.members import HistoryRow
from backoffice.views import formatting
from backoffice.views.accounts import texts
from backoffice.views.widgets.actions import Actions
from backoffice.views.widgets.dialogs import note
from backoffice.views.widgets.history import history_columns
from backoffice.views.widgets.page import Tabs
from backoffice.views.widgets.rows_model import Column, RowsModel, moment_column
from backoffice.views.widgets.table import DataTable

FAILED_COLOUR = texts.LOCKED_COLOUR


def attempt_columns() -> list[Column[AttemptRow]]:
    return [
        moment_column(tr("When"), lambda r: r.attempted_at),
        Column(tr("Result"), lambda r: tr("Success") if r.succeeded else tr("Failure")),
        Column(tr("From address"), lambda r: r.source_address or ""),
    ]


def grant_columns(of_firm: bool) -> list[Column[GrantRow]]:
    who: list[Column[GrantRow]] = (
        [
            Column(tr("Member"), lambda r: r.member_code),
            Column(tr("Legal name"), lambda r: r.member_name),
        ]
        if of_firm
        else [
            Column(tr("Firm"), lambda r: r.firm_code),
            Column(tr("Name"), lambda r: r.firm_name),
        ]
    )
    return [
        *who,
        Column(tr("Consent of"), lambda r: formatting.day(r.consent_on), lambda r: r.consent_on),
        moment_column(tr("Granted on"), lambda r: r.granted_at),
        Column(tr("By"), lambda r: r.granted_by or ""),
        Column(
            trc("access", "Revoked on"),
            lambda r: formatting.moment(r.revoked_at),
            lambda r: r.revoked_at or "",
        ),
        Column(tr("Revoked by"), lambda r: r.revoked_by or ""),
        Column(tr("Reason"), lambda r: r.revoke_reason or ""),
    ]


class AccountDetailPanel(QWidget):
    """Shows an :class:`AccountDetail`, with the buttons of the page's actions on it
    (declared by the page, which carries them out on the account shown here)."""

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: AccountDetail | None = None
        self.actions = actions
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        self.title = QLabel(tr("Choose an account in the list."))
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.state = QLabel()
        layout.addWidget(self.state)
        self.form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key, label in self._rows():
            value = note()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            self.form.addRow(label, value)
        layout.addLayout(self.form)
        layout.addLayout(self._buttons())
        layout.addWidget(self._tabs(), 1)
        self.show_detail(None)

    @staticmethod
    def _rows() -> list[tuple[str, str]]:
        return [
            ("holder", tr("Holder")),
            ("address", tr("Postal address")),
            ("contact", tr("Contact")),
            ("last_login", tr("Last login")),
            ("failures", tr("Failed attempts")),
            ("locked", tr("Locked")),
            ("password", tr("Password")),
            ("recovery", tr("Recovery email")),
        ]

    def _buttons(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        first, second = QHBoxLayout(), QHBoxLayout()
        self.unblock_button, self.reset_button = self.actions.buttons(
            "unblock_selected", "reset_selected"
        )
        self.recovery_button, self.edit_firm_button = self.actions.buttons(
            "recovery_email", "edit_firm"
        )
        for row, buttons in (
            (first, (self.unblock_button, self.reset_button)),
            (second, (self.recovery_button, self.edit_firm_button)),
        ):
            for button in buttons:
                row.addWidget(button)
            row.addStretch()
            rows.addLayout(row)
        return rows

    def _tabs(self) -> QTabWidget:
        self.tabs = Tabs()
        self.attempts: RowsModel[AttemptRow] = RowsModel(
            attempt_columns(), background=lambda r: None if r.succeeded else FAILED_COLOUR
        )
        attempts = DataTable("accounts_attempts")
        attempts.set_rows_model(self.attempts)
        attempts.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # the latest first
        attempts.setColumnWidth(0, 130)
        self.tabs.addTab(attempts, tr("Login attempts"))
        grants_page = QWidget()
        grants_layout = QVBoxLayout(grants_page)
        grants_layout.setContentsMargins(0, 0, 0, 0)
        self.grants_table = DataTable("accounts_grants")
        self.grants: RowsModel[GrantRow] = RowsModel(
            grant_columns(True),
            background=lambda r: None if r.active else texts.CEASED_COLOUR,
            key=lambda r: r.id,
        )
        self.grants_table.set_rows_model(self.grants)
        self.grants_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        for column, width in enumerate((70, 200, 85, 120, 110)):
            self.grants_table.setColumnWidth(column, width)
        grants_layout.addWidget(self.grants_table)
        grant_buttons = QHBoxLayout()
        self.grant_button, self.revoke_button = self.actions.buttons("grant", "revoke")
        grant_buttons.addWidget(self.grant_button)
        grant_buttons.addWidget(self.revoke_button)
        self.actions.list_menu(self.grants_table, "revoke", "grant")
        grant_buttons.addStretch()
        grants_layout.addLayout(grant_buttons)
        self.tabs.addTab(grants_page, tr("Who acts for whom"))
        self.history: RowsModel[HistoryRow] = RowsModel(history_columns())
        history = DataTable("accounts_history")
        history.set_rows_model(self.history)
        history.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        history.setColumnWidth(0, 130)
        self.tabs.addTab(history, tr("History"))
        return self.tabs

    # -- content --------------------------------------------------------------------------

    def show_detail(self, detail: AccountDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.title.setText(tr("Choose an account in the list."))
            self.state.clear()
            for value in self.values.values():
                value.clear()
            for model in (self.attempts, self.grants, self.history):
                model.set_rows([])
            self._enable(None)
            return
        row, holder = detail.row, detail.holder
        self.title.setText(f"{row.login} — {holder.name}")
        self.state.setText(f"{texts.kind(row.kind)} · {texts.state(row)}")
        colour = texts.colour(row)
        self.state.setStyleSheet(
            f"padding: 3px 6px; background: {colour.name()};" if colour else "padding: 3px 0;"
        )
        self._fill(detail)
        self.attempts.set_rows(detail.attempts)
        of_firm = row.kind == AccountKind.FIRM
        self.grants.columns = grant_columns(of_firm)
        self.grants.set_rows(detail.grants)
        self.tabs.setTabText(
            1,
            tr("Acts for ({count})", count=sum(g.active for g in detail.grants))
            if of_firm
            else tr("Firms acting for it ({count})", count=sum(g.active for g in detail.grants)),
        )
        self.tabs.setTabText(0, tr("Login attempts ({count})", count=len(detail.attempts)))
        self.history.set_rows(detail.history)
        self._enable(detail)

    def _fill(self, detail: AccountDetail) -> None:
        row, holder = detail.row, detail.holder
        ceased = (
            tr(" — ceased on {date}", date=formatting.day(holder.ceased_on))
            if holder.ceased_on
            else ""
        )
        contact = " · ".join(
            part for part in (holder.contact_name, holder.phone, holder.email) if part
        )
        failures = [a.attempted_at for a in detail.attempts if not a.succeeded]
        texts_by_key = {
            "holder": f"{texts.kind(row.kind)} {holder.code} — {holder.name}{ceased}",
            "address": "\n".join(holder.address[1:]),
            "contact": contact or "—",
            "last_login": formatting.moment(row.last_login_at) or tr("never"),
            "failures": tr(
                "{count} since the last reset; last failure: {when}",
                count=row.failed_attempt_count,
                when=formatting.moment(failures[0]) if failures else "—",
            ),
            "locked": tr(
                "since {when} — {reason}",
                when=formatting.moment(row.locked_at),
                reason=row.lock_reason or "",
            )
            if row.locked
            else tr("no"),
            "password": _password_text(detail),
            "recovery": row.recovery_email or "—",
        }
        for key, text in texts_by_key.items():
            self.values[key].setText(text)

    def _enable(self, detail: AccountDetail | None) -> None:
        row = detail.row if detail is not None else None
        is_firm = row is not None and row.firm_id is not None
        self.actions.enable("unblock_selected", row is not None and row.locked)
        self.actions.enable("reset_selected", row is not None and row.is_active)
        self.actions.enable("recovery_email", row is not None)
        for name in ("edit_firm", "grant"):
            self.actions.show(name, is_firm)
            self.actions.enable(name, is_firm)
        self.actions.enable("revoke", row is not None)

    def selected_grant(self) -> GrantRow | None:
        return self.grants_table.current_of(self.grants)


def _password_text(detail: AccountDetail) -> str:
    row = detail.row
    if not row.has_password:
        return tr("no access sent yet")
    if not row.must_change_password:
        return tr("chosen by the holder")
    expiry = row.temporary_password_expires_at
    if expiry is None:
        return tr("to change at the first login")
    last_day = formatting.day(clock.local(expiry - timedelta(seconds=1)).date())
    if row.temporary_expired:
        return tr("temporary, expired after {date}: send a new letter", date=last_day)
    return tr(
        "temporary (letter sent), valid until {date} included, to change at the first login",
        date=last_day,
    )
