"""Month names in the language of the interface (``mars 2026``)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from backoffice.i18n import language


def month_name(month: date) -> str:
    """``date(2026, 3, 1)`` → ``mars 2026``."""
    return format_date(month, "MMMM y", locale="fr_FR" if language() == "fr" else "en_GB")
