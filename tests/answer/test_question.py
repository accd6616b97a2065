"""What analyse() reads in a question: names without the words that open a request, targets, totals."""
from __future__ import annotations

import pytest

from dossier.answer.lexicon import default_lexicon
from dossier.answer.question import analyse


@pytest.fixture(scope="module")
def lexicon():
    return default_lexicon()


@pytest.mark.parametrize("question, name", [
    ("Besides the FBI, which agencies have signed deals with Kestrel Marine?", "FBI"),
    ("Apart from Homeland Security, which departments buy Zignal licenses?", "Homeland Security"),
    ("Add up the awards to Palantir Technologies in the records.", "Palantir Technologies"),
])
def test_words_that_open_a_request_are_not_part_of_a_name(lexicon, question: str, name: str) -> None:
    parsed = analyse(question, lexicon)
    names = parsed.entities + parsed.excluded
    assert name in names, names
    assert not any(e.split()[0] in {"Besides", "Apart", "Add"} for e in names), names


def test_add_up_asks_for_a_total(lexicon) -> None:
    assert analyse("Add up the contracts signed in March 2024 in the records: what do they come to?",
                   lexicon).aggregation == "total"
    assert analyse("Additionnez les attributions à Palantir dans les registres.", lexicon).aggregation == "total"


@pytest.mark.parametrize("question", [
    "What is the name of the founder of Northwind Analytics?",
    "Quel est le nom du PDG de Zignal Labs ?",
    "Which judge ruled on the farmers' appeal?",
])
def test_asking_for_a_name_of_a_role_asks_for_a_person(lexicon, question: str) -> None:
    assert "person" in analyse(question, lexicon).targets


def test_which_x_keeps_its_focus_words(lexicon) -> None:
    assert analyse("Dans quel territoire la société Kestrel dit-elle opérer ?", lexicon).focus[0] == "territoire"


@pytest.mark.parametrize("question, kept, set_aside", [
    ("Besides the FBI, which agencies have contracts with Northwind Analytics?", "Northwind Analytics", "FBI"),
    ("En dehors du DHS, quels ministères ont des contrats avec Zignal ?", "Zignal", "DHS"),
    ("Other than Clearview AI, which vendors sell facial recognition to ICE?", "ICE", "Clearview AI"),
])
def test_a_name_set_aside_is_not_what_the_answer_must_be_about(lexicon, question, kept, set_aside) -> None:
    parsed = analyse(question, lexicon)
    assert kept in parsed.entities and set_aside in parsed.excluded, (parsed.entities, parsed.excluded)
    assert set_aside not in parsed.entities
    assert not any(t.word == set_aside.lower().split()[0] for t in parsed.terms)


@pytest.mark.parametrize("question", ["Quelle fonction Ingrid Solberg occupe-t-elle au port de Lindqvist ?",
                                      "What is Julie Mao's job?", "What position does Andre Watson hold?"])
def test_asking_for_a_title_asks_for_a_role(lexicon, question: str) -> None:
    parsed = analyse(question, lexicon)
    assert "role" in parsed.targets
    assert not {"fonction", "occupe", "job", "position"} & {t.word for t in parsed.terms}


@pytest.mark.parametrize("question, target", [
    ("How did the unions' lawsuit characterize the monitoring?", "words"),
    ("Comment les syndicats ont-ils qualifié ce programme ?", "words"),
    ("What kind of company is LexisNexis?", "kind"),
    ("Quel type d'entreprise est LexisNexis ?", "kind"),
])
def test_how_it_was_called_and_what_kind_it_is_are_targets(lexicon, question: str, target: str) -> None:
    assert target in analyse(question, lexicon).targets


def test_abbreviations_do_not_cut_the_question_short(lexicon):
    question = analyse("Who did Dr. Okafor beat in the U.S. Open final?", lexicon)
    assert question.targets == ("person",)
    assert {"Okafor", "U.S. Open"} & set(question.entities)


def test_a_term_a_passage_language_never_says_does_not_count_against_it() -> None:
    from dossier.answer.candidates import readable_weights, term_weights
    from dossier.answer.corpus import CorpusView
    from dossier.core.types import Passage

    lexicon = default_lexicon()
    french = Passage(passage_id="f:0", document_id="f", kind="text", source="f.fr.txt", title="f", language="fr",
                     text="Le chantier naval de Brest fermera ses portes en 2027, a confirmé la direction.")
    english = Passage(passage_id="e:0", document_id="e", kind="text", source="e.en.txt", title="e", language="en",
                      text="The shipyard in Brest will shut in 2027, its management confirmed.")
    corpus = CorpusView.build([french, english], [])
    question = analyse("When did the direction say the Brest shipyard would shut?", lexicon)
    weights = term_weights(question, corpus)
    in_french = readable_weights(weights, corpus, "fr", question.language)
    assert "shipyard" in weights and "shipyard" not in in_french  # no French form of it anywhere
    assert "direction" in in_french  # a word both languages write alike
    assert readable_weights(weights, corpus, "en", question.language) == weights  # the question's own language


@pytest.mark.parametrize("asked, written", [
    ("Korvex9", "the Korvex-9 launcher"),
    ("Korvex-9", "the Korvex 9 launcher"),
    ("Dal Marrow", "the Dal-Marrow pipeline"),
])
def test_a_name_is_known_with_or_without_a_hyphen_or_space_between_its_parts(lexicon, asked: str, written: str) -> None:
    from dossier.answer.corpus import CorpusView
    from dossier.core.types import Passage

    passage = Passage(passage_id="k:0", document_id="k", kind="text", source="k.en.txt", title="k", language="en",
                      text=f"Engineers tested {written} in May.")
    corpus = CorpusView.build([passage], [])
    assert corpus.known(asked, lexicon)
    assert not corpus.known("Korvex8", lexicon) and not corpus.known("Dal Marrows", lexicon)


@pytest.mark.parametrize("question, target", [
    ("Combien d'argent la Fondation Orsel a-t-elle récolté ?", "amount"),
    ("Combien d’euros la mairie a-t-elle versés ?", "amount"),
    ("Combien de dollars la ville a-t-elle payés ?", "amount"),
    ("Combien de bénévoles la Fondation Orsel compte-t-elle ?", "count"),
])
def test_how_much_money_asks_for_an_amount_and_how_many_people_for_a_count(lexicon, question: str, target: str) -> None:
    assert analyse(question, lexicon).targets == (target,)


def test_pronouns_and_modal_verbs_are_no_content_of_a_question(lexicon) -> None:
    words = {t.word for t in analyse("Who did Ines Marrow say she would contact after her show?", lexicon).terms}
    assert {"say", "contact", "show"} <= words and not words & {"she", "would", "her"}, words
