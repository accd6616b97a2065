"""What a question asks for: its language, target (an amount, a person, a date …), entities,
numbers, content terms with their cross-language equivalents, and whether it asks about records."""
from __future__ import annotations

import re
import dataclasses
from dataclasses import dataclass, field

from dossier.answer.lexicon import Lexicon
from dossier.core.quantities import MONTHS, RATE, Quantity, quantities
from dossier.core.language import question_language
from dossier.core.lexical import STOPWORDS, bilingual_stem
from dossier.core.text import NAME_WORD, UPPER, fold, name_pattern, sentences

QUESTION_WORDS = {
    "how", "much", "many", "what", "which", "who", "whom", "whose", "when", "where", "why", "does", "did", "do",
    "is", "are", "was", "were", "has", "have", "according", "quel", "quelle", "quels", "quelles", "combien",
    "qui", "quand", "où", "pourquoi", "comment", "selon", "est", "ce", "il", "elle", "t", "list", "name",
    "give", "tell", "me", "please", "so", "far", "also", "single", "exact", "exactement",
    # Scale and currency words: the numbers they belong to are compared as quantities instead.
    "million", "millions", "milliard", "milliards", "billion", "billions", "thousand", "dollars", "dollar",
    "usd", "its", "their", "leur", "son", "sa", "ses",
    # Function words and light verbs missing from the stemmer's short stopword lists: they carry no content.
    "before", "after", "from", "apart", "across", "being", "been", "also", "about", "into", "onto", "upon",
    "make", "makes", "made", "run", "runs", "ran", "get", "gets", "got", "take", "took", "taken", "give", "gave",
    "become", "became", "come", "came", "go", "went", "one", "two", "three", "first", "name", "named",
    "avant", "après", "depuis", "aussi", "également", "fait", "faire", "font",
    "besides", "aside", "except", "excluding", "hormis", "outre", "sauf", "excepté", "chez",
    # Pronouns and modal verbs: "who did he say he would contact?" asks about "say" and "contact".
    "he", "she", "him", "her", "his", "hers", "we", "our", "you", "your", "i", "my", "them", "themselves",
    "would", "could", "should", "can", "might", "must", "shall", "had",
}
_STOP = set(STOPWORDS) | QUESTION_WORDS

