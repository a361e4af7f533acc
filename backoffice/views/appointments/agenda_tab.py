"""Agenda: a day or a week of a centre (a column per professional) or of a professional
(a column per day): booked, free, blocked and closed slots, and what can be done there.

Keyboard: the arrows move between slots; Enter books a free slot or opens the actions of
an appointment; Delete cancels it (or removes a blocked period); Ctrl+X then Ctrl+V on a
free slot moves it there; Ctrl+P prints its convocation; Alt+Left / Alt+Right change the
day or week, Alt+Home comes back to today.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import ntr, tr
from backoffice.models import AppointmentStatus
from backoffice.ops.context import AppContext
from backoffice.ops.operation import run_query
from backoffice.services.appointments import blocks
from backoffice.services.appointments.agenda import (
    AgendaAppointment,
    AgendaGrid,
    AgendaQuery,
    Cell,
    CellKind,
    Scope,
    agenda,
)
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.convocations import ConvocationSelection
from backoffice.services.appointments.periods import week_start
from backoffice.services.permissions import Permission
from backoffice.views.appointments.actions import AppointmentActions, convocation_file_name
from backoffice.views.appointments.agenda_model import AgendaModel, DaySeparator
from backoffice.views.appointments.booking_dialog import BookingDialog
from backoffice.views.appointments.common import (
    COLOURS,
    add_buttons,
    date_edit,
    fill_centres,
    fill_professionals,
    growing_combo,
    select_data,
    slot_text,
    to_date,
    to_qdate,
    write,
)
from backoffice.views.widgets.dialogs import ask_reason, confirm


def next_working_day(day: date) -> date:
    """Today, or the Monday after when today is a weekend day."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


