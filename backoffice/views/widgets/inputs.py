"""The inputs every form uses: one for a day, one for an amount, one for a rate.

``DateInput`` takes a day as French people type it (``15/05/2018``, also ``2018-05-15``
or ``15/05/18``) through ``backoffice.dates.parse_day``, shows it with ``format_day``,
opens a calendar on its button or Alt+Down, and moves by a day with the Up / Down keys.
What it holds is only ever a real day: an impossible text is marked in red with the
reason, and :meth:`DateInput.day` refuses it with a French sentence.

``MoneyInput`` takes an amount as staff write it (``1 458,22``) through
``backoffice.money.parse_amount``; ``RateInput`` a percentage (``20``, ``1,5``) held in
basis points.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QStyle,
    QWidgetAction,
)
from PySide6.QtWidgets import QWidget as _QWidget

from backoffice import clock
from backoffice.dates import Meaning, bounds, day_problem, format_day, parse_day
from backoffice.i18n import tr
from backoffice.money import AmountError, format_eur, parse_amount

INVALID_STYLE = "QLineEdit { border: 2px solid #b00020; }"


class DateInput(QLineEdit):
    """A day, typed or picked. ``day_changed`` carries the new day (a ``date``, or None
    when an optional input is emptied) each time a different valid day is entered."""

    day_changed = Signal(object)

    def __init__(
        self,
        day: date | None = None,
        *,
        optional: bool = False,
        meaning: Meaning | None = None,
        parent: _QWidget | None = None,
    ) -> None:
        """``meaning``: a day outside its sensible bounds (``dates.Meaning``) is refused
        like an impossible one, and the calendar offers only those."""
        super().__init__(parent)
        self.optional = optional
        self.meaning = meaning
        self.setPlaceholderText(tr("dd/mm/yyyy"))
        self.setMaxLength(10)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 40)
        self._last: date | None = None
        picker = QAction(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown), "", self)
        picker.setToolTip(tr("Choose in a calendar (Alt+Down)"))
        picker.triggered.connect(self.open_calendar)
        self.addAction(picker, QLineEdit.ActionPosition.TrailingPosition)
        self.textChanged.connect(self._check)
        self.editingFinished.connect(self._announce)
        self.set_day(day if day is not None or optional else clock.today())

    # -- the value ------------------------------------------------------------------------

    def day(self) -> date | None:
        """The day typed (None when an optional input is empty); ValueError with a French
        sentence when the text is not a day."""
        text = self.text()
        try:
            value = parse_day(text)
        except ValueError:
            raise ValueError(
                tr("{text} is not a date: type it as dd/mm/yyyy.", text=text.strip())
            ) from None
        if value is None and not self.optional:
            raise ValueError(tr("Type a date (dd/mm/yyyy)."))
        if value is not None and self.meaning is not None:
            problem = day_problem(self.meaning, tr("Date"), value)
            if problem:
                raise ValueError(problem)
        return value

    def is_valid(self) -> bool:
        try:
            self.day()
        except ValueError:
            return False
        return True

    def set_day(self, day: date | None) -> None:
        """Show ``day`` (without announcing it: the program set it, nobody typed it)."""
        self._last = day
        self.setText(format_day(day))

    def change_day(self, day: date | None) -> None:
        """Show ``day`` and announce it, as if the user had entered it."""
        self.setText(format_day(day))
        self._announce()

    # -- typing, picking ------------------------------------------------------------------

    def _check(self, _text: str) -> None:
        valid = self.is_valid()
        self.setStyleSheet("" if valid else INVALID_STYLE)
        if valid:
            self.setToolTip("")
        else:
            try:
                self.day()
            except ValueError as error:
                self.setToolTip(str(error))

    def _announce(self) -> None:
        if not self.is_valid():
            return
        day = self.day()
        if day != self._last:
            self._last = day
            self.day_changed.emit(day)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._announce()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        if key == Qt.Key.Key_Down and modifiers & Qt.KeyboardModifier.AltModifier:
            self.open_calendar()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.is_valid():
            current = self.day() or clock.today()
            self.change_day(current + timedelta(days=1 if key == Qt.Key.Key_Up else -1))
        else:
            super().keyPressEvent(event)

    def open_calendar(self) -> None:
        if self.isReadOnly() or not self.isEnabled():
            return
        menu = QMenu(self)
        calendar = QCalendarWidget(menu)
        calendar.setGridVisible(True)
        current = self.day() if self.is_valid() else None
        shown = current or clock.today()
        if self.meaning is not None:
            limits = bounds(self.meaning)
            calendar.setDateRange(_qdate(limits.earliest), _qdate(limits.latest))
        calendar.setSelectedDate(_qdate(shown))
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(calendar)
        menu.addAction(holder)

        def picked(value: QDate) -> None:
            menu.close()
            self.change_day(date(value.year(), value.month(), value.day()))

        calendar.activated.connect(picked)
        calendar.clicked.connect(picked)
        menu.popup(self.mapToGlobal(QPoint(0, self.height())))
        calendar.setFocus()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def typed_day(edit: DateInput, errors: QLabel) -> date | None:
    """The day typed in ``edit``; None after saying in ``errors`` why it is not one (an
    optional input left empty is None too)."""
    try:
        return edit.day()
    except ValueError as error:
        errors.setText(str(error))
        edit.setFocus()
        return None


def typed_cents(edit: MoneyInput, label: str) -> int:
    """The amount typed in ``edit``; ``AmountError`` with a sentence naming the field
    (``label``) and what is wrong (the parser's own words) when it is not one."""
    try:
        return edit.cents()
    except AmountError as error:
        raise AmountError(tr("{field}: {reason}", field=label, reason=str(error))) from None


class MoneyInput(QLineEdit):
    """An amount in euros typed as staff write it (``1 458,22``).

    ``ceiling_cents`` refuses absurd amounts; ``allow_negative`` accepts a minus sign."""

    def __init__(
        self,
        cents: int | None = None,
        *,
        ceiling_cents: int | None = None,
        allow_negative: bool = False,
        parent: _QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ceiling_cents = ceiling_cents
        self.allow_negative = allow_negative
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setPlaceholderText("0,00 €")
        if cents is not None:
            self.set_cents(cents)

    def set_cents(self, cents: int) -> None:
        self.setText(format_eur(cents))

    def cents(self) -> int:
        """The amount in cents; ``AmountError`` (a ValueError) with a French sentence when
        the text is not an amount of money."""
        return parse_amount(
            self.text(), ceiling_cents=self.ceiling_cents, allow_negative=self.allow_negative
        )


class RateInput(QLineEdit):
    """A rate typed in percent (``20``, ``1,5``), held in basis points (2000, 150)."""

    def __init__(self, basis_points: int = 0, parent: _QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.set_basis_points(basis_points)

    def set_basis_points(self, basis_points: int) -> None:
        whole, rest = divmod(basis_points, 100)
        self.setText(f"{whole},{rest:02d}".rstrip("0").rstrip(","))

    def basis_points(self) -> int:
        """ValueError when the text is not a percentage with two decimals at most (a
        percentage with two decimals, read as an amount, is its basis points)."""
        return parse_amount(self.text().replace("%", ""))


def text_area(height: int) -> QPlainTextEdit:
    """A few lines of text to type (``height`` pixels at most): a setting's paragraph."""
    area = QPlainTextEdit()
    area.setMaximumHeight(height)
    return area


def year_spin(value: int | None = None) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(2000, 2100)
    spin.setValue(value or clock.today().year)
    return spin


def count_spin(value: int = 0, maximum: int = 100000) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setValue(value)
    return spin
