"""The lazy table model shared by the long lists (portal accounts, members): pages asked
on demand, rows refreshed in place, sorting handed to SQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QModelIndex, Qt

from backoffice.db import Database
from backoffice.models import MemberStatus
from backoffice.services import members as member_service
from backoffice.services.members import MemberQuery
from backoffice.services.permissions import Actor
from backoffice.views import labels
from backoffice.views.members.list_model import OVERDUE_COLOUR, MemberListModel
from backoffice.views.widgets.lazy_rows_model import PAGE_SIZE, LazyColumn, LazyRowsModel
from tests import factories

pytestmark = pytest.mark.gui


@dataclass(frozen=True)
class Item:
    id: int
    name: str


def test_pages_are_fetched_on_demand_and_rows_refreshed_in_place(qtmodeltester: object) -> None:
    asked: list[list[int]] = []
    model: LazyRowsModel[Item] = LazyRowsModel(
        [LazyColumn("Id", lambda r: str(r.id), "id", True), LazyColumn("Name", lambda r: r.name)],
        asked.append,
    )
    ids = list(range(1, 2 * PAGE_SIZE + 51))
    model.set_result(ids, [Item(i, f"n{i}") for i in ids[:PAGE_SIZE]])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.data(model.index(3, 1)) == "n4"
    far = model.index(PAGE_SIZE + 5, 1)
    assert model.data(far) == "…"
    assert model.data(model.index(PAGE_SIZE + 9, 0)) == "…"
    assert asked == [ids[PAGE_SIZE : 2 * PAGE_SIZE]]  # one request per page, not per cell
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last: changed.append((first.row(), last.row())))
    model.add_rows([Item(i, f"m{i}") for i in ids[PAGE_SIZE : 2 * PAGE_SIZE]])
    assert model.data(far) == f"m{PAGE_SIZE + 6}"
    assert changed == [(PAGE_SIZE, 2 * PAGE_SIZE - 1)]
    assert model.forget({4, 999_999}) == [4]
    assert model.data(model.index(3, 1)) == "…"
    sorts: list[tuple[str, bool]] = []
    model.sort_requested.connect(lambda key, descending: sorts.append((key, descending)))
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.sort(1)  # not sortable: nothing asked
    assert sorts == [("id", True)]
    assert model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(0, 0), Qt.ItemDataRole.TextAlignmentRole)
    assert model.rowCount(model.index(0, 0)) == 0 and model.rowCount(QModelIndex()) == len(ids)
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_the_member_list_runs_on_the_lazy_model(
    database: Database, actors: dict[str, Actor], qtmodeltester: object
) -> None:
    with database.transaction() as session:
        first = factories.member(session, legal_name="AAA BOULANGERIE")
        factories.member(session, legal_name="BBB GARAGE")
    with database.session() as session:
        ids, rows = member_service.search_members(session, actors["read_only"], MemberQuery())
    model = MemberListModel(lambda _ids: None)
    model.set_result(ids, rows)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.member_id(0) == first.id and model.row_of(0).legal_name == "AAA BOULANGERIE"
    assert model.data(model.index(0, 1)) == "AAA BOULANGERIE"
    assert model.data(model.index(0, 8)) == labels.member_status(MemberStatus.ACTIVE)
    overdue = rows[0].__class__(**{**rows[0].__dict__, "overdue": True})
    model.add_rows([overdue])
    brush = model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == OVERDUE_COLOUR
