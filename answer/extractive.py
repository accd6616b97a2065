"""The default answerer: select the source sentences that answer, cite each, or abstain.

Abstention is decided in code, from evidence, not hoped for: a name the sources never give, a
number or date the question assumes but no passage about its subject states, or a target (an
amount, a person, a date …) absent from every candidate sentence, all end in "the sources do not say".

The pieces it decides with live beside it: ``entities`` (what the question names, and who speaks of
it), ``targets`` (what a sentence states of what is asked) and ``candidates`` (the scored sentences).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import NamedTuple

from dossier.answer.candidates import (Candidate, TermWeights, continuation, readable_weights,
                                       sentence_candidates, term_coverage, term_weights, without_terms)
from dossier.answer.corpus import CorpusView
from dossier.answer.crosslingual import PhraseMatcher
from dossier.answer.draft import Draft, Span, opening_spans, with_quotes
from dossier.answer.evidence import EvidenceModel, candidate_sentences, constraints_met, scored
from dossier.answer.inert import is_inert
from dossier.answer.entities import anchored_to, coordinated, is_generic, passage_is_about, resolve_entities
from dossier.answer.lexicon import Lexicon
from dossier.answer.question import Question
from dossier.answer.targets import (CAUSAL, missing_target_reason, person_names, reason_of_another_office,
                                    states_quantities, targets_in)
from dossier.core.dates import date_mentions, read_date_mention
from dossier.core.ordinals import counted_noun, states_another_ordinal
from dossier.core.quantities import format_amount, quantities, season_years
from dossier.core.types import ScoredPassage
from dossier.core.text import fold, sentences

MIN_COVERAGE = 0.1  # share of the question's weighted content terms the chosen sentences must cover
# A "which X" answer need not say X when it says nearly everything else the question says.
FOCUS_FREE_COVERAGE = 0.7
# Questions paraphrase their sources ("officialisé son virage" for "annonçant officiellement sa nouvelle
# orientation"): the embedder's similarity of each sentence to the question ranks candidates besides the
# shared words, scaled within the question's own candidates (0 for the least similar, 1 for the most).
SEMANTIC_WEIGHT = 3.0
SEMANTIC_MIN_SPREAD = 0.1  # when every candidate is about as similar, the differences are noise: scale them down
SEMANTIC_CANDIDATES = 12  # only the best candidates by words are embedded: a cold sentence costs ~50 ms
PASSAGE_DISCOUNT = 0.8
IDENTITIES = {"person", "organization", "place", "role", "kind"}  # targets answered by naming someone or something

SpanSimilarity = Callable[[str, list[Span]], list[float]]  # (question, spans) -> cosine per span


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, lexicon: Lexicon, similarity: SpanSimilarity | None = None,
                 evidence_model: EvidenceModel | None = None, phrases: PhraseMatcher | None = None):
        self.lexicon = lexicon
        self.similarity = similarity
        self.evidence_model = evidence_model
        self.phrases = phrases  # what the question's words are in a source's other language

    def answer(self, question: Question, retrieved: list[ScoredPassage], corpus: CorpusView) -> Draft:
        """The rules' answer, completed by the fitted evidence model (``evidence``): its likeliest
        sentences join the quotes, and a very likely one that meets the question's constraints answers
        where the rules refused. A quote that ends on a colon is followed by what it announces."""
        draft = self._with_model(question, retrieved, corpus)
        if draft.abstained:
            return draft
        draft = self._of_the_asked_year_and_rank(draft, question, corpus)
        if draft.abstained:
            return draft
        return with_quotes(draft, [nxt for s in draft.evidence if s.text.rstrip().endswith(":")
                                    for nxt in [_sentence_after(s)] if nxt is not None])

    def _with_model(self, question: Question, retrieved: list[ScoredPassage], corpus: CorpusView) -> Draft:
        draft = self._rules_answer(question, retrieved, corpus)
        if self.evidence_model is None or not retrieved:
            return draft
        ranked = scored(candidate_sentences(question, retrieved, corpus, self.lexicon, self.similarity),
                        self.evidence_model)
        if not ranked:
            return draft
        policy = self.evidence_model.policy
        picks = [ranked[j].span for j in policy.picks([e.probability for e in ranked])]
        if draft.abstained:
            if ranked[0].probability < policy.answer_above or not constraints_met(ranked[0].features):
                return draft
            if set(question.targets) & IDENTITIES and not self._said_of_all(
                    ranked[0].span, self._specific(question, corpus), corpus):
                return draft  # the rules' own condition for naming someone (see _rules_answer)
            evidence = sorted(picks, key=lambda s: (s.rank, s.start))
            lead, cites = _gloss(question, evidence, self.lexicon)
            return Draft(False, evidence=evidence, lead=lead, lead_cites=cites)
        if ranked[0].probability < policy.abstain_below:
            return Draft(True, reason="no passage is likely to state the answer", considered=list(draft.evidence))
        return with_quotes(draft, picks)

    def _rules_answer(self, question: Question, retrieved: list[ScoredPassage], corpus: CorpusView) -> Draft:
        if not retrieved:
            return Draft(True, reason="the index holds no passage to answer from")
        specific = self._specific(question, corpus)
        unknown = [e for e in specific if not corpus.known(e, self.lexicon)]
        if unknown:
            return Draft(True, reason=f"no source mentions {', '.join(unknown)}",
                         considered=opening_spans(retrieved))
        eligible = [sp for sp in retrieved if passage_is_about(sp.passage, specific, corpus, self.lexicon)]
        split = not eligible and len(specific) > 1 and coordinated(question.text, specific)
        if split:
            # "X or Y: which was larger?", "both X and Y": each named thing may have its own passage.
            by_entity = {e: [sp for sp in retrieved if passage_is_about(sp.passage, [e], corpus, self.lexicon)]
                         for e in specific}
            if all(by_entity.values()):
                eligible = [sp for sp in retrieved if any(sp in found for found in by_entity.values())]
        if not eligible:
            return Draft(True, reason=f"no retrieved passage is about {' and '.join(specific)}",
                         considered=opening_spans(retrieved))
        # A year or amount the question assumes is stated in a passage that names its subject itself: the
        # article's lead makes a passage about the subject, not every year in it the subject's.
        assumes = bool(question.quantities or question.months)
        named_itself = [[e] for e in specific] if split else [specific]  # split: each name has its own passages
        stated = [sp for sp in eligible if states_quantities(fold(sp.passage.text), question) and (not assumes or any(
            passage_is_about(sp.passage, names, corpus, self.lexicon, by_lead=False) for names in named_itself))]
        if split and stated:
            # The question's numbers may belong to one of the things it names: the others' passages stay.
            stated += [sp for found in by_entity.values() if not any(sp in stated for sp in found)
                       for sp in found]
            stated.sort(key=lambda sp: sp.rank)
        if not stated:
            asked = ", ".join(q.text for q in question.quantities) or "the date asked"
            return Draft(True, reason=f"no passage about {' and '.join(specific) or 'this'} mentions {asked}",
                         considered=opening_spans(eligible))
        weights = term_weights(question, corpus)
        stating = {sp.passage.passage_id for sp in stated}
        # Only passages stating the question's numbers may carry the answer; their neighbours in the
        # same document may complete it (the company named one sentence before the amount).
        neighbours = [sp for sp in eligible if sp.passage.passage_id not in stating and any(
            sp.passage.document_id == st.passage.document_id and abs(sp.passage.ordinal - st.passage.ordinal) <= 1
            for st in stated)]
        extra = [c for sp in neighbours
                 for c in sentence_candidates(sp, question, specific, weights, corpus, self.lexicon)]
        candidates = [c for sp in stated
                      for c in sentence_candidates(sp, question, specific, weights, corpus, self.lexicon)]
        if not candidates:
            return Draft(True, reason="no sentence bears on the question", considered=opening_spans(stated))
        if self.similarity is not None:
            self._add_similarity(question, candidates + extra)
        candidates.sort(key=lambda c: (-c.score, c.span.rank, c.span.start))
        if question.focus:
            # "Quel outil …": the answer is a sentence about a tool, even when another scores higher.
            speaking = [c for c in candidates if set(question.focus) & c.covered]
            candidates = speaking + [c for c in candidates if c not in speaking] if speaking else candidates
        best = candidates[0]
        wanted = set(question.targets)
        if wanted and not (best.targets & wanted):
            # "Quel type d'entreprise est X ?" leaves no content word but X: naming X with the target is enough.
            said_of_name = wanted & {"kind", "role"} and bool(specific)
            satisfying = [c for c in candidates if c.targets & wanted and (
                c.coverage >= MIN_COVERAGE / 2 or said_of_name and c.mentions_entities)]
            if not satisfying:
                return Draft(True, reason=missing_target_reason(question, specific), considered=opening_spans(stated))
            best = satisfying[0]
        anchors = specific or list(question.entities)
        if anchors and wanted & {"amount", "percent", "count", "date", "duration"}:
            # A figure is said of every thing the question names ("the State's loan to PSA": both), unless
            # the question names several things that each have their own passage.
            said_of = (lambda span: anchored_to(span, anchors, corpus, self.lexicon)) if split else \
                (lambda span: self._said_of_all(span, anchors, corpus))
            anchored = [c for c in candidates if not (c.targets & wanted) or said_of(c.span)]
            if not any(c.targets & wanted for c in anchored):
                return Draft(True, reason=missing_target_reason(question, specific), considered=opening_spans(stated))
            candidates = anchored
            if best not in candidates:
                best = max(candidates, key=lambda c: (bool(c.targets & wanted), c.score))
        elif specific and not split and wanted & IDENTITIES:
            # Who, which company, where: the one named is said of every thing the question names (in the
            # sentence, the two before it, or the title), or it may be another prize's winner. A reason, a
            # wording or an untyped "what" is a clause that leans on its paragraph, checked on its own terms.
            said_of_all = [c for c in candidates if c.targets & wanted and self._said_of_all(c.span, specific, corpus)]
            if not said_of_all:
                return Draft(True, reason=f"no sentence about {' and '.join(specific)} names what the question asks for",
                             considered=opening_spans(stated))
            if best not in said_of_all:
                best = said_of_all[0]
        chosen = self._complete(best, candidates + extra, question, weights)
        if split:
            for entity in specific:  # one sentence for each thing the question names, if it has one
                if not any(anchored_to(c.span, [entity], corpus, self.lexicon) for c in chosen):
                    own = [c for c in candidates if anchored_to(c.span, [entity], corpus, self.lexicon)
                           and c.coverage >= MIN_COVERAGE and (not wanted or c.targets & wanted)]
                    if not own:
                        return Draft(True, reason=f"the passages about {entity} do not answer this",
                                     considered=[c.span for c in chosen])
                    chosen.append(max(own, key=lambda c: c.score))
        readable = readable_weights(weights, corpus, best.span.passage.language, question.language)
        coverage = term_coverage({s for c in chosen for s in c.covered}, readable)
        # A sentence may lean on its neighbours ("ce contrat" …): the passage around it counts, discounted.
        around = corpus.stems.get(best.span.passage.passage_id, set())
        passage_coverage = term_coverage({w for w, (ts, _) in readable.items() if ts & around}, readable)
        coverage = max(coverage, PASSAGE_DISCOUNT * passage_coverage)
        named_with_target = wanted & {"kind", "role"} and best.mentions_entities and best.targets & wanted
        if coverage < MIN_COVERAGE and not named_with_target:
            coverage = max(coverage, self._coverage_across_languages(readable, chosen, question))
        if coverage < MIN_COVERAGE and not named_with_target:
            return Draft(True, reason="the closest passages do not address what the question asks",
                         considered=[c.span for c in chosen])
        if wanted & {"person", "organization"} and weights and not any(c.covered for c in chosen):
            return Draft(True, reason="no passage names who or which company the question asks about",
                         considered=[c.span for c in chosen])
        if question.focus and not any(set(question.focus) & c.covered for c in chosen) and term_coverage(
                {w for c in chosen for w in c.covered},
                without_terms(weights, question.focus[:1])) < FOCUS_FREE_COVERAGE \
                and not self._said_across_languages(" ".join(question.focus), question, chosen):
            # "Dans quel territoire …" is answered by "Gaza" without the word "territoire"; "which court
            # blocked …" is not answered by a sentence that says neither "court" nor "blocked".
            return Draft(True, reason=f"no passage speaks of the {' '.join(question.focus)} the question asks about",
                         considered=[c.span for c in chosen])
        if "reason" in wanted and not any(CAUSAL.search(c.span.text) for c in chosen):
            return Draft(True, reason="no passage gives a reason for this", considered=[c.span for c in chosen])
        if "reason" in wanted and all(reason_of_another_office(question.text, c.span.text) for c in chosen
                                      if CAUSAL.search(c.span.text)):
            # Asked why one administration acted, a sentence giving the reason of another administration
            # ("… sous l'administration X pour des raisons …") does not answer: the office holders differ.
            return Draft(True, reason="the reason the passages give is for another administration's decision",
                         considered=[c.span for c in chosen])
        if not set(question.targets) - {"reason"} and len(chosen) < 3:
            follow = continuation(chosen[0], candidates + extra)
            if follow is not None and follow not in chosen:
                chosen.append(follow)
        evidence = [c.span for c in sorted(chosen, key=lambda c: (c.span.rank, c.span.start))]
        # The short answer comes from the quote that says most of what is asked, among those stating its kind.
        answering = max((c for c in chosen if c.targets & wanted), key=lambda c: (c.coverage, c.score), default=best)
        lead, cites = _gloss(question, evidence, self.lexicon, answering=answering.span)
        return Draft(False, evidence=evidence, lead=lead, lead_cites=cites)

    # ---- pieces -------------------------------------------------------------------------------
    def _specific(self, question: Question, corpus: CorpusView) -> list[str]:
        """The names the question gives that tell passages apart (not the agency every article is about)."""
        return [e for e in resolve_entities(question, corpus, self.lexicon) if not is_generic(e, corpus, self.lexicon)]

    def _said_of_all(self, span: Span, names: list[str], corpus: CorpusView) -> bool:
        return all(anchored_to(span, [name], corpus, self.lexicon) for name in names)

    def _coverage_across_languages(self, weights: TermWeights, chosen: list[Candidate], question: Question) -> float:
        """The share of the question's terms the chosen sentences say, counting those that a sentence in
        another language says in its own words ("jobs" by "emplois") where no stem or lexicon entry could."""
        if self.phrases is None or not any((c.span.passage.language or question.language) != question.language
                                           for c in chosen):
            return 0.0
        covered = {w for c in chosen for w in c.covered}
        said = {w for w in weights if w not in covered and self._said_across_languages(w, question, chosen)}
        return term_coverage(covered | said, weights)

    def _said_across_languages(self, phrase: str, question: Question, chosen: list[Candidate]) -> bool:
        """A sentence in another language than the question's says ``phrase`` in its own words."""
        return self.phrases is not None and any(
            (c.span.passage.language or question.language) != question.language and self.phrases.says(phrase, c.span.text)
            for c in chosen)

    def _of_the_asked_year_and_rank(self, draft: Draft, question: Question, corpus: CorpusView) -> Draft:
        """Quotes that date themselves to other years only ("In 2021, …" asked about 2022), or that number the
        thing asked with another ordinal only ("the tenth season" asked about the first), are dropped: the
        passage may name the asked one elsewhere, but what the quote states is another's."""
        if draft.computed or not draft.evidence:
            return draft
        checks: list[_OffQuote] = []
        if question.years:
            asked = set(question.years)
            checks.append(_OffQuote(lambda s: _states_only_other_years(s.text, asked), reason=(
                f"the closest sentences are about other years than {' or '.join(str(y) for y in sorted(asked))}")))
        counted = counted_noun(question.text, question.language)
        if counted:
            checks.append(_OffQuote(
                lambda s: states_another_ordinal(s.text, s.passage.language or question.language, counted),
                reason=f"the closest sentences are about another {' or '.join(n for _, n in counted)} than the one asked"))
        wanted = set(question.targets) - {"reason"}
        for off, reason in checks:
            kept = [s for s in draft.evidence if not off(s)]
            if len(kept) == len(draft.evidence):
                continue
            if not kept or wanted and not any(
                    targets_in(s.text, question, self.lexicon, corpus.recipients) & wanted for s in kept):
                # What is left beside the dropped quotes does not state what is asked: it framed them.
                return Draft(True, reason=reason, considered=list(draft.evidence))
            lead, cites = _gloss(question, kept, self.lexicon)
            draft = dataclasses.replace(draft, evidence=kept, lead=lead, lead_cites=cites)
        return draft

    def _add_similarity(self, question: Question, candidates: list[Candidate]) -> None:
        best = sorted(candidates, key=lambda c: (-c.score, c.span.rank, c.span.start))[:SEMANTIC_CANDIDATES]
        scores = self.similarity(question.text, [c.span for c in best])
        low, high = min(scores), max(scores)
        if high - low < 1e-6:
            return
        for candidate, score in zip(best, scores):
            candidate.score += SEMANTIC_WEIGHT * (score - low) / max(high - low, SEMANTIC_MIN_SPREAD)

    def _complete(self, best: Candidate, candidates: list[Candidate], question: Question,
                  weights: TermWeights) -> list[Candidate]:
        """Add at most two more sentences, each only if it brings a missing target or uncovered terms."""
        chosen = [best]
        for _ in range(2):
            have_targets = {t for c in chosen for t in c.targets} & set(question.targets)
            have_terms = {w for c in chosen for w in c.covered}
            missing_targets = set(question.targets) - have_targets - {"place", "reason"} if question.targets else set()

            def gain(c: Candidate) -> float:
                new_targets = len((c.targets & missing_targets))
                new_cov = term_coverage(set(c.covered) - have_terms, weights)
                near = any(c.span.passage.passage_id == x.span.passage.passage_id for x in chosen)
                return 2.0 * new_targets + new_cov + 0.3 * c.coverage + (0.3 if near else 0.0)

            pool = [c for c in candidates if c not in chosen and c.span.text not in {x.span.text for x in chosen}
                    and c.coverage >= MIN_COVERAGE / 2
                    and (c.targets & missing_targets or term_coverage(set(c.covered) - have_terms, weights) >= 0.25)]
            if not pool:
                break
            nxt = max(pool, key=lambda c: (gain(c), c.score))
            if gain(nxt) < 0.5:
                break
            chosen.append(nxt)
        return chosen


