"""Appointments: when a cancellation is too late, and the texts of the convocations."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QSpinBox, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.views.settings.tab import KeysTab
from backoffice.views.widgets.inputs import text_area

NOTICE = "appointments.cancellation_notice_hours"
TEXTS = "convocation.texts"


class AppointmentsTab(KeysTab):
    keys = (NOTICE, TEXTS)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.cancellation_hours = QSpinBox()
        self.cancellation_hours.setRange(0, 24 * 30)
        self.what_to_bring = text_area(90)
        self.how_to_cancel = text_area(90)
        self.add_fields(
            (tr("Late cancellation under (hours)"), self.cancellation_hours, NOTICE),
            (tr("Convocation: what to bring"), self.what_to_bring, TEXTS),
            (tr("Convocation: how to cancel"), self.how_to_cancel),
        )
        self.layout_.addStretch()

    def show_values(self, values: dict[str, Any]) -> None:
        self.cancellation_hours.setValue(int(values[NOTICE]))
        self.what_to_bring.setPlainText(values[TEXTS].get("what_to_bring", ""))
        self.how_to_cancel.setPlainText(values[TEXTS].get("how_to_cancel", ""))

    def values(self) -> dict[str, Any]:
        return {
            NOTICE: self.cancellation_hours.value(),
            TEXTS: {
                "what_to_bring": self.what_to_bring.toPlainText().strip(),
                "how_to_cancel": self.how_to_cancel.toPlainText().strip(),
            },
        }
