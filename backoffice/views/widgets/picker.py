"""Find rows as you type and pick one: a search field, the first rows found, how many.

A subclass says what it looks for: the static ``find(session, actor, text)`` (run in the
background: it holds no widget) returns ``(how many match, the first rows)``, and
``found_text(count)`` says how many in French. ``picked`` fires with the row chosen
(double click or Enter); ``selected()`` is the row under the cursor. The members' picker
(portal accounts) and the open invoices' (bank desk) are ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.permissions import Actor
from backoffice.views.widgets.operations import Latest
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

Row = TypeVar("Row")


class Picker(QWidget, Generic[Row]):
    picked = Signal(object)

    def __init__(
        self,
        context: AppContext,
        layout_key: str,
        placeholder: str,
        columns: Sequence[Column[Row]],
        parent: QWidget | None = None,
        **model_options: Any,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.latest = Latest(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = SearchBox(placeholder)
        self.search.search.connect(self.run_search)
        layout.addWidget(self.search)
        self.model: RowsModel[Row] = RowsModel(columns, **model_options)
        self.table = DataTable(layout_key)
        self.table.set_rows_model(self.model)
        self.table.activated_row.connect(lambda row: self.picked.emit(self.model.row_at(row)))
        layout.addWidget(self.table)
        self.count = QLabel()
        layout.addWidget(self.count)

    # -- what a picker says ----------------------------------------------------------------

    @staticmethod
    def find(session: Session, actor: Actor, text: str) -> tuple[int, list[Any]]:
        raise NotImplementedError

    def found_text(self, count: int) -> str:
        raise NotImplementedError

    # -- searching -------------------------------------------------------------------------

    def run_search(self, text: str) -> None:
        if not text.strip():
            self.latest.forget()  # an older search's answer must not fill the emptied list
            self._show((0, []))
            return
        find, actor = type(self).find, self.context.actor
        self.latest.read(lambda session: find(session, actor, text), self._show)

    def _show(self, result: tuple[int, list[Row]]) -> None:
        found, rows = result
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        shown = tr("the first {shown} are shown", shown=len(rows)) if found > len(rows) else ""
        self.count.setText(self.found_text(found) + (f" — {shown}" if shown else ""))

    def selected(self) -> Row | None:
        return self.table.current_of(self.model)
