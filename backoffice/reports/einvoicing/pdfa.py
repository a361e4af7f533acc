"""A reportlab PDF made a Factur-X: PDF/A-3b with the CII XML embedded as ``factur-x.xml``.

The ``factur-x`` package embeds the XML (the file specification with its
``AFRelationship``, the catalog's ``/AF``) and writes the XMP metadata declaring PDF/A-3
and the Factur-X profile; pikepdf adds what reportlab cannot: the sRGB output intent
(the ICC profile made by Pillow's LittleCMS), the document information dictionary made
the exact mirror of the XMP, and PDF version 1.7. The fonts are reportlab's embedded
TrueType subsets (DejaVu Sans, ``reports/pdf.py``); no standard-14 font is left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from io import BytesIO

import pikepdf
from facturx import generate_from_binary

FILE_NAME = "factur-x.xml"
PROFILE = "EN 16931"
SRGB = "sRGB IEC61966-2.1"
PRODUCER = "ReportLab, factur-x, pikepdf"

logging.getLogger("factur-x").setLevel(logging.WARNING)  # it logs every file at INFO


@dataclass(frozen=True)
class PdfMetadata:
    title: str  # « Facture FA-2027-000123 »
    author: str  # the service
    subject: str
    keywords: str = "Factur-X, EN 16931"


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (LittleCMS's, through Pillow: no file to ship)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def facturx_pdf(pdf: bytes, xml: bytes, metadata: PdfMetadata) -> bytes:
    """``pdf`` (from reportlab) with ``xml`` embedded, as a PDF/A-3b Factur-X EN 16931.

    The XML is not checked here: the caller checked it against the XSD before."""
    embedded = generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,
        pdf_metadata={
            "author": metadata.author,
            "title": metadata.title,
            "subject": metadata.subject,
            "keywords": metadata.keywords,
        },
        lang="fr-FR",
    )
    with pikepdf.open(BytesIO(embedded)) as document:
        _output_intent(document)
        _mirror_metadata(document, metadata)
        out = BytesIO()
        document.save(out, force_version="1.7", fix_metadata_version=False)
    return out.getvalue()


def _output_intent(document: pikepdf.Pdf) -> None:
    profile = document.make_stream(srgb_profile())
    profile["/N"] = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String(SRGB),
        Info=pikepdf.String(SRGB),
        RegistryName=pikepdf.String("http://www.color.org"),
        DestOutputProfile=profile,
    )
    document.Root.OutputIntents = pikepdf.Array([document.make_indirect(intent)])


def _mirror_metadata(document: pikepdf.Pdf, metadata: PdfMetadata) -> None:
    """The information dictionary and the XMP say the same (PDF/A 6.6.2.3): the XMP is
    rewritten with the same producer and keywords, then copied into the dictionary."""
    for key in list(document.docinfo.keys()):
        if key not in ("/CreationDate", "/ModDate"):
            del document.docinfo[key]
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as xmp:
        xmp["pdf:Producer"] = PRODUCER
        xmp["pdf:Keywords"] = metadata.keywords
        xmp["dc:title"] = metadata.title
        xmp["dc:creator"] = [metadata.author]
        xmp["dc:description"] = metadata.subject