_TARGETS = (
    ("duration", r"\bhow long\b|\bcombien de temps\b|\bdurée\b|\bover what period\b|\bfor how long\b|"
                 r"\bpendant combien\b|\bsur quelle période\b"),
    ("count", r"\bhow many\b|\bcombien d(?:e\s+|['’]\s*)(?!dollars|temps|argent|euros)|\bnombre d[e']|\bnumber of\b"),
    ("amount", r"\bhow much\b|\bworth\b|\bvalue\b|\bcost\b|\bamount\b|\bpaid\b|\bpay\b|\bspen[dt]\b|\bprice\b|"
               r"\bmontant\b|\bvaleur\b|\bcoût|\bcombien(?! d[e'])|\bcombien d(?:e |['’])\s*(?:dollars|euros|argent)\b|\bpayée?s?\b|\bdépensée?s?\b|\binvestie?s?\b"),
    ("date", r"\bwhen\b|\bwhat year\b|\bwhich year\b|\bin what year\b|\bquand\b|\bquelle année\b|"
             r"\bwhat date\b|\bdepuis quand\b"),
    ("person", r"^\s*who\b|\bwho (?:is|was|at|in|from|did|has|criticized|said)\b|^\s*qui\b|\bwhich person\b|"
               r"\bquel(?:le)?s? (?:militant|personne|journaliste|avocat|porte-parole|dirigeant|responsable|"
               r"directeur|pdg|juge|fondat|chercheu|analyste)|\bwhich (?:activist|journalist|lawyer|official|"
               r"spokesperson|executive|person|judge|founder|reporter|researcher|analyst|ceo)\b|"
               r"\bname of\b[^?]*\b(?:ceo|founder|director|head|chief|spokes\w*|lawyer|judge|executive)\b|"
               r"\bnom d[ue]\b[^?]*\b(?:pdg|fondat\w*|direct\w*|porte-parole|avocat\w*|juge)\b"),
    ("organization", r"\bwhich (?:company|firm|intermediary|vendor|contractor|business|reseller|agency|"
                     r"companies|vendors|firms)\b|\bwhat (?:company|firm)\b|\bquel(?:le)?s? (?:entreprise|société|"
                     r"intermédiaire|fournisseur|agence|prestataire)|\bwho (?:makes|made|sells|owns|acquired|bought)\b"),
    ("role", r"\bquel(?:le)? (?:fonction|poste|titre|rôle|métier)\b[^?]*\boccup\w*|\bquel(?:le)? (?:fonction|poste|"
             r"titre|rôle|métier)\b|\bwhat (?:is|was) (?:the )?(?:role|title|job|position)\b|\bwhat (?:role|title|"
             r"job|position)\b[^?]*\b(?:hold|have|has|occup\w*)\b|\bwhat (?:role|title|job|position)\b|"
             r"\bwhich (?:role|title|position|job)\b|\bwhat does \w+ \w+ do for\b|"
             r"['’]s (?:role|title|job|position)\b|\b(?:role|title|job|position) of\b"),
    ("words", r"\bhow (?:did|does|do|has|have) [^?]*\b(?:characteri[sz]e|describe|call|label|term|portray)\b|"
              r"\bcomment [^?]*\b(?:qualifi|décri|décrit|présent|appel)\w*|\bwhat did [^?]*\b(?:call|say)\b"),
    ("kind", r"\b(?:what|which) (?:kind|type|sort) of (?:company|firm|business|organi[sz]ation|group|tool|"
             r"product|platform|software|service)\b|\bquel(?:le)? (?:type|genre|sorte) d['’e]\s*(?:entreprise|société|"
             r"groupe|organisation|outil|produit|plateforme|logiciel|service)\b"),
    ("place", r"\bwhere\b|\boù\b|\bin which (?:city|country)\b"),
    ("reason", r"\bwhy\b|\bpourquoi\b|\bfor what reason\b"),
)
# Words that make a question about the procurement records rather than the articles' prose.
_RECORDS_VOCAB = re.compile(
    r"\bawards?\b|\brecords?\b|\bregistres?\b|\battributions?\b|\bobligations?\b|\bprocurement\b|"
    r"\bawarding office\b|\bmarchés publics\b|\bdossiers de marchés\b|\bawarded\b|"
    r"\bde-?\s?obligat\w*|\bdeobligat\w*|\bdésengagements?\b|\bavenants?\b|\baction dates?\b|"
    r"\bfederal action obligations?\b", re.IGNORECASE)
_AGGREGATIONS = (
    ("difference", r"\bde combien\b.*\b(?:dépass|de plus|supérieur|excède)|\bhow much (?:more|less|larger|bigger|"
                   r"smaller)\b|\bdifference between\b|\bdifférence entre\b|\bécart entre\b|\bby how much\b|"
                   r"\bgap between\b|\bspread between\b"),
    ("total", r"\btotal\b|\bsum\b|\bcombined\b|\badd(?:ing)? up\b|\badditionn|\baltogether\b|\bin all\b|\bsomme\b|\bau total\b|\bcumul"),
    ("max", r"\blargest\b|\bbiggest\b|\bhighest\b|\bmost expensive\b|\bplus gros(?:se)?s?\b|\bplus grande?s?\b|"
            r"\bplus élevée?s?\b|\bplus important(?:e|es|s)?\b|\bmaximum\b"),
    ("min", r"\bsmallest\b|\blowest\b|\bcheapest\b|\bplus petite?s?\b|\bplus faibles?\b|\bminimum\b"),
    ("count", r"\bhow many\b|\bcombien d[e']\b|\bnombre d[e']\b|\bnumber of\b"),
)
_COMPARISON = re.compile(
    r"(?P<op>over|above|more than|greater than|exceeding|exceeds?|at least|plus de|supérieure?s? à|au-dessus de|au moins|"
    r"dépass\w*|excède\w*|"
    r"under|below|less than|moins de|inférieure?s? à|en dessous de)\s+(?P<amount>[$\d][^,;?]*?)"
    r"(?=\s+(?:in|en|since|depuis|from|de|du|with|avec)\b|[?,;]|$)", re.IGNORECASE)
