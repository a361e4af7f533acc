"""Tableau de bord: the live counts of every queue, each a click away from it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from backoffice import clock
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services import dashboard
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.pages.base import Page
from backoffice.views.pages.closure_banner import ClosureBanner

WATCHED = (
    "change_requests",
    "appointment_requests",
    "portal_accounts",
    "instalments",
    "payments",
    "payment_allocations",
    "credit_notes",
    "invoices",
    "mail_messages",
)
FALLBACK_REFRESH_MS = 60_000


class CountCard(QFrame):
    """A queue's count, big, with what it counts; a click (or Enter) opens the queue."""

    clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setMinimumSize(260, 120)
        self.setMaximumHeight(150)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(
            "QFrame#card { border: 1px solid #c8ced8; border-radius: 10px; background: #f7f9fc; }"
            " QFrame#card:hover, QFrame#card:focus { background: #e9f0fb; border-color: #5b8def; }"
        )
        layout = QVBoxLayout(self)
        self.number = QLabel("…")
        self.number.setStyleSheet("font-size: 30px; font-weight: 700; color: #1f4e79;")
        self.title = QLabel(title)
        self.title.setStyleSheet("font-size: 13px;")
        self.detail = QLabel()
        self.detail.setStyleSheet("font-size: 12px; color: #555;")
        for label in (self.number, self.title, self.detail):
            layout.addWidget(label)
        layout.addStretch()

    def show_count(self, count: int | None, detail: str = "") -> None:
        self.number.setText("…" if count is None else str(count))
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
        else:
            super().keyPressEvent(event)


class DashboardPage(Page):
    TABLES = WATCHED
    FOLLOWS_WHILE_HIDDEN = True  # its counts are cheap, and what staff glance at first

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        heading = QLabel(tr("Good day, {name}", name=context.actor.full_name))
        heading.setStyleSheet("font-size: 18px; font-weight: 600; margin: 8px 0;")
        layout.addWidget(heading)
        layout.addWidget(ClosureBanner(context))  # while « Mes salariés » is closed
        grid = QGridLayout()
        layout.addLayout(grid)
        layout.addStretch()
        self.cards = {
            "changes": CountCard(tr("changes waiting for review")),
            "appointments": CountCard(tr("appointment requests waiting")),
            "accounts": CountCard(tr("locked portal accounts")),
            "billing": CountCard(tr("overdue instalments")),
            "mail": CountCard(tr("e-mails failed or uncertain")),
        }
        targets = {
            "changes": ("changes", {}),
            "appointments": ("appointments", {"tab": "requests"}),
            "accounts": ("accounts", {"filter": "locked"}),
            "billing": ("billing", {"tab": "overdue"}),
            "mail": ("mail", {"status": "failed"}),
        }
        for position, (key, card) in enumerate(self.cards.items()):
            grid.addWidget(card, position // 2, position % 2)
            page, options = targets[key]
            card.clicked.connect(
                lambda _checked=False, p=page, o=options: self.navigate_to.emit(p, o)
            )
            card.setVisible(False)
        if context.allows(Permission.BILLING_VIEW):
            from backoffice.views.accounting.collection_charts import DashboardCharts

            self.charts = DashboardCharts(context)
            self.charts.open_collection.connect(
                lambda: self.navigate_to.emit("billing", {"tab": "collection"})
            )
            layout.insertWidget(layout.count() - 1, self.charts, 1)
        self.updated = QLabel()
        self.updated.setStyleSheet("color: #667085")
        layout.addWidget(self.updated)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.reload)
        self._timer.start(FALLBACK_REFRESH_MS)

    def activated(self) -> None:
        self.reload()  # the counts are the first thing staff see: always fresh

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda session: dashboard.counts(session, actor), self._show)

    def _show(self, counts: dashboard.DashboardCounts) -> None:
        values = {
            "changes": (counts.changes_waiting, ""),
            "appointments": (counts.appointment_requests_waiting, ""),
            "accounts": (counts.locked_accounts, ""),
            "billing": (counts.overdue_instalments, formatting.amount(counts.overdue_cents)),
            "mail": (counts.failed_messages, ""),
        }
        for key, (count, detail) in values.items():
            card = self.cards[key]
            card.setVisible(count is not None)
            if count is not None:
                card.show_count(count, detail)
        self.updated.setText(
            tr("Updated at {time}", time=clock.local(clock.now()).strftime("%H:%M:%S"))
        )
