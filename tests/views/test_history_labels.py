"""Issue 20, 7.4: a history says in French what was done, never a raw key such as
``bank · match``. Every audit action the services record has its label."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backoffice.i18n import language, set_language

SERVICES = Path(__file__).resolve().parents[2] / "backoffice" / "services"
# ``audit.record(session, actor, "member.edit", …``, ``"action": "payment.record"`` and the
# helpers that take the action as their third argument (``_audit_account``).
WRITTEN = re.compile(
    r"""(?:audit\.record|_audit_account)\(\s*[^,()]+,\s*[^,()]+,\s*"([a-z_.]+)"|"action":\s*"([a-z_.]+)\""""
)
# Made up from parts at run time (``f"mail.{action}"``): named here, one by one.
COMPOSED = {
    "mail.cancel",
    "mail.retry",
    "mail.resend",
    "mail.mark_sent",
    "mail.printed_instead",
    "appointment_request.accept",
    "appointment_request.refuse",
    "centre.create",
    "centre.edit",
    "professional.create",
    "professional.edit",
    "change.duplicate",
    "change.reject",
    "change.approve",
    "service_account.add",
}


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in SERVICES.rglob("*.py"):
        for match in WRITTEN.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found | COMPOSED


def test_the_services_record_the_actions_this_test_reads() -> None:
    """The pattern still finds the actions (were it to find none, the next test would
    pass on nothing)."""
    actions = recorded_actions()
    assert {"payment.record", "member.edit", "bank.match", "service_account.add"} <= actions
    assert len(actions) > 80


@pytest.fixture(scope="module")
def labels() -> tuple[dict[str, str], dict[str, str]]:
    """The labels in English (the source strings) and in French."""
    from backoffice.views.widgets.history import _action_labels

    before = language()
    try:
        set_language("en")
        english = _action_labels()
        set_language("fr")
        return english, _action_labels()
    finally:
        set_language(before)


@pytest.mark.parametrize("action", sorted(recorded_actions()))
def test_every_recorded_action_has_a_french_label(
    action: str, labels: tuple[dict[str, str], dict[str, str]]
) -> None:
    english, french = labels
    assert action in french, f"{action} shows as a raw key in the histories"
    assert french[action] != english[action], f"{english[action]!r} has no French translation"