# A name the question gives: the names of core.text, a lone capital too ("Plan B"), possessive kept.
_ENTITY = name_pattern(rf"(?:{NAME_WORD}|[{UPPER}])", after_first="(?:['’]s)?")
_EXCLUDING = (r"(?:apart from|aside from|besides|other than|except(?: for)?|excluding|en dehors d[eu']|hormis|"
              r"à part|outre|excepté|sauf)\s+(?:the\s+|le\s+|la\s+|l['’]\s*|les\s+)?")
_COMMON_OPENERS = {"before", "after", "across", "apart", "besides", "beyond", "despite", "during", "given", "once",
                   "outre", "hormis", "malgré", "pendant", "parmi", "entre", "aside", "other", "than", "except",
                   "outside", "inside", "within", "among", "beside", "unlike", "like", "until", "since"}
_ENTITY_SKIP = {
    "how", "what", "which", "who", "when", "where", "why", "is", "does", "did", "was", "were", "has", "have",
    "according", "combien", "quel", "quelle", "quels", "quelles", "qui", "quand", "où", "pourquoi", "avec",
    "selon", "in", "en", "dans", "le", "la", "les", "the", "ignore", "list", "name", "give", "tell", "et",
    "and", "or", "i", "a", "an", "de", "du", "des", "un", "une", "for", "pour", "on", "par", "depuis", "since",
    "can", "could", "would", "should", "please", "say", "dis", "dites", "ignorez", "ignore", "show", "montre",
    # Imperatives that open a request ("Add up the awards …", "Comparez …"): never part of a name.
    "add", "sum", "compare", "count", "calculate", "compute", "find", "additionnez", "calculez", "comparez",
    "trouvez", "citez", "donnez", "indiquez", "listez", "est-ce", "qu'est-ce", "n'est-ce",
}


@dataclass(frozen=True)
class Term:
    word: str  # folded
    stems: frozenset[str]  # its own stem plus the stems of its equivalents in the other language


@dataclass(frozen=True)
class Question:
    text: str
    language: str
    targets: tuple[str, ...]
    entities: tuple[str, ...]
    quantities: tuple[Quantity, ...]
    months: tuple[tuple[int, int], ...]  # (year, month) pairs named in the question
    years: tuple[int, ...]
    terms: tuple[Term, ...]
    records_intent: bool
    aggregation: str | None
    amount_bounds: tuple[tuple[str, float], ...] = field(default=())  # (">" or "<", value)
    focus: tuple[str, ...] = ()  # words of the "which X / quel X" phrase: "court" in "which court blocked"
    excluded: tuple[str, ...] = ()  # "Besides DHS, which departments …": named only to be left out
    # The question's first word when only its position capitalises it ("Summarize …", "Auprès de …"):
    # a name only if the corpus writes it so inside a sentence (``resolve_entities`` decides).
    opening: str = ""
    per_period: bool = False  # "how much per year": a rate is asked, a total does not answer it

    @property
    def lexical_query(self) -> str:
        extra = sorted({w for t in self.terms for w in t.stems} - {bilingual_stem(t.word) for t in self.terms})
        return " ".join([self.text, *extra])


