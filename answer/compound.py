"""Questions that ask two things at once: "Where did the threats come from, and who did he say he would
contact?", "Qui s'est exprimé …, et qu'a-t-il dit ?". Each part is asked on its own (the second
understood after the first, as a follow-up is), and what the parts find completes the answer to the whole.
"""
from __future__ import annotations

import dataclasses
import re

from dossier.answer.draft import Draft, overlaps
from dossier.answer.followups import resolve

_QUESTION_WORDS = (r"who|whom|whose|what|when|where|why|how|which|qui|que|qu['’]|quoi|quand|où|pourquoi|comment|"
                   r"quel|quelle|quels|quelles|combien|lequel|laquelle")
# ", and who …", " et qu'a-t-il dit": a coordinator, then a new question word.
_SECOND_QUESTION = re.compile(rf"\s*,?\s+(?:and|et)\s+(?=(?:{_QUESTION_WORDS})(?!\w)|qu['’])", re.IGNORECASE)
MIN_PART_WORDS = 3  # "When and where was it founded?" asks one thing about one event: it stays whole


def question_parts(question: str, language: str) -> list[str]:
    """The questions ``question`` asks, the second as understood after the first; itself when it asks one."""
    found = _SECOND_QUESTION.search(question)
    if found is None:
        return [question]
    first, second = question[:found.start()].rstrip(" ,;"), question[found.end():].strip()
    if len(first.split()) < MIN_PART_WORDS or len(re.findall(r"\w+", second)) < 2:  # "…, et quand ?" adds a when
        return [question]
    first += " ?" if language == "fr" else "?"
    second = second[0].upper() + second[1:]
    return [first, resolve(second, [first])]


def completed(whole: Draft, parts: list[Draft]) -> Draft:
    """The answer to the whole question, completed by its parts' quotes; when the whole found nothing but
    every part did, the parts' answers together, each short answer citing its own quote. The parts of one
    question are about one story: a part's quotes count only from the documents the whole answer (or the
    first part) quotes, so "how much was the contract?" asked alone cannot bring in another contract."""
    if whole.computed or any(part.computed for part in parts):
        return whole  # a computation over records answers as one; quotes do not mix into it
    anchor = whole if not whole.abstained else parts[0]
    if anchor.abstained:
        return whole
    documents = {s.passage.document_id for s in anchor.evidence}
    kept = [_within(part, documents) for part in parts if not part.abstained]
    kept = [part for part in kept if part.evidence]
    if not whole.abstained:
        return _joined([whole, *kept])
    return _joined(kept) if len(kept) == len(parts) else whole


def _within(draft: Draft, documents: set[str]) -> Draft:
    """The draft's quotes from ``documents`` only; its short answer only if the quote it cites stays."""
    evidence = [s for s in draft.evidence if s.passage.document_id in documents]
    cited = draft.evidence[draft.lead_cites - 1] if draft.lead and draft.evidence else None
    if cited is None or cited not in evidence:
        return dataclasses.replace(draft, evidence=evidence, lead="", lead_cites=1)
    return dataclasses.replace(draft, evidence=evidence, lead_cites=evidence.index(cited) + 1)


def _joined(drafts: list[Draft]) -> Draft:
    """The drafts' quotes in their order (each once), and their short answers, each citing its quote."""
    evidence = []
    for draft in drafts:
        evidence += [s for s in draft.evidence if not any(overlaps(s, quoted) for quoted in evidence)]
    leads = []
    for draft in drafts:
        if draft.lead and draft.evidence:
            cited = draft.evidence[draft.lead_cites - 1]
            n = next(i for i, s in enumerate(evidence, start=1) if overlaps(s, cited))
            leads.append(f"{draft.lead} [{n}]")
    lead = "; ".join(dict.fromkeys(leads)) + "." if leads else ""
    notes = list(dict.fromkeys(note for draft in drafts for note in draft.notes))
    return dataclasses.replace(drafts[0], abstained=False, evidence=evidence, lead=lead, lead_cites=1, notes=notes)
