"""Text folding for search: accents and case ignored, the same way in Python and SQL."""

from __future__ import annotations

import unicodedata

# Ligatures that Unicode does not decompose: "Œuvre" must match "oeuvre".
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def fold(text: str | None) -> str:
    """``"Société Générale"`` → ``"societe generale"`` (NFKD, combining marks dropped)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().split())
