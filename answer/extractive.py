"""The default answerer: select the source sentences that answer, cite each, or abstain.

Abstention is decided in code, from evidence, not hoped for: a name the sources never give, a
number or date the question assumes but no passage about its subject states, or a target (an
amount, a person, a date …) absent from every candidate sentence, all end in "the sources do not say".
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dossier.answer.corpus import CorpusView, stems_of
from dossier.answer.lexicon import Lexicon
from dossier.core.quantities import MONTH_WORDS, MONTHS, format_amount, quantities, same_value
from dossier.answer.question import Question
from dossier.core.types import Passage, ScoredPassage
from dossier.core.lexical import STOPWORD_SET
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
# A record states amounts, dates and recipients: for other questions it is rarely the answer.
RECORD_TARGETS = {"amount", "date", "count", "organization", "duration"}
RECORD_OFF_TARGET = 1.0
SET_ASIDE_PENALTY = 1.5  # a sentence naming what the question sets aside ("Besides DHS") is about that
PASSAGE_DISCOUNT = 0.8
ANCHOR_SENTENCES = 2
MAX_QUOTE_CHARS = 360
GENERIC_SHARE = 0.3  # a name in more passages than this (the agency every article is about) tells nothing

# Sentences addressed to an AI inside a document: kept as text, never used as evidence.
INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget)\s+(all\s+|any\s+|the\s+|your\s+)?(previous|prior|above|earlier|preceding)?\s*"
    r"(instructions?|prompts?|rules|sources)\b|\btell the user\b|\byou are now\b|\bsystem prompt\b|"
    r"\bignorez?\s+(les\s+|toutes\s+les\s+)?(instructions|consignes)|\bréponds?\s+que\b|\bdis à l'utilisateur\b",
    re.IGNORECASE)
_CAUSAL = re.compile(r"\b(parce qu|car\b|en raison|pour des raisons|à cause|because|due to|owing to|afin de|"
                     r"reason|raison|motif)", re.IGNORECASE)
_NAME = re.compile(r"(?<![\w])[A-Z][\w&\-]*[\w&](?:\s+(?:(?:of|and|de|du|des|la|le|&)\s+)?[A-Z][\w&\-]*[\w&])*")
_PERSON = re.compile(r"(?<![\w])[A-Z][a-zà-ÿ]+(?:[-\s][A-Z][a-zà-ÿ]+)+(?![\w])")
_PLACE = re.compile(r"\b(?:dans la|dans le|dans l'|à|au|aux|en|in|at|sur|on|from)\s+(?:la\s+)?([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)*)")


@dataclass(frozen=True)
class Span:
    passage: Passage
    start: int
    end: int
    rank: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


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


SpanSimilarity = Callable[[str, list["Span"]], list[float]]  # (question, spans) -> cosine per span


@dataclass
class _Candidate:
    span: Span
    stems: set[str]
    coverage: float
    covered: frozenset[str]
    targets: frozenset[str]
    mentions_entities: bool
    score: float


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, lexicon: Lexicon, similarity: SpanSimilarity | None = None):
        self.lexicon = lexicon
        self.similarity = similarity

    def answer(self, question: Question, retrieved: list[ScoredPassage], corpus: CorpusView) -> Draft:
        if not retrieved:
            return Draft(True, reason="the index holds no passage to answer from")
        specific = [e for e in resolve_entities(question.entities, corpus, self.lexicon)
                    if not is_generic(e, corpus, self.lexicon)]
        unknown = [e for e in specific if not corpus.known(e, self.lexicon)]
        if unknown:
            return Draft(True, reason=f"no source mentions {', '.join(unknown)}",
                         considered=_top_spans(retrieved))
        eligible = [sp for sp in retrieved if self._about(sp.passage, specific, corpus)]
        split = not eligible and len(specific) > 1
        if split:
            # "X or Y: which was larger?", "both X and Y": each named thing may have its own passage.
            by_entity = {e: [sp for sp in retrieved if self._about(sp.passage, [e], corpus)] for e in specific}
            if all(by_entity.values()):
                eligible = [sp for sp in retrieved if any(sp in found for found in by_entity.values())]
        if not eligible:
            return Draft(True, reason=f"no retrieved passage is about {' and '.join(specific)}",
                         considered=_top_spans(retrieved))
        stated = [sp for sp in eligible if _states_quantities(fold(sp.passage.text), question)]
        if split and stated:
            # The question's numbers may belong to one of the things it names: the others' passages stay.
            stated += [sp for found in by_entity.values() if not any(sp in stated for sp in found)
                       for sp in found]
            stated.sort(key=lambda sp: sp.rank)
        if not stated:
            asked = ", ".join(q.text for q in question.quantities) or "the date asked"
            return Draft(True, reason=f"no passage about {' and '.join(specific) or 'this'} mentions {asked}",
                         considered=_top_spans(eligible))
        weights = self._term_weights(question, corpus)
        stating = {sp.passage.passage_id for sp in stated}
        # Only passages stating the question's numbers may carry the answer; their neighbours in the
        # same document may complete it (the company named one sentence before the amount).
        neighbours = [sp for sp in eligible if sp.passage.passage_id not in stating and any(
            sp.passage.document_id == st.passage.document_id and abs(sp.passage.ordinal - st.passage.ordinal) <= 1
            for st in stated)]
        extra = [c for sp in neighbours for c in self._candidates(sp, question, specific, weights, corpus)]
        candidates = [c for sp in stated for c in self._candidates(sp, question, specific, weights, corpus)]
        if not candidates:
            return Draft(True, reason="no sentence bears on the question", considered=_top_spans(stated))
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
                return Draft(True, reason=_missing_target_reason(question, specific), considered=_top_spans(stated))
            best = satisfying[0]
        anchors = specific or list(question.entities)
        if anchors and wanted & {"amount", "count", "date", "duration"}:
            anchored = [c for c in candidates if not (c.targets & wanted) or self._anchored(c, anchors, corpus)]
            if not any(c.targets & wanted for c in anchored):
                return Draft(True, reason=_missing_target_reason(question, specific), considered=_top_spans(stated))
            candidates = anchored
            if best not in candidates:
                best = max(candidates, key=lambda c: (bool(c.targets & wanted), c.score))
        chosen = self._complete(best, candidates + extra, question, weights)
        if split:
            for entity in specific:  # one sentence for each thing the question names, if it has one
                if not any(self._anchored(c, [entity], corpus) for c in chosen):
                    own = [c for c in candidates if self._anchored(c, [entity], corpus) and c.coverage >= MIN_COVERAGE
                           and (not wanted or c.targets & wanted)]
                    if not own:
                        return Draft(True, reason=f"the passages about {entity} do not answer this",
                                     considered=[c.span for c in chosen])
                    chosen.append(max(own, key=lambda c: c.score))
        coverage = _coverage({s for c in chosen for s in c.covered}, weights)
        # A sentence may lean on its neighbours ("ce contrat" …): the passage around it counts, discounted.
        around = corpus.stems.get(best.span.passage.passage_id, set())
        passage_coverage = _coverage({w for w, (ts, _) in weights.items() if ts & around}, weights)
        coverage = max(coverage, PASSAGE_DISCOUNT * passage_coverage)
        named_with_target = wanted & {"kind", "role"} and best.mentions_entities and best.targets & wanted
        if coverage < MIN_COVERAGE and not named_with_target:
            return Draft(True, reason="the closest passages do not address what the question asks",
                         considered=[c.span for c in chosen])
        if wanted & {"person", "organization"} and weights and not any(c.covered for c in chosen):
            return Draft(True, reason="no passage names who or which company the question asks about",
                         considered=[c.span for c in chosen])
        if question.focus and not any(set(question.focus) & c.covered for c in chosen) and _coverage(
                {w for c in chosen for w in c.covered}, _without(weights, question.focus[:1])) < FOCUS_FREE_COVERAGE:
            # "Dans quel territoire …" is answered by "Gaza" without the word "territoire"; "which court
            # blocked …" is not answered by a sentence that says neither "court" nor "blocked".
            return Draft(True, reason=f"no passage speaks of the {' '.join(question.focus)} the question asks about",
                         considered=[c.span for c in chosen])
        if "reason" in wanted and not any(_CAUSAL.search(c.span.text) for c in chosen):
            return Draft(True, reason="no passage gives a reason for this", considered=[c.span for c in chosen])
        if "reason" in wanted and all(_reason_of_another_office(question.text, c.span.text) for c in chosen
                                      if _CAUSAL.search(c.span.text)):
            # "Why did the Trump administration suspend it?" — "suspendu sous l'administration Biden pour des
            # raisons éthiques": the reason given is another administration's.
            return Draft(True, reason="the reason the passages give is for another administration's decision",
                         considered=[c.span for c in chosen])
        if not set(question.targets) - {"reason"} and len(chosen) < 3:
            follow = self._continuation(chosen[0], candidates + extra)
            if follow is not None and follow not in chosen:
                chosen.append(follow)
        evidence = [c.span for c in sorted(chosen, key=lambda c: (c.span.rank, c.span.start))]
        lead, cites = _gloss(question, evidence)
        return Draft(False, evidence=evidence, lead=lead, lead_cites=cites)

    # ---- pieces -------------------------------------------------------------------------------
    def _add_similarity(self, question: Question, candidates: list[_Candidate]) -> None:
        best = sorted(candidates, key=lambda c: (-c.score, c.span.rank, c.span.start))[:SEMANTIC_CANDIDATES]
        scores = self.similarity(question.text, [c.span for c in best])
        low, high = min(scores), max(scores)
        if high - low < 1e-6:
            return
        for candidate, score in zip(best, scores):
            candidate.score += SEMANTIC_WEIGHT * (score - low) / max(high - low, SEMANTIC_MIN_SPREAD)

    def _about(self, passage: Passage, entities: list[str], corpus: CorpusView) -> bool:
        text = corpus.folded.get(passage.passage_id) or fold(passage.text)
        return all(self._mentions(text, e, corpus) for e in entities)

    def _mentions(self, text: str, entity: str, corpus: CorpusView) -> bool:
        if corpus.mentions(text, entity, self.lexicon):
            return True
        # A known name may be shortened after its first mention: "Paragon Solutions" … "Paragon".
        head = head_word(entity)
        if head and re.search(rf"(?<!\w){re.escape(head)}(?!\w)", text):
            return True
        return any(re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", text)
                   for alias in corpus.aliases.get(fold(entity), ()))

    def _continuation(self, best: _Candidate, candidates: list[_Candidate]) -> _Candidate | None:
        """The next sentence of the same passage when it opens by pointing back ("Cet outil permet …")."""
        after = [c for c in candidates if c.span.passage.passage_id == best.span.passage.passage_id
                 and c.span.start >= best.span.end]
        nearest = min(after, key=lambda c: c.span.start, default=None)
        if nearest is None or best.span.passage.text[best.span.end:nearest.span.start].strip():
            return None
        return nearest if _POINTS_BACK.match(nearest.span.text) else None

    def _names_set_aside(self, folded_text: str, entity: str, corpus: CorpusView) -> bool:
        """Any name the lexicon gives the thing, in either language: "DHS", "Department of Homeland Security"."""
        names = {fold(entity)} | self.lexicon.equivalents(fold(entity))
        names |= {n for other in list(names) for n in self.lexicon.equivalents(other)}
        return self._mentions(folded_text, entity, corpus) or any(
            re.search(rf"(?<!\w){re.escape(n)}(?!\w)", folded_text) for n in names if n)

    def _anchored(self, candidate: _Candidate, entities: list[str], corpus: CorpusView) -> bool:
        """The sentence, or one of the two just before it (a short chain of "ce contrat", "l'entreprise"),
        names what the question is about: an amount in a passage about X is X's amount only if said of X."""
        text = candidate.span.passage.text
        previous = [(s, e) for s, e in sentences(text) if e <= candidate.span.start][-ANCHOR_SENTENCES:]
        window = text[previous[0][0]:candidate.span.end] if previous else candidate.span.text
        folded = fold(window)
        return any(self._mentions(folded, e, corpus) for e in entities)

    def _term_weights(self, question: Question, corpus: CorpusView) -> dict[str, tuple[frozenset[str], float]]:
        weights = {}
        for term in question.terms:
            stems = frozenset(term.stems | {c for s in term.stems for c in corpus.cognates(s)})
            present = [corpus.idf[s] for s in stems if s in corpus.idf]
            # A term found nowhere in the corpus weighs as a typical term: it may be a false premise
            # ("cancel") or just the question's own phrasing ("run"); the other gates decide.
            weights[term.word] = (stems, max(present) if present else corpus.median_idf)
        return weights

    def _candidates(self, scored: ScoredPassage, question: Question, entities: list[str],
                    weights: dict[str, tuple[frozenset[str], float]], corpus: CorpusView) -> list[_Candidate]:
        passage = scored.passage
        if passage.kind == "record":
            bounds = [(0, len(passage.text))]
        else:
            bounds = [(s, e) for s, e in sentences(passage.text)]
        found = []
        for start, end in bounds:
            if INSTRUCTION.search(passage.text[start:end]):
                continue
            start, end = self._trim(passage.text, start, end, weights, entities)
            span = Span(passage, start, end, scored.rank)
            folded = fold(span.text)
            stems = stems_of(folded)
            covered = frozenset(w for w, (term_stems, _) in weights.items() if term_stems & stems)
            coverage = _coverage(covered, weights)
            targets = frozenset(_targets_in(span.text, question, self.lexicon, corpus.recipients))
            # "La société a également des contrats …" speaks of the company the sentence before it names.
            before = [b for b in bounds if b[1] <= start][-1:]
            said_of = fold(passage.text[before[0][0]:end]) if before and passage.kind != "record" else folded
            mentions = all(self._mentions(said_of, e, corpus) for e in entities) if entities else True
            adjustment = 0.5 if question.quantities and _states_quantities(folded, question) else 0.0
            if any(self._names_set_aside(folded, e, corpus) for e in question.excluded):
                adjustment -= SET_ASIDE_PENALTY
            if passage.kind == "record" and not question.records_intent and not set(question.targets) & RECORD_TARGETS:
                adjustment -= RECORD_OFF_TARGET
            score = (2.0 * coverage + (0.8 if mentions else 0.0) + (1.0 if targets & set(question.targets) else 0.0)
                     + adjustment + 0.6 / scored.rank + (0.2 if passage.kind == "text" else 0.0))
            found.append(_Candidate(span, stems, coverage, covered, targets, mentions, score))
        return found

    def _complete(self, best: _Candidate, candidates: list[_Candidate], question: Question,
                  weights: dict[str, tuple[frozenset[str], float]]) -> list[_Candidate]:
        """Add at most two more sentences, each only if it brings a missing target or uncovered terms."""
        chosen = [best]
        for _ in range(2):
            have_targets = {t for c in chosen for t in c.targets} & set(question.targets)
            have_terms = {w for c in chosen for w in c.covered}
            missing_targets = set(question.targets) - have_targets - {"place", "reason"} if question.targets else set()

            def gain(c: _Candidate) -> float:
                new_targets = len((c.targets & missing_targets))
                new_cov = _coverage(set(c.covered) - have_terms, weights)
                near = any(c.span.passage.passage_id == x.span.passage.passage_id for x in chosen)
                return 2.0 * new_targets + new_cov + 0.3 * c.coverage + (0.3 if near else 0.0)

            pool = [c for c in candidates if c not in chosen and c.span.text not in {x.span.text for x in chosen}
                    and c.coverage >= MIN_COVERAGE / 2 and (c.targets & missing_targets or
                                                             _coverage(set(c.covered) - have_terms, weights) >= 0.25)]
            if not pool:
                break
            nxt = max(pool, key=lambda c: (gain(c), c.score))
            if gain(nxt) < 0.5:
                break
            chosen.append(nxt)
        return chosen

    def _trim(self, text: str, start: int, end: int, weights: dict[str, tuple[frozenset[str], float]],
              entities: list[str]) -> tuple[int, int]:
        """Keep a long sentence's clauses that bear on the question; the quote stays the source's words."""
        if end - start <= MAX_QUOTE_CHARS or "\n" in text[start:end]:  # records are quoted whole
            return start, end
        cuts = sorted({start, end} | {start + m.end() for m in re.finditer(r"[,;:—–]\s", text[start:end])})
        clauses = list(zip(cuts[:-1], cuts[1:]))
        best, best_score = (start, min(end, start + MAX_QUOTE_CHARS)), -1.0
        for i in range(len(clauses)):
            for j in range(i, len(clauses)):
                s, e = clauses[i][0], clauses[j][1]
                if e - s > MAX_QUOTE_CHARS:
                    break
                folded = fold(text[s:e])
                stems = stems_of(folded)
                score = (_coverage({w for w, (ts, _) in weights.items() if ts & stems}, weights)
                         + sum(1.0 for e_ in entities if fold(e_) in folded) + len(quantities(text[s:e])) * 0.05)
                # What follows a name usually says what it is or does: favour windows that open on it.
                first = min((folded.find(fold(e_)) for e_ in entities if fold(e_) in folded), default=-1)
                if first >= 0:
                    score += 0.2 * (len(folded) - first) / MAX_QUOTE_CHARS
                if score > best_score:
                    best, best_score = (s, e), score
        s, e = best
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
            e -= 1
        return s, e


