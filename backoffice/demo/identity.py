"""The demo's service: one coherent fictional SPSTI, printed on every demo letter, invoice
and file.

Its head office is the Mulhouse visit centre's address (``demo/data.py``), its e-mails the
domain of the demo's staff and centres, its telephone numbers in the range the French
regulator (ARCEP) keeps for fiction (03 53 48 xx xx), its SIRET, VAT number and IBANs
valid but invented.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO

from sqlalchemy.orm import Session

from backoffice.identity import Address, BankAccount, Logo, ServiceIdentity
from backoffice.resources import resource_path
from backoffice.services import identity as identity_service

DOMAIN = "sante-travail-rv.fr"


def demo_identity() -> ServiceIdentity:
    return ServiceIdentity(
        legal_name="Association Santé au Travail Rhin-Vosges",
        trade_name="Santé au Travail Rhin-Vosges",
        legal_form="Association inscrite de droit local",
        siret="87951462800012",
        vat_number="FR45879514628",
        address=Address("12 rue de la Sinne", "", "68100", "Mulhouse", "FR"),
        phone="03 53 48 10 00",
        email=f"contact@{DOMAIN}",
        billing_phone="03 53 48 10 20",
        billing_email=f"facturation@{DOMAIN}",
        assistance_phone="03 53 48 10 40",
        assistance_email=f"assistance.portail@{DOMAIN}",
        website=f"https://www.{DOMAIN}",
        portal_url=f"https://portail.{DOMAIN}",
        creditor_id="FR72ZZZ123456",
        bank_accounts=(
            BankAccount(
                None,
                "Compte courant",
                "FR7610278030000002012340151",
                "CMCIFR2A",
                "Crédit Mutuel Mulhouse Europe",
                for_invoices=True,
            ),
            BankAccount(
                None,
                "Compte des prélèvements",
                "FR7630006000011234567890189",
                "AGRIFRPP",
                "Crédit Agricole Alsace Vosges",
                for_direct_debits=True,
            ),
        ),
        logo=Logo("image/png", logo_png()),
    )


@cache
def logo_png() -> bytes:
    """A small drawn logo: a health cross over two hills (the Vosges), and the initials."""
    from PIL import Image, ImageDraw, ImageFont  # reportlab's own dependency

    blue, gold = (31, 78, 121, 255), (242, 169, 0, 255)
    mark = Image.new("RGBA", (200, 200), blue)
    draw = ImageDraw.Draw(mark)
    hills = [(0, 170), (60, 120), (100, 150), (150, 105), (200, 160), (200, 200), (0, 200)]
    draw.polygon(hills, fill=gold)
    draw.rectangle((78, 24, 122, 128), fill="white")
    draw.rectangle((48, 54, 152, 98), fill="white")
    corners = Image.new("L", (200, 200), 0)
    ImageDraw.Draw(corners).rounded_rectangle((0, 0, 199, 199), radius=36, fill=255)
    image = Image.new("RGBA", (540, 200), (255, 255, 255, 0))
    image.paste(mark, (0, 0), corners)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(resource_path("fonts", "DejaVuSans-Bold.ttf")), 86)
    draw.text((226, 48), "STRV", font=font, fill=blue)
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def install(session: Session) -> ServiceIdentity:
    """Store the demo's identity (as the system: the demo has no administrator yet)."""
    return identity_service.write(session, None, demo_identity())
