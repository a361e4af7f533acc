"""Translation of user-visible text, shared by every layer (no Qt here).

Source strings are English; French is shipped in ``resources/locale/fr/*.po`` (one catalogue
per area of the application, merged at load) and is the default language of the application.
Call :func:`tr` on every user-visible string, with ``str.format`` fields when needed::

    tr("Invoice {number} issued", number=invoice.number)

The command line speaks the language of the terminal (``LANG``), the application the one
chosen in its settings (French by default).
"""

from __future__ import annotations

import os
from functools import cache

from backoffice.resources import resource_path

SUPPORTED_LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

_language = DEFAULT_LANGUAGE
CONTEXT_SEPARATOR = "\x04"  # gettext's separator between a context and its message


def set_language(language: str) -> None:
    global _language  # noqa: PLW0603 - one language per process, chosen at start-up
    _language = language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def language() -> str:
    return _language


def terminal_language() -> str:
    """The language of the terminal, from the usual locale variables (French or English)."""
    for variable in ("BACKOFFICE_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(variable, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


@cache
def catalogue(language_code: str) -> dict[str, str | tuple[str, ...]]:
    """All the translations of one language, merged from its ``.po`` files."""
    from babel.messages.pofile import read_po

    translations: dict[str, str | tuple[str, ...]] = {}
    folder = resource_path("locale", language_code)
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=language_code):
                if not message.id or not message.string:
                    continue
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                if message.context:
                    key = f"{message.context}{CONTEXT_SEPARATOR}{key}"
                if isinstance(message.string, tuple):
                    if all(message.string):
                        translations[key] = tuple(message.string)
                else:
                    translations[key] = message.string
    return translations


def tr(message: str, /, **fields: object) -> str:
    """``message`` in the current language, formatted with ``fields`` when given."""
    text = message
    if _language != "en":
        translated = catalogue(_language).get(message)
        if isinstance(translated, str):
            text = translated
    return text.format(**fields) if fields else text


def trc(context: str, message: str, /, **fields: object) -> str:
    """:func:`tr` for a word whose translation depends on what it qualifies (gettext's
    ``pgettext``): ``trc("appointment", "Cancelled")`` is « Annulé », an instalment's
    « Annulée »."""
    text = message
    if _language != "en":
        translated = catalogue(_language).get(f"{context}{CONTEXT_SEPARATOR}{message}")
        if isinstance(translated, str):
            text = translated
    return text.format(**fields) if fields else text


def ntr(singular: str, plural: str, count: int, /, **fields: object) -> str:
    """Plural-aware :func:`tr`; ``{count}`` is available to the format string."""
    forms: tuple[str, ...] = (singular, plural)
    if _language != "en":
        translated = catalogue(_language).get(singular)
        if isinstance(translated, tuple):
            forms = translated
    # French and English: one form for 0 and 1 in French, only 1 in English.
    if _language == "fr":
        text = forms[0] if count in (0, 1) else forms[-1]
    else:
        text = forms[0] if count == 1 else forms[-1]
    return text.format(count=count, **fields)