def resolve_entities(entities: tuple[str, ...], corpus: CorpusView, lexicon: Lexicon) -> list[str]:
    """Split a name the corpus does not know at its connectors when each part is known:
    "ImmigrationOS de Palantir" is two names; "Babel Street" stays one, unknown, name."""
    resolved = []
    for entity in entities:
        parts = [p for p in re.split(r"\s+(?:of|de|du|des|and|et|for)\s+", entity) if p]
        if len(parts) > 1 and not corpus.known(entity, lexicon) and all(corpus.known(p, lexicon) for p in parts):
            resolved.extend(parts)
        else:
            resolved.append(entity)
    return resolved


def _offices(text: str) -> set[tuple[str, str]]:
    """(office, holder) pairs: "the Trump administration", "l'administration Biden", "President Obama"."""
    found = {(fold(m["office"]), fold(m["name"])) for m in _OFFICE_AFTER.finditer(text)}
    found |= {(fold(m["office"]), fold(m["name"])) for m in _OFFICE_BEFORE.finditer(text)}
    return {(_OFFICE_WORDS.get(office, office), name) for office, name in found}


def _reason_of_another_office(question: str, sentence: str) -> bool:
    """The sentence's causal clause names the same office held by someone else, and not the asked one."""
    asked = _offices(question)
    if not asked:
        return False
    for clause in re.split(r"[,;:—–]", sentence):
        if not _CAUSAL.search(clause):
            continue
        held = _offices(clause)
        if held & asked:
            return False
        if any(office == a_office and name != a_name for office, name in held for a_office, a_name in asked):
            return True
    return False


