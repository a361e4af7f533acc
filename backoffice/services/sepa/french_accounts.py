"""French accounts checked in plain arithmetic: what schwifty checks, a hundred times faster.

A collection checks thousands of stored accounts, almost all French. schwifty parses each
IBAN into objects and looks its country up in its registry some eleven times (40 µs an
account); here the same rules are applied with the registry read once per country, bank
and BIC:

- the characters (``FR``, two check digits, then letters and digits only) and the length
  of schwifty's French specification, and its BBAN pattern;
- the IBAN's check digits as schwifty computes them (ISO 7064 mod 97-10: the canonical
  digits 02 to 98, not the aliases 00, 01 and 99 a bare ``% 97 == 1`` would let through);
- the RIB key (97 - (89 × bank + 15 × branch + 3 × account) mod 97, letters of the account
  read as the RIB reads them), when schwifty's registry gives the bank the default French
  algorithm;
- the BIC well formed (schwifty's own check, remembered per BIC) and, when the registry
  knows the bank, the bank's BIC (its first eight characters).

Only a *yes* is final: an account this path cannot accept (another country, a lower-case
or spaced IBAN, a bank with another algorithm, any failed rule) goes to schwifty, which
decides and words the problem. ``tests/sepa/test_french_accounts.py`` holds the two to
the same answers.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from schwifty import BIC, registry
from schwifty.bban import _get_bank, _get_national_checksum_algorithm
from schwifty.checksum.france import DefaultAlgorithm, numerics
from schwifty.domain import Component
from schwifty.exceptions import SchwiftyException

# Already compact and upper case: anything else is left to schwifty (which cleans it).
_FRENCH_IBAN = re.compile(r"FR[0-9]{2}[A-Z0-9]+")
# ISO 7064 mod 97-10 reads A as 10 … Z as 35; the RIB key reads A-I, J-R, S-Z as 1-9, 2-9.
_IBAN_DIGITS = str.maketrans({chr(code): str(code - 55) for code in range(65, 91)})
_RIB_DIGITS = str.maketrans({char: digit for char, digit in numerics.items() if char.isalpha()})
_FRANCE = "152700"  # "FR" as ISO 7064 reads it, then the two digits it computes


class _FrenchSpec:
    """schwifty's French IBAN specification, read once."""

    def __init__(self) -> None:
        spec = registry.get_iban_spec("FR")
        positions = spec.positions
        self.length = spec.iban_length
        self.pattern = spec.regex
        self.in_sepa_zone = spec.in_sepa_zone
        self.bank = positions[Component.BANK_CODE]
        self.branch = positions[Component.BRANCH_CODE]
        self.account = positions[Component.ACCOUNT_CODE]
        self.key = positions[Component.NATIONAL_CHECKSUM_DIGITS]
        lookup = spec.bic_lookup_components or [Component.BANK_CODE]
        # The arithmetic below assumes the layout it was written for.
        self.usable = (
            (self.bank.start, self.bank.end, self.branch.end, self.account.end, self.key.end)
            == (0, 5, 10, 21, 23)
            and self.length == 27
            and list(lookup) == [Component.BANK_CODE]
        )


@cache
def _spec() -> _FrenchSpec:
    return _FrenchSpec()


@lru_cache(maxsize=4096)
def _bank(bank_code: str) -> tuple[bool, str | None]:
    """(the RIB key is the default French one, the first 8 characters of the bank's BIC
    or None when the registry does not know it), from schwifty's registry."""
    bank = _get_bank("FR", bank_code)
    default_key = type(_get_national_checksum_algorithm("FR", bank)) is DefaultAlgorithm
    try:
        expected: str | None = BIC.from_bank_code("FR", bank_code).compact[:8]
    except SchwiftyException:
        expected = None
    return default_key, expected


@lru_cache(maxsize=4096)
def bic_prefix(bic: str) -> str | None:
    """The first 8 characters of a well-formed BIC (schwifty's check), else None."""
    try:
        return BIC(bic).compact[:8]
    except SchwiftyException:
        return None


def fine(iban: str, bic: str) -> bool:
    """True when the French account ``iban`` with ``bic`` passes every check schwifty
    makes in :func:`backoffice.services.sepa.mandates._bank_details_fine`; False means
    "not decided here", never "wrong"."""
    spec = _spec()
    if not (spec.usable and spec.in_sepa_zone and len(iban) == spec.length):
        return False
    if _FRENCH_IBAN.fullmatch(iban) is None:
        return False
    bban = iban[4:]
    if spec.pattern.match(bban) is None:
        return False
    # Digits only, as most are, need no translation; iban[2:4] is two ASCII digits.
    number = bban + _FRANCE
    if not number.isdigit():
        number = number.translate(_IBAN_DIGITS)
    if 98 - int(number) % 97 != int(iban[2:4]):
        return False
    bank_code = bban[:5]
    default_key, expected = _bank(bank_code)
    if not default_key:
        return False
    account_text = bban[10:21]
    if not account_text.isdigit():
        account_text = account_text.translate(_RIB_DIGITS)
    account = int(account_text)
    key = 97 - (89 * int(bank_code) + 15 * int(bban[5:10]) + 3 * account) % 97
    if f"{key:02d}" != bban[21:23]:
        return False
    given = bic_prefix(bic)
    return given is not None and (expected is None or expected == given)
