"""Déclarations: a year's workforce declarations, the members who have not declared, a
declaration entered or corrected by staff, and reminder letters to the latecomers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.models import DeclarationSource
from backoffice.ops.context import AppContext
from backoffice.services.billing import declarations
from backoffice.services.billing.declarations import (
    DeclarationOutcome,
    DeclarationRow,
    UndeclaredRow,
)
from backoffice.services.billing.invoice_lists import MemberRef
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.files import ask_save_path, pdf_filter, write_whole
from backoffice.views.widgets.inputs import count_spin, year_spin
from backoffice.views.widgets.layouts import hbox
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.operation_dialog import OperationDialog
from backoffice.views.widgets.preview import show_pdf
from backoffice.views.widgets.rows_model import (
    Column,
    RowsModel,
    count_column,
    member_columns,
    moment_column,
)
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable


class DeclarationDialog(OperationDialog):
    """Enter or correct a member's declaration (headcounts per follow-up category)."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        member: MemberRef,
        year: int,
        row: DeclarationRow | None = None,
    ) -> None:
        super().__init__(context, parent, tr("Workforce declaration {year}", year=year))
        self.member_id, self.year, self.row = member.id, year, row
        self.form.addRow(tr("Member"), QLabel(member.label))
        self.counts = [
            count_spin(row.headcount_si if row else 0),
            count_spin(row.headcount_sia if row else 0),
            count_spin(row.headcount_sir if row else 0),
        ]
        for label, spin in zip(("SI", "SIA", "SIR"), self.counts, strict=True):
            self.form.addRow(tr("Employees in {category}", category=label), spin)

    def busy_label(self) -> str:
        return tr("Saving the declaration…")

    def work(self) -> Callable[[Any], DeclarationOutcome]:
        actor, member_id, year = self.context.actor, self.member_id, self.year
        si, sia, sir = (spin.value() for spin in self.counts)
        version = self.row.version if self.row else None
        return lambda session: declarations.enter_declaration(
            session, actor, member_id, year, si, sia, sir, expected_version=version
        )


