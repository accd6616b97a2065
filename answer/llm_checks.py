"""Whether a sentence of the model's reply is supported by the passages it cites.

A sentence with no citation, citing a passage the model was not shown, or stating a number, a date,
a code or a name that its cited passages do not contain is unsupported. A supported sentence keeps,
for each passage it cites, the passage sentence that best supports it: the quote its citation shows.
"""
from __future__ import annotations

import re
import unicodedata

from dossier.answer.corpus import CorpusView, stems_of
from dossier.answer.draft import Span
from dossier.answer.inert import is_inert, readable_text
from dossier.answer.lexicon import Lexicon
from dossier.answer.llm_prompt import Checked, cited_numbers
from dossier.core.quantities import quantities, same_value
from dossier.core.types import ScoredPassage
from dossier.core.lexical import STOPWORD_SET, bilingual_stem
from dossier.core.text import fold, sentences

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?!\d)|(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_CAP = rf"[{_UPPER}][\w&]*(?:-[\w&]+)*"
_NAME_RUN = re.compile(rf"(?<![\w&]){_CAP}(?:\s+(?:(?:of|and|for|de|du|des|la|le|the|&)\s+)?{_CAP})*")
_CAP_WORD = re.compile(_CAP)
_OPENERS = "\"'«“‘(:—–-•*"
_FUNCTION_WORDS = frozenset(
    """
    i we he she they it you his her its our their your my me us them this these those there here what which
    who whom whose when where why how also however but yet so then thus still according after before since
    while although though because as if in on at by for from with without about under over between during
    all both each some many most several no not none one another other such
    il elle ils elles on nous vous je tu ce cet cette ces celui celle ceux selon cependant mais donc ainsi
    alors puis aussi depuis pendant avant après lors quand dont où tous toutes chaque plusieurs aucun aucune
    mr mrs ms dr m mme mlle mmes me pr prof st sr jr
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche
    """.split()
) | STOPWORD_SET
_WORDS = re.compile(r"\w+")
_DIGIT_TOKEN = re.compile(r"[\w$€%./:\-]*\d[\w$€%./:\-]*")


def check_sentence(sentence: str, claim: str, shown: list[ScoredPassage], corpus: CorpusView,
                   lexicon: Lexicon) -> tuple[str | None, Checked | None]:
    """Why ``sentence`` (its ``claim`` without markers) is unsupported, or None and what supports it."""
    cited = cited_numbers(sentence)
    if not cited:
        return "no citation", None
    outside = [n for n in cited if not 1 <= n <= len(shown)]
    if outside:
        return f"cites passage {outside[0]}, but only {len(shown)} were given", None
    texts = [readable_text(shown[n - 1].passage) for n in cited]  # an instruction a passage holds supports nothing
    problem = _unsupported(claim, texts, corpus, lexicon)
    where = ", ".join(dict.fromkeys(shown[n - 1].passage.source for n in cited))
    if problem:
        return f"{problem} in {where}", None
    spans: dict[int, Span] = {}
    for n in cited:
        span, score = _best_span(claim, shown[n - 1], corpus, lexicon)
        if score > 0:
            spans[n] = span
    if not spans:
        return f"shares nothing with {where}", None
    return None, Checked(sentence, [n for n in cited if n in spans], spans)


def _unsupported(claim: str, texts: list[str], corpus: CorpusView, lexicon: Lexicon) -> str | None:
    """Why the cited passages do not support the claim's numbers or names, or None."""
    raw = "\n".join(texts)
    folded = fold(raw)
    stated = [q.value for q in quantities(raw)]
    digit_runs = set(re.findall(r"\d+", folded))
    # A numeric date ("2024-09-27", "09/27/2024") states its day, month and year, as whole
    # numbers a claimed date may give ("September 27, 2024"), but never an amount of money.
    parts = [float(run) for m in _NUMERIC_DATE.finditer(raw) for run in m.groups() if run]
    # A number glued to letters ("70CMSD24") is part of a code, checked as a token below.
    claimed = [q for q in quantities(claim) if not (q.end < len(claim) and claim[q.end].isalnum())]
    for q in claimed:
        pool = stated + parts if q.kind in ("count", "year", "day") and q.value == int(q.value) else stated
        if not any(same_value(q.value, v) for v in pool):
            return f"{q.text!r} is not stated"
    for m in _DIGIT_TOKEN.finditer(claim):
        token = m.group(0).strip(".,:;/-")
        if not token or any(q.start <= m.start() and m.end() <= q.end for q in claimed):
            continue
        if fold(token) in folded or all(run in digit_runs for run in re.findall(r"\d+", token)):
            continue
        return f"{token!r} is not stated"
    stems = stems_of(folded)
    bare = _strip_accents(folded)
    for name in _names(claim):
        if not any(_name_supported(form, folded, stems, bare, corpus, lexicon) for form in name):
            return f"{name[-1]!r} is not named"
    return None


def _names(claim: str) -> list[list[str]]:
    """Each name the claim states, as alternative forms (a sentence-initial word may be just capitalised)."""
    names = []
    for m in _NAME_RUN.finditer(claim):
        words = _CAP_WORD.findall(m.group(0))
        at_start = not claim[: m.start()].strip(" \t" + _OPENERS)
        first_plain = at_start and not _inner_caps(words[0])
        if first_plain:
            rest_match = _CAP_WORD.search(m.group(0), len(words[0]))
            rest = m.group(0)[rest_match.start():] if rest_match and len(words) > 1 else ""
            forms = [m.group(0), rest] if rest else []
        else:
            forms = [m.group(0)]
        forms = [f for f in forms if _worth_checking(f)]
        if forms:
            names.append(forms)
    return names


def _name_supported(name: str, folded: str, stems: set[str], bare: str, corpus: CorpusView,
                    lexicon: Lexicon) -> bool:
    if _contains(folded, fold(name)) or corpus.mentions(folded, name, lexicon):
        return True
    words = [w for w in _CAP_WORD.findall(name) if not _exempt(w)]
    return bool(words) and all(_word_supported(w, folded, stems, bare, corpus, lexicon) for w in words)


def _word_supported(word: str, folded: str, stems: set[str], bare: str, corpus: CorpusView,
                    lexicon: Lexicon) -> bool:
    w = fold(word)
    return (_contains(folded, w) or corpus.mentions(folded, word, lexicon)
            or bilingual_stem(w) in stems or _contains(bare, _strip_accents(w)))


# ---- choosing the quote --------------------------------------------------------------------------
def _best_span(claim: str, scored: ScoredPassage, corpus: CorpusView, lexicon: Lexicon) -> tuple[Span, float]:
    passage = scored.passage
    text = passage.text
    bounds = [(0, len(text))] if passage.kind == "record" else (sentences(text) or [(0, len(text))])
    wanted = _claim_stems(claim, lexicon)
    values = [q.value for q in quantities(claim)]
    number_weight = 2 * corpus.idf_of("\0")  # a matching number counts as twice the rarest word
    best: tuple[float, int, int] | None = None
    for start, end in bounds:
        if is_inert(passage, start, end):
            continue
        segment = text[start:end]
        score = sum(corpus.idf_of(s) for s in wanted & stems_of(fold(segment)))
        have = [q.value for q in quantities(segment)]
        score += number_weight * sum(1 for v in values if any(same_value(v, h) for h in have))
        if best is None or score > best[0]:
            best = (score, start, end)
    if best is None:  # every sentence is inert: it supports nothing
        return Span(passage, *bounds[0], scored.rank), 0.0
    score, start, end = best
    return Span(passage, start, end, scored.rank), score


def _claim_stems(claim: str, lexicon: Lexicon) -> set[str]:
    words = _WORDS.findall(fold(claim))
    stems = {bilingual_stem(w) for w in words if _content(w)}
    for _, _, equivalents in lexicon.translations(words):
        stems.update(bilingual_stem(w) for phrase in equivalents for w in _WORDS.findall(phrase) if _content(w))
    return stems


def _inner_caps(word: str) -> bool:
    return any(c.isupper() for c in word[1:])


def _exempt(word: str) -> bool:
    # Words with digits ("FY2024", "H-1B") are checked as numbers and codes, not as names.
    return len(word) < 2 or fold(word) in _FUNCTION_WORDS or any(c.isdigit() for c in word)


def _worth_checking(name: str) -> bool:
    words = _CAP_WORD.findall(name)
    return any(not _exempt(w) for w in words)


def _content(word: str) -> bool:
    return len(word) > 2 and word not in STOPWORD_SET and not word.isdigit()


def _contains(text: str, phrase: str) -> bool:
    return bool(phrase) and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
