"""The member list's model: all matching ids, rows fetched a page at a time.

Sorting and filtering run in SQL (the model asks for them through ``sort_requested``); the
model holds the ordered ids of the result, so the scrollbar is true, and a cache of the
rows already fetched (``LazyRowsModel``). A row not yet fetched shows "…" while its page
is requested.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from backoffice.i18n import tr
from backoffice.models.members import MemberStatus
from backoffice.services.members import MemberRow
from backoffice.views import labels
from backoffice.views.widgets.lazy_rows_model import LazyColumn, LazyRowsModel, RowFetcher

OVERDUE_COLOUR = QColor("#fde8e8")
CEASED_COLOUR = QColor("#eeeeee")


def columns() -> list[LazyColumn[MemberRow]]:
    """Each column's title, text, and SQL sort key (None: it cannot be sorted)."""
    return [
        LazyColumn(tr("Code"), lambda r: r.member_code, "member_code"),
        LazyColumn(tr("Legal name"), lambda r: r.legal_name, "legal_name"),
        LazyColumn(tr("SIRET"), lambda r: r.siret, "siret"),
        LazyColumn(tr("Postcode"), lambda r: r.postcode, "postcode"),
        LazyColumn(tr("City"), lambda r: r.city, "city"),
        LazyColumn(tr("Centre"), lambda r: r.centre or "", "centre"),
        LazyColumn(tr("Employees"), lambda r: str(r.employees), "employees", True),
        LazyColumn(tr("SEPA"), lambda r: tr("Yes") if r.sepa else "", "sepa"),
        LazyColumn(tr("Status"), lambda r: labels.member_status(r.status), "status"),
        LazyColumn(tr("Overdue"), lambda r: tr("Yes") if r.overdue else "", "overdue"),
    ]


def colour(row: MemberRow) -> QColor | None:
    if row.overdue:
        return OVERDUE_COLOUR
    return CEASED_COLOUR if row.status == MemberStatus.CEASED else None


class MemberListModel(LazyRowsModel[MemberRow]):
    def __init__(self, fetch_rows: RowFetcher, parent: Any = None) -> None:
        super().__init__(columns(), fetch_rows, background=colour, parent=parent)

    def member_id(self, row: int) -> int | None:
        return self.id_at(row)

    def row_of(self, row: int) -> MemberRow | None:
        return self.row_at(row)