class AgendaTab(QWidget):
    open_member = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.choices: NetworkChoices | None = None
        self.can_manage = context.allows(Permission.APPOINTMENTS_MANAGE)
        self._sequence = 0
        self._cut: AgendaAppointment | None = None
        self.actions = AppointmentActions(context, self, lambda: self.choices, self.load)
        layout = QVBoxLayout(self)
        layout.addLayout(self._controls())
        self.model = AgendaModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu_at)
        self.view.doubleClicked.connect(lambda _index: self.act())
        self.view.setItemDelegate(DaySeparator(self.view))
        layout.addWidget(self.view)
        layout.addLayout(self._buttons())
        self._shortcuts()

    # -- building -----------------------------------------------------------------------------

    def _controls(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.scope = growing_combo()
        self.scope.addItem(tr("By centre"), Scope.CENTRE)
        self.scope.addItem(tr("By professional"), Scope.PROFESSIONAL)
        self.target = growing_combo()
        self.target.setMinimumWidth(240)
        self.period = growing_combo()
        self.period.addItem(tr("Day"), 1)
        self.period.addItem(tr("Week"), 7)
        self.day = date_edit(next_working_day(clock.today()))
        previous, today, following = (
            QPushButton("◀"),
            QPushButton(tr("Today")),
            QPushButton("▶"),
        )
        previous.setToolTip(tr("Previous (Alt+Left)"))
        following.setToolTip(tr("Next (Alt+Right)"))
        today.setToolTip(tr("Today (Alt+Home)"))
        previous.clicked.connect(lambda: self.shift(-1))
        following.clicked.connect(lambda: self.shift(1))
        today.clicked.connect(self.today)
        for widget in (self.scope, self.target, self.period, previous, self.day, today, following):
            bar.addWidget(widget)
        bar.addStretch()
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600")
        bar.addWidget(self.title)
        self.scope.currentIndexChanged.connect(lambda _index: self._fill_targets())
        self.target.currentIndexChanged.connect(lambda _index: self.load())
        self.period.currentIndexChanged.connect(lambda _index: self.load())
        self.day.dateChanged.connect(lambda _date: self.load())
        return bar

    def _buttons(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        legend = QLabel(
            " ".join(
                f'<span style="background:{COLOURS[key].name()}">&nbsp;{text}&nbsp;</span>'
                for key, text in (
                    (AppointmentStatus.CONFIRMED, tr("booked")),
                    (AppointmentStatus.ATTENDED, tr("attended")),
                    (AppointmentStatus.ABSENT, tr("absent")),
                    (AppointmentStatus.EXCUSED, tr("excused")),
                    ("free", tr("free")),
                    ("blocked", tr("blocked")),
                    ("outside", tr("closed")),
                )
            )
        )
        bar.addWidget(legend)
        bar.addStretch()
        self.status = QLabel()
        self.status.setStyleSheet("color: #8a5300")
        bar.addWidget(self.status)
        add_buttons(
            bar,
            (
                (tr("Book / actions (Enter)"), self.act, True),
                (tr("Block…"), self.block, True),
                (tr("Print the day's convocations"), self.print_day, True),
            ),
            self.can_manage,
        )
        return bar

    def _shortcuts(self) -> None:
        for keys, handler in (
            (QKeySequence(Qt.Key.Key_Return), self.act),
            (QKeySequence(Qt.Key.Key_Enter), self.act),
            (QKeySequence(Qt.Key.Key_Delete), self.delete),
            (QKeySequence.StandardKey.Cut, self.cut),
            (QKeySequence.StandardKey.Paste, self.paste),
            (QKeySequence.StandardKey.Print, self.print_one),
        ):
            shortcut = QShortcut(keys, self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(handler)
        for keys, handler in (
            ("Alt+Left", lambda: self.shift(-1)),
            ("Alt+Right", lambda: self.shift(1)),
            ("Alt+Home", self.today),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(handler)

    def set_choices(self, choices: NetworkChoices) -> None:
        """New lists of centres and professionals (the page loads the grid next)."""
        self.choices = choices
        self._fill_targets(load=False)

    def _fill_targets(self, *, load: bool = True) -> None:
        if self.choices is None:
            return
        if self.scope.currentData() == Scope.CENTRE:
            fill_centres(self.target, self.choices)
        else:
            fill_professionals(self.target, self.choices)
        if load:
            self.load()

    # -- loading ------------------------------------------------------------------------------

    def query(self) -> AgendaQuery | None:
        target = self.target.currentData()
        if target is None:
            return None
        days = int(self.period.currentData())
        day = to_date(self.day.date())
        return AgendaQuery(
            Scope(self.scope.currentData()), int(target), week_start(day) if days > 1 else day, days
        )

    def load(self) -> None:
        query = self.query()
        if query is None:
            return
        self._sequence += 1
        sequence, actor = self._sequence, self.context.actor
        run_query(
            self.context,
            self,
            lambda session: agenda(session, actor, query),
            lambda grid: self._show(sequence, grid),
        )

    def _show(self, sequence: int, grid: AgendaGrid) -> None:
        if sequence != self._sequence:
            return
        current = self.view.currentIndex()
        labels = {v.code: v.label for v in self.choices.visit_types} if self.choices else {}
        self.model.set_grid(grid, labels)
        self.view.clearSpans()
        for column, cells in enumerate(grid.cells):
            for row, cell in enumerate(cells):
                if cell.first and cell.span > 1:
                    self.view.setSpan(row, column, cell.span, 1)
        header = self.view.horizontalHeader()
        few = len(grid.columns) * 150 < self.view.viewport().width()
        header.setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch if few else QHeaderView.ResizeMode.Interactive
        )
        header.setDefaultSectionSize(150)
        days = sorted({column.day for column in grid.columns})
        span = f" · {days[0]:%d/%m}–{format_day(days[-1])}" if len(days) > 1 else ""
        self.title.setText(
            ntr("{count} appointment", "{count} appointments", grid.appointment_count) + span
        )
        keep = current if current.isValid() else self.model.index(0, 0)
        self.view.setCurrentIndex(self.model.index(keep.row(), keep.column()))

    def shift(self, direction: int) -> None:
        step = int(self.period.currentData())
        self.day.setDate(self.day.date().addDays(direction * step))

    def today(self) -> None:
        self.day.setDate(to_qdate(next_working_day(clock.today())))

    def open(self, options: dict[str, Any]) -> None:
        if "professional_id" in options:
            select_data(self.scope, Scope.PROFESSIONAL)
            select_data(self.target, int(options["professional_id"]))
        elif "centre_id" in options:
            select_data(self.scope, Scope.CENTRE)
            select_data(self.target, int(options["centre_id"]))
        if "day" in options:
            self.day.setDate(to_qdate(date.fromisoformat(str(options["day"]))))
        if "period" in options:
            select_data(self.period, 7 if options["period"] == "week" else 1)

    # -- the current cell ---------------------------------------------------------------------

    def current(self) -> tuple[Cell | None, int]:
        index = self.view.currentIndex()
        if not index.isValid():
            return None, -1
        return self.model.cell(index.row(), index.column()), index.column()

    def _slot_of(self, cell: Cell, column: int) -> SlotChoice | None:
        grid = self.model.grid
        if grid is None or cell.kind != CellKind.FREE:
            return None
        centre = grid.query.target_id if grid.query.scope == Scope.CENTRE else cell.centre_id
        if centre is None:
            return None
        return SlotChoice(grid.columns[column].professional_id, centre, cell.starts_at)

    def act(self) -> None:
        cell, column = self.current()
        if cell is None:
            return
        if cell.appointment is not None or cell.block is not None:
            rect = self.view.visualRect(self.view.currentIndex())
            self._menu_at(rect.center())
        elif cell.kind == CellKind.FREE and self.can_manage:
            self.book(cell, column)

    def book(self, cell: Cell, column: int) -> None:
        choice = self._slot_of(cell, column)
        if choice is None or self.choices is None:
            return
        dialog = BookingDialog(self.context, self, self.choices, choice)
        if dialog.exec() and dialog.booked is not None:
            self.load()

    def delete(self) -> None:
        cell, _column = self.current()
        if cell is None or not self.can_manage:
            return
        if cell.appointment is not None:
            self.actions.cancel(cell.appointment)
        elif cell.block is not None:
            self.unblock(cell)

    def cut(self) -> None:
        cell, _column = self.current()
        if cell is not None and cell.appointment is not None and self.can_manage:
            self._cut = cell.appointment
            self.status.setText(
                tr(
                    "Moving {employee}: choose the new slot and press Ctrl+V (Esc to give up).",
                    employee=cell.appointment.employee,
                )
            )

    def paste(self) -> None:
        cell, column = self.current()
        if self._cut is None or cell is None:
            return
        choice = self._slot_of(cell, column)
        if choice is None:
            self.status.setText(tr("Choose a free slot to move the appointment there."))
            return
        moving, self._cut = self._cut, None
        self.status.clear()
        self.actions.move_to(moving, choice)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self._cut is not None:
            self._cut = None
            self.status.clear()
            return
        super().keyPressEvent(event)

    # -- blocks, convocations -----------------------------------------------------------------

    def block(self) -> None:
        grid = self.model.grid
        indexes = self.view.selectionModel().selectedIndexes() if grid else []
        columns = {index.column() for index in indexes}
        if grid is None or len(columns) != 1:
            self.status.setText(tr("Select the slots to block in one column."))
            return
        column = columns.pop()
        rows = sorted(index.row() for index in indexes)
        starts = grid.cells[column][rows[0]].starts_at
        ends = grid.cells[column][rows[-1]].starts_at + timedelta(minutes=grid.step_minutes)
        professional = grid.columns[column]
        reason = ask_reason(
            self,
            tr("Block the agenda"),
            tr(
                "Block the agenda of {professional} on {when}.\nReason (leave, training…):",
                professional=professional.professional,
                when=slot_text(starts, ends),
            ),
        )
        if reason is None:
            return
        centre = grid.query.target_id if grid.query.scope == Scope.CENTRE else None
        actor = self.context.actor
        write(
            self.context,
            self,
            lambda session: blocks.add_block(
                session, actor, professional.professional_id, starts, ends, reason, centre
            ),
            tr("Blocking…"),
            lambda _row: self.load(),
        )

    def unblock(self, cell: Cell) -> None:
        block = cell.block
        if block is None or not confirm(
            self,
            tr("Blocked period"),
            tr("Make the blocked period “{reason}” free again?", reason=block.reason),
            tr("Free it"),
        ):
            return
        actor = self.context.actor
        write(
            self.context,
            self,
            lambda session: blocks.remove_block(session, actor, block.id),
            tr("Freeing…"),
            lambda _none: self.load(),
        )

    def print_one(self) -> None:
        cell, _column = self.current()
        if cell is not None and cell.appointment is not None:
            self.actions.print(
                ConvocationSelection(appointment_ids=[cell.appointment.id]),
                f"convocation-{cell.appointment.id}.pdf",
            )

    def print_day(self) -> None:
        query = self.query()
        if query is None:
            return
        cell, _column = self.current()
        day = clock.local(cell.starts_at).date() if cell is not None else query.first_day
        self.actions.print(
            ConvocationSelection(
                day=day,
                centre_id=query.target_id if query.scope == Scope.CENTRE else None,
                professional_id=query.target_id if query.scope == Scope.PROFESSIONAL else None,
            ),
            convocation_file_name(day, self.target.currentText().split()[-1].lower()),
        )

    # -- context menu -------------------------------------------------------------------------

    def _menu_at(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if index.isValid():
            self.view.setCurrentIndex(index)
        cell, column = self.current()
        if cell is None:
            return
        menu = QMenu(self)
        for text, handler, enabled in self._menu_items(cell, column):
            action = QAction(text, menu)
            action.setEnabled(enabled)
            action.triggered.connect(handler)
            menu.addAction(action)
        if not menu.isEmpty():
            menu.exec(self.view.viewport().mapToGlobal(point))

    def _menu_items(self, cell: Cell, column: int) -> list[tuple[str, Any, bool]]:
        manage = self.can_manage
        appointment = cell.appointment
        if appointment is None:
            if cell.block is not None:
                return [(tr("Free this blocked period"), lambda: self.unblock(cell), manage)]
            free = cell.kind == CellKind.FREE
            return [
                (tr("Book…"), lambda: self.book(cell, column), manage and free),
                (
                    tr("Move the cut appointment here (Ctrl+V)"),
                    self.paste,
                    free and bool(self._cut),
                ),
                (tr("Block…"), self.block, manage),
            ]
        upcoming = (
            appointment.status == AppointmentStatus.CONFIRMED and cell.starts_at > clock.now()
        )
        past = appointment.starts_at <= clock.now()
        confirmed = appointment.status == AppointmentStatus.CONFIRMED
        return [
            (tr("Open the member"), lambda: self.open_member.emit(appointment.member_id), True),
            (tr("Print the convocation (Ctrl+P)"), self.print_one, manage and confirmed),
            (tr("Move…"), lambda: self.actions.move(appointment), manage and upcoming),
            (tr("Cut to move (Ctrl+X)"), self.cut, manage and upcoming),
            (tr("Cancel… (Del)"), lambda: self.actions.cancel(appointment), manage and upcoming),
            (
                tr("Attended"),
                lambda: self.actions.outcome([appointment.id], AppointmentStatus.ATTENDED),
                manage and past,
            ),
            (
                tr("Absent"),
                lambda: self.actions.outcome([appointment.id], AppointmentStatus.ABSENT),
                manage and past,
            ),
            (
                tr("Excused"),
                lambda: self.actions.outcome([appointment.id], AppointmentStatus.EXCUSED),
                manage and past,
            ),
        ]