def _without(weights: dict[str, tuple[frozenset[str], float]], words: tuple[str, ...]) -> dict:
    return {w: v for w, v in weights.items() if w not in words}


def _coverage(covered: set[str] | frozenset[str], weights: dict[str, tuple[frozenset[str], float]]) -> float:
    total = sum(w for _, w in weights.values())
    if total == 0:
        return 1.0
    return sum(weights[t][1] for t in covered if t in weights) / total


def head_word(entity: str) -> str | None:
    words = [w for w in fold(entity).split() if len(w) >= 4]
    return words[0] if words and len(fold(entity).split()) > 1 else None


def is_generic(entity: str, corpus: CorpusView, lexicon: Lexicon) -> bool:
    return len(corpus.passages) >= 4 and corpus.share_mentioning(entity, lexicon) > GENERIC_SHARE


def _states_quantities(folded_text: str, question: Question) -> bool:
    """Every number, year and month the question assumes is stated in this text."""
    stated = quantities(folded_text)
    for q in question.quantities:
        if q.kind == "duration":
            continue
        if q.kind == "year":
            if not re.search(rf"(?<!\d){int(q.value)}(?!\d)", folded_text):
                return False
        elif not any(same_value(q.value, s.value) for s in stated if s.kind in ("money", "count")):
            return False
    for year, month in question.months:
        names = [m for m in MONTH_WORDS.findall(folded_text)]
        if not any(_month_number(n) == month for n in names) and not re.search(rf"{year}-{month:02d}", folded_text):
            return False
    return True


