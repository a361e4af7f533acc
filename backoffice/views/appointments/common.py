"""What the appointment screens share: dates and slots in French, colours, combos of
centres and professionals, and running a write with the page's usual feedback."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import AppointmentStatus
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.network import weekday_name
from backoffice.views.widgets.table import DataTable

# The agenda's colours, also used by the lists.
COLOURS = {
    "free": QColor("#ffffff"),
    "past": QColor("#eef0f3"),
    "outside": QColor("#d9dde3"),
    "blocked": QColor("#c9ced6"),
    AppointmentStatus.CONFIRMED: QColor("#cfe0fb"),
    AppointmentStatus.ATTENDED: QColor("#d3efd8"),
    AppointmentStatus.ABSENT: QColor("#f8d3d3"),
    AppointmentStatus.EXCUSED: QColor("#fbe8c4"),
    AppointmentStatus.CANCELLED: QColor("#eeeeee"),
}
WARNING = QColor("#fbe3e3")

# Tables an appointment screen shows; a change to one of them refreshes it.
WATCHED = (
    "appointments",
    "appointment_requests",
    "agenda_blocks",
    "employees",
    "members",
    "visit_centres",
    "centre_opening_hours",
    "health_professionals",
    "consultation_sessions",
    "visit_types",
    "settings",
)


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(day: date | None = None) -> QDateEdit:
    """A date field in the French format, with a calendar."""
    edit = QDateEdit(to_qdate(day or clock.today()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def day_label(day: date) -> str:
    """``mardi 24/11/2026``."""
    return f"{weekday_name(day.weekday())} {format_day(day)}"


def short_day(day: date) -> str:
    """``mar. 24/11``."""
    return f"{weekday_name(day.weekday())[:3]}. {day.strftime('%d/%m')}"


def hours_text(starts_at: datetime, ends_at: datetime) -> str:
    return f"{clock.local(starts_at):%H:%M}–{clock.local(ends_at):%H:%M}"


def slot_text(starts_at: datetime, ends_at: datetime) -> str:
    """``mardi 24/11/2026, 09:30–10:00``."""
    return f"{day_label(clock.local(starts_at).date())}, {hours_text(starts_at, ends_at)}"


def growing_combo() -> QComboBox:
    """A combo as wide as its longest item, even when filled after it is shown."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def centre_combo(choices: NetworkChoices, *, everyone: str | None = None) -> QComboBox:
    combo = growing_combo()
    fill_centres(combo, choices, everyone=everyone)
    return combo


def refill(combo: QComboBox, items: Iterable[tuple[str, Any]], everyone: str | None) -> None:
    """New items (text, data), keeping the current choice, without a change signal."""
    current = combo.currentData()
    blocked = combo.blockSignals(True)
    combo.clear()
    if everyone is not None:
        combo.addItem(everyone, None)
    for text, data in items:
        combo.addItem(text, data)
    select_data(combo, current)
    combo.blockSignals(blocked)


def fill_centres(combo: QComboBox, choices: NetworkChoices, *, everyone: str | None = None) -> None:
    """The open centres (after ``everyone``, meaning no centre chosen, when given)."""
    refill(combo, ((c.name, c.id) for c in choices.centres if c.is_active), everyone)


def add_buttons(
    bar: QHBoxLayout, buttons: Sequence[tuple[str, Callable[[], Any], bool]], can_manage: bool
) -> None:
    """Buttons (text, handler, needs the right to manage); those the role cannot use hidden."""
    for text, handler, managing in buttons:
        button = QPushButton(text)
        button.clicked.connect(handler)
        button.setVisible(can_manage or not managing)
        bar.addWidget(button)


def action_bar(
    buttons: Sequence[tuple[str, Callable[[], Any], bool]], can_manage: bool
) -> tuple[QHBoxLayout, QLabel]:
    """The bar under a list: its count on the left (returned to be filled), the buttons on
    the right (as :func:`add_buttons`)."""
    bar = QHBoxLayout()
    count = QLabel()
    bar.addWidget(count)
    bar.addStretch()
    add_buttons(bar, buttons, can_manage)
    return bar, count


def professional_combo(
    choices: NetworkChoices, *, everyone: str | None = None, centre_id: int | None = None
) -> QComboBox:
    combo = growing_combo()
    fill_professionals(combo, choices, everyone=everyone, centre_id=centre_id)
    return combo


def fill_professionals(
    combo: QComboBox,
    choices: NetworkChoices,
    *,
    everyone: str | None = None,
    centre_id: int | None = None,
) -> None:
    """The active professionals (only those consulting at ``centre_id`` when given)."""
    refill(
        combo,
        (
            (p.name, p.id)
            for p in choices.professionals
            if p.is_active and (centre_id is None or centre_id in p.centre_ids)
        ),
        everyone,
    )


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def visit_combo(choices: NetworkChoices, selected: str | None = None) -> QComboBox:
    combo = QComboBox()
    for visit in choices.visit_types:
        combo.addItem(
            tr("{label} ({minutes} min)", label=visit.label, minutes=visit.duration_minutes),
            visit.code,
        )
    select_data(combo, selected)
    return combo


def fit_columns(table: DataTable, maximum: int = 320) -> None:
    """Size the columns to their content the first time rows are shown on this
    workstation; afterwards the layout the user made is the one the table restores."""
    key = f"tables/{table.layout_key}.fitted"
    if table.property("fitted") or QSettings().value(key, False, type=bool):
        return
    table.setProperty("fitted", True)
    if table.model() is None or table.model().rowCount() == 0:
        return
    QSettings().setValue(key, True)
    table.resizeColumnsToContents()
    for column in range(table.model().columnCount()):
        table.setColumnWidth(column, min(table.columnWidth(column), maximum))


def write(
    context: AppContext,
    parent: QWidget,
    work: Callable[..., Any],
    label: str,
    done: Callable[[Any], None] | None = None,
    reload: Callable[[], None] | None = None,
) -> None:
    """Run a service call that writes; ``done`` with its result on success; when someone
    else changed the record first, the error dialog offers to ``reload`` the screen."""
    operation = Operation(context, parent, work, label=label)
    if done is not None:
        operation.success(done)
    if reload is not None:
        operation.conflict(reload)
    operation.run()
