"""What every answerer hands back: a ``Draft`` of its decision, quoting the sources as ``Span``s."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from dossier.core.types import Passage, ScoredPassage
from dossier.core.text import sentences


@dataclass(frozen=True)
class Span:
    passage: Passage
    start: int
    end: int
    rank: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


@dataclass(frozen=True)
class Computation:
    """What a computed answer rests on: every record that entered it, and how it was computed."""

    record_ids: tuple[str, ...]
    sources: tuple[str, ...]
    description: str  # what was computed over which records, in the reader's language
    sql: str
    plan: dict


@dataclass
class Draft:
    """What an answerer decided, before citations are numbered."""

    abstained: bool
    evidence: list[Span] = field(default_factory=list)
    computed: bool = False  # a computation over records: the lead is the whole answer, with its markers
    lead: str = ""  # a short gloss (e.g. the amount in the reader's convention), supported by the evidence
    lead_cites: int = 1  # which evidence span (1-based) states what the gloss says
    reason: str = ""  # why it abstained, for the reader
    notes: list[str] = field(default_factory=list)
    considered: list[Span] = field(default_factory=list)
    computation: Computation | None = None  # cited as one citation listing every record


def opening_spans(retrieved: list[ScoredPassage], n: int = 3) -> list[Span]:
    """The first sentence (a record: all of it) of each of the top ``n`` passages: what an abstaining
    draft shows it considered."""
    spans = []
    for sp in retrieved[:n]:
        bounds = sentences(sp.passage.text) if sp.passage.kind == "text" else [(0, len(sp.passage.text))]
        s, e = bounds[0] if bounds else (0, len(sp.passage.text))
        spans.append(Span(sp.passage, s, e, sp.rank))
    return spans


def with_quotes(draft: Draft, spans: list[Span]) -> Draft:
    """The draft with the spans it does not quote yet added, in reading order. The short answer stays
    the one the draft's own quotes state; it cites the same quote in the new order."""
    added = [s for s in spans if not any(overlaps(s, quoted) for quoted in draft.evidence)]
    if not added:
        return draft
    evidence = sorted([*draft.evidence, *added], key=lambda s: (s.rank, s.start))
    cited = draft.evidence[draft.lead_cites - 1] if draft.lead and draft.evidence else None
    return dataclasses.replace(draft, evidence=evidence,
                               lead_cites=evidence.index(cited) + 1 if cited is not None else 1)


def overlaps(a: Span, b: Span) -> bool:
    return a.passage.passage_id == b.passage.passage_id and a.start < b.end and b.start < a.end
