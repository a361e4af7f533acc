"""Valid French identifiers for the demo: SIRET (Luhn), IBAN with its RIB key, RUM."""

from __future__ import annotations

import random

from schwifty import IBAN
from stdnum import luhn

from backoffice.demo.data import BANKS
from backoffice.demo.draw import between, pick


def siret(rng: random.Random) -> str:
    """A SIRET whose SIREN and whole number both pass the Luhn check."""
    siren_body = f"{between(rng, 10_000_000, 99_999_998)}"
    siren = siren_body + luhn.calc_check_digit(siren_body)
    nic_body = f"{siren}{between(rng, 1, 98):04d}"
    return nic_body + luhn.calc_check_digit(nic_body)


def bank_account(rng: random.Random) -> tuple[str, str]:
    """(IBAN, BIC) of a real French bank; schwifty computes the RIB key and the BIC."""
    bank_code, branch = pick(rng, BANKS)
    account = f"{between(rng, 0, 10**11 - 1):011d}"
    iban = IBAN.generate("FR", bank_code=bank_code + branch, account_code=account)
    bic = iban.bic
    return iban.compact, str(bic)[:8] if bic and str(bic).endswith("XXX") else str(bic)


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
