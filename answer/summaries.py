"""Cited summaries: "Summarize …", "Résume …", "What do the sources say about X?" get a digest.

The digest is the most informative sentences about X across the retrieved documents, each quoted
exactly and cited: sentences that speak of X (it, or the two sentences before it, or the title names it),
ranked by the embedder's similarity to the request, taken greedily while they say something the ones
already taken do not (no two sharing most of their words), at most ``MAX_SENTENCES``, and first at most
``PER_DOCUMENT`` from each document so that several sources speak. They are grouped by document, newest first, in reading order within each. When X is a
name no source gives, or no sentence speaks of it, the answer abstains.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from dossier.answer.corpus import CorpusView, stems_of
from dossier.answer.draft import Draft, Span, opening_spans
from dossier.answer.entities import anchored_to, is_generic, resolve_entities
from dossier.answer.inert import is_inert
from dossier.answer.lexicon import Lexicon
from dossier.answer.question import Question
from dossier.core.text import fold, sentences
from dossier.core.types import ScoredPassage

MAX_SENTENCES = 6
PER_DOCUMENT = 3
REDUNDANT_OVERLAP = 0.6  # share of a sentence's stems already said by one taken: it repeats it
MIN_WORDS = 6  # a heading or a caption is no statement
RETRIEVAL_WIDENING = 3  # a digest reads more passages than one answer does
_ENDS_A_STATEMENT = re.compile(r"[.!?…»”\"']\s*$")  # a heading ends on no stop

_REQUEST = re.compile(
    r"^\s*(?:(?:please|can you|could you)\s+)?(?:summari[sz]e|sum up|give (?:me )?(?:a )?summary of|"
    r"what do(?:es)? (?:the )?(?:sources|documents|articles) say (?:about|on)|"
    r"(?:peux-tu |pouvez-vous )?(?:résume[rz]?|fais(?: moi)? un résumé (?:de|sur)|faites un résumé (?:de|sur)|"
    r"que disent les (?:sources|documents|articles) (?:sur|à propos de|au sujet de|de)))\b", re.IGNORECASE)

Similarity = Callable[[str, list[Span]], list[float]]


def is_summary_request(text: str) -> bool:
    return bool(_REQUEST.match(text))


def summarize(question: Question, retrieved: list[ScoredPassage], corpus: CorpusView, lexicon: Lexicon,
              similarity: Similarity | None) -> Draft:
    """The digest of what the retrieved article passages say about what the question names."""
    names = [e for e in resolve_entities(question, corpus, lexicon) if not is_generic(e, corpus, lexicon)]
    unknown = [e for e in names if not corpus.known(e, lexicon)]
    if unknown:
        return Draft(True, reason=f"no source mentions {', '.join(unknown)}", considered=opening_spans(retrieved))
    subject_stems = stems_of(fold(_REQUEST.sub("", question.text)))
    spans = [span for span in _sentences(retrieved)
             if (anchored_to(span, names, corpus, lexicon) if names else stems_of(fold(span.text)) & subject_stems)]
    if not spans:
        about = " and ".join(names) or "this"
        return Draft(True, reason=f"no retrieved passage is about {about}", considered=opening_spans(retrieved))
    scores = similarity(question.text, spans) if similarity is not None else [1.0 / s.rank for s in spans]
    ranked = [span for span, _ in sorted(zip(spans, scores), key=lambda pair: (-pair[1], pair[0].rank, pair[0].start))]
    taken: list[Span] = []
    said: list[set[str]] = []
    per_document: dict[str, int] = {}
    # First at most PER_DOCUMENT from each document, so that several sources speak; then the rest by rank.
    for cap in (PER_DOCUMENT, MAX_SENTENCES):
        for span in ranked:
            stems = stems_of(fold(span.text))
            document = span.passage.document_id
            if len(taken) == MAX_SENTENCES or span in taken or per_document.get(document, 0) >= cap or any(
                    len(stems & earlier) >= REDUNDANT_OVERLAP * len(stems) for earlier in said):
                continue
            taken.append(span)
            said.append(stems)
            per_document[document] = per_document.get(document, 0) + 1
    def published(document: str) -> str:
        source = corpus.sources.get(document)
        return source.published if source is not None else ""

    # Documents newest first (undated last), each document's sentences in reading order.
    documents = sorted({s.passage.document_id for s in taken}, key=lambda d: (bool(published(d)), published(d), d),
                       reverse=True)
    order = {document: position for position, document in enumerate(documents)}
    return Draft(False, evidence=sorted(taken, key=lambda s: (order[s.passage.document_id], s.passage.ordinal,
                                                              s.start)))


def _sentences(retrieved: list[ScoredPassage]) -> list[Span]:
    """Every statement of the retrieved article passages (no heading or caption, no text addressed to an
    answerer)."""
    spans = []
    for scored in retrieved:
        if scored.passage.kind != "text":
            continue
        for start, end in sentences(scored.passage.text):
            text = scored.passage.text[start:end]
            statement = len(text.split()) >= MIN_WORDS and _ENDS_A_STATEMENT.search(text)
            if statement and not is_inert(scored.passage, start, end):
                spans.append(Span(scored.passage, start, end, scored.rank))
    return spans

