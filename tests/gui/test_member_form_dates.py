"""A member's dates typed in the form are bounded by their meaning (``dates.Meaning``): a
membership does not start in 1890 nor in 2999, an activity does not start tomorrow. The
form refuses them before any service call, in French, and what was typed stays."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from pytestqt.qtbot import QtBot

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Member, Role
from backoffice.ops.context import AppContext
from backoffice.views.members.form import MemberForm
from backoffice.views.members.member_view import MemberView
from backoffice.views.members.new_member_dialog import NewMemberDialog
from tests import factories
from tests.gui.conftest import idle

TODAY = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today() -> object:
    with clock.frozen(TODAY):
        yield


def type_in(form: MemberForm, name: str, text: str) -> None:
    form.inputs[name].setText(text)
    form.inputs[name].textEdited.emit(text)


@pytest.mark.parametrize(
    ("name", "text", "sentence"),
    [
        ("joined_on", "01/01/1890", "pas une date plausible"),
        ("joined_on", "01/01/2999", "plus d'un an"),
        ("activity_started_on", "05/12/2026", "dans le futur"),
        ("activity_started_on", "01/01/1700", "pas une date plausible"),
        ("joined_on", "31/02/2020", "pas une date"),
    ],
)
def test_the_member_form_refuses_a_date_out_of_its_bounds_and_keeps_it(
    qtbot: QtBot,
    sqlite_database: Database,
    make_context: Callable[[Role], AppContext],
    name: str,
    text: str,
    sentence: str,
) -> None:
    with sqlite_database.transaction() as session:
        member = factories.member(session)
        member_id, version = member.id, member.version
    context = make_context(Role.ADMINISTRATIVE)
    view = MemberView(context, member_id)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10000)
    type_in(view.form, name, text)
    assert view.form.inputs[name].styleSheet()  # marked in red as it is typed
    assert view.save_button.isEnabled()
    view.save()
    assert sentence in view.errors.text()
    assert view.form.label_of(name) in view.errors.text()
    assert view.form.inputs[name].text() == text  # kept
    qtbot.waitUntil(idle(context))
    with sqlite_database.session() as session:
        assert session.get(Member, member_id).version == version  # nothing was sent


def test_a_date_within_its_bounds_is_saved(
    qtbot: QtBot, sqlite_database: Database, make_context: Callable[[Role], AppContext]
) -> None:
    with sqlite_database.transaction() as session:
        member_id = factories.member(session).id
    context = make_context(Role.ADMINISTRATIVE)
    view = MemberView(context, member_id)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10000)
    type_in(view.form, "activity_started_on", "01/03/1987")
    assert not view.form.inputs["activity_started_on"].styleSheet()
    view.save()
    qtbot.waitUntil(
        lambda: (
            view.detail is not None
            and view.detail.values["activity_started_on"] == date(1987, 3, 1)
        ),
        timeout=10000,
    )
    assert view.errors.text() == ""
    qtbot.waitUntil(idle(context))


def test_the_date_inputs_carry_their_meaning_bounds(qtbot: QtBot) -> None:
    form = MemberForm()
    qtbot.addWidget(form)
    joined = form.inputs["joined_on"]
    joined.setText("01/01/1900")
    assert not joined.is_valid()  # before occupational health existed
    joined.setText("04/12/2026")
    assert joined.is_valid()


def test_a_new_member_joining_in_2999_is_refused_in_the_dialog(
    qtbot: QtBot, sqlite_database: Database, make_context: Callable[[Role], AppContext]
) -> None:
    context = make_context(Role.ADMINISTRATIVE)
    dialog = NewMemberDialog(context, None)
    qtbot.addWidget(dialog)
    dialog.joining_fee.setChecked(False)
    dialog.first_access.setChecked(False)
    typed = {
        "legal_name": "MENUISERIE KOENIG SARL",
        "siret": "87951462800020",
        "address_line1": "14 rue du Ballon",
        "postcode": "68500",
        "city": "Guebwiller",
        "joined_on": "01/01/2999",
    }
    for name, text in typed.items():
        dialog.record.inputs[name].setText(text)
    dialog.submit()
    assert "Adhésion" in dialog.errors.text() or "adhésion" in dialog.errors.text()
    assert "plus d'un an" in dialog.errors.text()
    assert dialog.result is None
    assert {name: dialog.record.inputs[name].text() for name in typed} == typed
    qtbot.waitUntil(idle(context))
    with sqlite_database.session() as session:
        assert session.query(Member).count() == 0
