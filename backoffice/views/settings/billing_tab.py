"""Billing: the instalment plan proposed for a new year's tariff, and the payment terms and
late-payment interest printed on invoices."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from backoffice.dates import format_day_month, parse_day_month
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.errors import ValidationFailed
from backoffice.views.settings.tab import KeysTab
from backoffice.views.widgets.inputs import text_area

PLAN = "billing.default_instalment_plan"


class BillingTab(KeysTab):
    keys = (PLAN, "billing.payment_terms", "billing.late_interest_rate")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.plan = QLineEdit()
        self.plan.setPlaceholderText("15/03, 15/05, 15/07")
        self.terms = text_area(70)
        self.late_interest = text_area(70)
        self.add_fields(
            (tr("Instalment plan (day/month)"), self.plan, PLAN),
            (tr("Payment terms (on invoices)"), self.terms, "billing.payment_terms"),
            (
                tr("Late-payment interest (on invoices)"),
                self.late_interest,
                "billing.late_interest_rate",
            ),
        )
        self.layout_.addStretch()

    def show_values(self, values: dict[str, Any]) -> None:
        self.plan.setText(", ".join(format_day_month(item) for item in values[PLAN]))
        self.terms.setPlainText(values["billing.payment_terms"])
        self.late_interest.setPlainText(values["billing.late_interest_rate"])

    def values(self) -> dict[str, Any]:
        items = [item for item in self.plan.text().replace(";", ",").split(",") if item.strip()]
        try:
            plan = [parse_day_month(item) for item in items]
        except ValueError:
            raise ValidationFailed.single(
                PLAN, tr("The instalment plan needs dates as day/month, e.g. 15/03.")
            ) from None
        return {
            PLAN: plan,
            "billing.payment_terms": self.terms.toPlainText().strip(),
            "billing.late_interest_rate": self.late_interest.toPlainText().strip(),
        }
