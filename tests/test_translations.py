"""Every user-visible string has a French translation with the same placeholders."""

from __future__ import annotations

import string

from backoffice.i18n import catalogue, ntr, set_language, tr
from tools import translations


def placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conv in string.Formatter().parse(text) if field}


def test_every_string_has_a_french_translation() -> None:
    absent = translations.missing()
    assert absent == [], "\n".join(f"{msgid!r} ({locs[0][0]})" for msgid, locs in absent[:30])


def test_translations_keep_the_placeholders() -> None:
    french = catalogue("fr")
    wrong = []
    for msgid, (_area, plural, _locations) in translations.extracted().items():
        translated = french.get(msgid)
        forms = translated if isinstance(translated, tuple) else (translated,)
        expected = placeholders(msgid) | (placeholders(plural) if plural else set())
        for form in forms:
            if form and placeholders(form) - expected - {"count"}:
                wrong.append((msgid, form))
    assert wrong == []


def test_french_by_default_english_on_demand() -> None:
    set_language("fr")
    assert tr("Billing") == "Facturation"
    assert tr("Error: {message}", message="x") == "Erreur : x"
    set_language("en")
    assert tr("Billing") == "Billing"
    assert ntr("{count} member", "{count} members", 2) == "2 members"
    set_language("fr")
