"""``ask()``: the one question-answering API that the web chat, the CLI and the eval all call.

Retrieval, then a computed answer over records or a selection of cited sentences (or an LLM's
answer, checked sentence by sentence), then the Answer record. No llama-index or Chroma type
crosses this module's door.
"""
from __future__ import annotations

import re
import threading
import time
from typing import Any, Protocol

from dossier.answer.corpus import CorpusView
from dossier.answer.extractive import Draft, ExtractiveAnswerer, Span
from dossier.answer.lexicon import Lexicon, default_lexicon
from dossier.answer.question import Question, analyse
from dossier.answer.reasons import in_language
from dossier.answer.records import RecordsAnswerer
from dossier.core.errors import ConfigError
from dossier.core.settings import Settings, load_settings
from dossier.core.types import Answer, Citation, RetrievedItem, ScoredPassage
from dossier.core.text import fold

SOURCE_LANGUAGE_NOTE = {
    "en": "The sources are in French; quotes are given in the original.",
    "fr": "Les sources sont en anglais ; les citations sont données dans la langue d'origine.",
}


class Answerer(Protocol):
    name: str

    def answer(self, question: Question, retrieved: list[ScoredPassage], corpus: CorpusView) -> Draft: ...


class Dossier:
    """An opened index plus the answerers over it. Cheap to build; models load on first use."""

    def __init__(self, settings: Settings, index: Any = None):
        from dossier.index import open_index

        self.settings = settings
        self.index = index if index is not None else open_index(settings)
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

    # ---- the library surface the app and CLI use besides ask() -----------------------------------
    def add(self, paths: list[Any], on_progress: Any = None) -> Any:
        """Ingest files or folders; returns an IngestReport (per-file outcome, counts, time)."""
        from pathlib import Path

        return self.index.ingest([Path(p) for p in paths], on_progress=on_progress)

    def remove(self, id_or_path: str) -> list[str]:
        return self.index.remove(id_or_path)

    def documents(self) -> list[Any]:
        return self.index.documents()

    def records(self) -> list[Any]:
        """Every typed procurement record as (Record, passage id)."""
        return self.index.records()

    def reindex(self, on_progress: Any = None) -> int:
        return self.index.reindex(on_progress=on_progress)

    def describe(self) -> dict[str, Any]:
        """Read-only settings and sizes, for the app's settings panel and `dossier info`."""
        return {
            "embedding model": self.index.embedder.name,
            "index location": str(self.index.directory),
            "vector store": self.settings.chroma_url or "embedded Chroma",
            "collection": self.index.layout,
            "answerer": self.settings.answerer,
            "passages retrieved per question": self.settings.top_k,
            "passages": self.index.passage_count(),
            "records": len(self.index.records()),
        }

    def _similarity(self, question: str, spans: list[Span]) -> list[float]:
        return self.index.span_similarities(question, [(s.passage.passage_id, s.start, s.end, s.text) for s in spans])

    def corpus(self) -> CorpusView:
        generation = self.index.registry.generation()
        if self._corpus is None or generation != self._corpus_generation:
            with self._lock:
                if self._corpus is None or generation != self._corpus_generation:
                    passages = self.index.registry.passages()
                    self._corpus = CorpusView.build(passages, self.index.records())
                    self._corpus_generation = generation
        return self._corpus

    def warm_up(self) -> None:
        self.index.warm_up()
        self.corpus()
        self.ask("warm up")

    def ask(self, question: str, top_k: int | None = None, lang: str | None = None,
            answerer: str | None = None) -> Answer:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        question = question.strip()
        corpus = self.corpus()
        parsed = analyse(question, self.lexicon, lang)
        timings["analyse"] = _ms(started)
        mark = time.perf_counter()
        lexical_query = " ".join([parsed.lexical_query, *_alias_terms(parsed, corpus)])
        retrieved = self.index.retrieve(question, lexical_query, top_k or self.settings.top_k)
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
                # "How much did ICE spend in total on X?" without the word "records": the records may answer.
                computed = self.records_answerer.answer(parsed, corpus, passage_of, require_subject=True)
                if computed is not None and not computed.abstained:
                    draft, retrieved = computed, _records_first(computed, retrieved)
        timings["answer"] = _ms(mark)
        answer = compose(parsed, draft, retrieved)
        timings["total"] = _ms(started)
        return Answer(**{**answer.__dict__, "timings_ms": timings})


