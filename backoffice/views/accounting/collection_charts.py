"""Where the year's collection stands, in charts: a tab of Facturation (« Encaissement »,
the year to choose, a PDF to print) and a strip on the dashboard (the latest campaign, a
click away from the tab).

The figures are read and drawn in the background (the work returns matplotlib figures,
no Qt object); the tab shows them when they arrive, and again when payments, invoices or
instalments change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.money import format_eur
from backoffice.ops.context import AppContext
from backoffice.services.accounting import figures
from backoffice.services.permissions import Actor
from backoffice.views.accounting.chart_box import ChartBox
from backoffice.views.widgets.inputs import year_spin
from backoffice.views.widgets.layouts import fill, hbox
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.preview import preview_pdf

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TABLES = ("instalments", "payments", "payment_allocations", "invoices", "credit_notes")


def draw(shown: figures.CollectionFigures, *, compact: bool) -> tuple[Figure, Figure, Figure]:
    """The three charts of ``shown`` (in the worker: matplotlib only)."""
    from backoffice.reports.accounting import charts

    campaign = shown.campaign
    size = (5.2, 2.6) if compact else (9, 3.4)
    small = (3.6, 2.6) if compact else (4.6, 3)
    return (
        charts.billed_vs_collected(
            tr("Campaign {year}: falling due and collected", year=campaign.year),
            [month.month for month in campaign.months],
            [month.billed_cents for month in campaign.months],
            [month.collected_cents for month in campaign.months],
            width=size[0],
            height=size[1],
        ),
        charts.overdue_by_age(
            tr("Overdue, by age"),
            shown.ages.labels,
            shown.ages.cents,
            width=small[0],
            height=small[1],
        ),
        charts.returns_by_reason(
            tr("Direct debits returned, by reason"),
            [
                (r.code if compact else f"{r.code} – {r.label}", r.count, r.cents)
                for r in shown.returns
            ],
            width=small[0],
            height=small[1],
        ),
    )


def summary_text(campaign: figures.CampaignFigures) -> str:
    return tr(
        "Campaign {year}: {billed} billed (net of credit notes), {collected} collected "
        "({share} %).",
        year=campaign.year,
        billed=format_eur(campaign.billed_cents),
        collected=format_eur(campaign.collected_cents),
        share=int(campaign.collected_share * 100),
    )


def _work(actor: Actor, year: int | None, compact: bool):
    def work(session: Session) -> tuple[figures.CollectionFigures, tuple[Figure, ...]]:
        shown = figures.collection(
            session, actor, year if year is not None else figures.latest_campaign_year(session)
        )
        return shown, draw(shown, compact=compact)

    return work


class CollectionTab(LiveTab):
    """Facturation › Encaissement: the three charts of a campaign year, and its PDF."""

    TABLES = TABLES

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.year = year_spin()
        self.year.valueChanged.connect(self._year_changed)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: 600;")
        self.pdf_button = QPushButton(tr("Preview and print…"))
        self.pdf_button.clicked.connect(self.print_report)
        self.campaign = ChartBox(260)
        self.ages = ChartBox(220)
        self.returns = ChartBox(220)
        layout = QVBoxLayout(self)
        fill(
            layout,
            (
                hbox(tr("Campaign"), self.year, (self.summary, 1), self.pdf_button),
                (self.campaign, 3),
                (hbox(self.ages, self.returns), 2),
            ),
        )
        self._year_chosen = False

    def load(self) -> None:
        year = self.year.value() if self._year_chosen else None
        self.query(_work(self.context.actor, year, compact=False), self._show)

    def _year_changed(self, _year: int) -> None:
        self._year_chosen = True  # from now on the chosen year, not the latest campaign
        self.reload()

    def _show(self, answer: tuple[figures.CollectionFigures, tuple[Figure, ...]]) -> None:
        shown, (campaign, ages, returns) = answer
        self.year.blockSignals(True)
        self.year.setValue(shown.campaign.year)
        self.year.blockSignals(False)
        self.summary.setText(summary_text(shown.campaign))
        self.campaign.show_figure(campaign)
        self.ages.show_figure(ages)
        self.returns.show_figure(returns)

    def print_report(self) -> None:
        """The « Point sur l'encaissement » in the preview window: print it or save it."""
        actor, year = self.context.actor, self.year.value()
        preview_pdf(
            self,
            tr("Collection report"),
            f"encaissement-{year}-{clock.today():%Y%m%d}.pdf",
            lambda session: figures.collection_pdf(session, actor, year),
            kind="reports",
        )


class _ClickableChart(ChartBox):
    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()


class DashboardCharts(LiveTab):
    """The dashboard's strip: the latest campaign's charts, small; a click opens the
    Encaissement tab of Facturation."""

    TABLES = TABLES
    open_collection = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 13px; font-weight: 600; color: #1f4e79;")
        layout.addWidget(self.summary)
        grid = QGridLayout()
        layout.addLayout(grid)
        self.boxes = [_ClickableChart(200), _ClickableChart(200), _ClickableChart(200)]
        for column, box in enumerate(self.boxes):
            box.setCursor(Qt.CursorShape.PointingHandCursor)
            box.setToolTip(tr("Open the collection in Billing"))
            box.clicked.connect(self.open_collection.emit)
            grid.addWidget(box, 0, column)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 2)

    def load(self) -> None:
        self.query(_work(self.context.actor, None, compact=True), self._show)

    def _show(self, answer: tuple[figures.CollectionFigures, tuple[Figure, ...]]) -> None:
        shown, drawn = answer
        self.summary.setText(summary_text(shown.campaign))
        for box, figure in zip(self.boxes, drawn, strict=True):
            box.show_figure(figure)
