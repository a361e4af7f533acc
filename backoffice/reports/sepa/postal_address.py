"""Postal addresses in SEPA files, structured as the 2025 EPC rulebooks require.

Since the 2025 rulebooks an address in a payment message is *structured* (each part in
its own element) or *hybrid* (town and country structured, at most two free lines);
banks refuse fully unstructured addresses (``AdrLine`` only) from 15 November 2026. The
addresses kept here (street, postcode, town, country) are always written structured:
the building number apart from the street name (``BldgNb`` / ``StrtNm``), then
``PstCd``, ``TwnNm`` and ``Ctry``, in the schema's order — the same order in
``pain.008.001.08`` (PostalAddress24) and ``pain.008.001.02`` (PostalAddress6).

Town and country are what every structured or hybrid address must have: an address
without a town is not written at all (it is optional in a direct debit unless the
debtor's bank is outside the EEA, which the review reports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from backoffice.reports.sepa.charset import to_sepa_text

STREET_LENGTH = 70
BUILDING_NUMBER_LENGTH = 16
TOWN_LENGTH = 35
POSTCODE_LENGTH = 16

# "12 rue …", "12 bis rue …", "12B avenue …", "3-5, place …": the number, then the street.
_LEADING_NUMBER = re.compile(
    r"^(\d{1,6}(?:\s?-\s?\d{1,6})?(?:\s?(?:bis|ter|quater|[A-Z])\b)?)[\s,]+(\D.*)$",
    re.IGNORECASE,
)

# The European Economic Area: a debtor whose bank is elsewhere in SEPA (Switzerland, the
# United Kingdom, Monaco...) must be given with a postal address.
_EEA = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK"
EEA_COUNTRIES = frozenset(_EEA.split())


@dataclass(frozen=True)
class PostalAddress:
    street: str | None
    postcode: str | None
    town: str | None
    country: str


def split_street(street: str) -> tuple[str | None, str]:
    """(building number, street name): ``"12 bis rue de la Paix"`` → ``("12 bis", "rue
    de la Paix")``; a street without a leading number is all name."""
    match = _LEADING_NUMBER.match(street)
    if match is None or len(match.group(1)) > BUILDING_NUMBER_LENGTH:
        return None, street
    return match.group(1), match.group(2).strip()


def structured(address: PostalAddress | None) -> list[tuple[str, str]]:
    """The address as (element, text) pairs in the schema's order, in the SEPA character
    set; empty when it cannot be written structured (no town or no country)."""
    if address is None:
        return []
    place = _place(address.postcode, address.town, address.country)
    if place is None:
        return []
    return [*_street(address.street), *place]


# Remembered: a collection meets the same towns and postcodes many times, and a member's
# street with each of its instalments.
@lru_cache(maxsize=1 << 16)
def _place(
    postcode: str | None, town: str | None, country: str | None
) -> tuple[tuple[str, str], ...] | None:
    """Postcode (when there is one), town and country; None without a town or a
    country."""
    town = to_sepa_text(town or "", TOWN_LENGTH)
    country = (country or "").strip().upper()
    if not town or len(country) != 2 or not country.isalpha():
        return None
    postcode = to_sepa_text(postcode or "", POSTCODE_LENGTH)
    return ((("PstCd", postcode),) if postcode else ()) + (("TwnNm", town), ("Ctry", country))


@lru_cache(maxsize=1 << 16)
def _street(street: str | None) -> tuple[tuple[str, str], ...]:
    """Street name and building number, those there are."""
    number, name = split_street(to_sepa_text(street or "", STREET_LENGTH))
    if name and number:
        return (("StrtNm", name), ("BldgNb", number))
    if name:
        return (("StrtNm", name),)
    return (("BldgNb", number),) if number else ()


def forget() -> None:
    """Forget the parts remembered."""
    _place.cache_clear()
    _street.cache_clear()


def address_required(iban: str | None) -> bool:
    """The rulebook requires the debtor's address when the debtor's bank is outside the
    EEA (its IBAN's country)."""
    return bool(iban) and iban[:2].upper() not in EEA_COUNTRIES
