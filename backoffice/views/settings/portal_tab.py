"""Portal changes: how long after its approval a member's change takes effect."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QSpinBox, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.views.settings.tab import KeysTab

DELAY = "changes.effective_delay_days"


class PortalTab(KeysTab):
    keys = (DELAY,)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.effective_delay = QSpinBox()
        self.effective_delay.setRange(0, 60)
        self.add_fields(
            (tr("Portal changes take effect after (days)"), self.effective_delay, DELAY)
        )
        self.layout_.addStretch()

    def show_values(self, values: dict[str, Any]) -> None:
        self.effective_delay.setValue(int(values[DELAY]))

    def values(self) -> dict[str, Any]:
        return {DELAY: self.effective_delay.value()}
