"""Checks of identifiers and contact details typed by staff or submitted on the portal.

Each check returns ``None`` when the value is fine, otherwise a French sentence naming the
field and the reason. The libraries do the real work: python-stdnum (SIRET, NAF, SEPA
creditor identifier), schwifty (IBAN with its French RIB key, BIC and its bank).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import at_02
from stdnum.fr import siret as siret_number
from stdnum.fr import tva

from backoffice.dates import format_day
from backoffice.i18n import tr

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_POSTCODE = re.compile(r"^(\d{5})$")
_PHONE = re.compile(r"^\+?[\d .()-]{6,20}$")
_NAF = re.compile(r"^\d{2}\.?\d{2}[A-Z]$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]{2,}$", re.IGNORECASE)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


# -- what people type, as it is stored -------------------------------------------------------
# Typed, pasted from a PDF or a spreadsheet: full-width digits (７３２), non-breaking or thin
# spaces, dots between groups. NFKC makes them plain; identifiers lose every space.


def compact(value: str) -> str:
    """``"７３２ 829\u202f320"`` → ``"732829320"``: NFKC, every space removed, upper case."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def compact_number(value: str) -> str:
    """A SIRET or SIREN as stored: digits only (spaces and dots between groups dropped)."""
    return compact(value).replace(".", "")


def spaced(value: str) -> str:
    """A phone number or a name as stored: NFKC, spaces of any kind made one plain space."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


_NORMALISED = ("siret", "siren", "iban", "bic", "postcode", "naf_code", "phone")


def is_normalised(field: str) -> bool:
    """Whether a field's typed text is normalised (spaces dropped…) before its length counts:
    its input must let people type the spaces."""
    return field.endswith(_NORMALISED)


def as_stored(field: str, value: str) -> str:
    """A typed text as stored, by what its field's name says it is: a SIRET or SIREN in
    digits, an IBAN, BIC, APE code or (French) postcode compact, a phone with plain
    spaces, any other text trimmed."""
    if field.endswith(("siret", "siren")):
        return compact_number(value)
    if field.endswith(("iban", "bic", "postcode", "naf_code")):
        return compact(value)
    if field.endswith("phone"):
        return spaced(value)
    return value.strip()


def check_siret(label: str, value: str | None) -> str | None:
    if not value:
        return tr("{field}: the SIRET number is required.", field=label)
    if not siret_number.is_valid(compact_number(value)):
        return tr(
            "{field}: {value} is not a valid SIRET number (14 digits, checksum).",
            field=label,
            value=value,
        )
    return None


def check_postcode(label: str, value: str | None) -> str | None:
    if value and not _POSTCODE.match(compact(value)):
        return tr("{field}: {value} is not a French postcode (5 digits).", field=label, value=value)
    return None


def check_email(label: str, value: str | None) -> str | None:
    if value and not _EMAIL.match(value.strip()):
        return tr("{field}: {value} is not an email address.", field=label, value=value)
    return None


def check_phone(label: str, value: str | None) -> str | None:
    if value and not _PHONE.match(spaced(value)):
        return tr("{field}: {value} is not a phone number.", field=label, value=value)
    return None


def check_naf(label: str, value: str | None) -> str | None:
    if value and not _NAF.match(compact(value)):
        return tr("{field}: {value} is not an APE/NAF code (e.g. 4332A).", field=label, value=value)
    return None


def check_required(label: str, value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return tr("{field} is required.", field=label)
    return None


def check_date_order(
    earlier_label: str, earlier: date | None, later_label: str, later: date | None
) -> str | None:
    if earlier and later and later < earlier:
        return tr(
            "{later} ({later_date}) cannot be before {earlier} ({earlier_date}).",
            later=later_label,
            later_date=format_day(later),
            earlier=earlier_label,
            earlier_date=format_day(earlier),
        )
    return None


def check_iban(label: str, value: str | None) -> str | None:
    """Checksum, length, and for a French IBAN the RIB key (schwifty checks them all)."""
    if not value:
        return tr("{field}: the IBAN is required.", field=label)
    try:
        IBAN(compact(value), validate_bban=True)  # the national check digits (French RIB key)
    except SchwiftyException as error:
        reason = str(error).lower()
        if "national" in reason or "bban" in reason:
            return tr("{field}: the RIB key of {value} is wrong.", field=label, value=value)
        return tr(
            "{field}: {value} is not a valid IBAN (checksum or length).", field=label, value=value
        )
    return None


def check_sepa_iban(label: str, value: str | None) -> str | None:
    """A valid IBAN (:func:`check_iban`) of a country of the SEPA direct-debit scheme
    (schwifty knows which): only such accounts may be debited or credit a debit."""
    problem = check_iban(label, value)
    typed = "".join(unicodedata.normalize("NFKC", str(value)).split())  # as check_iban read it
    if problem is None and not IBAN(typed, allow_invalid=True).in_sepa_zone:
        return tr(
            "{field}: {value} is an account of a country outside the SEPA zone; "
            "it cannot be used for direct debits.",
            field=label,
            value=value,
        )
    return problem


def check_bic(label: str, value: str | None, iban: str | None = None) -> str | None:
    """A well-formed BIC, and when the IBAN is known, the BIC of the IBAN's bank."""
    if not value:
        return tr("{field}: the BIC is required.", field=label)
    try:
        bic = BIC(compact(value))
    except SchwiftyException:
        return tr("{field}: {value} is not a valid BIC.", field=label, value=value)
    if iban:
        try:
            expected = IBAN(compact(iban)).bic
        except SchwiftyException:
            return None  # the IBAN's own error is reported
        if expected is not None and expected.compact[:8] != bic.compact[:8]:
            return tr(
                "{field}: {value} is not the BIC of the IBAN's bank ({expected}).",
                field=label,
                value=value,
                expected=expected.compact,
            )
    return None


def check_creditor_id(label: str, value: str | None) -> str | None:
    if not value or not at_02.is_valid(compact(value)):
        return tr(
            "{field}: {value} is not a valid SEPA creditor identifier (ICS).",
            field=label,
            value=value or "",
        )
    return None


def check_vat_number(label: str, value: str | None, siren: str | None = None) -> str | None:
    """A French VAT number (FR, its two-digit key, the SIREN) whose key matches, and when
    the SIREN is known, that SIREN."""
    if not value:
        return None
    number = tva.compact(compact(value))
    if not tva.is_valid(number):
        return tr(
            "{field}: {value} is not a valid French VAT number (FR, a two-digit key, the SIREN).",
            field=label,
            value=value,
        )
    if siren and tva.to_siren(number) != siren:
        return tr(
            "{field}: {value} is not the VAT number of SIREN {siren}.",
            field=label,
            value=value,
            siren=siren,
        )
    return None


def check_url(label: str, value: str | None) -> str | None:
    if value and not _URL.match(value.strip()):
        return tr("{field}: {value} is not a web address (https://…).", field=label, value=value)
    return None


def check_country(label: str, value: str | None) -> str | None:
    if value is not None and not _COUNTRY.match(value.strip().upper()):
        return tr(
            "{field}: {value} is not a two-letter country code (FR).", field=label, value=value
        )
    return None