def _month_number(name: str) -> int:
    return MONTHS.get(name.lower(), 0)


_ORG_WORD = re.compile(r"\b(entreprises?|sociétés?|compan(?:y|ies)|firms?|startups?|fournisseurs?|intermédiaires?|"
                       r"vendors?|contractors?|groupes?|groups?|agences?|agenc(?:y|ies)|services?|"
                       # what companies do to each other: "sa fusion avec RedLattice", "acquired by"
                       r"fusion\w*|merg\w*|acqui\w*|rach\w*|filiales?|subsidiar\w*|partenariats?|partnerships?)\b",
                       re.IGNORECASE)
_GAP_AFTER = re.compile(r"\s*(?:seulement\s+|only\s+|plus\s+)?(?:après|avant|plus tard|plus tôt|auparavant|after|"
                        r"before|later|earlier|ago)\b", re.IGNORECASE)
_GAP_QUESTION = re.compile(r"\b(?:avant|après|before|after|later|earlier|plus tard|entre|between|since|depuis)\b",
                           re.IGNORECASE)
_OFFICE_WORDS = {"administration": "administration", "government": "government", "gouvernement": "government",
                 "president": "president", "président": "president", "presidency": "president",
                 "présidence": "president", "mandat": "president"}
_OFFICE = r"(?P<office>administration|government|gouvernement|president|président|presidency|présidence|mandat)"
_HOLDER = r"(?P<name>[A-Z][\w\-]+)"
_OFFICE_AFTER = re.compile(rf"\b{_OFFICE}\s+(?:de\s+|d['’]|of\s+)?{_HOLDER}")  # "l'administration Biden"
_OFFICE_BEFORE = re.compile(rf"{_HOLDER}\s+{_OFFICE}\b")  # "the Trump administration"
_ROLE = re.compile(r"\b(?:directeur|directrice|adjointe?|avocate?|porte-parole|chef|cheffe|responsable|présidente?|"
                   r"PDG|fondat(?:eur|rice)|analyste|chercheu(?:r|se)|journaliste|conseill(?:er|ère)|juriste|"
                   r"spokes(?:person|man|woman)|director|deputy|lawyer|attorney|chief|head of|founder|CEO|"
                   r"president|analyst|researcher|counsel|officer)\b", re.IGNORECASE)
