"""The shared operation dialog: a refusal is shown in the form, which keeps what was typed;
success closes it with the service's answer; a role that may only look gets no OK."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from backoffice.ops.context import AppContext
from backoffice.services.errors import Conflict, ServiceError, ValidationFailed
from backoffice.views.widgets.operation_dialog import OperationDialog
from tests.gui.conftest import idle

Buttons = QDialogButtonBox.StandardButton


class NameDialog(OperationDialog):
    """Saves a name; ``refusal`` is raised by the service instead, when set."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context, None, "Nom")
        self.refusal: ServiceError | None = None
        self.name, self.note = QLineEdit(), QLineEdit()
        self.form.addRow("Nom", self.name)
        self.form.addRow("Note", self.note)
        self.fields = {"name": self.name, "note": self.note}

    def work(self) -> Callable[[Session], str]:
        name, refusal = self.name.text(), self.refusal

        def save(_session: Session) -> str:
            if refusal is not None:
                raise refusal
            return name.upper()

        return save


def test_a_refusal_stays_in_the_form_then_success_closes_it(
    qtbot: QtBot, context: AppContext, recorded_errors: list[BaseException]
) -> None:
    dialog = NameDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Al")
    dialog.refusal = ValidationFailed.single("name", "Nom : trop court.")
    dialog.submit()
    qtbot.waitUntil(idle(context), timeout=10000)
    assert dialog.errors.text() == "Nom : trop court."
    assert "b00020" in dialog.name.styleSheet() and not dialog.note.styleSheet()
    assert dialog.name.text() == "Al" and dialog.isVisible()
    assert dialog.buttons.button(Buttons.Ok).isEnabled() and not recorded_errors
    dialog.refusal = None
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.buttons.button(Buttons.Ok).click()
    assert dialog.result == "AL"


@pytest.mark.parametrize("inline", [False, True])
def test_other_refusals_get_the_standard_dialog_unless_shown_inline(
    qtbot: QtBot, context: AppContext, recorded_errors: list[BaseException], inline: bool
) -> None:
    dialog = NameDialog(context)
    qtbot.addWidget(dialog)
    if inline:
        dialog.shown_inline = (ServiceError,)
    dialog.refusal = Conflict("Modifié entre-temps.")
    dialog.submit()
    qtbot.waitUntil(idle(context), timeout=10000)
    assert (dialog.errors.text() == "Modifié entre-temps.") is inline
    assert bool(recorded_errors) is not inline
    assert QDialog.result(dialog) != QDialog.DialogCode.Accepted


def test_read_only_disables_the_inputs_and_leaves_only_close(
    qtbot: QtBot, context: AppContext
) -> None:
    dialog = NameDialog(context)
    qtbot.addWidget(dialog)
    dialog.add_intro("Lecture seule.")
    dialog.set_action("Enregistrer")
    assert dialog.buttons.button(Buttons.Ok).text() == "Enregistrer"
    dialog.set_read_only()
    assert not dialog.name.isEnabled() and not dialog.note.isEnabled()
    assert dialog.buttons.standardButtons() == Buttons.Close
    assert dialog.buttons.button(Buttons.Close).isEnabled()
    dialog.submit()  # nothing to save: no operation starts
    assert idle(context)()
    assert dialog.layout_.itemAt(0).widget().text() == "Lecture seule."


def test_a_second_submit_while_saving_is_ignored(qtbot: QtBot, context: AppContext) -> None:
    dialog = NameDialog(context)
    qtbot.addWidget(dialog)
    dialog.name.setText("Al")
    saves: list[str] = []
    original = dialog.work

    def counted() -> Callable[[Session], str]:
        saves.append(dialog.name.text())
        return original()

    dialog.work = counted  # type: ignore[method-assign]
    dialog.submit()
    dialog.submit()  # Enter pressed again in a list before the first save returned
    qtbot.waitUntil(idle(context), timeout=10000)
    assert saves == ["Al"] and dialog.result == "AL"
