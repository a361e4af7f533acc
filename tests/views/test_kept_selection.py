"""Issue 20: a list's selected row read one way (``DataTable.current_of``) and kept across
a reload by its key (``DataTable.select_key``), through the list's sort."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable


@pytest.mark.gui
@pytest.mark.usefixtures("isolated_settings")
def test_the_selected_row_is_found_again_by_its_key_after_a_reload(qtbot: QtBot) -> None:
    model: RowsModel[tuple[int, str]] = RowsModel(
        [Column("Name", lambda r: r[1])], key=lambda r: r[0]
    )
    table = DataTable("kept_selection_test")
    qtbot.addWidget(table)
    searchable(table, model, 0, Qt.SortOrder.DescendingOrder)
    model.set_rows([(1, "Alpha"), (2, "Bravo"), (3, "Charlie")])
    assert table.current_of(model) is None
    assert table.select_key(model, 1)
    assert table.current_of(model) == (1, "Alpha")
    assert table.currentIndex().row() == 2  # sorted descending: shown last
    model.set_rows([(3, "Charlie"), (1, "Alpha (renamed)")])  # reloaded: Bravo gone
    assert table.select_key(model, 1) and table.current_of(model) == (1, "Alpha (renamed)")
    assert not table.select_key(model, 2)  # no longer there
