"""Text folding for search: accents and case ignored, the same way in Python and SQL."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Ligatures that Unicode does not decompose: "Œuvre" must match "oeuvre".
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text: str | None) -> str:
    """``"Société Générale"`` → ``"societe generale"`` (NFKD, combining marks dropped)."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose: most names, every code and number
        return " ".join(text.lower().split())
    return _fold_unicode(text)


@lru_cache(maxsize=65536)
def _fold_unicode(text: str) -> str:
    """Names repeat (a bulk load folds a million of them): each is decomposed once."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().split())
