"""The annual declaration: the dates the portal closes « Mes salariés » (January by
default), changed by the staff who take the declarations."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget
from sqlalchemy.orm import Session

from backoffice.dates import format_day_month, parse_day_month
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services import closure, settings
from backoffice.services.errors import ValidationFailed
from backoffice.views.settings.tab import SaveWork, SettingsTab


class ClosureTab(SettingsTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.start = QLineEdit()
        self.end = QLineEdit()
        for line in (self.start, self.end):
            line.setPlaceholderText(tr("dd/mm"))
            line.setMaximumWidth(90)
        self.add_fields(
            (tr("Closure from"), self.start, f"{closure.KEY}.start"),
            (tr("Closure until"), self.end, f"{closure.KEY}.end"),
            note=tr(
                "While the members declare their workforce, the portal closes « Mes "
                "salariés ». The period is shared with the portal (it may run over the new "
                "year); the dashboard shows it while it runs, and employee changes sent "
                "during it are flagged in the changes to review."
            ),
        )
        self.layout_.addStretch()

    @classmethod
    def read(cls, session: Session) -> dict[str, Any]:
        return settings.get(session, closure.KEY)

    def show_values(self, values: dict[str, Any]) -> None:
        self.start.setText(format_day_month(str(values["start"])))
        self.end.setText(format_day_month(str(values["end"])))

    def read_only_note(self) -> str:
        return tr("Only the staff who take the declarations can change these dates.")

    def save_work(self) -> SaveWork | None:
        if not self.loaded:
            return None
        typed = {}
        for name, line, label in (
            ("start", self.start, tr("Closure from")),
            ("end", self.end, tr("Closure until")),
        ):
            try:
                typed[name] = parse_day_month(line.text())
            except ValueError:
                raise ValidationFailed.single(
                    f"{closure.KEY}.{name}",
                    tr(
                        "{field}: {value} is not a day and a month (e.g. 31/01).",
                        field=label,
                        value=line.text(),
                    ),
                ) from None
        start, end = typed["start"], typed["end"]
        return lambda session, actor: closure.set_period(session, actor, start, end)
