"""Layouts declared in one call, for the bars and panes every view builds.

``hbox(tr("Campaign"), self.year, STRETCH, button)`` is a bar: a text becomes its label,
``STRETCH`` pushes what follows to the right, ``(widget, 2)`` gives a stretch factor, a
layout is nested. ``vbox(...)`` the same from top to bottom; ``pane(...)`` a widget
holding a column without margins (a side of a splitter, a panel). ``add_rows(form, rows,
fields)`` fills a form from (label, input) or (label, input, field name) rows, naming the
inputs in ``fields`` (the inputs a refusal marks in red)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

STRETCH = None  # an item that pushes the next ones to the end of the row or column

Item = QWidget | QBoxLayout | str | tuple[QWidget | QBoxLayout, int] | None
Row = tuple[str | QWidget, QWidget | QLayout] | tuple[str, QWidget, str]


def fill(layout: QBoxLayout, items: Iterable[Item]) -> QBoxLayout:
    """Add ``items`` to ``layout`` (see the module's doc); ``layout`` is returned."""
    for item in items:
        widget, stretch = item if isinstance(item, tuple) else (item, 0)
        if widget is STRETCH:
            layout.addStretch()
        elif isinstance(widget, str):
            layout.addWidget(QLabel(widget), stretch)
        elif isinstance(widget, QBoxLayout):
            layout.addLayout(widget, stretch)
        else:
            layout.addWidget(widget, stretch)
    return layout


def hbox(*items: Item) -> QHBoxLayout:
    layout = QHBoxLayout()
    fill(layout, items)
    return layout


def vbox(*items: Item) -> QVBoxLayout:
    layout = QVBoxLayout()
    fill(layout, items)
    return layout


def pane(*items: Item) -> QWidget:
    """A widget showing ``items`` one under the other, edge to edge."""
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    fill(layout, items)
    return widget


def choices(options: Iterable[tuple[str, Any]], combo: QComboBox | None = None) -> QComboBox:
    """A drop-down list of (label, value) options (added to ``combo`` when given)."""
    combo = combo if combo is not None else QComboBox()
    for label, value in options:
        combo.addItem(label, value)
    return combo


def add_rows(
    form: QFormLayout, rows: Iterable[Row], fields: dict[str, QWidget] | None = None
) -> None:
    """A row of ``form`` per (label, input); a third item names the input in ``fields``."""
    for label, widget, *name in rows:
        form.addRow(label, widget)
        if name and fields is not None:
            fields[name[0]] = widget  # type: ignore[assignment]
