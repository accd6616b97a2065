"""Whether a sentence is said of what the question names (``anchored_to``)."""
from __future__ import annotations

from dossier.answer.corpus import CorpusView
from dossier.answer.draft import Span
from dossier.answer.entities import anchored_to
from dossier.answer.lexicon import Lexicon
from dossier.core.text import sentences
from dossier.core.types import Passage

TEXT = ("The Lumsk Ferry Line will run fewer boats this winter, its board said. Fuel prices rose. "
        "Crews are hard to find. Passenger numbers fell. The operator will run 14 crossings a week.")


def _last_sentence(title: str) -> tuple[Span, CorpusView]:
    passage = Passage("p-1", "d-1", "text", TEXT, "ferries.txt", title, "en", 0, len(TEXT))
    start, end = sentences(TEXT)[-1]
    return Span(passage, start, end, 1), CorpusView.build([passage], [])


def test_a_sentence_far_from_the_name_is_said_of_it_when_the_title_names_it() -> None:
    span, corpus = _last_sentence("Lumsk Ferry Line cuts winter sailings")
    assert anchored_to(span, ["Lumsk Ferry Line"], corpus, Lexicon([]))


def test_a_sentence_far_from_the_name_is_not_said_of_it_under_another_title() -> None:
    span, corpus = _last_sentence("Winter on the coast")
    assert not anchored_to(span, ["Lumsk Ferry Line"], corpus, Lexicon([]))


def test_a_name_is_known_in_another_word_order_but_not_with_a_word_between() -> None:
    from dossier.answer.entities import mentions_entity
    from dossier.core.text import fold

    text = "The Northern Rowing Regatta ended on 9 May. Its rowers met the Harbour Board of Lumsk."
    passage = Passage("p-1", "d-1", "text", text, "regatta.txt", "Regatta", "en", 0, len(text))
    corpus, lexicon = CorpusView.build([passage], []), Lexicon([])
    for name in ("Rowing Northern Regatta", "Board of Harbour"):
        assert corpus.known(name, lexicon), name
        assert mentions_entity(fold(text), name, corpus, lexicon), name
    for name in ("Northern Regatta", "Harbour of Lumsk", "Harbour Boards"):  # a word between, another form
        assert not corpus.known(name, lexicon), name


def test_names_set_side_by_side_may_each_have_their_own_passage_but_related_names_share_one() -> None:
    from dossier.answer.entities import coordinated

    assert coordinated("Which ferry line carried more, Lumsk Ferries or Vardo Lines?", ["Lumsk Ferries", "Vardo Lines"])
    assert coordinated("Combien ont reçu Lumsk Ferries et Vardo Lines ?", ["Lumsk Ferries", "Vardo Lines"])
    assert not coordinated("How much did Lumsk Ferries lend to Vardo Lines?", ["Lumsk Ferries", "Vardo Lines"])
    assert not coordinated("Quel prêt l'État a-t-il accordé à Vardo Lines ?", ["État", "Vardo Lines"])


def test_names_split_by_small_words_are_one_title_when_a_passage_writes_it_whole() -> None:
    import dataclasses

    from dossier.answer.entities import names_joined_as_written
    from dossier.answer.question import analyse

    text = "Ines Marrow wrote A Lantern Between the River and the Hill. The river Lumsk floods the Hill farms."
    passage = Passage("p-1", "d-1", "text", text, "play.txt", "Playbill", "en", 0, len(text))
    corpus, lexicon = CorpusView.build([passage], []), Lexicon([])
    question = analyse("Who wrote A Lantern Between the River and the Hill?", lexicon)
    assert len(question.entities) > 1, question.entities  # the parser alone splits the title at its small words
    assert names_joined_as_written(question, corpus, lexicon).entities == ("Lantern Between the River and the Hill",)
    # Two names set side by side with one coordinator stay two, even where a passage writes them so.
    pair = dataclasses.replace(analyse("Did Lumsk and Hill farms flood?", lexicon), entities=("Lumsk", "Hill"))
    both = Passage("p-2", "d-2", "text", "Lumsk and Hill farms flooded.", "f.txt", "Floods", "en", 0, 29)
    assert names_joined_as_written(pair, CorpusView.build([both], []), lexicon).entities == ("Lumsk", "Hill")


def test_a_passage_is_about_what_its_article_names_up_front_unless_asked_for_its_own_words() -> None:
    from dossier.answer.entities import passage_is_about

    lead_text, later_text = "The Lumsk Ferry Line cut its winter sailings.", "Fuel rose 12% in 2023."
    lead = Passage("p-1", "d-1", "text", lead_text, "ferries.txt", "Winter on the coast", "en", 0, 45, ordinal=0)
    later = Passage("p-2", "d-1", "text", later_text, "ferries.txt", "Winter on the coast", "en", 46, 68, ordinal=1)
    other = Passage("p-3", "d-2", "text", later_text, "fuel.txt", "Fuel", "en", 0, 22, ordinal=0)
    corpus, lexicon = CorpusView.build([lead, later, other], []), Lexicon([])
    assert passage_is_about(later, ["Lumsk Ferry Line"], corpus, lexicon)
    assert not passage_is_about(later, ["Lumsk Ferry Line"], corpus, lexicon, by_lead=False)
    assert not passage_is_about(other, ["Lumsk Ferry Line"], corpus, lexicon)
