"""French that documents write: « de » elided before a vowel or a mute h (issue 20, 7.11)."""

from __future__ import annotations

from backoffice.text import attention_line, elided_de


def test_de_is_elided_before_a_vowel_or_an_h() -> None:
    assert attention_line("Honoré Martin") == "À l'attention d'Honoré Martin"
    assert elided_de("Émilie Roth") == "d'Émilie Roth"
    assert elided_de("Yves Klein") == "d'Yves Klein"
    assert elided_de("Paul Koenig") == "de Paul Koenig"
    assert attention_line("Mme Claire Weber") == "À l'attention de Mme Claire Weber"
