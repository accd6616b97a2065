"""Ordinals and numbered things, in words or digits, English and French, with the noun they count."""
from __future__ import annotations

from dossier.core.ordinals import counted_noun, states_another_ordinal


def test_a_question_counts_its_noun_in_words_digits_or_a_number_after_it() -> None:
    assert counted_noun("When did the first season of Harbour Lights open?", "en") == [(1, "season")]
    assert counted_noun("Who hosted the 41st Velden regatta?", "en") == [(41, "velden")]
    assert counted_noun("Quand la deuxième saison a-t-elle commencé ?", "fr") == [(2, "saison")]
    assert counted_noun("Who coached in Season 22 of Harbour Lights?", "en") == [(22, "season")]
    assert counted_noun("When did Harbour Lights open?", "en") == []


def test_a_sentence_about_another_season_only_is_told_from_one_that_also_names_the_asked_one() -> None:
    first = counted_noun("When did the first season of Harbour Lights open?", "en")
    assert states_another_ordinal("Its tenth and final season opens on 3 May.", "en", first)
    assert states_another_ordinal("Harbour Lights returns with the Season 10 premiere on 3 May.", "en", first)
    assert not states_another_ordinal("The first season opened in 2013 and the tenth in 2023.", "en", first)
    assert not states_another_ordinal("Harbour Lights opened on 3 May 2013.", "en", first)  # no season at all
    assert states_another_ordinal("La troisième saison s'ouvre le 3 mai.", "fr", [(1, "saison")])
