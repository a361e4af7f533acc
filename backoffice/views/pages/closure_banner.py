"""The dashboard's banner while the portal's « Mes salariés » is closed for the annual
declaration: its dates, the declarations received so far, a click to change the dates."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import ntr, tr
from backoffice.ops.context import AppContext
from backoffice.services import closure
from backoffice.services.closure import ClosureState
from backoffice.services.permissions import Permission
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import note
from backoffice.views.widgets.live import LiveTab


class ClosureBanner(LiveTab):
    TABLES = ("settings", "workforce_declarations", "members")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.state: ClosureState | None = None
        self.frame = QFrame()
        self.frame.setObjectName("closure")
        self.frame.setStyleSheet(
            "QFrame#closure { background: #fff4d6; border: 1px solid #e0b84c; border-radius: 8px; }"
        )
        self.text = note()
        row = QHBoxLayout(self.frame)
        row.addWidget(self.text, 1)
        row.addWidget(self.actions.button("change_dates"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.frame)
        self.frame.setVisible(False)

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda session: closure.state(session, actor), self.show_state)

    def show_state(self, state: ClosureState) -> None:
        self.state = state
        self.frame.setVisible(state.running)
        if not state.running:
            return
        days_left = (state.ends_on - clock.today()).days
        lines = [
            tr(
                "<b>Annual declaration under way</b>: « Mes salariés » is closed on the portal "
                "from {start} to {end}.",
                start=format_day(state.starts_on),
                end=format_day(state.ends_on),
            ),
            ntr("{count} day left.", "{count} days left.", days_left) if days_left else "",
        ]
        if state.declarations_received is not None:
            lines.append(
                tr(
                    "{received} declarations received for {members} active members.",
                    received=state.declarations_received,
                    members=state.members_to_declare,
                )
            )
        self.text.setText(" ".join(line for line in lines if line))

    @action(lambda: tr("Change the dates…"), permission=Permission.DECLARATIONS_EDIT)
    def change_dates(self) -> None:
        from backoffice.views.settings.dialog import SettingsDialog

        SettingsDialog(self.context, self, tab="closure").exec()
