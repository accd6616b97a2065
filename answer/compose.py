"""From a draft (cited spans, or a computation, or an abstention) to the Answer a reader sees."""
from __future__ import annotations

import re

from dossier.answer.draft import Draft, Span
from dossier.answer.question import Question
from dossier.answer.reasons import in_language
from dossier.core.types import Answer, Citation, RetrievedItem, ScoredPassage

SOURCE_LANGUAGE_NOTE = {
    "en": "The sources are in French; quotes are given in the original.",
    "fr": "Les sources sont en anglais ; les citations sont données dans la langue d'origine.",
}


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
    query: dict = {}
    if draft.computation:
        c = draft.computation
        citations = (Citation(n=1, passage_id="computation", document_id="", source=", ".join(c.sources),
                              record_id=None, quote=c.description, start=0, end=len(c.description),
                              title="computation over records", passage_text=c.description,
                              record_ids=c.record_ids, sql=c.sql),)
        query = {"plan": c.plan, "sql": c.sql, "records": len(c.record_ids)}
    if draft.computed:
        text = draft.lead
    else:
        if draft.lead and re.search(r"\[\d+\]", draft.lead):
            lines = [draft.lead]  # an LLM's sentences already cite, renumbered to the evidence order
        else:
            lines = [f"{draft.lead} [{draft.lead_cites}]." if draft.lead else ""]
        lines += [f"« {inline_quote(c.quote)} » [{c.n}]" if fr else f"“{inline_quote(c.quote)}” [{c.n}]" for c in citations]
        text = "\n".join(line for line in lines if line)
    # Dropped claims stay in Answer.notes for the curious, never in the text a reader takes as the answer.
    notes = [n for n in draft.notes if not n.startswith("dropped unsupported sentence:")]
    quote_languages = {span.passage.language for span in draft.evidence if span.passage.kind == "text"}
    if quote_languages and question.language not in quote_languages:
        notes.append(SOURCE_LANGUAGE_NOTE.get(question.language, "Quotes are given in their original language."))
    if notes:
        text += "\n\n" + " ".join(notes)
    return Answer(question=question.text, answer=text, abstained=False, language=question.language,
                  citations=citations, retrieved=items, notes=tuple(draft.notes), query=query)


def inline_quote(quote: str) -> str:
    """A record's "field: value" lines read as one line inside the answer; the citation keeps them exact."""
    return quote.replace("\n", "; ")


def _citation(n: int, span: Span) -> Citation:
    p = span.passage
    return Citation(n=n, passage_id=p.passage_id, document_id=p.document_id, source=p.source,
                    record_id=p.record_id, quote=span.text, start=span.start, end=span.end, title=p.title,
                    passage_text=p.text)
