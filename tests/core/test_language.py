"""Language of a question or a document, and place names across English and French."""
from __future__ import annotations

from dossier.core.language import detect_language, place_name_equivalents, question_language


def test_questions_are_told_apart_by_their_function_words():
    assert question_language("Quel montant la mairie a-t-elle versé à Kestrel Marine ?") == "fr"
    assert question_language("How much did the city pay Kestrel Marine?") == "en"


def test_documents_need_enough_text_for_a_guess():
    assert detect_language("Trop court.") is None
    assert detect_language("La mairie a signé un contrat d'entretien des ferries avec une entreprise locale "
                           "pour une durée de trois ans, selon le journal.") == "fr"


def test_country_names_meet_across_languages_from_cldr_data():
    places = place_name_equivalents()
    assert "belgique" in places["belgium"] and "belgium" in places["belgique"]
    assert "allemagne" in places["germany"]
    assert "norway" not in places.get("norway", frozenset())  # a name never maps to itself


def test_ordinary_words_are_told_from_names_by_the_dictionary() -> None:
    from dossier.core.language import is_ordinary_word

    assert is_ordinary_word("Sommet", "fr") and is_ordinary_word("Belgian", "en")
    assert not is_ordinary_word("Wimbledon", "en")  # listed, but as a proper noun
    assert not is_ordinary_word("Febelfin", "fr") and not is_ordinary_word("GDP", "en")
    assert not is_ordinary_word("sommet", "xx")  # no dictionary for the language: never ordinary
