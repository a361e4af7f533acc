"""The service's letterhead and the building blocks every PDF shares.

Letters and invoices are French documents sent to members: their text is French, written
here and in each report (not interface text). DejaVu Sans is embedded: it has the euro
sign, accents and the narrow no-break space of French amounts (``1 458,22 €``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from backoffice.dates import format_day
from backoffice.identity import ServiceIdentity
from backoffice.resources import resource_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
MARGIN = 18 * mm
ADDRESS_WINDOW_TOP = 55 * mm  # French window envelope (DL, window on the right)
ACCENT = colors.HexColor("#1f4e79")


@cache
def register_fonts() -> None:
    for name, file_name in (
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        ("DejaVuSans-Oblique", "DejaVuSans-Oblique.ttf"),
        ("DejaVuSans-BoldOblique", "DejaVuSans-BoldOblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=FONT_BOLD,
        italic="DejaVuSans-Oblique",
        boldItalic="DejaVuSans-BoldOblique",
    )


@dataclass(frozen=True)
class PostalAddress:
    lines: tuple[str, ...]  # name first, then street lines, then "postcode city"


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    return {
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            textColor=ACCENT,
            spaceAfter=6,
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=6,
            spaceAfter=3,
        ),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "bold": ParagraphStyle("bold", parent=base, fontName=FONT_BOLD),
    }


def french_date(day: date) -> str:
    return format_day(day)


def long_french_date(day: date) -> str:
    months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    return f"{day.day} {months[day.month - 1]} {day.year}"


def escape(text: str) -> str:
    """Text for a reportlab Paragraph (which reads a little XML)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _letterhead(identity: ServiceIdentity, footer_note: str) -> Callable[[Canvas, Any], None]:
    logo = _logo(identity)  # read once, embedded once (reportlab reuses the image)

    def draw(canvas: Canvas, document: Any) -> None:
        register_fonts()
        width, height = A4
        canvas.saveState()
        left = MARGIN
        if logo is not None:
            image, logo_width, logo_height = logo
            canvas.drawImage(
                image, MARGIN, height - 14 * mm - logo_height, logo_width, logo_height, mask="auto"
            )
            left += logo_width + 5 * mm
        canvas.setFillColor(ACCENT)
        canvas.setFont(FONT_BOLD, 13)
        canvas.drawString(left, height - 20 * mm, identity.name)
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT, 8)
        contacts = " · ".join(part for part in (identity.phone, identity.email) if part)
        lines = [
            *identity.address.lines,
            f"Tél. {contacts}" if identity.phone else contacts,
            identity.website,
        ]
        y = height - 25 * mm
        for line in (item for item in lines if item.strip()):
            canvas.drawString(left, y, line)
            y -= 3.6 * mm
        canvas.setStrokeColor(ACCENT)
        canvas.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
        canvas.setFont(FONT, 6.5)
        canvas.drawString(MARGIN, 10.5 * mm, legal_mentions(identity))
        canvas.drawRightString(  # below the legal line, which may take the whole width
            width - MARGIN, 7 * mm, f"{footer_note} · page {document.page}".strip(" ·")
        )
        canvas.restoreState()

    return draw


def legal_mentions(identity: ServiceIdentity) -> str:
    """The footer's line: who the service legally is (name, form, SIRET, VAT number)."""
    parts = [
        identity.legal_name,
        identity.legal_form,
        f"SIRET {identity.siret}" if identity.siret else "",
        f"TVA intracommunautaire {identity.vat_number}" if identity.vat_number else "",
    ]
    return " · ".join(part for part in parts if part)


LOGO_MAX_WIDTH, LOGO_MAX_HEIGHT = 40 * mm, 18 * mm


def _logo(identity: ServiceIdentity) -> tuple[ImageReader, float, float] | None:
    """The logo and its printed size (fitted in 40 × 18 mm), or None."""
    if identity.logo is None:
        return None
    try:
        image = ImageReader(BytesIO(identity.logo.content))
        pixels_wide, pixels_high = image.getSize()
    except Exception:  # a damaged logo prints no logo rather than no document
        return None
    scale = min(LOGO_MAX_WIDTH / pixels_wide, LOGO_MAX_HEIGHT / pixels_high)
    return image, pixels_wide * scale, pixels_high * scale


class AddressBlock(Flowable):
    """The recipient's address, placed for the window of a French envelope."""

    def __init__(self, address: PostalAddress, width: float = 85 * mm) -> None:
        super().__init__()
        self.address = address
        self.width = width
        self.height = 30 * mm

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, self.height

    def draw(self) -> None:
        canvas = self.canv
        x = A4[0] - 2 * MARGIN - self.width
        y = self.height - 5 * mm
        for index, line in enumerate(self.address.lines):
            canvas.setFont(FONT_BOLD if index == 0 else FONT, 10)
            canvas.drawString(x, y, line)
            y -= 4.6 * mm


def document_template(
    buffer: BytesIO, identity: ServiceIdentity, *, title: str, footer_note: str = ""
) -> BaseDocTemplate:
    """An A4 document with the letterhead on every page; flowables start under it."""
    register_fonts()
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=identity.name,
        initialFontName=FONT,  # embedded: no unembedded Helvetica in the file (PDF/A)
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=45 * mm,
        bottomMargin=20 * mm,
    )
    frame = Frame(
        MARGIN,
        20 * mm,
        A4[0] - 2 * MARGIN,
        A4[1] - 65 * mm,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates(
        [PageTemplate(id="letter", frames=[frame], onPage=_letterhead(identity, footer_note))]
    )
    return template


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header: bool = True,
    right_columns: Sequence[int] = (),
    total_row: bool = False,
) -> Table:
    """A table in the documents' style: bold header, light grid, amounts right-aligned."""
    register_fonts()
    result = Table(
        [list(row) for row in rows], colWidths=list(widths), repeatRows=1 if header else 0
    )
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c2cc")),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header:
        commands += [
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ]
    if total_row:
        commands.append(("FONT", (0, -1), (-1, -1), FONT_BOLD, 8.5))
    for column in right_columns:
        commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    result.setStyle(TableStyle(commands))
    result.hAlign = "LEFT"
    return result


def letter_opening(
    address: PostalAddress,
    place_and_date: str,
    reference_lines: Sequence[str],
) -> list[Flowable]:
    """Address in the window, then the date and the references (Objet, N° adhérent...)."""
    body = styles()["body"]
    flowables: list[Flowable] = [
        AddressBlock(address),
        Spacer(1, 8 * mm),
        Paragraph(escape(place_and_date), styles()["right"]),
        Spacer(1, 4 * mm),
    ]
    flowables += [Paragraph(line, body) for line in reference_lines]
    flowables.append(Spacer(1, 5 * mm))
    return flowables


def build(template: BaseDocTemplate, story: list[Flowable]) -> None:
    template.build(story)


def render(
    identity: ServiceIdentity, title: str, story: list[Flowable], footer_note: str = ""
) -> bytes:
    buffer = BytesIO()
    template = document_template(buffer, identity, title=title, footer_note=footer_note)
    template.build(story)
    return buffer.getvalue()


def render_many(
    identity: ServiceIdentity,
    title: str,
    stories: Sequence[list[Flowable]],
    on_each: Callable[[int], None] | None = None,
) -> bytes:
    """Several letters in one PDF, each starting on a new page (batch printing)."""
    from reportlab.platypus import PageBreak

    merged: list[Flowable] = []
    for index, story in enumerate(stories):
        if index:
            merged.append(PageBreak())
        merged += story
        if on_each is not None:
            on_each(index)
    return render(identity, title, merged)
