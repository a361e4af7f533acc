"""The account console as staff use it: from the dashboard's locked accounts to the unblock,
the reset and its letter, accounting firms and their access; driven with pytest-qt."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import FirmAccess, MemberStatus, PortalAccount
from backoffice.ops.context import AppContext
from backoffice.portal import simulator
from backoffice.portal.simulator import LoginOutcome
from backoffice.services.accounts import firms
from backoffice.services.accounts.firms import GrantInput
from backoffice.services.accounts.queries import AccountFilter, AccountRow
from backoffice.services.permissions import Actor
from backoffice.views.accounts import letter_dialog, texts
from backoffice.views.accounts import page as page_module
from backoffice.views.accounts.firm_dialog import FirmDialog
from backoffice.views.accounts.grant_dialog import GrantDialog
from backoffice.views.accounts.letter_dialog import LetterDialog
from backoffice.views.accounts.page import AccountsPage
from backoffice.views.accounts.rules_dialog import RulesDialog
from tests import accounts_support as support
from tests import factories

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("isolated_settings")]
WAIT_MS = 15000


@pytest.fixture
def seeded(database: Database, actors: dict[str, Actor]) -> dict[str, str]:
    """Two locked members, a member awaiting its first login, a ceased member, a firm."""
    with database.transaction() as session:
        locked, _ = support.locked_member(session, legal_name="ÉBÉNISTERIE WEBER")
        other, _ = support.locked_member(session, legal_name="GARAGE MEYER")
        fresh, account = support.member_with_account(session, legal_name="BOULANGERIE ROTH")
        account.must_change_password = True
        ceased = factories.member(
            session,
            legal_name="ANCIENNE SCIERIE",
            status=MemberStatus.CEASED,
            ceased_on=date(2025, 6, 30),
        )
        created = support.create_firm(session, actors["administrative"])
        firms.grant_access(
            session,
            actors["administrative"],
            created.firm_id,
            [GrantInput(fresh.member_code, clock.today())],
        )
        return {
            "locked": locked.member_code,
            "other": other.member_code,
            "fresh": fresh.member_code,
            "ceased": ceased.member_code,
            "firm": created.code,
        }


def make_page(qtbot: QtBot, database: Database, actor: Actor) -> Iterator[AccountsPage]:
    context = AppContext(database, actor)
    page = AccountsPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    yield page
    context.wait_for_background_work()


@pytest.fixture
def console(
    qtbot: QtBot, database: Database, actors: dict[str, Actor], seeded: dict[str, str]
) -> Iterator[AccountsPage]:
    yield from make_page(qtbot, database, actors["administrative"])


def wait_for_rows(qtbot: QtBot, page: AccountsPage, count: int) -> None:
    qtbot.waitUntil(
        lambda: page.model.rowCount() == count and page.model.row_at(0) is not None,
        timeout=WAIT_MS,
    )


def first_row_meets(
    page: AccountsPage, condition: Callable[[AccountRow], bool]
) -> Callable[[], bool]:
    """For ``waitUntil``: the first row meets ``condition`` (a refresh leaves the row
    unfetched a moment, ``None``)."""

    def check() -> bool:
        row = page.model.row_at(0)
        return row is not None and condition(row)

    return check


def wait_for_detail(qtbot: QtBot, page: AccountsPage, login: str) -> None:
    qtbot.waitUntil(
        lambda: page.detail.detail is not None and page.detail.detail.row.login == login,
        timeout=WAIT_MS,
    )


def test_the_dashboard_opens_the_locked_accounts(
    qtbot: QtBot,
    database: Database,
    actors: dict[str, Actor],
    seeded: dict[str, str],
    qtmodeltester: object,
) -> None:
    from backoffice.views.main_window import MainWindow

    context = AppContext(database, actors["administrative"])
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.page("dashboard")
    card = dashboard.cards["accounts"]
    qtbot.waitUntil(card.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    page = window.current_page()
    assert isinstance(page, AccountsPage)
    assert page.filter.currentData() == AccountFilter.LOCKED
    wait_for_rows(qtbot, page, 2)
    assert {page.model.row_at(row).login for row in range(2)} == {
        seeded["locked"],
        seeded["other"],
    }
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    # The first locked account is shown at once, with its failures and why it locked.
    wait_for_detail(qtbot, page, page.model.row_at(0).login)
    shown = page.detail
    assert shown.tabs.tabText(0) == "Tentatives de connexion (5)"
    assert "5 échecs de connexion en moins de 30 minutes" in shown.values["locked"].text()
    assert shown.unblock_button.isEnabled()
    qtmodeltester.check(shown.attempts)  # type: ignore[attr-defined]
    context.wait_for_background_work()


def test_unblock_from_the_console_with_a_note(
    qtbot: QtBot,
    console: AccountsPage,
    database: Database,
    seeded: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    console.open({"filter": "locked", "search": seeded["locked"]})
    wait_for_detail(qtbot, console, seeded["locked"])
    asked: list[str] = []

    def answer(_parent: object, title: str, _prompt: str, **_options: object) -> str:
        asked.append(title)
        return "Appel du gérant"

    monkeypatch.setattr(page_module, "ask_reason", answer)
    qtbot.keyClick(console.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: console.detail.detail is not None and not console.detail.detail.row.locked,
        timeout=WAIT_MS,
    )
    assert asked == [f"Débloquer le compte {seeded['locked']}"]
    assert "débloqué" in console.message.text()
    event = console.detail.history.rows[0]
    assert event.summary == "Appel du gérant"
    assert "tentatives échouées : 5" in texts.audit_values(event.before)
    assert "bloqué le : —" in texts.audit_values(event.after)
    qtbot.waitUntil(
        first_row_meets(console, lambda row: row.failed_attempt_count == 0), timeout=WAIT_MS
    )
    with database.session() as session:
        account = session.scalar(
            select(PortalAccount).where(PortalAccount.login == seeded["locked"])
        )
        assert account.locked_at is None and account.failed_attempt_count == 0


def test_reset_shows_the_password_once_with_its_letter(
    qtbot: QtBot,
    console: AccountsPage,
    database: Database,
    seeded: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    console.open({"search": seeded["other"]})
    wait_for_detail(qtbot, console, seeded["other"])
    monkeypatch.setattr(page_module, "confirm", lambda *_args: True)
    shown: list[LetterDialog] = []
    monkeypatch.setattr(LetterDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    console.detail.reset_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    dialog = shown[0]
    qtbot.addWidget(dialog)
    password = dialog.password.text()
    assert dialog.sent.login == seeded["other"] and len(password) == 12
    assert password in " ".join(support.pdf_text(dialog.letter).split())
    # Closing before the letter is saved asks first; refusing keeps the dialog.
    monkeypatch.setattr(letter_dialog, "confirm", lambda *_args: False)
    dialog.show()
    dialog.reject()
    assert dialog.isVisible() and not dialog.handled
    target = tmp_path / "lettre.pdf"
    monkeypatch.setattr(letter_dialog, "inform", lambda *_args: None)
    assert dialog.save_letter(str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and dialog.handled
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected
    with database.transaction() as session:
        assert simulator.log_in(session, seeded["other"], password) == (
            LoginOutcome.MUST_CHANGE_PASSWORD
        )


def test_search_as_you_type_and_sorting_in_sql(
    qtbot: QtBot, console: AccountsPage, seeded: dict[str, str], qtmodeltester: object
) -> None:
    console.activated()
    wait_for_rows(qtbot, console, 4)
    qtbot.keyClicks(console.search, "ebenis")
    wait_for_rows(qtbot, console, 1)
    assert console.model.row_at(0).login == seeded["locked"]
    assert console.count.text() == "1 compte"
    console.search.clear()
    wait_for_rows(qtbot, console, 4)
    console.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # login, asked of SQL
    qtbot.waitUntil(lambda: console.sort_key == "login", timeout=WAIT_MS)
    qtbot.waitUntil(
        first_row_meets(console, lambda row: row.login == seeded["firm"]), timeout=WAIT_MS
    )
    qtmodeltester.check(console.model)  # type: ignore[attr-defined]


def test_a_new_firm_refused_then_created_then_given_access(
    qtbot: QtBot,
    console: AccountsPage,
    database: Database,
    seeded: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: object,
) -> None:
    dialog = FirmDialog(console.context, console)
    qtbot.addWidget(dialog)
    values = support.firm_input(name="Fiduciaire Roth", email="pas-un-email")
    for name, line in dialog.inputs.items():
        line.setText(getattr(values, name) or "")
    accepted: list[int] = []
    dialog.accepted.connect(lambda: accepted.append(1))
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.errors.text()), timeout=WAIT_MS)
    assert "pas-un-email" in dialog.errors.text()
    assert "b00020" in dialog.inputs["email"].styleSheet()  # the field named turns red
    assert dialog.inputs["name"].text() == "Fiduciaire Roth"  # what was typed is kept
    dialog.inputs["email"].setText("contact@fiduciaire-roth.fr")
    dialog.submit()
    qtbot.waitUntil(lambda: bool(accepted), timeout=WAIT_MS)
    sent, letter = dialog.result
    assert sent.login == "CAB0002" and sent.temporary_password in support.pdf_text(letter)
    with database.session() as session:
        firm_id = session.scalar(
            select(PortalAccount.firm_id).where(PortalAccount.login == "CAB0002")
        )
    grant = GrantDialog(console.context, console, firm_id, "Fiduciaire Roth")
    qtbot.addWidget(grant)
    grant.picker.search.setText("scierie")
    qtbot.waitUntil(lambda: grant.picker.model.rowCount() == 1, timeout=WAIT_MS)
    grant.add(grant.picker.selected())  # a ceased member is refused at once
    assert "a cessé son activité" in grant.errors.text() and not grant.chosen.rows
    for code in (seeded["fresh"], seeded["locked"]):
        grant.picker.search.setText(code)
        qtbot.waitUntil(
            lambda code=code: (
                grant.picker.model.rowCount() == 1
                and grant.picker.model.row_at(0).member_code == code
            ),
            timeout=WAIT_MS,
        )
        qtbot.keyClick(grant.picker.table, Qt.Key.Key_Return)
    # The list is shown sorted by code, whatever the order of choice.
    assert [row.member_code for row in grant.chosen.rows] == sorted(
        [seeded["fresh"], seeded["locked"]]
    )
    qtmodeltester.check(grant.chosen)  # type: ignore[attr-defined]
    qtmodeltester.check(grant.picker.model)  # type: ignore[attr-defined]
    granted: list[int] = []
    grant.accepted.connect(lambda: granted.append(1))
    grant.submit()
    qtbot.waitUntil(lambda: bool(granted), timeout=WAIT_MS)
    with database.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(FirmAccess).where(FirmAccess.firm_id == firm_id)
            )
            == 2
        )


def test_revoke_from_the_firm_detail(
    qtbot: QtBot,
    console: AccountsPage,
    database: Database,
    seeded: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    console.open({"search": seeded["firm"]})
    wait_for_detail(qtbot, console, seeded["firm"])
    panel = console.detail
    assert not panel.grant_button.isHidden() and panel.tabs.tabText(1) == "Agit pour (1)"
    monkeypatch.setattr(page_module, "ask_reason", lambda *_a, **_k: "Fin de mission")
    panel.grants_table.selectRow(0)
    panel.revoke_button.click()
    qtbot.waitUntil(
        lambda: panel.detail is not None and not panel.detail.grants[0].active, timeout=WAIT_MS
    )
    assert panel.tabs.tabText(1) == "Agit pour (0)"
    assert panel.grants.rows[0].revoke_reason == "Fin de mission"


def test_read_only_staff_see_the_console_but_no_action(
    qtbot: QtBot, database: Database, actors: dict[str, Actor], seeded: dict[str, str]
) -> None:
    for page in make_page(qtbot, database, actors["read_only"]):
        page.open({"filter": "locked"})
        wait_for_rows(qtbot, page, 2)
        wait_for_detail(qtbot, page, page.model.row_at(0).login)
        panel = page.detail
        assert all(
            button.isHidden()  # not merely out of sight in a tab: hidden for this role
            for button in (
                panel.unblock_button,
                panel.reset_button,
                panel.recovery_button,
                panel.grant_button,
                panel.revoke_button,
                page.new_firm_button,
                page.first_access_button,
            )
        )
        assert len(panel.attempts.rows) == 5


def test_after_an_unblock_the_account_stays_shown_and_acted_upon(
    qtbot: QtBot,
    console: AccountsPage,
    seeded: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In the locked filter, the unblocked account leaves the list at the next refresh;
    the account shown beside must not silently become the next locked one."""
    console.open({"filter": "locked"})
    wait_for_rows(qtbot, console, 2)
    second = console.model.row_at(1).login
    console.table.selectRow(1)
    wait_for_detail(qtbot, console, second)
    monkeypatch.setattr(page_module, "ask_reason", lambda *_a, **_k: "")
    console.unblock_selected()
    qtbot.waitUntil(lambda: not console.detail.detail.row.locked, timeout=WAIT_MS)
    console.refresh()  # as the live refresh does when the portal or a colleague writes
    wait_for_rows(qtbot, console, 1)
    assert console.model.row_at(0).login != second
    console.context.wait_for_background_work()
    qtbot.wait(200)
    assert console.detail.detail.row.login == second
    reset: list[str] = []
    monkeypatch.setattr(
        page_module, "confirm", lambda _parent, _title, question, _action: reset.append(question)
    )
    console.reset_selected()
    assert second in reset[0]


def test_an_administrator_changes_the_portal_rules_from_the_console(
    qtbot: QtBot, database: Database, actors: dict[str, Actor], seeded: dict[str, str]
) -> None:
    for page in make_page(qtbot, database, actors["administrator"]):
        page.activated()
        qtbot.waitUntil(lambda p=page: "5 échecs" in p.rules_text.text(), timeout=WAIT_MS)
        assert not page.rules_button.isHidden()
        dialog = RulesDialog(page.context, page, page.rules)
        qtbot.addWidget(dialog)
        dialog.spins["max_failures"].setValue(4)
        dialog.spins["temporary_days"].setValue(15)
        dialog.submit()
        qtbot.waitUntil(lambda p=page: "4 échecs" in p.rules_text.text(), timeout=WAIT_MS)
        assert "15 jours" in page.rules_text.text()
    for page in make_page(qtbot, database, actors["administrative"]):
        assert page.rules_button.isHidden()
