"""A light flowable for plain text, for letters printed by the thousand.

A ``Paragraph`` parses its markup and breaks its lines again on every letter; the
sentences of a batch of convocations are mostly the same on every page, so here the
cutting into lines is done once per sentence and width, and the lines are drawn as is.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from backoffice.reports.pdf import FONT_BOLD


@lru_cache(maxsize=2048)
def split_lines(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """``text`` cut into lines no wider than ``width`` (its own line breaks kept)."""
    return tuple(
        line for part in text.split("\n") for line in (simpleSplit(part, font, size, width) or [""])
    )


class TextLines(Flowable):
    """Plain text in a paragraph style (font, size, leading, colour, spacing, right
    alignment), with an optional bold label before the first line ("Objet :")."""

    def __init__(self, text: str, style: ParagraphStyle, label: str = "") -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.label = label
        self.lines: tuple[str, ...] = ()
        self.indent = 0.0

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

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
