"""Text folding for search: accents and case ignored, the same way in Python and SQL."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """``"Société Générale"`` → ``"societe generale"`` (NFKD, combining marks dropped)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.lower().split())
