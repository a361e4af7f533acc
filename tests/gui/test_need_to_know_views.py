"""The members list of a role that may not know mandates and debts has neither their
filters nor their columns, and its searches are answered (issue 14.10)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from backoffice.db import Database
from backoffice.models import Role
from backoffice.ops.context import AppContext
from backoffice.views.members.list_model import columns
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
