"""The head of the hybrid ranking re-ranked by each passage's best sentence (``rerank_by_best_sentence``)."""
from __future__ import annotations

from dossier.index.retrieval import SENTENCE_POOL, rerank_by_best_sentence


def _order(best: list[float | None]) -> list[int]:
    return [position for position, _score in rerank_by_best_sentence(best)]


def test_a_passage_whose_one_sentence_is_closest_rises_above_looser_matches() -> None:
    best = [0.50, 0.52, 0.48, 0.51, 0.47, 0.90, 0.49]
    order = _order(best)
    assert order.index(5) < 3  # sixth by the hybrid fusion, among the first three after re-ranking
    assert order[0] == 0  # the hybrid's first keeps the lead: its sentence is close enough too


def test_sentence_similarity_that_agrees_with_the_fusion_changes_nothing() -> None:
    assert _order([0.9, 0.8, 0.7, 0.6, 0.5]) == [0, 1, 2, 3, 4]


def test_passages_without_sentences_keep_their_place() -> None:
    assert _order([None] * SENTENCE_POOL) == list(range(SENTENCE_POOL))
    order = _order([0.2, None, 0.1, 0.9, 0.3])  # a record second; the fourth text rises past the third
    assert order.index(1) == 1 and order.index(3) < order.index(2)


def test_scores_fall_with_the_new_order() -> None:
    scores = [score for _position, score in rerank_by_best_sentence([0.3, 0.1, 0.8, None, 0.5])]
    assert scores == sorted(scores, reverse=True)
