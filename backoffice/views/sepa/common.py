"""What the direct-debit tabs share: the tables they show and the IBAN as people read it
(the labels of the SEPA states are in ``views/labels``, the rest in ``views/widgets``)."""

from __future__ import annotations

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

SEPA_TABLES = (
    "sepa_mandates",
    "sepa_prenotifications",
    "sepa_collections",
    "instalments",
    "payments",
    "settings",
)


def formatted_iban(iban: str) -> str:
    """``FR76 3000 6000 0112 3456 7890 189``, easier to read and compare."""
    try:
        return IBAN(iban).formatted
    except SchwiftyException:
        return iban
