"""The French defaults of the chart of accounts (*plan comptable*), plain data.

Account labels are written in the books and the FEC as they are: French text. Kept apart
from :mod:`chart` so that the settings registry can import it without the services.
"""

from __future__ import annotations

from typing import Any

DEFAULT_ACCOUNTS: dict[str, tuple[str, str]] = {
    "customers": ("411000", "Adhérents"),
    "sales_annual": ("706100", "Cotisations annuelles"),
    "sales_regularisation": ("706200", "Cotisations de régularisation"),
    "sales_quarterly": ("706300", "Cotisations trimestrielles"),
    "sales_joining_fee": ("706400", "Droits d'entrée"),
    "sales_no_show": ("706500", "Absences non excusées aux visites"),
    # The fee billed when a member's direct debit comes back (an indemnity, no VAT).
    "sales_return_fee": ("708800", "Frais de rejet de prélèvement refacturés"),
    "discount": ("709100", "Remises pour prélèvement SEPA"),
    "credit_notes": ("709000", "Rabais, remises et ristournes accordés (avoirs)"),
    "vat_collected": ("445710", "TVA collectée"),
    "vat_pending": ("445740", "TVA sur encaissements à régulariser"),
    "bank": ("512000", "Banque"),
    "receipts_transfer": ("512000", "Banque"),
    "receipts_card": ("512000", "Banque"),
    "receipts_cheque": ("511200", "Chèques à encaisser"),
    "direct_debit_clearing": ("511700", "Prélèvements SEPA à encaisser"),
    "bank_fees": ("627000", "Services bancaires et assimilés"),
    "write_offs": ("654000", "Pertes sur créances irrécouvrables"),
}

DEFAULT_JOURNALS: dict[str, tuple[str, str]] = {
    "sales": ("VT", "Ventes"),
    "bank": ("BQ", "Banque"),
    "misc": ("OD", "Opérations diverses"),
}


def default_chart() -> dict[str, Any]:
    """The chart as the ``accounting.chart`` setting stores it."""
    return {
        "accounts": {
            key: {"number": number, "label": label}
            for key, (number, label) in DEFAULT_ACCOUNTS.items()
        },
        "journals": {
            key: {"code": code, "label": label} for key, (code, label) in DEFAULT_JOURNALS.items()
        },
        "auxiliary": {"per_member": True, "prefix": "C"},
    }
