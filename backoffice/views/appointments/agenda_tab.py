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

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import ntr, tr
from backoffice.models import AppointmentStatus
from backoffice.ops.context import AppContext
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
from backoffice.views.appointments.actions import AppointmentChanges, convocation_file_name
from backoffice.views.appointments.agenda_model import AgendaModel, DaySeparator
from backoffice.views.appointments.booking_dialog import BookingDialog
from backoffice.views.appointments.common import (
    COLOURS,
    fill_centres,
    fill_professionals,
    growing_combo,
    select_data,
    slot_text,
)
from backoffice.views.appointments.tab import AppointmentTab
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import ask_reason, confirm
from backoffice.views.widgets.inputs import DateInput


def next_working_day(day: date) -> date:
    """Today, or the Monday after when today is a weekend day."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


MANAGE = Permission.APPOINTMENTS_MANAGE
# What the menu of a cell offers (None: a separator), in this order.
CELL_MENU = (
    "open_selected_member",
    "print_one",
    "move_cell",
    "cut",
    "delete",
    None,
    "attended",
    "absent",
    "excused",
    None,
    "book_cell",
    "paste",
    "block",
    "free_block",
)


class AgendaTab(AppointmentTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._cut: AgendaAppointment | None = None
        self.changes = AppointmentChanges(context, self, lambda: self.choices, self.reload)
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
        self.view.doubleClicked.connect(lambda _index: self.actions.run("act"))
        self.view.setItemDelegate(DaySeparator(self.view))
        self.actions.bind_list(self.view, "act", "delete", "cut", "paste", "print_one")
        layout.addWidget(self.view)
        layout.addLayout(self._buttons())

    # -- building -----------------------------------------------------------------------------

    def _controls(self) -> QVBoxLayout:
        """What is shown above, the day and its neighbours below (one row was wider than a
        laptop's screen)."""
        rows = QVBoxLayout()
        bar = QHBoxLayout()
        navigation = QHBoxLayout()
        self.scope = growing_combo()
        self.scope.addItem(tr("By centre"), Scope.CENTRE)
        self.scope.addItem(tr("By professional"), Scope.PROFESSIONAL)
        self.target = growing_combo()
        self.target.setMinimumWidth(240)
        self.period = growing_combo()
        self.period.addItem(tr("Day"), 1)
        self.period.addItem(tr("Week"), 7)
        self.day = DateInput(next_working_day(clock.today()))
        previous, today, following = self.actions.buttons("previous", "today", "next")
        for widget in (self.scope, self.target, self.period):
            bar.addWidget(widget)
        bar.addStretch()
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600")
        bar.addWidget(self.title)
        for widget in (previous, self.day, today, following):
            navigation.addWidget(widget)
        navigation.addStretch()
        rows.addLayout(bar)
        rows.addLayout(navigation)
        self.scope.currentIndexChanged.connect(lambda _index: self._fill_targets())
        self.target.currentIndexChanged.connect(lambda _index: self.reload())
        self.period.currentIndexChanged.connect(lambda _index: self.reload())
        self.day.day_changed.connect(lambda _day: self.reload())
        return rows

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
        for button in self.actions.buttons("act", "block", "print_day"):
            bar.addWidget(button)
        return bar

    def set_choices(self, choices: NetworkChoices) -> None:
        """New lists of centres and professionals (the page loads the grid next)."""
        super().set_choices(choices)
        self._fill_targets(load=False)

    def _fill_targets(self, *, load: bool = True) -> None:
        if self.choices is None:
            return
        if self.scope.currentData() == Scope.CENTRE:
            fill_centres(self.target, self.choices)
        else:
            fill_professionals(self.target, self.choices)
        if load:
            self.reload()

    # -- loading ------------------------------------------------------------------------------

    def current_query(self) -> AgendaQuery | None:
        target = self.target.currentData()
        if target is None or not self.day.is_valid():
            return None
        days = int(self.period.currentData())
        day = self.day.day()
        assert day is not None
        return AgendaQuery(
            Scope(self.scope.currentData()), int(target), week_start(day) if days > 1 else day, days
        )

    def load(self) -> None:
        query, actor = self.current_query(), self.context.actor
        if query is None:
            return
        self.query(lambda session: agenda(session, actor, query), self._show)

    def _show(self, grid: AgendaGrid) -> None:
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
        if self.day.is_valid():
            step = int(self.period.currentData())
            day = self.day.day() or clock.today()
            self.day.change_day(day + timedelta(days=direction * step))

    @action(lambda: tr("Previous"), shortcut="Alt+Left", icon=QStyle.StandardPixmap.SP_ArrowLeft)
    def previous(self) -> None:
        """The day (or week) before."""
        self.shift(-1)

    @action(lambda: tr("Next"), shortcut="Alt+Right", icon=QStyle.StandardPixmap.SP_ArrowRight)
    def next(self) -> None:
        """The day (or week) after."""
        self.shift(1)

    @action(lambda: tr("Today"), shortcut="Alt+Home")
    def today(self) -> None:
        self.day.change_day(next_working_day(clock.today()))

    def open(self, options: dict[str, Any]) -> None:
        if "professional_id" in options:
            select_data(self.scope, Scope.PROFESSIONAL)
            select_data(self.target, int(options["professional_id"]))
        elif "centre_id" in options:
            select_data(self.scope, Scope.CENTRE)
            select_data(self.target, int(options["centre_id"]))
        if "day" in options:
            self.day.change_day(date.fromisoformat(str(options["day"])))
        if "period" in options:
            select_data(self.period, 7 if options["period"] == "week" else 1)

    # -- the current cell ---------------------------------------------------------------------

    def current(self) -> tuple[Cell | None, int]:
        index = self.view.currentIndex()
        if not index.isValid():
            return None, -1
        return self.model.cell(index.row(), index.column()), index.column()

    def _appointment(self) -> AgendaAppointment | None:
        cell, _column = self.current()
        return cell.appointment if cell is not None else None

    def _slot_of(self, cell: Cell, column: int) -> SlotChoice | None:
        grid = self.model.grid
        if grid is None or cell.kind != CellKind.FREE:
            return None
        centre = grid.query.target_id if grid.query.scope == Scope.CENTRE else cell.centre_id
        if centre is None:
            return None
        return SlotChoice(grid.columns[column].professional_id, centre, cell.starts_at)

    @action(lambda: tr("Book / actions"), shortcut=("Return", "Enter"), on_list=True)
    def act(self) -> None:
        """A free slot: book it; an appointment or a blocked period: what can be done."""
        cell, column = self.current()
        if cell is None:
            return
        if cell.appointment is not None or cell.block is not None:
            rect = self.view.visualRect(self.view.currentIndex())
            self._menu_at(rect.center())
        elif cell.kind == CellKind.FREE and self.can_manage:
            self.book(cell, column)

    @action(lambda: tr("Book…"), permission=MANAGE)
    def book_cell(self) -> None:
        cell, column = self.current()
        if cell is not None:
            self.book(cell, column)

    def book(self, cell: Cell, column: int) -> None:
        choice = self._slot_of(cell, column)
        if choice is None or self.choices is None:
            return
        BookingDialog(self.context, self, self.choices, choice).exec()

    @action(lambda: tr("Cancel…"), shortcut="Del", permission=MANAGE, on_list=True)
    def delete(self) -> None:
        """Cancel the appointment (or free the blocked period) of the current slot."""
        cell, _column = self.current()
        if cell is None:
            return
        if cell.appointment is not None:
            self.changes.cancel(cell.appointment)
        elif cell.block is not None:
            self.unblock(cell)

    @action(lambda: tr("Free this blocked period"), permission=MANAGE)
    def free_block(self) -> None:
        cell, _column = self.current()
        if cell is not None:
            self.unblock(cell)

    @action(lambda: tr("Cut to move"), shortcut="Ctrl+X", permission=MANAGE, on_list=True)
    def cut(self) -> None:
        """Take the appointment, to put it on another free slot with Ctrl+V."""
        cell, _column = self.current()
        if cell is not None and cell.appointment is not None:
            self._cut = cell.appointment
            self.status.setText(
                tr(
                    "Moving {employee}: choose the new slot and press Ctrl+V (Esc to give up).",
                    employee=cell.appointment.employee,
                )
            )

    @action(
        lambda: tr("Move the cut appointment here"),
        shortcut="Ctrl+V",
        permission=MANAGE,
        on_list=True,
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
        self.changes.move_to(moving, choice)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self._cut is not None:
            self._cut = None
            self.status.clear()
            return
        super().keyPressEvent(event)

    def selected_member_id(self) -> int | None:
        appointment = self._appointment()
        return appointment.member_id if appointment is not None else None

    @action(lambda: tr("Move…"), permission=MANAGE)
    def move_cell(self) -> None:
        appointment = self._appointment()
        if appointment is not None:
            self.changes.move(appointment)

    def _outcome(self, status: AppointmentStatus) -> None:
        appointment = self._appointment()
        if appointment is not None:
            self.changes.outcome([appointment.id], status)

    @action(lambda: tr("Attended"), permission=MANAGE)
    def attended(self) -> None:
        self._outcome(AppointmentStatus.ATTENDED)

    @action(lambda: tr("Absent"), permission=MANAGE)
    def absent(self) -> None:
        self._outcome(AppointmentStatus.ABSENT)

    @action(lambda: tr("Excused"), permission=MANAGE)
    def excused(self) -> None:
        self._outcome(AppointmentStatus.EXCUSED)

    # -- blocks, convocations -----------------------------------------------------------------

    @action(lambda: tr("Block…"), permission=MANAGE)
    def block(self) -> None:
        """Block the selected slots of one column (leave, training…)."""
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
        self.write(
            lambda session: blocks.add_block(
                session, actor, professional.professional_id, starts, ends, reason, centre
            ),
            tr("Blocking…"),
        ).run()

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
        self.write(
            lambda session: blocks.remove_block(session, actor, block.id), tr("Freeing…")
        ).run()

    @action(lambda: tr("Print the convocation"), shortcut="Ctrl+P", permission=MANAGE, on_list=True)
    def print_one(self) -> None:
        appointment = self._appointment()
        if appointment is not None:
            self.changes.print(
                ConvocationSelection(appointment_ids=[appointment.id]),
                f"convocation-{appointment.id}.pdf",
            )

    @action(lambda: tr("Print the day's convocations"), permission=MANAGE)
    def print_day(self) -> None:
        """The convocations of the day shown (of the current column's day in a week)."""
        query = self.current_query()
        if query is None:
            return
        cell, _column = self.current()
        day = clock.local(cell.starts_at).date() if cell is not None else query.first_day
        self.changes.print(
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
        cell, _column = self.current()
        if cell is None:
            return
        self._enable_for(cell)
        menu = self.actions.menu(CELL_MENU, self)
        if any(entry.isVisible() and not entry.isSeparator() for entry in menu.actions()):
            menu.exec(self.view.viewport().mapToGlobal(point))
        menu.deleteLater()
        self._enable_for(None)

    def _enable_for(self, cell: Cell | None) -> None:
        """Show in the menu only what applies to ``cell`` (everything again for None: the
        shortcuts check the cell themselves)."""
        appointment = cell.appointment if cell is not None else None
        now = clock.now()
        upcoming = appointment is not None and (
            appointment.status == AppointmentStatus.CONFIRMED and cell.starts_at > now  # type: ignore[union-attr]
        )
        past = appointment is not None and appointment.starts_at <= now
        confirmed = appointment is not None and appointment.status == AppointmentStatus.CONFIRMED
        free = cell is not None and cell.kind == CellKind.FREE and appointment is None
        blocked = cell is not None and cell.block is not None and appointment is None
        empty = cell is not None and appointment is None and cell.block is None
        shown = {
            "open_selected_member": appointment is not None,
            "print_one": appointment is not None,
            "move_cell": appointment is not None,
            "cut": appointment is not None,
            "delete": appointment is not None,
            "attended": appointment is not None,
            "absent": appointment is not None,
            "excused": appointment is not None,
            "book_cell": empty,
            "paste": empty,
            "block": empty,
            "free_block": blocked,
        }
        enabled = {
            "print_one": confirmed,
            "move_cell": upcoming,
            "cut": upcoming,
            "delete": upcoming,
            "attended": past,
            "absent": past,
            "excused": past,
            "book_cell": free,
            "paste": free and self._cut is not None,
        }
        for name, visible in shown.items():
            self.actions.show(name, cell is None or visible)
            self.actions.enable(name, cell is None or enabled.get(name, True))