def compose(question: Question, draft: Draft, retrieved: list[ScoredPassage]) -> Answer:
    items = tuple(
        RetrievedItem(rank=sp.rank, passage_id=sp.passage.passage_id, source=sp.passage.source,
                      record_id=sp.passage.record_id, text=sp.passage.text, score=round(sp.score, 6),
                      document_id=sp.passage.document_id, title=sp.passage.title)
        for sp in retrieved
    )
    fr = question.language == "fr"
    if draft.abstained:
        reason = in_language(draft.reason, question.language)
        text = ("Les sources ne le disent pas" if fr else "The sources do not say") + (f" ({reason})." if reason else ".")
        return Answer(question=question.text, answer=text, abstained=True, language=question.language,
                      retrieved=items, notes=tuple(draft.notes + [f"nearest passage considered, not supporting:"
                                                                   f" {s.passage.passage_id}" for s in draft.considered]))
    citations = tuple(_citation(n, span) for n, span in enumerate(draft.evidence, start=1))
    if draft.computed:
        text = draft.lead
    else:
        if draft.lead and re.search(r"\[\d+\]", draft.lead):
            lines = [draft.lead]  # an LLM's sentences already cite, renumbered to the evidence order
        else:
            lines = [f"{draft.lead} [{draft.lead_cites}]." if draft.lead else ""]
        lines += [f"« {_inline(c.quote)} » [{c.n}]" if fr else f"“{_inline(c.quote)}” [{c.n}]" for c in citations]
        text = "\n".join(line for line in lines if line)
    # Dropped claims stay in Answer.notes for the curious, never in the text a reader takes as the answer.
    notes = [n for n in draft.notes if not n.startswith("dropped unsupported sentence:")]
    quote_languages = {span.passage.language for span in draft.evidence if span.passage.kind == "text"}
    if quote_languages and question.language not in quote_languages:
        notes.append(SOURCE_LANGUAGE_NOTE.get(question.language, "Quotes are given in their original language."))
    if notes:
        text += "\n\n" + " ".join(notes)
    return Answer(question=question.text, answer=text, abstained=False, language=question.language,
                  citations=citations, retrieved=items, notes=tuple(draft.notes))


def _inline(quote: str) -> str:
    """A record's "field: value" lines read as one line inside the answer; the citation keeps them exact."""
    return quote.replace("\n", "; ")


def _citation(n: int, span: Span) -> Citation:
    p = span.passage
    return Citation(n=n, passage_id=p.passage_id, document_id=p.document_id, source=p.source,
                    record_id=p.record_id, quote=span.text, start=span.start, end=span.end, title=p.title,
                    passage_text=p.text)


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


_DOSSIERS: dict[tuple, Dossier] = {}
_DOSSIERS_LOCK = threading.Lock()


def get_dossier(settings: Settings | None = None) -> Dossier:
    """One Dossier per index location and embedder in a process (Chroma's embedded client wants one)."""
    settings = settings or load_settings()
    key = (str(settings.index), settings.chroma_url, settings.embedder, str(settings.embedder_path),
           settings.chunk_tokens)
    with _DOSSIERS_LOCK:
        if key not in _DOSSIERS:
            _DOSSIERS[key] = Dossier(settings)
        dossier = _DOSSIERS[key]
        dossier.settings = settings
        return dossier


def ask(question: str, *, settings: Settings | None = None, top_k: int | None = None, lang: str | None = None,
        answerer: str | None = None) -> Answer:
    """Answer a question from the indexed sources, citing each claim, or abstain."""
    return get_dossier(settings).ask(question, top_k=top_k, lang=lang, answerer=answerer)
