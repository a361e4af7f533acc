"""An administrator changes the portal's account rules (shared with the portal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QSpinBox, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.accounts import rules
from backoffice.services.accounts.rules import PortalRules
from backoffice.views.widgets.operation_dialog import OperationDialog


class RulesDialog(OperationDialog):
    def __init__(self, context: AppContext, parent: QWidget | None, current: PortalRules) -> None:
        super().__init__(context, parent, tr("Portal rules"))
        self.add_intro(
            tr(
                "These rules are shared with the portal: they apply to every member and "
                "accounting firm from the next login."
            )
        )
        self.spins: dict[str, QSpinBox] = {}
        for name, (low, high) in rules.LIMITS.items():
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setValue(getattr(current, name))
            self.spins[name] = self.fields[name] = spin
            self.form.addRow(rules.rule_label(name), spin)
        self.set_action(tr("Save"))

    def work(self) -> Callable[[Session], Any] | None:
        actor = self.context.actor
        wanted = PortalRules(**{name: spin.value() for name, spin in self.spins.items()})
        return lambda session: rules.set_portal_rules(session, actor, wanted)
