"""Check digits computed in plain arithmetic where millions are made (the demo, the
campaign) give what the reference libraries give: python-stdnum and schwifty judge."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from schwifty import IBAN
from stdnum import luhn
from stdnum.iso7064 import mod_97_10

from backoffice import references
from backoffice.demo import identifiers
from backoffice.demo.data import BANKS

NUMBER = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcz0123456789-/ _", min_size=1, max_size=24)


@given(NUMBER)
def test_creditor_reference_check_digits_are_stdnum_s(number: str) -> None:
    body = "".join(char for char in number.upper() if char.isalnum())
    if not body or len(body) > references.MAX_BODY:
        return
    expected = f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"
    assert references.creditor_reference(number) == expected


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_luhn_digit_is_stdnum_s(body: str) -> None:
    assert identifiers.luhn_digit(body) == luhn.calc_check_digit(body)


@given(st.sampled_from(BANKS), st.integers(min_value=0, max_value=10**11 - 1))
def test_french_iban_is_schwifty_s(bank: tuple[str, str], account: int) -> None:
    bank_code, branch = bank
    number = f"{account:011d}"
    expected = IBAN.generate("FR", bank_code=bank_code + branch, account_code=number)
    assert identifiers.french_iban(bank_code, branch, number) == expected.compact
    IBAN(identifiers.french_iban(bank_code, branch, number), validate_bban=True)  # RIB key


def test_demo_bank_accounts_name_their_bank_s_bic() -> None:
    for bank_code, branch in BANKS:
        iban = IBAN(identifiers.french_iban(bank_code, branch, "12345678901"))
        assert iban.bic is not None
        assert identifiers._bank_bic(bank_code, branch) == str(iban.bic).removesuffix("XXX")
