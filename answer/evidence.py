"""Evidence as a small fitted model: is this sentence the evidence for this question?

Each candidate sentence of the retrieved article passages gets a few interpretable features (the
embedder's similarity to the question, how much of the question's content and names it and its
passage cover, whether it states the kind of value asked and the question's numbers, where its
passage ranked). A logistic model whose weights were fitted on every public question set
(``tools/fit_evidence.py``; the weights and the thresholds are data, ``evidence_model.json``) turns
them into a probability.

The extractive answerer uses it after its rules (``EvidencePolicy``, fitted with the weights): the
likeliest sentences join the rules' quotes, a very likely sentence that meets the question's constraints
answers where the rules refused, and (if fitted above zero) no likely sentence withdraws the rules' answer.
Left out one set at a time, adding the likeliest sentences raised fact recall on news, probe3 and RGB
and lost nothing elsewhere (the table is in the JSON and the README).
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dossier.answer.candidates import term_coverage, term_weights
from dossier.answer.corpus import CorpusView, stems_of
from dossier.answer.draft import Span
from dossier.answer.entities import is_generic, mentions_entity, resolve_entities
from dossier.answer.inert import is_inert
from dossier.answer.lexicon import Lexicon
from dossier.answer.question import Question
from dossier.answer.targets import states_quantities, targets_in
from dossier.core.text import fold, sentences
from dossier.core.types import ScoredPassage

FEATURES = (
    "similarity",  # cosine of the sentence to the question, with the index's embedder
    "similarity_gap",  # that cosine minus the best of this question's sentences (0 for the best)
    "passage_rank",  # 1 / rank of the sentence's passage in retrieval
    "coverage",  # idf-weighted share of the question's content terms the sentence says
    "passage_coverage",  # the same over the whole passage (a sentence leans on its neighbours)
    "names_in_sentence",  # share of the question's specific names the sentence (or the one before) gives
    "names_in_passage",  # the same over the passage
    "names_in_corpus",  # share of the question's specific names the corpus gives at all
    "terms_in_corpus",  # idf-weighted share of the question's content terms found anywhere in the corpus
    "target_stated",  # the sentence states the kind of value asked (amount, person, date …)
    "quantities_stated",  # the question's years and amounts are stated in the passage (1 when it has none)
    "same_language",  # the passage is in the question's language (cross-lingual cosines run lower)
)
MODEL_FILE = Path(__file__).with_name("evidence_model.json")
MAX_SENTENCES = 60  # per question: the sentences of the best passages, enough for top-k retrieval

Similarity = Callable[[str, list[Span]], list[float]]


@dataclass(frozen=True)
class EvidencePolicy:
    """How the answerer uses the probabilities, fitted with the weights."""

    abstain_below: float  # no sentence this likely: the rules' answer is withdrawn
    answer_above: float  # a sentence this likely, meeting the question's constraints, answers where the rules refuse
    added: int  # at most this many of the likeliest sentences join the quotes
    relative: float  # ... each at least this share of the likeliest one's probability

    def picks(self, probabilities: list[float]) -> list[int]:
        """Positions of the sentences to quote, likeliest first."""
        order = sorted(range(len(probabilities)), key=lambda j: -probabilities[j])[:self.added]
        return [j for j in order if probabilities[j] >= self.relative * probabilities[order[0]]]


@dataclass(frozen=True)
class EvidenceModel:
    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    policy: EvidencePolicy

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> EvidenceModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: fitted on features {data['features']}, the code computes {FEATURES}")
        policy = EvidencePolicy(data["abstain_below"], data["answer_above"], data["added"], data["relative"])
        return cls(tuple(data["weights"]), data["bias"], tuple(data["means"]), tuple(data["scales"]), policy)

    def probability(self, features: tuple[float, ...]) -> float:
        z = self.bias + sum(w * (x - m) / s for w, x, m, s in zip(self.weights, features, self.means, self.scales))
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def default_model() -> EvidenceModel:
    return EvidenceModel.load()


@dataclass(frozen=True)
class Evidence:
    span: Span
    features: tuple[float, ...]
    probability: float = 0.0


def candidate_sentences(question: Question, retrieved: list[ScoredPassage], corpus: CorpusView, lexicon: Lexicon,
                        similarity: Similarity | None) -> list[Evidence]:
    """Every sentence of the retrieved article passages with its features (no probability yet)."""
    names = [e for e in resolve_entities(question, corpus, lexicon) if not is_generic(e, corpus, lexicon)]
    names_in_corpus = _share(names, lambda e: corpus.known(e, lexicon))
    weights = term_weights(question, corpus)
    terms_in_corpus = term_coverage({w for w, (ts, _) in weights.items() if any(t in corpus.idf for t in ts)}, weights)
    rows: list[tuple[Span, float, float, float, float, float, float, float, float]] = []
    for scored in retrieved:
        passage = scored.passage
        if passage.kind != "text":
            continue  # records are answered by computing over them, not by this model
        folded_passage = corpus.folded.get(passage.passage_id) or fold(passage.text)
        passage_stems = corpus.stems.get(passage.passage_id) or stems_of(folded_passage)
        passage_coverage = term_coverage({w for w, (ts, _) in weights.items() if ts & passage_stems}, weights)
        names_in_passage = _share(names, lambda e: mentions_entity(folded_passage, e, corpus, lexicon))
        quantities_stated = 1.0 if states_quantities(folded_passage, question) else 0.0
        same_language = 1.0 if (passage.language or question.language) == question.language else 0.0
        bounds = sentences(passage.text)
        for index, (start, end) in enumerate(bounds):
            if is_inert(passage, start, end):
                continue
            text = passage.text[start:end]
            folded = fold(text)
            stems = stems_of(folded)
            coverage = term_coverage({w for w, (ts, _) in weights.items() if ts & stems}, weights)
            said_of = fold(passage.text[bounds[index - 1][0]:end]) if index else folded
            names_here = _share(names, lambda e: mentions_entity(said_of, e, corpus, lexicon))
            stated = targets_in(text, question, lexicon, corpus.recipients) & set(question.targets)
            target = 1.0 if stated or not question.targets else 0.0
            rows.append((Span(passage, start, end, scored.rank), 1.0 / scored.rank, coverage, passage_coverage,
                         names_here, names_in_passage, target, quantities_stated, same_language))
    rows.sort(key=lambda r: (-(r[2] + r[4]), r[0].rank, r[0].start))
    rows = rows[:MAX_SENTENCES]
    cosines = similarity(question.text, [r[0] for r in rows]) if similarity is not None and rows else [0.0] * len(rows)
    best = max(cosines, default=0.0)
    return [Evidence(span, (cos, cos - best, rank, coverage, passage_cov, names_here, names_passage, names_in_corpus,
                            terms_in_corpus, target, quantities, same))
            for (span, rank, coverage, passage_cov, names_here, names_passage, target, quantities, same), cos
            in zip(rows, cosines)]


def scored(evidence: list[Evidence], model: EvidenceModel) -> list[Evidence]:
    """The candidates with their probabilities, likeliest first."""
    ranked = [Evidence(e.span, e.features, model.probability(e.features)) for e in evidence]
    return sorted(ranked, key=lambda e: (-e.probability, e.span.rank, e.span.start))


def constraints_met(features: tuple[float, ...] | list[float]) -> bool:
    """The question's constraints hold for this sentence's passage: every name it gives is in the corpus
    and in the passage, every year and amount it assumes is stated there, and the sentence states the kind
    of value asked. A likely-looking sentence about another company or another year, or one without an
    amount when an amount is asked, never overturns a refusal."""
    named = dict(zip(FEATURES, features))
    return (named["names_in_corpus"] == 1.0 and named["names_in_passage"] == 1.0 and named["quantities_stated"] == 1.0
            and named["target_stated"] == 1.0)


def _share(names: list[str], test: Callable[[str], bool]) -> float:
    return sum(1.0 for n in names if test(n)) / len(names) if names else 1.0