class _OffQuote(NamedTuple):
    """A quote the question's constraints rule out (``off``), and the reason given when none is left."""
    off: Callable[[Span], bool]
    reason: str


def _sentence_after(span: Span) -> Span | None:
    """The sentence right after ``span`` in its passage (only blank space between them), if any."""
    text = span.passage.text
    following = [(start, end) for start, end in sentences(text) if start >= span.end]
    if not following or text[span.end:following[0][0]].strip():
        return None
    start, end = following[0]
    return None if is_inert(span.passage, start, end) else Span(span.passage, start, end, span.rank)


def _states_only_other_years(text: str, asked: set[int]) -> bool:
    """The sentence dates itself, and never to a year the question asks about: "In 2021, …" for 2022."""
    stated = {int(q.value) for q in quantities(text) if q.kind == "year"} | season_years(text)
    return bool(stated) and not stated & asked


_GLOSSED_KINDS = {"amount": "money", "percent": "percent", "count": "count"}  # target -> quantity kind


def _gloss(question: Question, evidence: list[Span], lexicon: Lexicon, answering: Span | None = None) -> tuple[str, int]:
    """The value asked for, stated first, with the span that states it, when the quotes state exactly
    one value of the kind asked (other than the question's own numbers): an amount in the reader's
    convention, a percentage or a count as the source writes it, a date in the reader's language, a
    person's name as written."""
    if question.targets and question.targets[0] == "date":
        return _one_stated(question, [(span.text[start:end], n) for n, span in enumerate(evidence, start=1)
                                      for start, end in date_mentions(span.text, question.years)])
    if question.targets and question.targets[0] == "person":
        # Only the sentence that answers names the one asked: "the vendor is eStub" beside "a play by Ines
        # Marrow" does not make Ines Marrow the vendor.
        asked = {fold(e) for e in question.entities}
        return _one_stated(question, [(name, n) for n, span in enumerate(evidence, start=1)
                                      if answering is None or span == answering
                                      for name in person_names(span.text, asked, lexicon)])
    kind = _GLOSSED_KINDS.get(question.targets[0]) if question.targets else None
    if kind is None:
        return "", 1
    assumed = {q.value for q in question.quantities}
    stated = [(q, n) for n, span in enumerate(evidence, start=1)
              for q in quantities(span.text) if q.kind == kind and q.value not in assumed]
    if len({(q.value, q.currency) for q, _ in stated}) != 1:
        return "", 1
    q, n = stated[0]
    if kind == "money":
        return format_amount(q.value, question.language, q.currency or "USD"), n
    return q.text, n


def _one_stated(question: Question, stated: list[tuple[str, int]]) -> tuple[str, int]:
    """The one value the quotes state (a date in the reader's language, a name as written), with the quote
    that states it; nothing when they state none or several."""
    if len({" ".join(fold(text).split()) for text, _ in stated}) != 1:
        return "", 1
    text, n = stated[0]
    return (read_date_mention(text, question.language) if question.targets[0] == "date" else text), n
