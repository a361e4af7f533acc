"""Find members by name, code, SIRET or city, as in the members list, and pick them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import ntr, tr
from backoffice.models import MemberStatus
from backoffice.ops.context import AppContext
from backoffice.services import members as member_service
from backoffice.services.members import MemberQuery, MemberRow
from backoffice.services.permissions import Actor
from backoffice.views import labels
from backoffice.views.accounts.texts import CEASED_COLOUR
from backoffice.views.widgets.picker import Picker
from backoffice.views.widgets.rows_model import Column

RESULTS = 50


class MemberPicker(Picker[MemberRow]):
    """``picked`` fires with the member chosen (double click or Enter)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context,
            "accounts_member_picker",
            tr("Name, member code, SIRET, city or postcode…"),
            [
                Column(tr("Code"), lambda r: r.member_code),
                Column(tr("Legal name"), lambda r: r.legal_name),
                Column(tr("City"), lambda r: f"{r.postcode} {r.city}"),
                Column(tr("Status"), lambda r: labels.member_status(r.status)),
            ],
            parent,
            background=lambda r: CEASED_COLOUR if r.status == MemberStatus.CEASED else None,
            key=lambda r: r.id,
        )
        for column, width in enumerate((70, 300, 200)):
            self.table.setColumnWidth(column, width)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # as the search answers

    @staticmethod
    def find(session: Session, actor: Actor, text: str) -> tuple[int, list[MemberRow]]:
        ids, rows = member_service.search_members(
            session, actor, MemberQuery(text=text), first_page=RESULTS
        )
        return len(ids), rows

    def found_text(self, count: int) -> str:
        return ntr("{count} member found", "{count} members found", count)
