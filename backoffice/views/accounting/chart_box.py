"""A place on screen for a matplotlib figure.

The figures are built in the background with the data (``reports/accounting/charts``: no
Qt), then shown here in matplotlib's Qt canvas, which redraws them at the size of the
window. matplotlib is imported the first time a chart is shown, not at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from backoffice.i18n import tr

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class ChartBox(QWidget):
    def __init__(self, minimum_height: int = 220, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(minimum_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(tr("Loading…"))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #667085;")
        self.layout_.addWidget(self.placeholder)
        self.canvas: QWidget | None = None
        self.figure: Figure | None = None

    def show_figure(self, figure: Figure) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        if self.canvas is not None:
            self.layout_.removeWidget(self.canvas)
            self.canvas.deleteLater()
        self.placeholder.hide()
        self.figure = figure
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.layout_.addWidget(self.canvas)
