"""ISO 11649 structured creditor references (``RF…``) of invoices.

A member paying by transfer copies the reference into its payment; the bank carries it
back in the statement, where it names the invoice without doubt (two check digits, the
MOD 97-10 of ISO 7064). The reference of an invoice is ``RF`` + check digits + its
number without separators (``FA-2027-000123`` → ``RF78FA2027000123``), so it is unique
like the number and reads back to it. python-stdnum checks it; the check digits are
computed here in one pass (the same as its ``mod_97_10``, which the tests compare).
"""

from __future__ import annotations

import re
import string

from stdnum import iso11649

MAX_BODY = 21  # ISO 11649: at most 25 characters, "RF" and two check digits included

# "RF" and two digits, then up to 21 letters or digits, possibly grouped by spaces as
# printed ("RF78 FA20 2700 0123").
_CANDIDATE = re.compile(r"RF\s?(\d\s?\d)((?:\s?[A-Z0-9]){1,21})", re.IGNORECASE)


def creditor_reference(invoice_number: str) -> str:
    """The structured creditor reference of an invoice number."""
    body = invoice_number.upper().replace("-", "")  # the usual separator, at C speed
    if not body.isalnum():
        body = "".join(char for char in body if char.isalnum())
    if not body or len(body) > MAX_BODY:
        raise ValueError(f"{invoice_number!r} cannot make an ISO 11649 reference")
    return f"RF{98 - int((body + 'RF00').translate(_BASE_10)) % 97:02d}{body}"


# ISO 7064 mod 97-10 reads letters as numbers (A = 10 … Z = 35): python-stdnum's
# ``mod_97_10.calc_check_digits``, in one ``str.translate`` (a campaign numbers 50,000
# invoices; the tests compare both).
_BASE_10 = str.maketrans({char: str(int(char, 36)) for char in string.ascii_uppercase})


def display(reference: str) -> str:
    """Printed in groups of four, as payers type it: ``RF78 FA20 2700 0123``."""
    return iso11649.format(reference)


def is_valid(reference: str) -> bool:
    return iso11649.is_valid(reference)


def find_references(text: str | None) -> list[str]:
    """The valid creditor references in a free text (a transfer's remittance
    information), compacted. A reference typed with spaces may run into the next word:
    every valid reading of a candidate is given, longest first (the caller keeps the one
    that names an invoice; a wrong one is valid by chance once in 97)."""
    if not text:
        return []
    found = []
    for match in _CANDIDATE.finditer(text.upper()):
        digits = match.group(1).replace(" ", "")
        chars = match.group(2).replace(" ", "")
        for length in range(len(chars), 0, -1):
            reference = f"RF{digits}{chars[:length]}"
            if iso11649.is_valid(reference) and reference not in found:
                found.append(reference)
    return found


def invoice_number_body(reference: str) -> str:
    """What follows the check digits: the invoice number without separators."""
    return iso11649.compact(reference)[4:]
