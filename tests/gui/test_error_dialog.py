"""Issue 14.1: a value the database refuses reaches the user as a dialog naming the field
(the dialog used to crash while translating the error); nothing is saved."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import exc, func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import Meaning, format_day
from backoffice.db import Database
from backoffice.models import Member
from backoffice.ops import errors as error_dialogs
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation
from backoffice.views.widgets.inputs import DateInput
from tests import factories


def test_a_database_refusal_shows_a_dialog_naming_the_field(
    qtbot: QtBot,
    sqlite_database: Database,
    context: AppContext,
    recorded_errors: list[BaseException],
) -> None:
    def work(session: Session) -> None:
        factories.member(session, siret="7328293200007")  # 13 digits: the CHECK refuses

    Operation(context, None, work).run()
    qtbot.waitUntil(lambda: bool(recorded_errors), timeout=10000)
    assert isinstance(recorded_errors[0], exc.IntegrityError)
    box, buttons = error_dialogs.message_box(None, recorded_errors[0], "", url=context.database.url)
    qtbot.addWidget(box)
    assert box.windowTitle() == "Refusé"
    assert box.text().startswith("SIRET : ")
    assert "Rien n’a été enregistré" in box.text()
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.detailedText() == ""  # a refusal, not a defect: no traceback for the user
    assert list(buttons) == [error_dialogs.Choice.CLOSE]
    with sqlite_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 0


def test_the_details_of_an_unexpected_error_hide_passwords(qtbot: QtBot) -> None:
    details = "Traceback…\nOperationalError: postgresql://staff:s3cr%t@db.example/prod\n"
    box, _buttons = error_dialogs.message_box(None, RuntimeError("boom"), details)
    qtbot.addWidget(box)
    assert box.icon() == QMessageBox.Icon.Critical
    assert "s3cr%t" not in box.detailedText()
    assert "postgresql://staff:***@db.example/prod" in box.detailedText()


def test_a_day_outside_its_meanings_bounds_is_refused_where_it_is_typed(qtbot: QtBot) -> None:
    edit = DateInput(meaning=Meaning.PAYMENT_RECEIVED)
    qtbot.addWidget(edit)
    edit.setText("01/01/1900")
    assert not edit.is_valid()
    with pytest.raises(ValueError, match="n’est pas une date plausible ici"):
        edit.day()
    edit.setText(format_day(clock.today()))
    assert edit.day() == clock.today()
