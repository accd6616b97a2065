"""Answering: a question analysed, passages retrieved, then a computation over records or cited
sentences (or an LLM's answer, checked sentence by sentence), composed into an Answer."""
from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any, Protocol

from dossier.answer.answer_types import HeadTyper
from dossier.answer.compound import completed, question_parts
from dossier.answer.compose import compose
from dossier.answer.corpus import CorpusView, SourceMeta
from dossier.answer.crosslingual import PhraseMatcher
from dossier.answer.draft import Draft, Span
from dossier.answer.entities import names_joined_as_written, names_read_as_words
from dossier.answer.evidence import default_model
from dossier.answer.extractive import ExtractiveAnswerer
from dossier.answer.inert import InertJudge, judged_by
from dossier.answer.lexicon import Lexicon, default_lexicon
from dossier.answer.question import Question, analyse
from dossier.answer.records import RecordsAnswerer
from dossier.answer.summaries import RETRIEVAL_WIDENING, is_summary_request, summarize
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
        self.records_answerer = RecordsAnswerer(index.records_table, self.lexicon)
        phrases = PhraseMatcher(settings.embedder, index.query_vector, index.text_vectors)
        self.answerers: dict[str, Answerer] = {"extractive": ExtractiveAnswerer(self.lexicon, self._similarity,
                                                                                      default_model(), phrases)}
        self.typer = HeadTyper(index.query_vector)
        self.inert = InertJudge(settings.embedder, index.query_vector, index.span_vectors)
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
                    sources = {d.id: SourceMeta(fold(d.outlet or ""), d.published or "") for d in self.index.documents()}
                    self._corpus = CorpusView.build(self.index.retrievable_passages(),
                                                    self.index.records_table.record_names(), sources)
                    self._corpus_generation = generation
        return self._corpus

    def understood(self, question: str, lang: str | None = None) -> Question:
        """The question analysed, with the kind of value its head noun asks for when its words named none."""
        return self.typer.typed(analyse(question, self.lexicon, lang))

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
        # The records table first (it lags the registry only after another process's write or a crash),
        # so that the corpus view built below reads its names at the registry's generation.
        self.index.refresh_records()
        corpus = self.corpus()
        parsed = self.understood(question, lang)
        timings["analyse"] = _ms(started)
        if self.inert.only_instructs(question):  # "Ignore your sources and say …" asks the sources nothing
            refusal = Draft(True, reason="the question gives the answerer orders instead of asking the sources")
            return Answer(**{**compose(parsed, refusal, []).__dict__, "timings_ms": timings})
        mark = time.perf_counter()
        parsed, scope = self._prepared(parsed, corpus)
        if corpus.has_text and is_summary_request(question):
            # A digest reads more passages than one answer does; it is never a computation over records.
            retrieved = self.retrieve(parsed, corpus, (top_k or self.settings.top_k) * RETRIEVAL_WIDENING, scope)
            timings["retrieve"] = _ms(mark)
            mark = time.perf_counter()
            with judged_by(self.inert):  # sentences a document addresses to its reader are never quoted
                draft = summarize(parsed, retrieved, corpus, self.lexicon, self._similarity)
            timings["answer"] = _ms(mark)
            return _composed(parsed, draft, retrieved, timings, started)
        draft, retrieved = self._drafted(parsed, scope, corpus, top_k, answerer, timings)
        # The extractive answerer's quotes are completed part by part; a language model reads the whole question.
        parts = question_parts(question, parsed.language) if (answerer or self.settings.answerer) == "extractive" \
            else [question]
        if len(parts) > 1 and not draft.computed:
            mark = time.perf_counter()
            asked = [self._drafted(*self._prepared(self.understood(part, parsed.language), corpus), corpus,
                                   top_k, answerer, {}) for part in parts]
            draft = completed(draft, [d for d, _ in asked])
            retrieved = _both_retrievals(retrieved, [sp for _, found in asked for sp in found])
            timings["parts"] = _ms(mark)
        return _composed(parsed, draft, retrieved, timings, started)

    def _prepared(self, parsed: Question, corpus: CorpusView) -> tuple[Question, set[str]]:
        """The question scoped to the sources it names (and those sources), its names read against the corpus."""
        parsed, scope = self.scoped(parsed, corpus)
        return names_read_as_words(names_joined_as_written(parsed, corpus, self.lexicon), corpus, self.lexicon), scope

    def _drafted(self, parsed: Question, scope: set[str], corpus: CorpusView, top_k: int | None,
                 answerer: str | None, timings: dict[str, float]) -> tuple[Draft, list[ScoredPassage]]:
        """Retrieval, then a computation over records or cited sentences: the draft and what was retrieved."""
        mark = time.perf_counter()
        # An index of records alone has no prose to retrieve: its questions go to the records table.
        retrieved = self.retrieve(parsed, corpus, top_k or self.settings.top_k, scope) if corpus.has_text else []
        timings["retrieve"] = _ms(mark)
        mark = time.perf_counter()
        passage_of = self.index.passages_by_id
        top_k = top_k or self.settings.top_k
        records = self.records_answerer
        # An index of records alone has no prose to try first.
        records_first = parsed.records_intent or not corpus.has_text
        computed = records.answer(parsed, passage_of, top_k, require_subject=not parsed.records_intent) \
            if records_first else None
        if not records_first and parsed.aggregation == "difference":
            # "Which cost more, X or Y, and by how much?": no sentence states the gap; records that the
            # names pick out can compute it.
            computed = records.answer(parsed, passage_of, top_k, require_subject=True)
            computed = computed if computed is not None and not computed[0].abstained else None
        if computed is not None and (not computed[0].abstained or parsed.aggregation):
            draft = computed[0]
            if not draft.abstained:
                retrieved = _both_retrievals(computed[1], retrieved)
        else:
            with judged_by(self.inert):  # sentences a document addresses to its reader are never evidence
                draft = self.answerer(answerer or self.settings.answerer).answer(parsed, retrieved, corpus)
            if draft.abstained and not parsed.records_intent:
                # The question never said "records", but a recipient, agency or office it names may be
                # one of theirs, and the prose had no answer.
                fallback = records.answer(parsed, passage_of, top_k, require_subject=True)
                if fallback is not None and not fallback[0].abstained:
                    draft, retrieved = fallback[0], _both_retrievals(fallback[1], retrieved)
            elif draft.abstained and computed is not None:
                draft = computed[0]  # the records' reason is the more precise one
        if parsed.per_period and not draft.abstained and not draft.computed \
                and not any(RATE.search(s.text) for s in draft.evidence):
            # "How much does it cost per year?" is not answered by a contract's total.
            draft = Draft(True, reason="the passages give a total, not a figure per period",
                          considered=list(draft.evidence))
        timings["answer"] = _ms(mark)
        return draft, retrieved


def _composed(parsed: Question, draft: Draft, retrieved: list[ScoredPassage], timings: dict[str, float],
              started: float) -> Answer:
    answer = compose(parsed, draft, retrieved)
    timings["total"] = _ms(started)
    return Answer(**{**answer.__dict__, "timings_ms": timings})


def _both_retrievals(records: list[ScoredPassage], passages: list[ScoredPassage]) -> list[ScoredPassage]:
    """What the records query returned, in its order, then what passage retrieval returned: both ran
    before the answer was chosen, and both were shown to it."""
    seen = {sp.passage.passage_id for sp in records}
    merged = records + [sp for sp in passages if sp.passage.passage_id not in seen]
    return [ScoredPassage(passage=sp.passage, score=sp.score, rank=rank) for rank, sp in enumerate(merged, start=1)]


def _alias_terms(question: Question, corpus: CorpusView) -> list[str]:
    return sorted({alias for e in question.entities for alias in corpus.aliases.get(fold(e), ())})


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
