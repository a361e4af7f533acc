"""Light flowables for letters printed by the thousand (a day's convocations).

A ``Paragraph`` parses its markup and breaks its lines again on every letter, a ``Table``
measures and styles every cell, and every ``Spacer`` goes through the frame's machinery:
on a batch of a thousand identical-looking letters that is most of the time spent (see
``bench/bench_appointments.py``). Here the sentences are cut into lines once per sentence
and width, spacing is carried by the text itself, and the label/value grid of a letter is
drawn directly — in the look of :func:`backoffice.reports.pdf.table`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from backoffice.reports.pdf import FONT, FONT_BOLD

GRID = colors.HexColor("#b8c2cc")  # pdf.table's grid
CELL_SIZE = 8.5
CELL_PADDING = (6.0, 2.5)  # horizontal (reportlab's default), vertical (pdf.table's)


@lru_cache(maxsize=4096)
def split_lines(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """``text`` cut into lines no wider than ``width`` (its own line breaks kept)."""
    return tuple(
        line for part in text.split("\n") for line in (simpleSplit(part, font, size, width) or [""])
    )


class TextLines(Flowable):
    """Plain text in a paragraph style (font, size, leading, colour, spacing, right
    alignment), an optional bold label before the first line ("Objet :") and extra space
    before it (instead of a ``Spacer``)."""

    def __init__(
        self, text: str, style: ParagraphStyle, label: str = "", space_before: float = 0.0
    ) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.label = label
        self.space_before = space_before
        self.lines: tuple[str, ...] = ()
        self.indent = 0.0

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore) + self.space_before

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        style = self.style
        self.indent = stringWidth(self.label, FONT_BOLD, style.fontSize) if self.label else 0.0
        self.width = available_width
        self.lines = split_lines(
            self.text, style.fontName, style.fontSize, available_width - self.indent
        )
        self.height = style.leading * len(self.lines)
        return available_width, self.height

    def draw(self) -> None:
        canvas, style = self.canv, self.style
        canvas.setFillColor(style.textColor)
        y = self.height - style.fontSize
        if self.label:
            canvas.setFont(FONT_BOLD, style.fontSize)
            canvas.drawString(0, y, self.label)
        canvas.setFont(style.fontName, style.fontSize)
        for index, line in enumerate(self.lines):
            if style.alignment == TA_RIGHT:
                canvas.drawRightString(self.width, y, line)
            else:
                canvas.drawString(self.indent if index == 0 else 0, y, line)
            y -= style.leading


class DetailsGrid(Flowable):
    """Label/value rows in a thin grid; long values wrap inside their column."""

    def __init__(
        self, rows: Sequence[tuple[str, str]], widths: tuple[float, float], space_before: float
    ) -> None:
        super().__init__()
        self.rows = rows
        self.widths = widths
        self.space_before = space_before
        self.leading = CELL_SIZE * 1.2
        self.cells: list[tuple[str, tuple[str, ...], float]] = []

    def getSpaceBefore(self) -> float:
        return self.space_before

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        value_width = self.widths[1] - 2 * CELL_PADDING[0]
        self.cells = []
        for label, value in self.rows:
            lines = split_lines(value, FONT, CELL_SIZE, value_width)
            self.cells.append((label, lines, len(lines) * self.leading + 2 * CELL_PADDING[1]))
        self.width = sum(self.widths)
        self.height = sum(height for _label, _lines, height in self.cells)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.25)
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT, CELL_SIZE)
        top = self.height
        for label, lines, height in self.cells:
            canvas.rect(0, top - height, self.widths[0], height)
            canvas.rect(self.widths[0], top - height, self.widths[1], height)
            middle = top - height / 2
            first = middle + (len(lines) - 1) * self.leading / 2 - CELL_SIZE * 0.35
            canvas.drawString(CELL_PADDING[0], middle - CELL_SIZE * 0.35, label)
            for index, line in enumerate(lines):
                canvas.drawString(
                    self.widths[0] + CELL_PADDING[0], first - index * self.leading, line
                )
            top -= height
