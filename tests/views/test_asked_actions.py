"""Issue 20: an action that asks first (``@action(ask=Ask(...))``) asks about the
selected row, runs on it when the user says yes, and does nothing otherwise."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from backoffice.models import Role
from backoffice.ops.context import AppContext
from backoffice.views.widgets import dialogs
from backoffice.views.widgets.actions import Actions, Ask, action


class Removing(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.row: str | None = "Horaires"
        self.done: list[str] = []
        self.actions = Actions(self, context)

    def selected(self) -> str | None:
        return self.row

    @action(
        lambda: "Remove…",
        ask=Ask(lambda row: f"Remove {row}?", title=lambda: "Remove a document"),
    )
    def remove(self, row: str) -> None:
        self.done.append(row)


@pytest.mark.gui
def test_an_action_that_asks_runs_on_the_selected_row_only_when_confirmed(
    qtbot: QtBot, make_context, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = Removing(make_context(Role.ADMINISTRATIVE))
    qtbot.addWidget(view)
    asked: list[tuple[str, str, str]] = []
    answer = [False]

    def confirm(_parent: object, title: str, question: str, go: str) -> bool:
        asked.append((title, question, go))
        return answer[0]

    monkeypatch.setattr(dialogs, "confirm", confirm)
    view.remove()
    assert asked == [("Remove a document", "Remove Horaires?", "Remove…")]
    assert view.done == []
    answer[0] = True
    view.actions.run("remove")
    assert view.done == ["Horaires"]
    view.row = None
    view.remove()
    assert len(asked) == 2 and view.done == ["Horaires"]  # nothing selected: not asked
