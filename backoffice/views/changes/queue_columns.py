"""The columns and colours of the queue of pending changes."""

from __future__ import annotations

from PySide6.QtGui import QColor

from backoffice.i18n import tr
from backoffice.services.changes.fields import kind_label
from backoffice.services.changes.queue import QueueFlag, QueueRow
from backoffice.views.changes.review_text import age_text
from backoffice.views.widgets.rows_model import Column, moment_column

MISSING = QColor("#f8d0d0")
DUPLICATE = QColor("#e6e6e6")
OUT_OF_PERIOD = QColor("#ffe8c2")
HELD = QColor("#dbe8ff")
SUBMITTED_COLUMN = 7
WIDTHS = (84, 200, 125, 140, 170, 150, 170, 112, 48)


def flag_label(flag: QueueFlag) -> str:
    return {
        QueueFlag.OUT_OF_PERIOD: tr("Out of period"),
        QueueFlag.DUPLICATE: tr("Duplicate"),
        QueueFlag.MISSING: tr("Member or employee gone"),
        QueueFlag.RECORD_CHANGED: tr("Record changed since"),
        QueueFlag.HELD: tr("Held by a colleague"),
    }[flag]


def flags_text(row: QueueRow) -> str:
    parts = []
    if row.missing:
        parts.append(flag_label(QueueFlag.MISSING))
    if row.duplicate_of is not None:
        parts.append(tr("Duplicate of {id}", id=row.duplicate_of))
    if row.out_of_period:
        parts.append(flag_label(QueueFlag.OUT_OF_PERIOD))
    if row.record_changed:
        parts.append(flag_label(QueueFlag.RECORD_CHANGED))
    if row.held_by:
        parts.append(tr("In review: {name}", name=row.held_by))
    if row.has_comment:
        parts.append(tr("Comment"))
    return " · ".join(parts)


def row_colour(row: QueueRow) -> QColor | None:
    if row.missing:
        return MISSING
    if row.duplicate_of is not None:
        return DUPLICATE
    if row.out_of_period:
        return OUT_OF_PERIOD
    return HELD if row.held_by else None


def queue_columns() -> list[Column[QueueRow]]:
    return [
        Column(tr("Age"), lambda r: age_text(r.age_days), lambda r: r.age_days, align_right=True),
        Column(tr("Member"), lambda r: f"{r.member_code} — {r.member_name}".rstrip(" —")),
        Column(tr("Kind"), lambda r: kind_label(r.kind)),
        Column(tr("Employee"), lambda r: r.employee_label or ""),
        Column(tr("Fields"), lambda r: r.fields, tooltip=lambda r: r.fields),
        Column(tr("To note"), flags_text, tooltip=flags_text),
        Column(tr("Sent by"), lambda r: r.submitted_by),
        moment_column(tr("Sent on"), lambda r: r.submitted_at),
        Column(tr("No."), lambda r: str(r.id), lambda r: r.id, align_right=True),
    ]
