"""The kind of value a "what X" question asks for when no question word says it: "What was Tesla's
revenue …" asks for an amount, "What was the inflation rate …" for a percentage, "What is the premiere
date …" for a date. The head noun is typed by the index embedder's similarity to a few prototypes of
each kind, so nouns never listed anywhere ("earnings", "launch date", "date de sortie", "interest
rate") are typed too. It stays cautious: "turnover" or "taux de chômage" fall short of the margin and
stay untyped.

Only the kinds a sentence's numbers reveal reliably (an amount, a percentage, a date) become targets;
the others are scored so that a head closer to a place or a person than to an amount stays untyped.
The two thresholds were chosen on the untyped "what/which X" questions of every public set (70 of
them): the heads they type are the ones a reader would type the same way.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from dossier.answer.question import Question, asked_head

PROTOTYPES: dict[str, tuple[str, ...]] = {
    "amount": ("amount of money", "revenue", "price", "salary", "montant"),
    "percent": ("percentage", "rate", "taux"),
    "date": ("date", "day", "year"),
    # Scored, never assigned: a sentence's names do not show reliably whether they are places or people.
    "place": ("place", "city", "country", "location", "lieu"),
    "person": ("person", "winner", "personne"),
    "organization": ("company", "organization", "entreprise"),
}
TYPED_KINDS = ("amount", "percent", "date")
MIN_SIMILARITY = 0.895  # cosine of the head to its kind's nearest prototype
MIN_MARGIN = 0.03  # ... ahead of every other kind's nearest prototype

QueryVector = Callable[[str], Any]  # text -> unit vector


class HeadTyper:
    def __init__(self, query_vector: QueryVector):
        self.query_vector = query_vector
        self._prototypes: dict[str, list[Any]] | None = None

    def typed(self, question: Question) -> Question:
        """The question with the kind its head noun asks for, when its words named none."""
        if question.targets or question.records_intent:
            return question
        head = asked_head(question.text)
        if not head:
            return question
        kind = self.kind_of(head)
        return dataclasses.replace(question, targets=(kind,)) if kind in TYPED_KINDS else question

    def kind_of(self, head: str) -> str | None:
        if self._prototypes is None:
            self._prototypes = {kind: [self.query_vector(p) for p in phrases] for kind, phrases in PROTOTYPES.items()}
        vector = self.query_vector(head)
        scores = sorted(((max(float(vector @ p) for p in vectors), kind) for kind, vectors in self._prototypes.items()),
                        reverse=True)
        (best, kind), (second, _) = scores[0], scores[1]
        return kind if best >= MIN_SIMILARITY and best - second >= MIN_MARGIN else None
