"""The SEPA character set: what the banks accept in names, addresses and references.

The EPC's basic Latin set is ``a-z A-Z 0-9 / - ? : ( ) . , ' +`` and the space. Other
characters are transliterated (``é`` → ``e``, ``ß`` → ``ss``, ``Œ`` → ``OE``) with
text-unidecode, the library sepaxml itself uses; what remains outside the set becomes a
close allowed sign (``&`` → ``+``) or a space.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from text_unidecode import unidecode

ALLOWED = frozenset(string.ascii_letters + string.digits + "/-?:().,'+ ")
_REPLACEMENTS = str.maketrans({"&": "+", "_": "-", "<": "(", ">": ")", "[": "(", "]": ")"})
_SEPA_TEXT = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]*")
_SPACES = re.compile(r"\s+")


class _Transliteration(dict[int, str]):
    """Each character's replacement in the SEPA set, computed the first time it is met:
    its transliteration, then the close allowed sign, else a space. All three steps map
    one character at a time, so ``str.translate`` applies them in one pass, in C."""

    def __missing__(self, codepoint: int) -> str:
        ascii_text = unidecode(chr(codepoint)).translate(_REPLACEMENTS)
        replacement = "".join(char if char in ALLOWED else " " for char in ascii_text)
        self[codepoint] = replacement
        return replacement


_TRANSLITERATION = _Transliteration()


def is_sepa_text(text: str) -> bool:
    return _SEPA_TEXT.fullmatch(text) is not None


def forget() -> None:
    """Forget the texts made (and the addresses' parts, :mod:`postal_address`): what a
    fresh process knows."""
    from backoffice.reports.sepa import postal_address  # it imports this module

    to_sepa_text.cache_clear()
    postal_address.forget()


# Remembered: a collection meets the same names, towns and postcodes many times, and the
# review and the file each put the same names in the set; a value met again costs a
# look-up in C.
@lru_cache(maxsize=1 << 17)
def to_sepa_text(text: str, max_length: int) -> str:
    """``text`` in the SEPA character set, spaces collapsed, cut at ``max_length``."""
    if is_sepa_text(text) and "  " not in text and len(text) <= max_length:
        return text.strip()
    allowed = text.translate(_TRANSLITERATION)
    return _SPACES.sub(" ", allowed).strip()[:max_length].rstrip()


def transliterated(text: str, max_length: int) -> str | None:
    """The text as the file will carry it, when that differs from what was typed."""
    in_file = to_sepa_text(text, max_length)
    return in_file if in_file != text.strip() else None
