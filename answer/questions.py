"""Answering: a question analysed, passages retrieved, then a computation over records or cited
sentences (or an LLM's answer, checked sentence by sentence), composed into an Answer."""
from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any, Protocol

from dossier.answer.compose import compose
from dossier.answer.corpus import CorpusView, SourceMeta
from dossier.answer.draft import Draft, Span
from dossier.answer.extractive import ExtractiveAnswerer
from dossier.answer.lexicon import Lexicon, default_lexicon
from dossier.answer.question import Question, analyse
from dossier.answer.records import RecordsAnswerer
from dossier.core.errors import ConfigError
from dossier.core.settings import Settings
from dossier.core.quantities import RATE
from dossier.core.text import fold
from dossier.core.types import Answer, ScoredPassage


SCOPE_WIDENING = 4  # a question scoped to some sources retrieves this many times more, then keeps theirs


class Answerer(Protocol):
    name: str

    def answer(self, question: Question, retrieved: list[ScoredPassage], corpus: CorpusView) -> Draft: ...


class QuestionService:
    """The answerers over one opened index. Cheap to build; models load on first use."""

    def __init__(self, settings: Settings, index: Any):
        self.settings = settings
        self.index = index
        self.lexicon: Lexicon = default_lexicon()
        self.records_answerer = RecordsAnswerer(self.lexicon)
        self.answerers: dict[str, Answerer] = {"extractive": ExtractiveAnswerer(self.lexicon, self._similarity)}
        self._corpus: CorpusView | None = None
        self._corpus_generation = -1
        self._lock = threading.Lock()

    def answerer(self, name: str) -> Answerer:
        if name not in self.answerers and name == "llm":
            from dossier.answer.llm import build_llm_answerer

            self.answerers["llm"] = build_llm_answerer(self.settings, self.lexicon)
        if name not in self.answerers:
            raise ConfigError(f"unknown answerer {name!r}; choose one of extractive, llm")
        return self.answerers[name]

    def _similarity(self, question: str, spans: list[Span]) -> list[float]:
        return self.index.span_similarities(question, [(s.passage.passage_id, s.start, s.end, s.text) for s in spans])

    def corpus(self) -> CorpusView:
        generation = self.index.registry.generation()
        if self._corpus is None or generation != self._corpus_generation:
            with self._lock:
                if self._corpus is None or generation != self._corpus_generation:
                    passages = self.index.registry.passages()
                    sources = {d.id: SourceMeta(fold(d.outlet or ""), d.published or "") for d in self.index.documents()}
                    self._corpus = CorpusView.build(passages, self.index.records(), sources)
                    self._corpus_generation = generation
        return self._corpus

    def retrieve(self, parsed: Question, corpus: CorpusView, top_k: int,
                 scope: set[str] | None = None) -> list[ScoredPassage]:
        """Hybrid retrieval for an analysed question: its words, their translations, the records' aliases;
        within the documents of ``scope`` when the question names its source."""
        lexical_query = " ".join([parsed.lexical_query, *_alias_terms(parsed, corpus)])
        if not scope:
            return self.index.retrieve(parsed.text, lexical_query, top_k)
        wide = self.index.retrieve(parsed.text, lexical_query, top_k * SCOPE_WIDENING)
        kept = [sp for sp in wide if sp.passage.document_id in scope][:top_k]
        return [ScoredPassage(passage=sp.passage, score=sp.score, rank=rank) for rank, sp in enumerate(kept, start=1)]

    def scoped(self, parsed: Question, corpus: CorpusView) -> tuple[Question, set[str]]:
        """The question without the outlet and publication date it names, and the documents they pick."""
        scope, used = corpus.source_scope(parsed.entities)
        if not scope:
            return parsed, set()
        published = {corpus.sources[d].published for d in scope}
        years = tuple(y for y in parsed.years if not any(p.startswith(str(y)) for p in published))
        months = tuple((y, m) for y, m in parsed.months if not any(p.startswith(f"{y}-{m:02d}") for p in published))
        dated = set(parsed.years) - set(years)
        kept_quantities = tuple(q for q in parsed.quantities if not (q.kind == "year" and int(q.value) in dated))
        narrowed = dataclasses.replace(parsed, entities=tuple(e for e in parsed.entities if e not in used),
                                       years=years, months=months, quantities=kept_quantities)
        return narrowed, scope

    def ask(self, question: str, top_k: int | None = None, lang: str | None = None,
            answerer: str | None = None) -> Answer:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        question = question.strip()
        corpus = self.corpus()
        parsed = analyse(question, self.lexicon, lang)
        timings["analyse"] = _ms(started)
        mark = time.perf_counter()
        parsed, scope = self.scoped(parsed, corpus)
        retrieved = self.retrieve(parsed, corpus, top_k or self.settings.top_k, scope)
        timings["retrieve"] = _ms(mark)
        mark = time.perf_counter()
        passage_of = corpus.passage_of
        draft = self.records_answerer.answer(parsed, corpus, passage_of) if parsed.records_intent else None
        if draft is None and parsed.aggregation == "difference":
            # "Which cost more, X or Y, and by how much?": no sentence states the gap; records that the
            # names pick out can compute it.
            draft = self.records_answerer.answer(parsed, corpus, passage_of, require_subject=True)
            draft = draft if draft is not None and not draft.abstained else None
        if draft is not None and not draft.abstained:
            retrieved = _records_first(draft, retrieved)
        if draft is None or draft.abstained and not parsed.aggregation:
            draft = self.answerer(answerer or self.settings.answerer).answer(parsed, retrieved, corpus)
            if draft.abstained and not parsed.records_intent and (
                    parsed.aggregation in ("total", "max", "min", "difference") or "amount" in parsed.targets):
                # A total or an amount asked without the word "records": the records may still answer.
                computed = self.records_answerer.answer(parsed, corpus, passage_of, require_subject=True)
                if computed is not None and not computed.abstained:
                    draft, retrieved = computed, _records_first(computed, retrieved)
        if parsed.per_period and not draft.abstained and not any(RATE.search(s.text) for s in draft.evidence):
            # "How much does it cost per year?" is not answered by a contract's total.
            draft = Draft(True, reason="the passages give a total, not a figure per period",
                          considered=list(draft.evidence))
        timings["answer"] = _ms(mark)
        answer = compose(parsed, draft, retrieved)
        timings["total"] = _ms(started)
        return Answer(**{**answer.__dict__, "timings_ms": timings})


def _records_first(draft: Draft, retrieved: list[ScoredPassage]) -> list[ScoredPassage]:
    """Records that entered a computation were shown to the answerer: they lead the retrieved list."""
    used = []
    seen = set()
    for span in draft.evidence:
        if span.passage.passage_id not in seen:
            seen.add(span.passage.passage_id)
            used.append(span.passage)
    rest = [sp.passage for sp in retrieved if sp.passage.passage_id not in seen]
    scores = {sp.passage.passage_id: sp.score for sp in retrieved}
    return [ScoredPassage(passage=p, score=scores.get(p.passage_id, 0.0), rank=i)
            for i, p in enumerate(used + rest, start=1)]


def _alias_terms(question: Question, corpus: CorpusView) -> list[str]:
    return sorted({alias for e in question.entities for alias in corpus.aliases.get(fold(e), ())})


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
