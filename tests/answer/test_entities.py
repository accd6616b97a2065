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
