"""Adhérents: the list of all members (search as you type, filters, sorting in SQL), and
the members opened in tabs beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.models.members import MemberStatus
from backoffice.ops.context import ALL_TABLES, AppContext, ChangeNotice
from backoffice.services import members as member_service
from backoffice.services.members import MemberQuery, MemberRow
from backoffice.services.permissions import Permission
from backoffice.views.members.list_model import MemberListModel, columns
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.lists import fit_columns_once
from backoffice.views.widgets.operations import read
from backoffice.views.widgets.page import Page, Tabs
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

if TYPE_CHECKING:
    from backoffice.views.members.member_view import MemberView

ROW_TABLES = ("members", "employees", "sepa_mandates", "instalments", "payments")


class MembersPage(Page):
    """The list follows what changes: the rows of members changed are read again, any
    other change searches again (at once when shown, when shown again otherwise)."""

    TABLES = ROW_TABLES

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.sort_key, self.descending = "legal_name", False
        self.tabs = Tabs()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._build_list(), tr("List"))
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)

    def _build_list(self) -> QWidget:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        bar = QHBoxLayout()
        self.search = SearchBox(tr("Name, member code, SIRET, city or postcode…"))
        self.search.search.connect(lambda _text: self.run_search())
        bar.addWidget(self.search, 3)
        self.status = QComboBox()
        self.status.addItem(tr("All statuses"), None)
        self.status.addItem(tr("Active"), MemberStatus.ACTIVE)
        self.status.addItem(tr("Ceased"), MemberStatus.CEASED)
        self.sepa = QComboBox()
        self.sepa.addItem(tr("Direct debit or not"), None)
        self.sepa.addItem(tr("With direct debit"), True)
        self.sepa.addItem(tr("Without direct debit"), False)
        self.centre = QComboBox()
        self.centre.addItem(tr("All centres"), None)
        self.overdue = QCheckBox(tr("With overdue invoices"))
        for combo in (self.status, self.sepa, self.centre):
            combo.currentIndexChanged.connect(lambda _index: self.run_search())
            bar.addWidget(combo, 1)
        self.overdue.toggled.connect(lambda _checked: self.run_search())
        bar.addWidget(self.overdue)
        bar.addWidget(self.actions.button("new_member"))
        layout.addLayout(bar)
        self.model = MemberListModel(self._fetch_rows, self)
        self.model.sort_requested.connect(self._sort)
        self.table = DataTable("members")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.restore_layout()
        fit_columns_once(self.table)  # the first time: as wide as the names and SIRETs
        if not self.context.allows(Permission.BILLING_VIEW):
            self._without_billing()
        self.table.activated_row.connect(self._open_row)
        layout.addWidget(self.table)
        self.count = QLabel()
        layout.addWidget(self.count)
        return widget

    def _without_billing(self) -> None:
        """Need to know: a role that may not know mandates and debts gets neither their
        filters nor their columns (the service returns them empty for it anyway)."""
        self.sepa.hide()
        self.overdue.hide()
        for index, column in enumerate(columns()):
            if column.sort_key in member_service.BILLING_SORTS:
                self.table.setColumnHidden(index, True)

    # -- page interface -------------------------------------------------------------------

    def load(self) -> None:
        if self.centre.count() == 1:  # only « All centres »: not read yet
            self.query(member_service.centre_choices, self._show_centres, topic="centres")
        self.run_search()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus()
        self.search.selectAll()

    def open(self, options: dict[str, Any]) -> None:
        if "member_id" in options:
            view = self.open_member(int(options["member_id"]))
            if options.get("tab") == "invoices":
                view.show_invoices()

    # -- list -----------------------------------------------------------------------------

    def current_query(self) -> MemberQuery:
        return MemberQuery(
            text=self.search.text(),
            status=self.status.currentData(),
            sepa=self.sepa.currentData(),
            centre_id=self.centre.currentData(),
            overdue_only=self.overdue.isChecked(),
            sort=self.sort_key,
            descending=self.descending,
        )

    def run_search(self) -> None:
        query, actor = self.current_query(), self.context.actor
        self.query(
            lambda session: member_service.search_members(session, actor, query),
            lambda result: self._show(*result),
        )

    def _show(self, ids: list[int], rows: list[MemberRow]) -> None:
        self.model.set_result(ids, rows)
        self.count.setText(ntr("{count} member", "{count} members", len(ids)))

    def _fetch_rows(self, ids: list[int]) -> None:
        actor = self.context.actor
        read(
            self,
            lambda session: member_service.member_rows(session, actor, ids),
            self.model.add_rows,
        )

    def _sort(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        if self.loaded_once:  # the view asks once when the model is set: nothing to show yet
            self.run_search()

    def _show_centres(self, choices: list[member_service.Choice]) -> None:
        for choice in choices:
            self.centre.addItem(choice.label, choice.id)

    def on_change(self, notice: ChangeNotice) -> None:
        if ALL_TABLES in notice or any(notice.get(t) == set() for t in ROW_TABLES if t in notice):
            self.run_search()  # unknown rows changed: search again
        elif "members" in notice:
            stale = self.model.forget(notice["members"])
            if stale:
                self._fetch_rows(stale)

    @action(lambda: tr("New member…"), shortcut="Ctrl+N", permission=Permission.MEMBERS_EDIT)
    def new_member(self) -> None:
        """Record a company that joins by post or at the front desk."""
        from backoffice.views.members.new_member_dialog import record_new_member

        member_id = record_new_member(self.context, self)
        if member_id is not None:
            self.run_search()
            self.open_member(member_id)

    # -- member tabs ----------------------------------------------------------------------

    def _open_row(self, row: int) -> None:
        member_id = self.model.id_at(row)
        if member_id is not None:
            self.open_member(member_id)

    def open_member(self, member_id: int) -> MemberView:
        from backoffice.views.members.member_view import MemberView

        for index in range(1, self.tabs.count()):
            view = self.tabs.widget(index)
            if isinstance(view, MemberView) and view.member_id == member_id:
                self.tabs.setCurrentIndex(index)
                return view
        row = next((r for r in self.model.cache.values() if r.id == member_id), None)
        view = MemberView(self.context, member_id, self)
        view.title_changed.connect(lambda title, v=view: self._retitle(v, title))
        index = self.tabs.addTab(view, row.member_code if row else tr("Member"))
        self.tabs.setCurrentIndex(index)
        return view

    def _retitle(self, view: QWidget, title: str) -> None:
        index = self.tabs.indexOf(view)
        if index > 0:
            self.tabs.setTabText(index, title)

    @action(lambda: tr("Close the member"), shortcut="Ctrl+W")
    def close_current(self) -> None:
        """Close the member's tab shown (the list stays)."""
        self.close_tab(self.tabs.currentIndex())

    def close_tab(self, index: int) -> None:
        if index <= 0:
            return
        view = self.tabs.widget(index)
        if hasattr(view, "can_close") and not view.can_close():
            return
        self.tabs.removeTab(index)
        view.deleteLater()