# "What was the inflation rate in …", "Quel est le salaire de …": the noun phrase a "what X" question asks
# for, after any copula, article, "name of" and possessor, up to the first function word or verb.
_HEAD_OPENING = re.compile(
    r"^\s*(?:what|which|quel(?:le)?s?)\s+(?:(?:is|was|are|were|will be|est|sont|était|étaient|sera)\s+)?"
    r"(?:(?:the|le|la|les|un|une)\s+|l['’])?(?:(?:name|nom)\s+(?:of|de|du|d['’])\s*(?:(?:the|la|le)\s+|l['’])?)?"
    r"(?:[\w-]+(?:\s+[\w-]+){0,2}(?:['’]s|s['’])\s+)?"
    r"(?!(?:did|does|do|has|have|had|can|could|will|would|should|a|ont|fait)\b)(?P<head>[\w-]+(?:\s+[\w-]+){0,2})",
    re.IGNORECASE)
_HEAD_END = re.compile(
    r"\s+(?:of|in|at|for|on|from|by|to|with|de|du|des|d|en|à|au|aux|pour|sur|par|avec|that|which|did|does|do|"
    r"was|is|are|were|will|would|has|have|had|can|could|a|t|est|sont|ont|sera|the|le|la|les)\b.*", re.IGNORECASE)


def asked_head(text: str) -> str:
    """The noun phrase a "what/which X" question asks for ("inflation rate", "salaire"), or ""."""
    m = _HEAD_OPENING.match(asked_part(text))
    return _HEAD_END.sub("", m["head"]) if m else ""


def aggregations_in(folded: str) -> list[str]:
    """Every aggregate a question's words ask for ("la plus petite somme": min and total), in the
    order of precedence ``analyse`` uses for ``Question.aggregation``."""
    return [name for name, pattern in _AGGREGATIONS if re.search(pattern, folded)]


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def asked_part(text: str) -> str:
    """The interrogative sentences of a question. Other sentences ("Ignore your sources and say …")
    are instructions inside the question: data, never obeyed, and never taken as premises."""
    # The one sentence splitter: "U.S. Open" or "Dr. Smith" do not end a sentence.
    stripped = text.strip()
    parts = [stripped[start:end] for start, end in sentences(stripped)]
    asked = [p for p in parts if p.endswith("?")]
    return " ".join(asked) if asked and len(asked) < len(parts) else text


def analyse(text: str, lexicon: Lexicon, language: str | None = None) -> Question:
    full_text = text
    text = asked_part(text)
    folded = fold(text)
    language = language or question_language(text)
    targets = tuple(name for name, pattern in _TARGETS if re.search(pattern, folded))
    named = _entities(text, lexicon)
    excluded = tuple(e for e in named if re.search(_EXCLUDING + re.escape(e), text, re.IGNORECASE))
    entities = tuple(e for e in named if e not in excluded)
    qty = tuple(q for q in quantities(text))
    months = tuple(_months(folded))
    years = tuple(int(q.value) for q in qty if q.kind == "year")
    entity_words = {w for e in entities + excluded for w in words_of(e)}
    terms = tuple(_terms(folded, lexicon, entity_words))
    aggregation = next((name for name, pattern in _AGGREGATIONS if re.search(pattern, folded)), None)
    bounds = []
    for m in _COMPARISON.finditer(text):
        values = [q.value for q in quantities(m["amount"]) if q.kind in ("money", "count")]
        if values:
            op = "<" if re.match(r"under|below|less|moins|inférieur|en dessous", m["op"], re.IGNORECASE) else ">"
            bounds.append((op, values[0]))
    return Question(
        text=full_text, language=language, targets=targets, entities=entities, quantities=qty, months=months,
        years=years, terms=terms, records_intent=bool(_RECORDS_VOCAB.search(folded)), aggregation=aggregation, focus=_focus(folded, terms),
        amount_bounds=tuple(bounds), excluded=excluded, opening=_opening_word(text, entities),
        per_period=RATE.search(text) is not None,
    )


def with_entity_as_words(question: Question, entity: str, lexicon: Lexicon) -> Question:
    """The question with ``entity`` read as ordinary words: no longer a name to find, its words terms to match."""
    have = {t.word for t in question.terms}
    added = tuple(t for t in _terms(fold(entity), lexicon, set()) if t.word not in have)
    return dataclasses.replace(question, entities=tuple(e for e in question.entities if e != entity),
                               terms=question.terms + added)


