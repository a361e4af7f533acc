"""Comptes portail: every portal account (members and accounting firms), searched and
filtered in SQL, with the selected one beside the list; unblock, reset with a letter, first
access of a new member, firms and their access to members."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.i18n import ntr, tr
from backoffice.ops.context import ALL_TABLES, AppContext, ChangeNotice, concerns
from backoffice.services.accounts import access, firms, queries, rules, unblock
from backoffice.services.accounts.queries import (
    AccountDetail,
    AccountFilter,
    AccountQuery,
    AccountRow,
    GrantRow,
)
from backoffice.services.accounts.rules import PortalRules
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.accounts import texts
from backoffice.views.accounts.detail import AccountDetailPanel
from backoffice.views.accounts.firm_dialog import FirmDialog
from backoffice.views.accounts.first_access_dialog import FirstAccessDialog
from backoffice.views.accounts.grant_dialog import GrantDialog
from backoffice.views.accounts.letter_dialog import LetterDialog, with_letter
from backoffice.views.accounts.recovery_dialog import RecoveryEmailDialog
from backoffice.views.accounts.rules_dialog import RulesDialog
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import ask_reason, confirm
from backoffice.views.widgets.lazy_rows_model import LazyColumn, LazyRowsModel
from backoffice.views.widgets.lists import fit_columns_once
from backoffice.views.widgets.operations import read
from backoffice.views.widgets.page import Page
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

WATCHED = (
    "portal_accounts",
    "portal_login_attempts",
    "firm_member_access",
    "accounting_firms",
    "members",
)


def columns() -> list[LazyColumn[AccountRow]]:
    return [
        LazyColumn(tr("Login"), lambda r: r.login, "login"),
        LazyColumn(tr("Type"), lambda r: texts.short_kind(r.kind)),
        LazyColumn(tr("Member or firm"), lambda r: r.holder, "holder"),
        LazyColumn(tr("State"), texts.state),
        LazyColumn(tr("Who acts for whom"), texts.acts_for),
        LazyColumn(tr("Locked since"), lambda r: formatting.moment(r.locked_at), "locked_at"),
        LazyColumn(
            tr("Failures"), lambda r: str(r.failed_attempt_count), "failed_attempt_count", True
        ),
        LazyColumn(tr("Last login"), lambda r: formatting.moment(r.last_login_at), "last_login_at"),
        LazyColumn(tr("Recovery email"), lambda r: r.recovery_email or ""),
    ]


MANAGE = Permission.ACCOUNTS_MANAGE


class AccountsPage(Page):
    """The accounts follow what the portal and colleagues change: the rows changed are
    read again, the account shown beside too; the portal rules follow the settings."""

    TABLES = (*WATCHED, "settings")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.sort_key, self.descending = "holder", False
        self._shown_id: int | None = None  # the account shown beside the list
        self.can_manage = context.allows(MANAGE)
        layout = QVBoxLayout(self)
        layout.addLayout(self._bar())
        layout.addLayout(self._rules_bar())
        splitter = QSplitter()
        splitter.addWidget(self._list())
        self.detail = AccountDetailPanel(self.actions)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.detail)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 660])
        layout.addWidget(splitter, 1)
        footer = QHBoxLayout()
        self.count = QLabel()
        self.message = QLabel()
        self.message.setStyleSheet("color: #1f6f3f")
        footer.addWidget(self.count)
        footer.addStretch()
        footer.addWidget(self.message)
        layout.addLayout(footer)

    def _bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.search = SearchBox(tr("Member code, name, city, firm, login or recovery email…"))
        self.search.search.connect(lambda _text: self.run_search())
        bar.addWidget(self.search, 3)
        self.filter = QComboBox()
        for value in AccountFilter:
            self.filter.addItem(texts.filter_label(value), value)
        self.filter.currentIndexChanged.connect(lambda _index: self.run_search())
        bar.addWidget(self.filter, 1)
        self.first_access_button, self.new_firm_button = self.actions.buttons(
            "first_access", "new_firm"
        )
        bar.addWidget(self.first_access_button)
        bar.addWidget(self.new_firm_button)
        return bar

    def _rules_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.rules_text = QLabel()
        self.rules_text.setStyleSheet("color: #555")
        bar.addWidget(self.rules_text)
        bar.addStretch()
        self.rules_button = self.actions.button("edit_rules")
        bar.addWidget(self.rules_button)
        self.rules: PortalRules | None = None
        return bar

    def load_rules(self) -> None:
        actor = self.context.actor
        self.query(
            lambda session: rules.portal_rules(session, actor), self._show_rules, topic="rules"
        )

    def _show_rules(self, current: PortalRules) -> None:
        self.rules = current
        self.rules_text.setText(rules.describe(current))

    @action(lambda: tr("Portal rules…"), permission=Permission.SETTINGS_MANAGE)
    def edit_rules(self) -> None:
        """How many failures lock an account, how long a temporary password lasts."""
        if self.rules is not None:
            RulesDialog(self.context, self, self.rules).exec()

    def _list(self) -> QWidget:
        self.model: LazyRowsModel[AccountRow] = LazyRowsModel(
            columns(), self._fetch_rows, background=texts.colour, parent=self
        )
        self.model.sort_requested.connect(self._sort)
        self.table = DataTable("portal_accounts")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)
        self.table.restore_layout()
        fit_columns_once(self.table)  # the first time: headers and values read whole
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._row_chosen(current.row())
        )
        return self.table

    # -- page interface -------------------------------------------------------------------

    def load(self) -> None:
        self.run_search(refreshing=self.loaded_once)
        self.load_rules()

    def open(self, options: dict[str, Any]) -> None:
        """``{"filter": "locked"}`` (the dashboard's card), ``{"search": "100030"}``."""
        self.stale, self.loaded_once = False, True
        if self.rules is None:
            self.load_rules()
        if "search" in options:
            self.search.blockSignals(True)
            self.search.setText(str(options["search"]))
            self.search.blockSignals(False)
        chosen = AccountFilter(options.get("filter", AccountFilter.ALL))
        self.filter.blockSignals(True)
        self.filter.setCurrentIndex(self.filter.findData(chosen))
        self.filter.blockSignals(False)
        self.run_search()

    # -- the list -------------------------------------------------------------------------

    def current_query(self) -> AccountQuery:
        return AccountQuery(
            text=self.search.text(),
            filter=self.filter.currentData(),
            sort=self.sort_key,
            descending=self.descending,
        )

    def run_search(self, *, refreshing: bool = False) -> None:
        """A new search (typed, filtered, sorted), or a ``refreshing`` one after a change."""
        query, actor = self.current_query(), self.context.actor
        keep, sticky = self._shown_id, refreshing
        self.query(
            lambda session: queries.search_accounts(session, actor, query),
            lambda result: self._show(*result, keep, sticky),
        )

    def _show(
        self,
        ids: list[int],
        rows: list[AccountRow],
        keep: int | None,
        sticky: bool,
    ) -> None:
        """A new result. On a refresh, the account shown beside stays shown even when it
        no longer matches (just unblocked, in the locked filter): actions keep acting on
        it, never on whichever account took its place in the list."""
        self.model.set_result(ids, rows)
        self.count.setText(ntr("{count} account", "{count} accounts", len(ids)))
        position = self.model.position.get(keep) if keep is not None else None
        if position is None and sticky and keep is not None:
            self.load_detail(keep)
            return
        if position is None and ids:
            position = 0  # the first account at once (the dashboard's locked one)
        if position is not None:
            self.table.select_source_row(position)
        else:
            self.load_detail(None)

    def _fetch_rows(self, ids: list[int]) -> None:
        actor = self.context.actor
        read(self, lambda session: queries.account_rows(session, actor, ids), self.model.add_rows)

    def _sort(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        self.run_search()

    def on_change(self, notice: ChangeNotice) -> None:
        if concerns(notice, "settings"):
            self.load_rules()
        if not concerns(notice, *WATCHED):
            return
        accounts = notice.get("portal_accounts")
        unknown = ALL_TABLES in notice or any(
            notice.get(table) == set() for table in WATCHED if table in notice
        )
        if unknown or concerns(notice, "firm_member_access", "accounting_firms"):
            self.run_search(refreshing=True)  # rows may enter or leave the result
            return
        if accounts:
            stale = self.model.forget(accounts)
            if stale:
                self._fetch_rows(stale)
        self.load_detail(self._shown_id)

    # -- the selected account -------------------------------------------------------------

    def _row_chosen(self, row: int) -> None:
        account_id = self.model.id_at(row)
        if account_id is not None:  # an emptied list keeps the account shown beside it
            self.load_detail(account_id)

    def load_detail(self, account_id: int | None) -> None:
        actor = self.context.actor
        self._shown_id = account_id
        if account_id is None:
            self.forget_questions("detail")
            self.detail.show_detail(None)
            return
        self.query(
            lambda session: queries.account_detail(session, actor, account_id),
            self.detail.show_detail,
            topic="detail",
        )

    def _shown(self) -> AccountDetail | None:
        return self.detail.detail

    # -- actions --------------------------------------------------------------------------

    def _run(self, work: Callable[[Session], Any], label: str, done: Callable[[Any], None]) -> None:
        self.write(work, label).success(done).conflict(self.refresh).run()

    @action(lambda: tr("Unblock…"), shortcut="Ctrl+D", permission=MANAGE)
    def unblock_selected(self) -> None:
        """Unblock the locked account shown: failures cleared, its password works again."""
        shown = self._shown()
        if shown is None or not shown.row.locked:
            return
        row = shown.row
        note = ask_reason(
            self,
            tr("Unblock the account {login}", login=row.login),
            tr(
                "Unblock the portal account of {holder}? The failed attempts are cleared and "
                "the current password works again.\n\nNote for the history (optional):",
                holder=row.holder,
            ),
            required=False,
        )
        if note is None:
            return
        actor = self.context.actor
        self._run(
            lambda session: unblock.unblock_account(
                session, actor, row.id, note=note, expected_version=row.version
            ),
            tr("Unblocking…"),
            lambda done: self.message.setText(
                tr(
                    "Account {login} unblocked; {count} failed attempts cleared.",
                    login=done.login,
                    count=done.failures_cleared,
                )
            ),
        )

    @action(
        lambda: tr("Reset access…"),
        shortcut="Ctrl+R",
        permission=MANAGE,
        tip=lambda: tr("A new temporary password, printed in a letter to post to the holder."),
    )
    def reset_selected(self) -> None:
        shown = self._shown()
        if shown is None or not shown.row.is_active:
            return
        row = shown.row
        if not confirm(
            self,
            tr("Reset the access"),
            tr(
                "Reset the access of {login} ({holder})? Its current password stops working "
                "at once; a temporary password is printed in a letter to post to:\n\n{address}",
                login=row.login,
                holder=row.holder,
                address="\n".join(shown.holder.address),
            ),
            tr("Reset and print the letter"),
        ):
            return
        actor = self.context.actor
        self._run(
            lambda session: with_letter(
                access.reset_access(session, actor, row.id, expected_version=row.version)
            ),
            tr("Preparing the letter…"),
            self.show_letter,
        )

    def show_letter(self, result: tuple[access.AccessSent, bytes]) -> None:
        sent = result[0]
        self.message.setText(tr("Temporary password of {login} sent by letter.", login=sent.login))
        LetterDialog(self, *result).exec()

    @action(lambda: tr("Recovery email…"), permission=MANAGE)
    def recovery_email(self) -> None:
        shown = self._shown()
        if shown is not None:
            RecoveryEmailDialog(self.context, self, shown.row).exec()

    @action(lambda: tr("First access of a new member…"), permission=MANAGE)
    def first_access(self) -> None:
        """A member without a portal account gets its login and a letter."""
        if (created := FirstAccessDialog(self.context, self).answer()) is not None:
            self.show_letter(created)
            self.open({"search": created[0].login})

    @action(lambda: tr("New accounting firm…"), shortcut="Ctrl+N", permission=MANAGE)
    def new_firm(self) -> None:
        if (created := FirmDialog(self.context, self).answer()) is not None:
            self.show_letter(created)
            self.open({"search": created[0].login})

    @action(lambda: tr("Edit the firm…"), permission=MANAGE)
    def edit_firm(self) -> None:
        shown = self._shown()
        if shown is not None and shown.row.firm_id is not None:
            FirmDialog(self.context, self, shown.row.firm_id, shown.holder).exec()

    @action(lambda: tr("Give access to members…"), shortcut="Ctrl+G", permission=MANAGE)
    def grant(self) -> None:
        """The firm shown may act for more members (with their consent)."""
        shown = self._shown()
        if shown is not None and shown.row.firm_id is not None:
            GrantDialog(self.context, self, shown.row.firm_id, shown.holder.name).exec()

    @action(lambda: tr("Revoke the selected access…"), permission=MANAGE)
    def revoke(self) -> None:
        """The firm may no longer act for the member selected below."""
        grant = self.detail.selected_grant()
        if grant is not None:
            self.revoke_access(grant)

    def revoke_access(self, grant: GrantRow) -> None:
        reason = ask_reason(
            self,
            tr("Revoke an access"),
            tr(
                "Revoke the access of {firm} to member {code} ({name})? The firm can no "
                "longer act for this member on the portal; the grant stays in the history."
                "\n\nReason (optional):",
                firm=grant.firm_name,
                code=grant.member_code,
                name=grant.member_name,
            ),
            required=False,
        )
        if reason is None:
            return
        actor = self.context.actor
        self._run(
            lambda session: firms.revoke_access(session, actor, grant.id, reason),
            tr("Revoking…"),
            lambda _none: None,
        )
