"""Rendez-vous: the appointments of a period, filtered by centre, professional, status
and search; several at once for the convocations (Ctrl+P) and the outcomes after the
visits (attended, absent, excused)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import AppointmentStatus
from backoffice.ops.context import AppContext
from backoffice.ops.operation import run_query
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.convocations import ConvocationSelection
from backoffice.services.appointments.queries import (
    AppointmentFilter,
    AppointmentRow,
    appointment_rows,
)
from backoffice.services.permissions import Permission
from backoffice.views import formatting, labels
from backoffice.views.appointments.actions import AppointmentActions, convocation_file_name
from backoffice.views.appointments.common import (
    COLOURS,
    action_bar,
    date_edit,
    fill_centres,
    fill_professionals,
    fit_columns,
    growing_combo,
    hours_text,
    to_date,
)
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

TO_RECORD = "to_record"  # past appointments still "confirmed": their outcome is missing


def appointment_columns() -> list[Column[AppointmentRow]]:
    return [
        Column(tr("Day"), lambda r: formatting.moment(r.starts_at)[:10], lambda r: r.starts_at),
        Column(tr("Time"), lambda r: hours_text(r.starts_at, r.ends_at), lambda r: r.starts_at),
        Column(tr("Employee"), lambda r: r.employee),
        Column(tr("Member"), lambda r: f"{r.member_code} {r.member_name}"),
        Column(tr("Visit"), lambda r: r.visit_type),
        Column(tr("Professional"), lambda r: r.professional),
        Column(tr("Centre"), lambda r: r.centre),
        Column(tr("Status"), lambda r: labels.appointment_status(r.status)),
        Column(tr("Cancellation reason"), lambda r: r.cancellation_reason or ""),
    ]


class AppointmentListTab(QWidget):
    open_member = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.choices: NetworkChoices | None = None
        self.can_manage = context.allows(Permission.APPOINTMENTS_MANAGE)
        self._sequence = 0
        self.actions = AppointmentActions(context, self, lambda: self.choices, self.load)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.model: RowsModel[AppointmentRow] = RowsModel(
            appointment_columns(),
            background=lambda r: (
                COLOURS[r.status] if r.status != AppointmentStatus.CONFIRMED else None
            ),
            key=lambda r: r.id,
        )
        self.table = DataTable("appointment_list")
        self.table.set_rows_model(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.activated_row.connect(lambda _row: self._open_member())
        layout.addWidget(self.table)
        layout.addLayout(self._buttons())
        shortcut = QShortcut(QKeySequence.StandardKey.Print, self)
        shortcut.activated.connect(self.print_selection)

    def _filters(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.first = date_edit(clock.today())
        self.last = date_edit(clock.today() + timedelta(days=6))
        self.centre = growing_combo()
        self.professional = growing_combo()
        self.status = growing_combo()
        self.status.addItem(tr("All statuses"), None)
        self.status.addItem(tr("Outcome to record"), TO_RECORD)
        for status in AppointmentStatus:
            self.status.addItem(labels.appointment_status(status), status)
        self.search = SearchBox(tr("Employee, member…"))
        for label, widget in (
            (tr("From"), self.first),
            (tr("Until"), self.last),
            ("", self.centre),
            ("", self.professional),
            ("", self.status),
        ):
            if label:
                bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.search, 2)
        for edit in (self.first, self.last):
            edit.dateChanged.connect(lambda _date: self.load())
        for combo in (self.centre, self.professional, self.status):
            combo.currentIndexChanged.connect(lambda _index: self.load())
        self.search.search.connect(lambda _text: self.load())
        return bar

    def _buttons(self) -> QHBoxLayout:
        bar, self.count = action_bar(
            (
                (tr("Open the member"), self._open_member, False),
                (tr("Print the convocations (Ctrl+P)"), self.print_selection, True),
                (tr("Attended"), lambda: self._outcome(AppointmentStatus.ATTENDED), True),
                (tr("Absent"), lambda: self._outcome(AppointmentStatus.ABSENT), True),
                (tr("Excused"), lambda: self._outcome(AppointmentStatus.EXCUSED), True),
                (tr("Move…"), self._move, True),
                (tr("Cancel…"), self._cancel, True),
            ),
            self.can_manage,
        )
        return bar

    def set_choices(self, choices: NetworkChoices) -> None:
        self.choices = choices
        fill_centres(self.centre, choices, everyone=tr("All centres"))
        fill_professionals(self.professional, choices, everyone=tr("All professionals"))

    # -- loading ------------------------------------------------------------------------------

    def current_filter(self) -> AppointmentFilter:
        status = self.status.currentData()
        last = to_date(self.last.date())
        if status == TO_RECORD:
            last = min(last, clock.today())
        return AppointmentFilter(
            first_day=to_date(self.first.date()),
            last_day=last,
            centre_id=self.centre.currentData(),
            professional_id=self.professional.currentData(),
            statuses=[AppointmentStatus.CONFIRMED]
            if status == TO_RECORD
            else ([status] if status else None),
            text=self.search.text(),
        )

    def load(self) -> None:
        self._sequence += 1
        sequence, actor, query = self._sequence, self.context.actor, self.current_filter()
        past_only = self.status.currentData() == TO_RECORD
        run_query(
            self.context,
            self,
            lambda session: appointment_rows(session, actor, query),
            lambda rows: self._show(sequence, rows, past_only),
        )

    def _show(self, sequence: int, rows: list[AppointmentRow], past_only: bool) -> None:
        if sequence != self._sequence:
            return
        if past_only:
            now = clock.now()
            rows = [row for row in rows if row.starts_at <= now]
        self.model.set_rows(rows)
        fit_columns(self.table)
        self.count.setText(ntr("{count} appointment", "{count} appointments", len(rows)))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def open(self, options: dict[str, Any]) -> None:
        if options.get("status") == TO_RECORD:
            self.status.setCurrentIndex(self.status.findData(TO_RECORD))

    # -- actions ------------------------------------------------------------------------------

    def selected(self) -> list[AppointmentRow]:
        return [self.model.row_at(row) for row in self.table.selected_source_rows()]

    def _one(self) -> AppointmentRow | None:
        chosen = self.selected()
        return chosen[0] if len(chosen) == 1 else None

    def _open_member(self) -> None:
        row = self._one()
        if row is not None:
            self.open_member.emit(row.member_id)

    def print_selection(self) -> None:
        chosen = self.selected()
        if chosen and self.can_manage:
            day = clock.local(chosen[0].starts_at).date()
            self.actions.print(
                ConvocationSelection(appointment_ids=[row.id for row in chosen]),
                convocation_file_name(day if len(chosen) > 1 else None, str(chosen[0].id)),
            )

    def _outcome(self, status: AppointmentStatus) -> None:
        self.actions.outcome([row.id for row in self.selected()], status)

    def _move(self) -> None:
        row = self._one()
        if row is not None:
            self.actions.move(row)

    def _cancel(self) -> None:
        row = self._one()
        if row is not None:
            self.actions.cancel(row)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Delete and self.can_manage:
            self._cancel()
            return
        super().keyPressEvent(event)
