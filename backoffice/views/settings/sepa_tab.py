"""Direct debits: the notice members get before a debit, and the pain.008 version the bank
takes. The creditor (ICS, account, address) is part of the service's identity."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QSpinBox, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.reports.sepa.pain008 import SCHEMAS
from backoffice.views.settings.tab import KeysTab


class SepaTab(KeysTab):
    keys = ("sepa.prenotification_days", "sepa.schema")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.notice_days = QSpinBox()
        self.notice_days.setRange(0, 60)
        self.schema = QComboBox()
        self.schema.addItems(list(SCHEMAS))
        self.add_fields(
            (tr("Direct-debit notice (days)"), self.notice_days, "sepa.prenotification_days"),
            (tr("SEPA file format"), self.schema, "sepa.schema"),
            note=tr(
                "The creditor identifier (ICS), the account credited and the creditor's "
                "address are in the service's identity."
            ),
        )
        self.layout_.addStretch()

    def show_values(self, values: dict[str, Any]) -> None:
        self.notice_days.setValue(int(values["sepa.prenotification_days"]))
        self.schema.setCurrentText(str(values["sepa.schema"]))

    def values(self) -> dict[str, Any]:
        return {
            "sepa.prenotification_days": self.notice_days.value(),
            "sepa.schema": self.schema.currentText(),
        }
