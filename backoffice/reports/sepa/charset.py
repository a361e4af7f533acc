"""The SEPA character set: what the banks accept in names, addresses and references.

The EPC's basic Latin set is ``a-z A-Z 0-9 / - ? : ( ) . , ' +`` and the space. Other
characters are transliterated (``é`` → ``e``, ``ß`` → ``ss``, ``Œ`` → ``OE``) with
text-unidecode, the library sepaxml itself uses; what remains outside the set becomes a
close allowed sign (``&`` → ``+``) or a space.
"""

from __future__ import annotations

import re
import string

from text_unidecode import unidecode

ALLOWED = frozenset(string.ascii_letters + string.digits + "/-?:().,'+ ")
_REPLACEMENTS = str.maketrans({"&": "+", "_": "-", "<": "(", ">": ")", "[": "(", "]": ")"})
_SPACES = re.compile(r"\s+")


def is_sepa_text(text: str) -> bool:
    return all(char in ALLOWED for char in text)


def to_sepa_text(text: str, max_length: int) -> str:
    """``text`` in the SEPA character set, spaces collapsed, cut at ``max_length``."""
    if is_sepa_text(text) and "  " not in text and len(text) <= max_length:
        return text.strip()
    ascii_text = unidecode(text).translate(_REPLACEMENTS)
    allowed = "".join(char if char in ALLOWED else " " for char in ascii_text)
    return _SPACES.sub(" ", allowed).strip()[:max_length].rstrip()


def transliterated(text: str, max_length: int) -> str | None:
    """The text as the file will carry it, when that differs from what was typed."""
    in_file = to_sepa_text(text, max_length)
    return in_file if in_file != text.strip() else None