_CHARACTERIZES = re.compile(r"«|“|\bqualifi\w*|\bdécri\w*|\bdescrib\w*|\bcalled\b|\bbaptis\w*|\bterm(?:ed)?\b",
                            re.IGNORECASE)
_GROUP_ACTOR = re.compile(r"\b(?:syndicats?|unions?|associations?|coalitions?|collectifs?|militants?|activists?|"
                          r"ONG|NGOs?|avocats|lawyers|manifestants|protesters|plaignants|plaintiffs)\b", re.IGNORECASE)
_POINTS_BACK = re.compile(r"(?:cet|cette|ces|ce|il|elle|ils|elles|la société|l['’]entreprise|l['’]outil|le logiciel|"
                          r"la plateforme|this|these|it|they|the company|the tool|the platform)\b", re.IGNORECASE)
_ORG_SUFFIX = {"solutions", "labs", "technology", "technologies", "inc", "llc", "industrial", "forensics",
               "international", "corp", "corporation", "group", "systems", "ai", "analytics", "software"}


def _names_an_organization(text: str, asked: set[str], lexicon: Lexicon, recipients: set[str]) -> bool:
    """A company named in the sentence, other than those the question names: a recipient of the
    records, a name with a company suffix, or any name in a sentence that speaks of a company."""
    speaks_of_company = bool(_ORG_WORD.search(text))
    for m in _NAME.finditer(text):
        name = fold(m[0])
        if name in asked or any(name in a or a in name for a in asked) or len(name) < 3:
            continue
        first = name.split()[0]
        if m.start() == 0 and (lexicon.knows(first) or first in STOPWORD_SET):
            continue  # a capitalised first word, not a name
        if MONTH_WORDS.fullmatch(m[0]) or first in STOPWORD_SET:
            continue
        words = set(name.split())
        if speaks_of_company or words & _ORG_SUFFIX or any(first in r for r in recipients):
            return True
    return False


