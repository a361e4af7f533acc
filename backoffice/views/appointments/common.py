"""What the appointment screens share: dates and slots in French, colours, combos of
centres and professionals (the rest comes from ``views/widgets``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.models import AppointmentStatus
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.network import weekday_name
from backoffice.views import labels
from backoffice.views.widgets.rows_model import Column

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


def employee_columns() -> list[Column[Any]]:
    """Who is to be seen, as every list of employees to book shows them."""
    return [
        Column(tr("Employee"), lambda r: r.employee),
        Column(tr("Member"), lambda r: f"{r.member_code} {r.member_name}"),
        Column(tr("Follow-up"), lambda r: labels.category(r.category)),
        Column(tr("Job"), lambda r: r.job_title or ""),
    ]


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
