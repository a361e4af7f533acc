"""``LiveTab``: a part of the screen that shows what the database holds, and keeps it so.

It loads when first shown; it knows the tables it shows (``TABLES``); when one of them
changes it reloads at once if visible, or becomes stale and reloads when shown again; and
an answer older than its last question is dropped (a slow read never overwrites a newer
one). Every page, tab and panel that reads is one::

    class OverdueTab(LiveTab):
        TABLES = ("instalments", "payments")

        def load(self) -> None:
            self.query(lambda session: overdue(session, actor), self.model.set_rows)

Writes go through :meth:`write` (``views/widgets/operations.py``): the change notice then
names the tab as its initiator. By default a tab reloads for its own changes like for
anyone's, once; a tab that updates itself in its success callback overrides
:meth:`on_own_change` to do nothing (Anki's ``handler is not self`` rule).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLineEdit, QWidget
from sqlalchemy.orm import Session

from backoffice.ops.context import AppContext, ChangeNotice, concerns
from backoffice.ops.operation import Operation
from backoffice.services.tracking import Touched
from backoffice.views.widgets import operations
from backoffice.views.widgets.actions import Actions

T = TypeVar("T")


class LiveTab(QWidget):
    TABLES: tuple[str, ...] = ()  # what it shows; "*" in a notice means "anything"
    # Read again at every change even while hidden: for a few cheap counts that are
    # watched from elsewhere (the dashboard), never for a list.
    FOLLOWS_WHILE_HIDDEN = False

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.stale = True  # nothing shown yet
        self.loaded_once = False
        self._latest = operations.Latest(self)
        self.actions = Actions(self, context)  # what the subclass declares with @action
        context.bus.changed.connect(self._on_bus)

    # -- what a tab writes ----------------------------------------------------------------

    def load(self) -> None:
        """Read what the tab shows (in the background, through :meth:`query`)."""

    def on_change(self, notice: ChangeNotice) -> None:
        """One of ``TABLES`` changed while the tab is on screen: reload it (a tab that
        can update only the rows in ``notice`` overrides this)."""
        self.load()

    def on_own_change(self, notice: ChangeNotice) -> None:
        """The tab's own operation changed one of ``TABLES``: like anyone's, unless the
        tab shows the result itself."""
        self.on_change(notice)

    def focus_search(self) -> None:
        """Ctrl+F: the tab's search field (its ``search``), if it has one, with what was
        typed selected (typing replaces it)."""
        search = getattr(self, "search", None)
        if isinstance(search, QLineEdit):
            search.setFocus()
            search.selectAll()

    def parts(self) -> tuple[QWidget, ...]:
        """Widgets inside the tab whose operations count as the tab's own (a panel)."""
        return ()

    # -- the life cycle -------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Load now if never loaded or stale (the page was shown, the tab chosen)."""
        if self.stale:
            self.reload()

    def reload(self) -> None:
        """Read again now, whether or not anything changed."""
        self.stale = False
        self.loaded_once = True
        self.load()

    def refresh(self) -> None:
        """F5."""
        self.reload()

    def mark_stale(self) -> None:
        """What is shown may be out of date: reload now if visible, else when shown."""
        self.stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.reload()

    def _on_bus(self, touched: Touched) -> None:
        if not self.loaded_once or not self.TABLES or not concerns(touched, *self.TABLES):
            return
        notice = touched if isinstance(touched, ChangeNotice) else ChangeNotice(touched)
        if notice.initiated_by(self, *self.parts()):
            self.on_own_change(notice)  # the view that acted shows the result, once
        elif not self.isVisible() and not self.FOLLOWS_WHILE_HIDDEN:
            self.stale = True
        else:
            self.on_change(notice)

    # -- reading and writing --------------------------------------------------------------

    def query(
        self, work: Callable[[Session], T], show: Callable[[T], None], *, topic: str = ""
    ) -> None:
        """Read in the background; only the answer to the latest question of ``topic`` is
        shown (several independent reads use several topics)."""
        self._latest.read(work, show, topic=topic)

    def forget_questions(self, topic: str = "") -> None:
        """Answers to the questions asked so far on ``topic`` will be dropped."""
        self._latest.forget(topic)

    def write(self, work: Callable[..., T], label: str, **options: Any) -> Operation[T]:
        """A write by this tab (see :func:`operations.write`); call ``.run()`` on it."""
        return operations.write(self, work, label, **options)
