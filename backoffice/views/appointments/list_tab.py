"""Rendez-vous: the appointments of a period, filtered by centre, professional, status
and search; several at once for the convocations (Ctrl+P) and the outcomes after the
visits (attended, absent, excused)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import AppointmentStatus
from backoffice.ops.context import AppContext
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.convocations import ConvocationSelection
from backoffice.services.appointments.queries import (
    AppointmentFilter,
    AppointmentRow,
    appointment_rows,
)
from backoffice.services.permissions import Permission
from backoffice.views import formatting, labels
from backoffice.views.appointments.actions import AppointmentChanges, convocation_file_name
from backoffice.views.appointments.common import (
    COLOURS,
    fill_centres,
    fill_professionals,
    growing_combo,
    hours_text,
)
from backoffice.views.appointments.tab import AppointmentTab
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox

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
        Column(tr("Status"), lambda r: labels.label(r.status)),
        Column(tr("Cancellation reason"), lambda r: r.cancellation_reason or ""),
    ]


class AppointmentListTab(AppointmentTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.changes = AppointmentChanges(context, self, lambda: self.choices, self.reload)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.model: RowsModel[AppointmentRow] = RowsModel(
            appointment_columns(),
            background=lambda r: (
                COLOURS[r.status] if r.status != AppointmentStatus.CONFIRMED else None
            ),
            key=lambda r: r.id,
        )
        self.table = self.list_table("appointment_list", self.model, "open_selected_member")
        layout.addWidget(self.table)
        self.count = QLabel()
        names = ("print_selection", "attended", "absent", "excused", "move", "cancel")
        layout.addLayout(self.actions.bar("open_selected_member", *names, count=self.count))
        self.actions.list_menu(self.table, "open_selected_member", None, *names)

    def _filters(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.first = DateInput(clock.today())
        self.last = DateInput(clock.today() + timedelta(days=6))
        self.centre = growing_combo()
        self.professional = growing_combo()
        self.status = growing_combo()
        self.status.addItem(tr("All statuses"), None)
        self.status.addItem(tr("Outcome to record"), TO_RECORD)
        for status in AppointmentStatus:
            self.status.addItem(labels.label(status), status)
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
            edit.day_changed.connect(lambda _day: self.reload())
        for combo in (self.centre, self.professional, self.status):
            combo.currentIndexChanged.connect(lambda _index: self.reload())
        self.search.search.connect(lambda _text: self.reload())
        return bar

    def set_choices(self, choices: NetworkChoices) -> None:
        super().set_choices(choices)
        fill_centres(self.centre, choices, everyone=tr("All centres"))
        fill_professionals(self.professional, choices, everyone=tr("All professionals"))

    # -- loading ------------------------------------------------------------------------------

    def current_filter(self) -> AppointmentFilter | None:
        """None while a date typed is not a day."""
        if not (self.first.is_valid() and self.last.is_valid()):
            return None
        status = self.status.currentData()
        first, last = self.first.day(), self.last.day()
        assert first is not None and last is not None
        if status == TO_RECORD:
            last = min(last, clock.today())
        return AppointmentFilter(
            first_day=first,
            last_day=last,
            centre_id=self.centre.currentData(),
            professional_id=self.professional.currentData(),
            statuses=[AppointmentStatus.CONFIRMED]
            if status == TO_RECORD
            else ([status] if status else None),
            text=self.search.text(),
        )

    def load(self) -> None:
        actor, query = self.context.actor, self.current_filter()
        if query is None:
            return
        past_only = self.status.currentData() == TO_RECORD
        self.query(
            lambda session: appointment_rows(session, actor, query),
            lambda rows: self._show(rows, past_only),
        )

    def _show(self, rows: list[AppointmentRow], past_only: bool) -> None:
        if past_only:
            now = clock.now()
            rows = [row for row in rows if row.starts_at <= now]
        self.model.set_rows(rows)
        self.count.setText(ntr("{count} appointment", "{count} appointments", len(rows)))

    def open(self, options: dict[str, Any]) -> None:
        if options.get("status") == TO_RECORD:
            self.status.setCurrentIndex(self.status.findData(TO_RECORD))

    # -- actions ------------------------------------------------------------------------------

    def selected(self) -> list[AppointmentRow]:
        return [self.model.row_at(row) for row in self.table.selected_source_rows()]

    def _one(self) -> AppointmentRow | None:
        chosen = self.selected()
        return chosen[0] if len(chosen) == 1 else None

    def selected_member_id(self) -> int | None:
        row = self._one()
        return row.member_id if row is not None else None

    @action(
        lambda: tr("Print the convocations"),
        shortcut="Ctrl+P",
        permission=Permission.APPOINTMENTS_MANAGE,
    )
    def print_selection(self) -> None:
        """The convocations of the selected appointments, in one PDF."""
        chosen = self.selected()
        if chosen:
            day = clock.local(chosen[0].starts_at).date()
            self.changes.print(
                ConvocationSelection(appointment_ids=[row.id for row in chosen]),
                convocation_file_name(day if len(chosen) > 1 else None, str(chosen[0].id)),
            )

    def _outcome(self, status: AppointmentStatus) -> None:
        self.changes.outcome([row.id for row in self.selected()], status)

    @action(lambda: tr("Attended"), permission=Permission.APPOINTMENTS_MANAGE)
    def attended(self) -> None:
        self._outcome(AppointmentStatus.ATTENDED)

    @action(lambda: tr("Absent"), permission=Permission.APPOINTMENTS_MANAGE)
    def absent(self) -> None:
        self._outcome(AppointmentStatus.ABSENT)

    @action(lambda: tr("Excused"), permission=Permission.APPOINTMENTS_MANAGE)
    def excused(self) -> None:
        self._outcome(AppointmentStatus.EXCUSED)

    @action(lambda: tr("Move…"), permission=Permission.APPOINTMENTS_MANAGE)
    def move(self) -> None:
        row = self._one()
        if row is not None:
            self.changes.move(row)

    @action(
        lambda: tr("Cancel…"),
        shortcut="Del",
        permission=Permission.APPOINTMENTS_MANAGE,
        on_list=True,
    )
    def cancel(self) -> None:
        """Cancel the selected appointment (its slot is freed), with a reason."""
        row = self._one()
        if row is not None:
            self.changes.cancel(row)
