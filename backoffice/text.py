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


def elided_de(name: str) -> str:
    """``de`` before a name, elided before a vowel or a mute h: « de Paul », « d'Honoré »,
    « d'Émilie » (an h is taken as mute: first names seldom start with an aspirated one)."""
    first = fold(name[:1])
    return f"d'{name}" if first and first in "aeiouyh" else f"de {name}"


def attention_line(name: str) -> str:
    """The line of an address naming its recipient: « À l'attention d'Honoré Martin »."""
    return f"À l'attention {elided_de(name)}"
