"""Give an accounting firm access to several members, each from its consent date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDateEdit, QPushButton, QWidget
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import MemberStatus
from backoffice.ops.context import AppContext
from backoffice.services.accounts import firms
from backoffice.services.accounts.firms import GrantInput
from backoffice.services.members import MemberRow
from backoffice.views import formatting
from backoffice.views.accounts.member_picker import MemberPicker
from backoffice.views.widgets.layouts import STRETCH, hbox
from backoffice.views.widgets.operation_dialog import OperationDialog
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable


@dataclass(frozen=True)
class Chosen:
    member_code: str
    legal_name: str
    city: str
    consent_on: date


class GrantDialog(OperationDialog):
    def __init__(
        self, context: AppContext, parent: QWidget | None, firm_id: int, firm_name: str
    ) -> None:
        super().__init__(context, parent, tr("Give {firm} access to members", firm=firm_name))
        self.firm_id = firm_id
        self.resize(760, 620)
        self.add_intro(
            tr(
                "Find each member that agreed, set the date of its consent, and add it "
                "(Enter or double click). The firm then acts for them on the portal."
            )
        )
        self.picker = MemberPicker(context)
        self.picker.picked.connect(self.add)
        self.layout_.addWidget(self.picker, 3)
        self.consent = QDateEdit(QDate(clock.today()))
        self.consent.setCalendarPopup(True)
        self.consent.setDisplayFormat("dd/MM/yyyy")
        self.consent.setMaximumDate(QDate(clock.today()))
        add = QPushButton(tr("Add the selected member ↓"))
        add.clicked.connect(lambda _checked=False: self.add(self.picker.selected()))
        self.layout_.addLayout(hbox(tr("Consent date"), self.consent, add, STRETCH))
        self.chosen: RowsModel[Chosen] = RowsModel(
            [
                Column(tr("Code"), lambda r: r.member_code),
                Column(tr("Legal name"), lambda r: r.legal_name),
                Column(tr("City"), lambda r: r.city),
                Column(
                    tr("Consent date"),
                    lambda r: formatting.day(r.consent_on),
                    lambda r: r.consent_on,
                ),
            ],
            key=lambda r: r.member_code,
        )
        self.table = DataTable("accounts_grant_chosen")
        self.table.set_rows_model(self.chosen)
        for column, width in enumerate((70, 300, 200)):
            self.table.setColumnWidth(column, width)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.layout_.addWidget(self.table, 2)
        remove = QPushButton(tr("Remove from the list"))
        remove.clicked.connect(self.remove_selected)
        QShortcut(QKeySequence.StandardKey.Delete, self.table).activated.connect(
            self.remove_selected
        )
        self.layout_.addWidget(remove)
        self.set_action(tr("Give access"))
        self._update_ok()

    def add(self, member: MemberRow | None) -> None:
        if member is None:
            return
        if member.status == MemberStatus.CEASED:
            self.show_errors(
                tr(
                    "{code} ({name}) ceased its activity: an accounting firm cannot be given "
                    "access to it.",
                    code=member.member_code,
                    name=member.legal_name,
                )
            )
            return
        rows = [row for row in self.chosen.rows if row.member_code != member.member_code]
        consent = self.consent.date().toPython()
        city = f"{member.postcode} {member.city}"
        rows.append(Chosen(member.member_code, member.legal_name, city, consent))
        self.chosen.set_rows(rows)
        self.show_errors("")
        self._update_ok()

    def remove_selected(self) -> None:
        gone = {self.chosen.row_at(row).member_code for row in self.table.selected_source_rows()}
        self.chosen.set_rows([row for row in self.chosen.rows if row.member_code not in gone])
        self._update_ok()

    def grants(self) -> list[GrantInput]:
        return [GrantInput(row.member_code, row.consent_on) for row in self.chosen.rows]

    def work(self) -> Callable[[Session], Any] | None:
        actor, firm_id, grants = self.context.actor, self.firm_id, self.grants()
        return lambda session: firms.grant_access(session, actor, firm_id, grants)

    def busy_label(self) -> str:
        return ntr(
            "Giving access to {count} member…",
            "Giving access to {count} members…",
            len(self.chosen.rows),
        )

    def _update_ok(self) -> None:
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(bool(self.chosen.rows))