class DeclarationsTab(LiveTab):
    TABLES = ("workforce_declarations", "members", "invoices")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.year = year_spin()
        self.year.valueChanged.connect(lambda _value: self.reload())
        self.mode = QComboBox()
        self.mode.addItem(tr("Members who declared"), True)
        self.mode.addItem(tr("Members who have not declared"), False)
        self.mode.currentIndexChanged.connect(lambda _index: self._mode_changed())
        self.search = SearchBox(tr("Member code or name…"))
        self.count = QLabel()
        bar = hbox(tr("Year"), self.year, self.mode, (self.search, 1), self.count)
        self.declared: RowsModel[DeclarationRow] = RowsModel(
            [
                *member_columns(),
                count_column("SI", lambda r: r.headcount_si),
                count_column("SIA", lambda r: r.headcount_sia),
                count_column("SIR", lambda r: r.headcount_sir),
                count_column(tr("Total"), lambda r: r.total),
                moment_column(tr("Declared on"), lambda r: r.declared_at),
                Column(
                    tr("Declared by"),
                    lambda r: (
                        tr("Portal ({login})", login=r.declared_by)
                        if r.source == DeclarationSource.PORTAL
                        else r.declared_by
                    ),
                ),
                Column(tr("Invoiced"), lambda r: formatting.yes_no(r.invoiced)),
            ],
            key=lambda row: row.id,
        )
        self.undeclared: RowsModel[UndeclaredRow] = RowsModel(
            [
                *member_columns(),
                Column(tr("Postcode"), lambda r: r.postcode),
                Column(tr("City"), lambda r: r.city),
                Column(tr("Email"), lambda r: r.email or ""),
                Column(
                    tr("Declared the year before"),
                    lambda r: "" if r.previous_total is None else str(r.previous_total),
                    lambda r: -1 if r.previous_total is None else r.previous_total,
                ),
            ],
            key=lambda row: row.member_id,
        )
        self.stack = QStackedWidget()
        self.tables = []
        self.proxies = []
        for key, model in (
            ("billing_declared", self.declared),
            ("billing_undeclared", self.undeclared),
        ):
            table = DataTable(key)
            self.proxies.append(searchable(table, model))
            table.activated_row.connect(lambda _row: self.actions.run("enter"))
            self.tables.append(table)
            self.stack.addWidget(table)
        self.tables[1].setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.search.search.connect(self._search)
        self.enter_button, self.remind_button = self.actions.buttons("enter", "remind")
        self.actions.list_menu(self.tables[0], "enter")
        self.actions.list_menu(self.tables[1], "enter", "remind")
        buttons = QHBoxLayout()
        buttons.addWidget(self.enter_button)
        buttons.addWidget(self.remind_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack)
        layout.addLayout(buttons)
        self._mode_changed(reload=False)

    @property
    def showing_declared(self) -> bool:
        return bool(self.mode.currentData())

    def _mode_changed(self, *, reload: bool = True) -> None:
        self.stack.setCurrentIndex(0 if self.showing_declared else 1)
        self.actions.enable("remind", not self.showing_declared)
        if reload:
            self.reload()

    def _search(self, text: str) -> None:
        for proxy in self.proxies:
            proxy.search(text)
        self._count()

    def load(self) -> None:
        actor, year = self.context.actor, self.year.value()
        if self.showing_declared:
            self.query(
                lambda s: declarations.declarations_for_year(s, actor, year),
                lambda rows: self._show(self.declared, rows),
            )
        else:
            self.query(
                lambda s: declarations.undeclared_members(s, actor, year),
                lambda rows: self._show(self.undeclared, rows),
            )

    def _show(self, model: RowsModel, rows: list) -> None:
        model.set_rows(rows)
        self._count()

    def _count(self) -> None:
        proxy = self.proxies[0 if self.showing_declared else 1]
        shown = proxy.rowCount()
        self.count.setText(
            ntr("{count} member", "{count} members", shown)
            if self.showing_declared
            else ntr("{count} member to remind", "{count} members to remind", shown)
        )

    def _selected(self) -> list:
        index = 0 if self.showing_declared else 1
        model = self.declared if index == 0 else self.undeclared
        return [model.row_at(row) for row in self.tables[index].selected_source_rows()]

    @action(
        lambda: tr("Enter or correct the declaration…"), permission=Permission.DECLARATIONS_EDIT
    )
    def enter(self) -> None:
        """The workforce of the selected member for the year, as the service typed it."""
        selected = self._selected()
        if not selected:
            return
        row = selected[0]
        dialog = DeclarationDialog(
            self.context,
            self,
            MemberRef(row.member_id, row.member_code, row.member_name),
            self.year.value(),
            row if isinstance(row, DeclarationRow) else None,
        )
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted and dialog.result is not None and dialog.result.already_invoiced:
            inform(
                self,
                tr("Already invoiced"),
                tr(
                    "The {year} invoice of this member is already issued: it does not "
                    "change. Issue a regularisation (or a credit note) to follow the new "
                    "declaration.",
                    year=self.year.value(),
                ),
            )

    @action(
        lambda: tr("Reminder letters for the selection…"), permission=Permission.DECLARATIONS_EDIT
    )
    def remind(self) -> None:
        """Letters asking the selected members for their declaration."""
        selected = [row.member_id for row in self._selected()]
        if not selected:
            inform(self, tr("Reminder letters"), tr("Select the members to remind first."))
            return
        year = self.year.value()
        path = ask_save_path(
            self,
            tr("Save the reminder letters"),
            tr("declaration-reminders-{year}.pdf", year=year),
            pdf_filter(),
            "letters",
        )
        if path is None:
            return
        actor = self.context.actor

        def work(session: object) -> bytes:
            content = declarations.declaration_reminders(session, actor, year, selected)
            write_whole(path, content, private=True)
            return content

        self.write(work, tr("Printing the letters…")).success(
            lambda pdf: show_pdf(
                self,
                tr("Reminder letters"),
                pdf,
                name=path.name,
                kind="letters",
                private=True,
                note=ntr(
                    "{count} letter saved in {path}.",
                    "{count} letters saved in {path}.",
                    len(selected),
                    path=path,
                ),
            )
        ).run()
