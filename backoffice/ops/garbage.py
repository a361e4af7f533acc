"""Reference cycles are collected on the GUI thread only.

Python's collector runs in whichever thread happens to allocate when a threshold is
crossed, often a worker running a query. A cycle holding a Qt object (a closed dialog and
the lambdas connected to it) would then be destroyed in that worker while the GUI thread
uses its neighbours, and the process crashes. So automatic collection is switched off and a
timer on the GUI thread collects with the same generational thresholds (pyqtgraph's and
Anki's remedy).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the generations whose allocation counts passed their threshold, as the
        automatic collector would have; returns the number of objects freed."""
        counts = gc.get_count()
        freed = 0
        for generation in range(3):
            if counts[generation] <= self._thresholds[generation]:
                break
            freed += gc.collect(generation)
        return freed


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Install the collector once, as a child of the application (on the GUI thread)."""
    installed = app.findChild(GuiThreadCollector)
    return installed if installed is not None else GuiThreadCollector(app)
