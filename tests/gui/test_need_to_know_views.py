"""The members list of a role that may not know mandates and debts has neither their
filters nor their columns, and its searches are answered; a member's page shows no
section or column for what the services did not give the role (issue 14.10)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from backoffice.db import Database
from backoffice.models import Role
from backoffice.ops.context import AppContext
from backoffice.views.members.list_model import columns
from backoffice.views.members.member_view import MemberView, employee_columns, health_columns
from backoffice.views.members.page import MembersPage
from tests import factories
from tests.gui.conftest import idle

BILLING_COLUMNS = {"sepa", "overdue"}


@pytest.mark.parametrize(("role", "sees"), [(Role.MEDICAL_ASSISTANT, False), (Role.BILLING, True)])
def test_the_members_list_shows_mandates_and_debts_only_to_who_may_know(
    qtbot: QtBot,
    sqlite_database: Database,
    make_context: Callable[[Role], AppContext],
    recorded_errors: list[BaseException],
    role: Role,
    sees: bool,
) -> None:
    with sqlite_database.transaction() as session:
        factories.member(session)
    context = make_context(role)
    page = MembersPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activated()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    assert page.sepa.isVisible() is sees and page.overdue.isVisible() is sees
    hidden = {
        column.sort_key
        for index, column in enumerate(columns())
        if page.table.isColumnHidden(index)
    }
    assert (hidden & BILLING_COLUMNS) == (set() if sees else BILLING_COLUMNS)
    qtbot.waitUntil(idle(context))
    assert not recorded_errors  # the role's own search is never refused


@pytest.mark.parametrize(
    ("role", "billing", "health"),
    [
        (Role.MEDICAL_ASSISTANT, False, True),
        (Role.BILLING, True, False),
        (Role.ADMINISTRATIVE, True, True),
    ],
)
def test_a_members_page_shows_what_the_role_received_and_nothing_else(
    qtbot: QtBot,
    sqlite_database: Database,
    make_context: Callable[[Role], AppContext],
    recorded_errors: list[BaseException],
    role: Role,
    billing: bool,
    health: bool,
) -> None:
    """The medical assistant's record has no billing section (the data has no billing
    fields); billing staff's employees have no birth date, risk or visit columns."""
    with sqlite_database.transaction() as session:
        member = factories.member(session, billing_name="CABINET ZÉPHYR", billing_city="Thann")
        factories.employee(session, member.id, birth_date=date(1971, 3, 17))
        member_id = member.id
    context = make_context(role)
    view = MemberView(context, member_id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.detail is not None, timeout=10000)
    qtbot.waitUntil(lambda: view.employees.rowCount() == 1, timeout=10000)
    assert ("billing_name" in view.detail.values) is billing
    assert view.form.boxes["billing"].isVisibleTo(view) is billing
    assert view.form.boxes["identity"].isVisibleTo(view)
    if billing:
        assert view.form.inputs["billing_name"].text() == "CABINET ZÉPHYR"
    row = view.employees.row_at(0)
    assert (row.birth_date is not None) is health
    hidden = {
        column.title
        for index, column in enumerate(employee_columns())
        if view.employee_table.isColumnHidden(index)
    }
    assert hidden == (set() if health else set(health_columns()))
    assert not view.is_dirty()  # nothing absent counts as typed
    qtbot.waitUntil(idle(context))
    assert not recorded_errors