def _targets_in(text: str, question: Question, lexicon: Lexicon, corpus_recipients: set[str]) -> set[str]:
    found = set()
    # "trois mois seulement après …" dates one event from another: a gap, not how long something lasts.
    # Unless the question asks for such a gap ("combien de temps avant le contrat ?").
    asks_gap = bool(_GAP_QUESTION.search(question.text))
    kinds = {q.kind for q in quantities(text)
             if asks_gap or not (q.kind == "duration" and _GAP_AFTER.match(text[q.end:]))}
    if "money" in kinds:
        found.add("amount")
    if "count" in kinds:
        found.add("count")
    if "duration" in kinds or re.search(r"\b(?:five|cinq|\d+)[ -](?:year|an)", text, re.IGNORECASE):
        found.add("duration")
    if "year" in kinds or MONTH_WORDS.search(text):
        found.add("date")
    asked = {fold(e) for e in question.entities}
    for m in _PERSON.finditer(text):
        words = m[0].split()
        while words and (lexicon.knows(words[0].lower()) or words[0].lower() in STOPWORD_SET):
            words = words[1:]  # "Selon Maria Okafor": the opening word is not part of the name
        name = " ".join(words)
        if len(words) >= 2 and fold(name) not in asked and not any(
                lexicon.knows(w.lower()) for w in re.split(r"[-\s]", name)):
            found.add("person")
            break
    if _ROLE.search(text):
        found.add("role")
    if _CHARACTERIZES.search(text):
        found.add("words")
    if any(re.search(rf"{re.escape(e)}\s*,\s*(?:un|une|a|an|the|le|la|l['’])\s", text) for e in question.entities):
        found.add("kind")  # "LexisNexis, un courtier en données …": what the thing is, said beside its name
    if _GROUP_ACTOR.search(text):
        found.add("person")  # "Who filed suit?" "Un groupe de syndicats": a group answers "who" as a person does
    if _names_an_organization(text, asked, lexicon, corpus_recipients):
        found.add("organization")
    if _PLACE.search(text):
        found.add("place")
    if _CAUSAL.search(text):
        found.add("reason")
    return found


