"""Find members by name, code, SIRET or city, as in the members list, and pick them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from backoffice.i18n import ntr, tr
from backoffice.models import MemberStatus
from backoffice.ops.context import AppContext
from backoffice.services import members as member_service
from backoffice.services.members import MemberQuery, MemberRow
from backoffice.views import labels
from backoffice.views.accounts.texts import CEASED_COLOUR
from backoffice.views.widgets.operations import Latest
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

RESULTS = 50


class MemberPicker(QWidget):
    """``picked`` fires with the member chosen (double click or Enter)."""

    picked = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.latest = Latest(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = SearchBox(tr("Name, member code, SIRET, city or postcode…"))
        self.search.search.connect(self.run_search)
        layout.addWidget(self.search)
        self.model: RowsModel[MemberRow] = RowsModel(
            [
                Column(tr("Code"), lambda r: r.member_code),
                Column(tr("Legal name"), lambda r: r.legal_name),
                Column(tr("City"), lambda r: f"{r.postcode} {r.city}"),
                Column(tr("Status"), lambda r: labels.member_status(r.status)),
            ],
            background=lambda r: CEASED_COLOUR if r.status == MemberStatus.CEASED else None,
            key=lambda r: r.id,
        )
        self.table = DataTable("accounts_member_picker")
        self.table.set_rows_model(self.model)
        for column, width in enumerate((70, 300, 200)):
            self.table.setColumnWidth(column, width)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # as the search answers
        self.table.activated_row.connect(lambda row: self.picked.emit(self.model.row_at(row)))
        layout.addWidget(self.table)
        self.count = QLabel()
        layout.addWidget(self.count)

    def run_search(self, text: str) -> None:
        actor = self.context.actor
        if not text.strip():
            self.latest.forget()  # an older search's answer must not fill the emptied list
            self._show(([], []))
            return
        self.latest.read(
            lambda session: member_service.search_members(
                session, actor, MemberQuery(text=text), first_page=RESULTS
            ),
            self._show,
        )

    def _show(self, result: tuple[list[int], list[MemberRow]]) -> None:
        ids, rows = result
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        shown = tr("the first {shown} are shown", shown=len(rows)) if len(ids) > len(rows) else ""
        self.count.setText(
            ntr("{count} member found", "{count} members found", len(ids))
            + (f" — {shown}" if shown else "")
        )

    def selected(self) -> MemberRow | None:
        row = self.table.current_source_row()
        return self.model.row_at(row) if row is not None else None
