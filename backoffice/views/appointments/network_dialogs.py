"""Editing the care network: a centre with its opening hours, a professional with the
weekly sessions, a kind of visit. Each dialog saves itself and stays open on a refusal,
the French sentence shown under the form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import ProfessionalKind
from backoffice.ops.context import AppContext
from backoffice.services.appointments import centres, professionals
from backoffice.services.appointments import visit_types as visits
from backoffice.services.appointments.centres import CentreRow, CentreValues
from backoffice.services.appointments.choices import CentreChoice
from backoffice.services.appointments.network import weekday_name
from backoffice.services.appointments.periods import WeeklyHours
from backoffice.services.appointments.professionals import (
    ProfessionalRow,
    ProfessionalValues,
    SessionValues,
)
from backoffice.services.errors import ServiceError
from backoffice.views.appointments.common import select_data
from backoffice.views.widgets.operation_dialog import OperationDialog


def time_edit(value: time) -> QTimeEdit:
    edit = QTimeEdit(QTime(value.hour, value.minute))
    edit.setDisplayFormat("HH:mm")
    return edit


class PeriodRow(QWidget):
    """A weekday, a start and an end (and, for a session, a centre and a slot length)."""

    def __init__(
        self,
        editor: PeriodsEditor,
        hours: WeeklyHours,
        centre_id: int | None = None,
        slot_minutes: int = 15,
    ) -> None:
        super().__init__(editor)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.weekday = QComboBox()
        for weekday in range(7):
            self.weekday.addItem(weekday_name(weekday), weekday)
        self.weekday.setCurrentIndex(hours.weekday)
        self.starts, self.ends = time_edit(hours.starts), time_edit(hours.ends)
        layout.addWidget(self.weekday)
        layout.addWidget(self.starts)
        layout.addWidget(QLabel("–"))
        layout.addWidget(self.ends)
        self.centre: QComboBox | None = None
        self.slot: QSpinBox | None = None
        if editor.centres is not None:
            self.centre = QComboBox()
            for centre in editor.centres:
                self.centre.addItem(centre.name, centre.id)
            select_data(self.centre, centre_id)
            self.slot = QSpinBox()
            self.slot.setRange(5, 240)
            self.slot.setSingleStep(5)
            self.slot.setSuffix(tr(" min slots"))
            self.slot.setValue(slot_minutes)
            layout.addWidget(self.centre, 1)
            layout.addWidget(self.slot)
        remove = QPushButton("✕")
        remove.setToolTip(tr("Remove this period"))
        remove.setFixedWidth(28)
        remove.clicked.connect(lambda: editor.remove(self))
        layout.addWidget(remove)

    def hours(self) -> WeeklyHours:
        start, end = self.starts.time(), self.ends.time()
        return WeeklyHours(
            int(self.weekday.currentData()),
            time(start.hour(), start.minute()),
            time(end.hour(), end.minute()),
        )


class PeriodsEditor(QWidget):
    """The weekly periods of a centre (opening hours) or of a professional (sessions,
    when ``centres`` is given)."""

    def __init__(self, centres: list[CentreChoice] | None = None) -> None:
        super().__init__()
        self.centres = centres
        self.rows: list[PeriodRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.container = QVBoxLayout()
        layout.addLayout(self.container)
        add = QPushButton(tr("Add a period"))
        add.clicked.connect(self._add_after_last)
        layout.addWidget(add)

    def add(self, hours: WeeklyHours, centre_id: int | None = None, slot: int = 15) -> None:
        row = PeriodRow(self, hours, centre_id, slot)
        self.rows.append(row)
        self.container.addWidget(row)

    def _add_after_last(self) -> None:
        if self.rows:
            last = self.rows[-1]
            hours = last.hours()
            self.add(
                WeeklyHours(min(hours.weekday + 1, 6), hours.starts, hours.ends),
                last.centre.currentData() if last.centre else None,
                last.slot.value() if last.slot else 15,
            )
        else:
            self.add(WeeklyHours(0, time(8, 30), time(12)))

    def remove(self, row: PeriodRow) -> None:
        self.rows.remove(row)
        row.deleteLater()

    def hours(self) -> tuple[WeeklyHours, ...]:
        return tuple(row.hours() for row in self.rows)

    def sessions(self) -> tuple[SessionValues, ...]:
        return tuple(
            SessionValues(
                int(row.centre.currentData()) if row.centre else 0,
                row.hours().weekday,
                row.hours().starts,
                row.hours().ends,
                row.slot.value() if row.slot else 15,
            )
            for row in self.rows
        )


def line(value: str | None) -> QLineEdit:
    return QLineEdit(value or "")


class _RecordDialog(OperationDialog):
    """A record of the care network (a centre, a professional, a kind of visit): new or
    edited, read only for a role that may only look."""

    shown_inline = (ServiceError,)  # a conflict too: said under the form, which stays open

    def checkbox(self, text: str, checked: bool) -> QCheckBox:
        box = QCheckBox(text)
        box.setChecked(checked)
        self.form.addRow("", box)
        return box

    def finish(self, editable: bool) -> None:
        self.set_action(tr("Save"))
        if not editable:
            self.set_read_only()

    @staticmethod
    def saved(row: CentreRow | ProfessionalRow | None) -> tuple[int | None, int | None]:
        """The id and version of the record edited (None for a new one)."""
        return (row.id, row.version) if row else (None, None)


class CentreDialog(_RecordDialog):
    def __init__(
        self, context: AppContext, parent: QWidget | None, row: CentreRow | None, editable: bool
    ) -> None:
        super().__init__(context, parent, tr("Visit centre") if row else tr("New visit centre"))
        self.row = row
        values = row.values if row else CentreValues("", "", "", "", "")
        self.inputs = self.add_lines(
            values,
            (
                ("code", tr("Code")),
                ("name", tr("Name")),
                ("address_line1", tr("Address")),
                ("address_line2", tr("Address (continued)")),
                ("postcode", tr("Postcode")),
                ("city", tr("City")),
                ("phone", tr("Phone")),
                ("email", tr("Email")),
                ("access_notes", tr("Access (parking, transport…)")),
            ),
        )
        self.active = self.checkbox(tr("Open (appointments can be booked there)"), values.is_active)
        self.opening = PeriodsEditor()
        for hours in values.opening:
            self.opening.add(hours)
        self.form.addRow(tr("Opening hours"), self.opening)
        self.finish(editable)

    def values(self) -> CentreValues:
        text = {name: edit.text() for name, edit in self.inputs.items()}
        return CentreValues(**text, is_active=self.active.isChecked(), opening=self.opening.hours())

    def work(self) -> Callable[[Session], Any]:
        actor, values = self.context.actor, self.values()
        centre_id, version = self.saved(self.row)
        return lambda session: centres.save_centre(session, actor, centre_id, version, values)


class ProfessionalDialog(_RecordDialog):
    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        row: ProfessionalRow | None,
        centres_: list[CentreChoice],
        editable: bool,
    ) -> None:
        super().__init__(
            context, parent, tr("Professional") if row else tr("New health professional")
        )
        self.row = row
        values = row.values if row else ProfessionalValues(ProfessionalKind.DOCTOR, "Dr", "", "")
        self.kind = QComboBox()
        self.kind.addItem(tr("Occupational physician"), ProfessionalKind.DOCTOR)
        self.kind.addItem(tr("Occupational health nurse"), ProfessionalKind.NURSE)
        select_data(self.kind, values.kind)
        self.form.addRow(tr("Profession"), self.kind)
        self.inputs = self.add_lines(
            values,
            (
                ("title", tr("Title (Dr, Mme, M.)")),
                ("first_name", tr("First name")),
                ("last_name", tr("Last name")),
                ("email", tr("Email")),
                ("phone", tr("Phone")),
                ("secretary_name", tr("Secretary")),
                ("secretary_phone", tr("Secretary's phone")),
                ("secretary_email", tr("Secretary's email")),
            ),
        )
        self.active = self.checkbox(tr("Consults (can be booked)"), values.is_active)
        self.sessions = PeriodsEditor(centres_)
        for item in values.sessions:
            self.sessions.add(item.hours, item.centre_id, item.slot_minutes)
        self.form.addRow(tr("Weekly sessions"), self.sessions)
        self.finish(editable)

    def values(self) -> ProfessionalValues:
        text = {name: edit.text() for name, edit in self.inputs.items()}
        return ProfessionalValues(
            kind=ProfessionalKind(self.kind.currentData()),
            **text,
            is_active=self.active.isChecked(),
            sessions=self.sessions.sessions(),
        )

    def work(self) -> Callable[[Session], Any]:
        actor, values = self.context.actor, self.values()
        pro_id, version = self.saved(self.row)
        return lambda session: professionals.save_professional(
            session, actor, pro_id, version, values
        )


class VisitTypeDialog(_RecordDialog):
    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        row: visits.VisitTypeRow | None,
        editable: bool,
    ) -> None:
        super().__init__(context, parent, tr("Kind of visit") if row else tr("New kind of visit"))
        self.row = row
        values = row or visits.VisitTypeRow("", "", 30)
        self.code = line(values.code)
        self.code.setReadOnly(row is not None)
        self.label = line(values.label)
        self.duration = QSpinBox()
        self.duration.setRange(5, 240)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(tr(" minutes"))
        self.duration.setValue(values.duration_minutes)
        self.form.addRow(tr("Code"), self.code)
        self.form.addRow(tr("Label"), self.label)
        self.form.addRow(tr("Usual length"), self.duration)
        self.hiring = self.checkbox(tr("Hiring visit (VIP or SIR exam)"), values.is_hiring_visit)
        self.doctor = self.checkbox(tr("Done by a doctor only"), values.by_doctor_only)
        self.finish(editable)

    def work(self) -> Callable[[Session], Any]:
        values = visits.VisitTypeRow(
            self.code.text().strip(),
            self.label.text(),
            self.duration.value(),
            self.hiring.isChecked(),
            self.doctor.isChecked(),
            self.row.position if self.row else 0,
        )
        actor, create = self.context.actor, self.row is None
        return lambda session: visits.save_visit_type(session, actor, values, create=create)
