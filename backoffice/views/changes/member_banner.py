"""On the member page: the approved portal changes still waiting for their effective date,
so that nobody edits the record unaware of what will change tomorrow."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext, concerns
from backoffice.services.changes.scheduled import ScheduledChange, scheduled_changes
from backoffice.services.tracking import Touched
from backoffice.views import formatting
from backoffice.views.widgets.operations import read

STYLE = "background: #e8f1ff; border: 1px solid #8fb3e8; padding: 6px; border-radius: 4px;"


class ScheduledChangesBanner(QLabel):
    """Hidden when nothing is waiting; refreshed when requests or the record change."""

    def __init__(self, context: AppContext, member_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.member_id = member_id
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet(STYLE)
        self.setVisible(False)
        context.bus.changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        actor, member_id = self.context.actor, self.member_id
        read(self, lambda session: scheduled_changes(session, actor, member_id), self.show_changes)

    def show_changes(self, changes: list[ScheduledChange]) -> None:
        self.setVisible(bool(changes))
        if not changes:
            self.clear()
            return
        title = html.escape(tr("Approved portal changes waiting for their effective date:"))
        items = "".join(f"<li>{_line(change)}</li>" for change in changes)
        self.setText(f"<b>{title}</b><ul style='margin: 2px 0;'>{items}</ul>")

    def _on_changed(self, touched: Touched) -> None:
        if concerns(touched, "change_requests", "members"):
            self.reload()


def _line(change: ScheduledChange) -> str:
    values = ", ".join(f"{label} → {value or '—'}" for label, value in change.values)
    subject = (
        f"{change.kind_label} ({change.employee_label})"
        if change.employee_label
        else change.kind_label
    )
    return html.escape(
        tr(
            "On {date}: {subject} — {values} (request {id})",
            date=formatting.day(change.effective_on),
            subject=subject,
            values=values,
            id=change.request_id,
        )
    )