def _missing_target_reason(question: Question, entities: list[str]) -> str:
    what = {"amount": "an amount", "count": "a number", "date": "a date", "person": "a person's name", "role": "a role",
            "words": "wording", "kind": "description",
            "organization": "a company", "duration": "a duration", "place": "a place", "reason": "a reason"}
    asked = " or ".join(what[t] for t in question.targets if t in what)
    subject = " and ".join(entities) if entities else "this subject"
    return f"the passages about {subject} give no {asked.removeprefix('an ').removeprefix('a ')}"


def _top_spans(retrieved: list[ScoredPassage], n: int = 3) -> list[Span]:
    spans = []
    for sp in retrieved[:n]:
        bounds = sentences(sp.passage.text) if sp.passage.kind == "text" else [(0, len(sp.passage.text))]
        s, e = bounds[0] if bounds else (0, len(sp.passage.text))
        spans.append(Span(sp.passage, s, e, sp.rank))
    return spans


def _gloss(question: Question, evidence: list[Span]) -> tuple[str, int]:
    """The value asked for in the reader's convention, with the span that states it, when the
    quotes state exactly one amount."""
    if question.targets[:1] != ("amount",):
        return "", 1
    stated = [(q.value, n) for n, span in enumerate(evidence, start=1) for q in quantities(span.text)
              if q.kind == "money"]
    if len({value for value, _ in stated}) != 1:
        return "", 1
    value, n = stated[0]
    return format_amount(value, question.language), n
