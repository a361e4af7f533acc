"""The French accounts' fast path says yes only where schwifty says yes: the IBAN's
characters, length, pattern and check digits (not their aliases), the RIB key, the BIC
well formed and the bank's. What it does not accept goes to schwifty."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from backoffice.demo.data import BANKS
from backoffice.demo.identifiers import _bank_bic
from backoffice.services.sepa import french_accounts, mandates

ACCOUNT = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=11, max_size=11)
IBAN_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabz -_é١"


def schwifty_says(iban: str, bic: str) -> bool:
    """The checks of ``mandates._bank_details_fine`` before the fast path."""
    try:
        parsed = IBAN(iban, validate_bban=True)
        given_bic = BIC(bic)
    except SchwiftyException:
        return False
    if not parsed.in_sepa_zone:
        return False
    expected = parsed.bic
    return expected is None or expected.compact[:8] == given_bic.compact[:8]


def french(bank: tuple[str, str], account: str, digits: str | None = None) -> str:
    """The French IBAN of ``account`` (letters allowed), its RIB key and check digits
    computed by schwifty, or ``digits`` put in their place."""
    bank_code, branch = bank
    made = IBAN.generate("FR", bank_code=bank_code + branch, account_code=account).compact
    return made if digits is None else f"FR{digits}{made[4:]}"


@given(st.sampled_from(BANKS), ACCOUNT)
def test_a_valid_french_account_takes_the_fast_path(bank: tuple[str, str], account: str) -> None:
    iban = french(bank, account)
    bic = _bank_bic(*bank)
    assert schwifty_says(iban, bic)
    assert french_accounts.fine(iban, bic)
    assert french_accounts.fine(iban, bic[:8] + "XXX") == schwifty_says(iban, bic[:8] + "XXX")


@given(
    st.sampled_from(BANKS),
    ACCOUNT,
    st.integers(min_value=0, max_value=26),
    st.sampled_from(IBAN_CHARS),
)
def test_a_changed_character_is_never_accepted_where_schwifty_refuses(
    bank: tuple[str, str], account: str, position: int, char: str
) -> None:
    iban = french(bank, account)
    changed = iban[:position] + char + iban[position + 1 :]
    bic = _bank_bic(*bank)
    if french_accounts.fine(changed, bic):
        assert schwifty_says(changed, bic)
    assert mandates._bank_details_fine.__wrapped__(changed, bic) == schwifty_says(changed, bic)


@given(st.sampled_from(BANKS), ACCOUNT, st.integers(min_value=0, max_value=99))
def test_any_check_digits_are_judged_as_schwifty_judges_them(
    bank: tuple[str, str], account: str, digits: int
) -> None:
    iban = french(bank, account, f"{digits:02d}")
    bic = _bank_bic(*bank)
    assert french_accounts.fine(iban, bic) == schwifty_says(iban, bic)


@pytest.mark.parametrize(
    ("account", "canonical", "alias"),
    [("1234567AWS0", "97", "00"), ("1234567ALA0", "98", "01"), ("1234567ABA0", "02", "99")],
)
def test_check_digit_aliases_are_refused(account: str, canonical: str, alias: str) -> None:
    """00, 01 and 99 pass a bare ``% 97 == 1`` where 97, 98 and 02 are the check digits
    (accounts with letters: the RIB key makes those of digits all FR76); schwifty refuses
    them, and so does the fast path."""
    iban = french(BANKS[0], account)
    assert iban[2:4] == canonical and french_accounts.fine(iban, "AGRIFRPP")
    wrong = f"FR{alias}{iban[4:]}"
    assert int((wrong[4:] + wrong[:4]).translate(french_accounts._IBAN_DIGITS)) % 97 == 1
    assert not schwifty_says(wrong, "AGRIFRPP")
    assert not french_accounts.fine(wrong, "AGRIFRPP")


@given(st.sampled_from(BANKS), ACCOUNT, st.text(IBAN_CHARS, max_size=12))
def test_any_bic_is_judged_as_schwifty_judges_it(
    bank: tuple[str, str], account: str, bic: str
) -> None:
    iban = french(bank, account)
    if french_accounts.fine(iban, bic):
        assert schwifty_says(iban, bic)
    assert mandates._bank_details_fine.__wrapped__(iban, bic) == schwifty_says(iban, bic)


def test_the_wrong_bank_or_a_wrong_rib_key_is_not_accepted() -> None:
    good = "FR7630006000011234567890189"
    assert french_accounts.fine(good, "AGRIFRPP")
    assert french_accounts.fine(good, "AGRIFRPPXXX")
    assert not french_accounts.fine(good, "BNPAFRPP")  # another bank's BIC
    assert not french_accounts.fine(good, "AGRIFRP")  # malformed
    assert not french_accounts.fine("FR5430006000011234567890100", "AGRIFRPP")  # RIB key
    # Not decided here, left to schwifty: spaced or lower case, another country.
    assert not french_accounts.fine("fr7630006000011234567890189", "AGRIFRPP")
    assert not french_accounts.fine("FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP")
    assert not french_accounts.fine("DE89370400440532013000", "COBADEFF")
    assert mandates._bank_details_fine.__wrapped__("fr76 3000 6000 0112 3456 7890 189", "AGRIFRPP")
