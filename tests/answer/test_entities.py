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
