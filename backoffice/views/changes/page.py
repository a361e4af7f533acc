"""« Modifications à valider »: the queue of pending portal changes on the left, the review
of the selected one on the right. The whole flow works from the keyboard: Ctrl+↓ / Ctrl+↑
next and previous request, Ctrl+Enter approve, Ctrl+R reject, Ctrl+D duplicate, Ctrl+T take
over, Ctrl+Shift+A approve the selected requests in one go."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backoffice.i18n import ntr, tr
from backoffice.models import ChangeKind
from backoffice.ops.context import ALL_TABLES, AppContext, ChangeNotice
from backoffice.services.changes import decisions, queue
from backoffice.services.changes.decisions import BulkOutcome
from backoffice.services.changes.fields import kind_label
from backoffice.services.changes.queue import QueueFilter, QueueFlag, QueueRow
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.changes.queue_columns import (
    SUBMITTED_COLUMN,
    WIDTHS,
    flag_label,
)
from backoffice.views.changes.queue_model import FilterOnlyProxy, QueueModel
from backoffice.views.changes.review_panel import ReviewPanel
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import confirm, inform
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.page import Page
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

AGES = (0, 1, 3, 7, 30)
SELECTION_DELAY_MS = 150  # arrowing through the queue opens only the request it stops on
REFRESH_DELAY_MS = 300
SHOWN_SKIPS = 15


class ChangesPage(Page):
    """The queue reloads for what others change (the portal, colleagues), and refreshes
    once after its own decisions, in their success (it skips their change notices)."""

    TABLES = ("change_requests",)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._closing = False
        self._wanted_id: int | None = None  # select this request once the queue is shown
        self._resume_row: int | None = None  # after a decision: the row that came next
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._queue())
        self.panel = ReviewPanel(context)
        self.panel.decided.connect(self._decided)
        self.panel.stale.connect(self.load)
        self.panel.actions.extend_to(self)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 6)
        splitter.setSizes([380, 700])
        layout.addWidget(splitter, 1)
        self.status = QLabel()
        self.status.setStyleSheet("color: #1b5e20;")
        layout.addWidget(self.status)
        self._timers()

    # -- building ---------------------------------------------------------------------------------

    def _filters(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.addItem(tr("All kinds"), None)
        for kind in ChangeKind:
            self.kind.addItem(kind_label(kind), kind)
        self.age = QComboBox()
        for days in AGES:
            label = (
                tr("Any age")
                if days == 0
                else ntr("{count} day or more", "{count} days or more", days)
            )
            self.age.addItem(label, days)
        self.flag = QComboBox()
        self.flag.addItem(tr("All requests"), None)
        for flag in QueueFlag:
            self.flag.addItem(flag_label(flag), flag)
        for combo in (self.kind, self.age, self.flag):
            combo.currentIndexChanged.connect(lambda _index: self.load(same_filter=False))
            bar.addWidget(combo)
        self.search = SearchBox(tr("Member, employee, field…"))
        self.search.search.connect(self._filter_text)
        bar.addWidget(self.search, 1)
        self.count = QLabel()
        bar.addWidget(self.count)
        self.bulk_button = self.actions.button("approve_selection")
        bar.addWidget(self.bulk_button)
        return bar

    def _queue(self) -> QWidget:
        self.model = QueueModel(self)
        self.table = DataTable("changes_queue")
        self.table.setObjectName("changes_queue")
        self.proxy = FilterOnlyProxy(self.table)
        self.proxy.setSourceModel(self.model)
        self.table.setModel(self.proxy)
        self.table.restore_layout()
        if QSettings().value("tables/changes_queue") is None:  # first use: oldest first
            self.table.sortByColumn(SUBMITTED_COLUMN, Qt.SortOrder.AscendingOrder)
            for column, width in enumerate(WIDTHS):
                self.table.setColumnWidth(column, width)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().currentRowChanged.connect(
            lambda *_: self._selection_timer.start()
        )
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated_row.connect(lambda _row: self.panel.table.setFocus())
        return self.table

    def _timers(self) -> None:
        self._selection_timer = QTimer(self)
        self._selection_timer.setSingleShot(True)
        self._selection_timer.setInterval(SELECTION_DELAY_MS)
        self._selection_timer.timeout.connect(self._open_current)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.load)

    # -- page interface ---------------------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the page lets go of the request under review: colleagues may take it."""
        self._selection_timer.stop()
        self._refresh_timer.stop()
        self.panel.show_request(None)
        super().hideEvent(event)

    def closing(self) -> None:
        """The application closes: let go of the request under review, take no other."""
        self._closing = True
        self._selection_timer.stop()
        self._refresh_timer.stop()
        self.panel.show_request(None)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.loaded_once:
            self._open_current()  # back on the page: the request shown before, taken again

    def parts(self) -> tuple[QWidget, ...]:
        return (self.panel,)

    def open(self, options: dict[str, Any]) -> None:
        if "kind" in options:
            self.kind.setCurrentIndex(max(0, self.kind.findData(ChangeKind(options["kind"]))))
        if "request_id" in options:
            self._wanted_id = int(options["request_id"])
            self._select_id(self._wanted_id)

    # -- the queue --------------------------------------------------------------------------------

    def current_filter(self) -> QueueFilter:
        return QueueFilter(
            kind=self.kind.currentData(),
            min_age_days=self.age.currentData() or 0,
            flag=self.flag.currentData(),
        )

    def load(self, *, same_filter: bool = True) -> None:
        """Read the queue again; after a new filter, start from its first request."""
        self.stale, self.loaded_once = False, True
        self._refresh_timer.stop()
        actor, query = self.context.actor, self.current_filter()
        self.query(
            lambda session: queue.pending_queue(session, actor, query),
            lambda rows: self._show_rows(rows, same_filter),
        )

    def _show_rows(self, rows: list[QueueRow], same_filter: bool) -> None:
        keep = self._wanted_id or (self.current_id() if same_filter else None)
        header = self.table.horizontalHeader()
        self.model.sorted_by = (header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.model.set_rows(rows)
        self._update_count()
        self._reselect(keep)
        self._resume_row = None
        self._wanted_id = None
        self._selection_timer.start()  # the panel follows the selection, even when none

    def _reselect(self, keep: int | None) -> None:
        if self._resume_row is not None and self.proxy.rowCount():
            self._select_view_row(min(self._resume_row, self.proxy.rowCount() - 1))
        elif keep is not None and self._select_id(keep):
            return
        elif keep is not None and keep == self.panel.request_id:
            self.panel.reload()  # decided elsewhere while on screen: say so, stay on it
        elif self.proxy.rowCount():
            self._select_view_row(0)
        else:
            self.panel.show_request(None)

    def _filter_text(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = ntr("{count} request waiting", "{count} requests waiting", total)
        self.count.setText(
            text if shown == total else tr("{shown} shown of {all}", shown=shown, all=text)
        )

    def current_id(self) -> int | None:
        row = self.table.current_of(self.model)
        return row.id if row is not None else None

    def _select_view_row(self, view_row: int) -> None:
        self.table.select_view_row(view_row)

    def _select_id(self, request_id: int) -> bool:
        for row, item in enumerate(self.model.rows):
            if item.id == request_id:
                return self.table.select_source_row(row)
        return False

    @action(lambda: tr("Next request"), shortcut="Ctrl+Down")
    def next_request(self) -> None:
        self.move(1)

    @action(lambda: tr("Previous request"), shortcut="Ctrl+Up")
    def previous_request(self) -> None:
        self.move(-1)

    def move(self, step: int) -> None:
        """Next (1) or previous (-1) request in the queue as shown."""
        if not self.proxy.rowCount():
            return
        current = self.table.currentIndex()
        row = current.row() + step if current.isValid() else 0
        self._select_view_row(max(0, min(row, self.proxy.rowCount() - 1)))
        self.table.setFocus()

    def _open_current(self) -> None:
        """The panel shows the selected request, or nothing when none is selected."""
        if not self.isVisible() or self._closing:
            return  # a hidden page takes no request, nor one that closes
        selected = self.table.selectionModel().selectedRows()
        request_id = self.current_id() if selected else None
        if request_id != self.panel.request_id:
            self.panel.show_request(request_id)

    def _decided(self, _request_id: int, message: str) -> None:
        self.status.setText(message)
        current = self.table.currentIndex()
        self._resume_row = current.row() if current.isValid() else 0
        self.panel.request_id = None  # the next row opens even if the ids coincide
        self.load()
        self.table.setFocus()

    # -- bulk approval ----------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        return [self.model.row_at(row).id for row in self.table.selected_source_rows()]

    def _selection_changed(self, *_: object) -> None:
        self._update_bulk_button()
        self._selection_timer.start()

    def _update_bulk_button(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.actions.enable("approve_selection", count > 0)
        self.actions.retitle(
            "approve_selection",
            tr("Approve the selection ({count})…", count=count)
            if count > 1
            else tr("Approve the selection…"),
        )

    @action(
        lambda: tr("Approve the selection…"),
        shortcut="Ctrl+Shift+A",
        permission=Permission.CHANGES_REVIEW,
    )
    def approve_selection(self) -> None:
        """Approve the selected company-record changes in one go."""
        ids = self.selected_ids()
        if not ids:
            return
        if not confirm(
            self,
            tr("Approve in one go"),
            ntr(
                "Approve {count} request in one go? Only company-record changes without "
                "conflict or error are approved, each one whole; the others stay in the queue "
                "with the reason.",
                "Approve {count} requests in one go? Only company-record changes without "
                "conflict or error are approved, each one whole; the others stay in the queue "
                "with the reason.",
                len(ids),
            ),
            tr("Approve"),
        ):
            return
        actor = self.context.actor
        self.panel.show_request(None)
        self.write(
            lambda session, progress: decisions.approve_many(session, actor, ids, progress),
            tr("Approving the selected requests…"),
            feedback=Feedback.CANCELLABLE,
        ).success(self._bulk_done).finally_(self.load).run()

    def _bulk_done(self, outcome: BulkOutcome) -> None:
        approved = ntr(
            "{count} request approved", "{count} requests approved", len(outcome.approved)
        )
        if outcome.effective_on is not None:
            approved += " " + tr("(effective on {date})", date=formatting.day(outcome.effective_on))
        self.status.setText(approved + ".")
        if not outcome.skipped:
            return
        lines = [
            tr("Request {id}: {reason}", id=request_id, reason=reason)
            for request_id, reason in outcome.skipped[:SHOWN_SKIPS]
        ]
        if len(outcome.skipped) > SHOWN_SKIPS:
            lines.append(tr("… and {count} more.", count=len(outcome.skipped) - SHOWN_SKIPS))
        inform(
            self,
            tr("Approve in one go"),
            approved
            + ".\n\n"
            + ntr(
                "{count} request left in the queue:",
                "{count} requests left in the queue:",
                len(outcome.skipped),
            )
            + "\n"
            + "\n".join(lines),
        )

    # -- live refresh -----------------------------------------------------------------------------

    def on_change(self, notice: ChangeNotice) -> None:
        ids = notice.get("change_requests")
        if ALL_TABLES in notice or ids == set():
            self._refresh_timer.start()  # unknown rows (the portal, another workstation)
        elif ids:
            self._refresh_rows(ids)

    def on_own_change(self, notice: ChangeNotice) -> None:
        """Decisions, claims and releases of this page show their result themselves."""

    def _refresh_rows(self, ids: set[int]) -> None:
        actor = self.context.actor

        def show(rows: list[QueueRow]) -> None:
            if len(rows) < len(ids & {row.id for row in self.model.rows}):
                self._refresh_timer.start()  # some left the queue: reload it whole
            else:
                self.model.replace_rows(rows)
            if self.panel.request_id in ids and self.panel.request_id not in {r.id for r in rows}:
                self.panel.reload()  # decided elsewhere: say by whom

        self.query(lambda session: queue.queue_rows(session, actor, ids), show, topic="rows")
