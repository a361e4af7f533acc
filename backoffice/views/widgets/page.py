"""``Page``: a section of the main window; ``Tabs``: a page (or a panel) made of tabs.

A page is a :class:`LiveTab` (it loads when first shown, follows the tables it shows) that
the window also asks to search (Ctrl+F), refresh (F5) and show something particular
(``open``, e.g. the dashboard opening the locked accounts). A page made of tabs forwards
those to the tab on screen; each tab is a ``LiveTab`` of its own, so a hidden tab whose
tables changed reloads when it is shown again.
"""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QTabBar, QTabWidget, QVBoxLayout, QWidget

from backoffice.ops.context import AppContext
from backoffice.views.widgets.live import LiveTab

TabT = TypeVar("TabT", bound=QWidget)


class Page(LiveTab):
    """``navigate_to`` asks the window to show another page (``key``, options)."""

    navigate_to = Signal(str, object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)

    def activated(self) -> None:
        """The window shows the page: load it if it never was, or is stale."""
        self.ensure_loaded()

    def open(self, options: dict[str, Any]) -> None:
        """Show something particular (a filter, a record), asked by another page."""

    def closing(self) -> None:
        """The application closes: let go of what the page holds (a claimed request)."""


class TabBar(QTabBar):
    """Tabs a little taller than Qt's: the styles draw the text of a tab not chosen two
    pixels lower, which cut the accent of a capital (« À convoquer » read « A convoquer »)."""

    def tabSizeHint(self, index: int) -> QSize:
        size = super().tabSizeHint(index)
        size.setHeight(size.height() + 4)
        return size


class Tabs(QTabWidget):
    """Tabs known by a key; Ctrl+F and F5 go to the tab on screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabBar(TabBar())
        self.by_key: dict[str, QWidget] = {}

    def add(self, key: str, tab: TabT, title: str) -> TabT:
        """Show ``tab`` under ``title``, known by ``key``; returns it."""
        self.by_key[key] = tab
        self.addTab(tab, title)
        return tab

    def show_key(self, key: str, *, fresh: bool = False) -> QWidget | None:
        """Show the tab ``key``; ``fresh``: read it again (another page sent the user here,
        from numbers that may be newer than what the tab last read)."""
        tab = self.by_key.get(key)
        if tab is not None:
            self.setCurrentWidget(tab)
            if fresh and isinstance(tab, LiveTab) and tab.loaded_once:
                tab.reload()
        return tab

    def refresh(self) -> None:
        current = self.currentWidget()
        if isinstance(current, LiveTab) or hasattr(current, "refresh"):
            current.refresh()  # type: ignore[attr-defined]

    def focus_search(self) -> None:
        current = self.currentWidget()
        if hasattr(current, "focus_search"):
            current.focus_search()  # type: ignore[attr-defined]


class TabbedPage(Page):
    """A page whose content is :class:`Tabs` (``self.tabs``), filled by the subclass."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.tabs = Tabs()
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        self.tabs.refresh()

    def focus_search(self) -> None:
        self.tabs.focus_search()

    def open(self, options: dict[str, Any]) -> None:
        """``{"tab": key}`` shows that tab; the tab's own ``open`` gets the options."""
        tab = self.tabs.show_key(str(options.get("tab", "")), fresh=True)
        if tab is not None and hasattr(tab, "open"):
            tab.open(options)