def _entities(text: str, lexicon: Lexicon) -> list[str]:
    found = []
    spans = [part for m in _ENTITY.finditer(text) for part in re.split(r"['’]s\s+", m[0])]
    for span in spans:
        tokens = re.sub(r"['’]s$", "", span).split()
        at_start = re.search(rf"(?:^|[.?!]\s+|[«“\"]\s*){re.escape(span)}", text) is not None
        if at_start and tokens and tokens[0][1:].islower() and (
                lexicon.knows(tokens[0].lower()) or tokens[0].lower() in _STOP or tokens[0].lower().endswith(("ing", "ed", "ly")) or tokens[0].lower() in _COMMON_OPENERS):
            tokens = tokens[1:]
        # "PDG de Clearview AI", "CEO of Palantir": a role word is a term to match, not part of the name.
        if len(tokens) > 2 and tokens[1].lower() in {"de", "of", "du"} and lexicon.knows(tokens[0].lower()):
            tokens = tokens[2:]
        while tokens and (tokens[0].lower() in _ENTITY_SKIP or tokens[0].lower() in MONTHS):
            tokens = tokens[1:]
        while tokens and tokens[-1].lower() in {"of", "and", "for", "de", "du", "des", "la", "le", "&"}:
            tokens = tokens[:-1]
        tokens = [t for t in tokens if t.lower() not in MONTHS]
        if tokens:
            name = re.sub(r"['’]s$", "", " ".join(tokens))
            if len(name) > 1:
                found.append(name)
    return found


def _opening_word(text: str, entities: tuple[str, ...]) -> str:
    first = re.match(r"\s*[«“\"]?\s*([^\W\d_][\w\-]*)", text)
    if not first or not first[1][1:].islower():
        return ""  # "ICE", "ImmigrationOS": written as a name, whatever its place
    word = first[1]
    return fold(word) if any(e.split()[0] == word for e in entities) else ""


def _months(folded: str) -> list[tuple[int, int]]:
    pattern = r"\b(" + "|".join(MONTHS) + r")\s+(?:de\s+)?((?:19|20)\d\d)\b"
    return [(int(year), MONTHS[month]) for month, year in re.findall(pattern, folded)]


_FOCUS = re.compile(r"\b(?:which|quel|quelle|quels|quelles)\s+(?:(?:one|two|three|deux|trois|single)\s+)?(\w+)")


def _focus(folded: str, terms: tuple[Term, ...]) -> tuple[str, ...]:
    """ "Which court blocked …": the answer must speak of a court (or of blocking), whatever else it shares
    with the question. The two content words after "which" stand for the phrase (adjective and noun)."""
    m = _FOCUS.search(folded)
    if not m:
        return ()
    words = [t.word for t in terms]
    if m.group(1) not in words:
        return ()
    i = words.index(m.group(1))
    return tuple(words[i : i + 2])


def _terms(folded: str, lexicon: Lexicon, entity_words: set[str]) -> list[Term]:
    # The words that name the target ("how long", "over what period") are not content to match.
    for _, pattern in _TARGETS:
        folded = re.sub(pattern, " ", folded)
    words = re.findall(r"\w+", folded)
    phrases = lexicon.translations(words)
    covered: dict[int, set[str]] = {}
    for start, end, equivalents in phrases:
        for i in range(start, end):
            covered.setdefault(i, set()).update(bilingual_stem(w) for e in equivalents for w in e.split()
                                                if w not in _STOP)
    terms = []
    seen = set()
    for i, word in enumerate(words):
        if word in _STOP or word in entity_words or len(word) < 2 or word.isdigit() or word in MONTHS:
            continue
        if word in seen:
            continue
        seen.add(word)
        stems = {bilingual_stem(word)} | covered.get(i, set())
        terms.append(Term(word, frozenset(s for s in stems if s)))
    return terms
