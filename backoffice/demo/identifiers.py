"""Valid French identifiers for the demo: SIRET (Luhn), IBAN with its RIB key, RUM."""

from __future__ import annotations

import random
from functools import cache

from schwifty import IBAN

from backoffice.demo.data import BANKS
from backoffice.demo.draw import between, pick


def luhn_digit(body: str) -> str:
    """The Luhn check digit of ``body`` (python-stdnum's ``luhn.calc_check_digit``, in
    plain arithmetic: the demo draws a SIREN and a SIRET for each of 50,000 members)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = ord(char) - 48
        if position % 2 == 0:  # doubled: the check digit will stand at position 0
            digit = _DOUBLED[digit]
        total += digit
    return str(-total % 10)


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def siret(rng: random.Random) -> str:
    """A SIRET whose SIREN and whole number both pass the Luhn check."""
    siren_body = f"{between(rng, 10_000_000, 99_999_998)}"
    siren = siren_body + luhn_digit(siren_body)
    nic_body = f"{siren}{between(rng, 1, 98):04d}"
    return nic_body + luhn_digit(nic_body)


def french_iban(bank_code: str, branch: str, account: str) -> str:
    """The IBAN of a French account of digits: the RIB key (97 - (89 × bank + 15 ×
    branch + 3 × account) mod 97), then the IBAN's check digits (ISO 7064 mod 97-10 of
    the BBAN followed by ``FR00``, F = 15, R = 27) — what schwifty's ``IBAN.generate``
    computes, without its registry lookups (170 µs an account)."""
    key = 97 - (89 * int(bank_code) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank_code}{branch}{account}{key:02d}"
    return f"FR{98 - int(bban + '152700') % 97:02d}{bban}"


@cache
def _bank_bic(bank_code: str, branch: str) -> str:
    """The BIC of a bank of ``BANKS`` (schwifty's registry), looked up once per bank."""
    bic = IBAN(french_iban(bank_code, branch, "0" * 11)).bic
    return str(bic)[:8] if bic and str(bic).endswith("XXX") else str(bic)


def bank_account(rng: random.Random) -> tuple[str, str]:
    """(IBAN, BIC) of a real French bank: the RIB key and check digits computed, the BIC
    from schwifty's registry."""
    bank_code, branch = pick(rng, BANKS)
    account = f"{between(rng, 0, 10**11 - 1):011d}"
    return french_iban(bank_code, branch, account), _bank_bic(bank_code, branch)


def iban_with_wrong_rib_key(rng: random.Random) -> str:
    """A French IBAN whose own check digits are right but whose RIB key is not (a typing
    error the IBAN checksum alone does not catch)."""
    bban = f"30004{rng.randrange(10**5):05d}{rng.randrange(10**11):011d}"
    right = IBAN.generate("FR", bank_code=bban[:10], account_code=bban[10:]).bban
    key = (int(str(right)[-2:]) + 1) % 97 or 1
    wrong = f"{str(right)[:-2]}{key:02d}"
    digits = "".join(str(int(char, 36)) for char in wrong + "FR00")
    return f"FR{98 - int(digits) % 97:02d}{wrong}"


def mandate_reference(member_code: str, sequence: int = 1) -> str:
    """RUM (référence unique de mandat): at most 35 characters, unique per mandate."""
    from backoffice.services.sepa.mandates import rum_for

    return rum_for(member_code, sequence)
