"""Text forms: the stored form (``normalise_text``), the matching form (``fold``) and sentence spans.

Stored text keeps typography as published (curly quotes, guillemets) so quotes cited back to a
reader are verbatim; ``fold`` is only ever applied to both sides of a comparison.
"""
from __future__ import annotations

import functools
import re
import sys
import unicodedata

# --- stored form -----------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029")
_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.MULTILINE)
_EXCESS_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """NFC, no invisible format characters, ``\\n`` line ends, no trailing spaces, at most one blank
    line in a row, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = without_format_characters(text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _TRAILING_SPACE.sub("", text)
    text = _EXCESS_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def without_format_characters(text: str) -> str:
    """``text`` without Unicode format characters (category Cf): zero-width spaces and joiners, soft
    hyphens, bidirectional overrides, tag characters. They show nothing, so a reader never sees them,
    but they split a word ("ig\\u200bnore") past every match on it, or carry text no reader sees."""
    return text if text.isascii() else _format_characters().sub("", text)


@functools.cache
def _format_characters() -> re.Pattern[str]:
    """Every Cf character of this Python's Unicode tables, as one character class (built on first use)."""
    chars = (chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf")
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


# --- matching form ---------------------------------------------------------------------------

_FOLD_TABLE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",  # ‘ ’ ‚ ‛
        "\u2032": "'", "\u2039": "'", "\u203a": "'",  # ′ ‹ ›
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',  # “ ” „ ‟ ″
        "\u00ab": '"', "\u00bb": '"',  # « »
        "\u00a0": " ", "\u202f": " ",  # no-break and narrow no-break spaces
    }
)
_WHITESPACE_RUN = re.compile(r"\s+")


def fold(text: str) -> str:
    """The form every text comparison uses (eval evidence, retrieval matching, quote checks)."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE)
    return _WHITESPACE_RUN.sub(" ", text).strip().casefold()


# --- sentences -------------------------------------------------------------------------------

_TERMINATORS = ".?!…"
# Closing marks that belong to the sentence they follow when they touch its terminator.
_ADJACENT_CLOSERS = "\"'”’)]"
# French typography puts a (narrow) no-break space before the closing guillemet.
_GUILLEMET_SPACES = " \u00a0\u202f"
_SENTENCE_OPENERS = "«“‘\"'([¿¡—–-•*"
_OPENING_PUNCTUATION = "([{«“‘\"'"

# Words that a period follows without ending the sentence (case-sensitive on purpose: "No. 5"
# is an abbreviation, "said no. Then" is not). Initials ("J.", "M.", "U.S.") are matched by shape.
_ABBREVIATIONS = frozenset(
    """
    Mme Mmes Mlle Mlles MM Me Mgr Dr Drs Pr Prof Mr Mrs Ms St Ste Sr Jr
    Gen Gov Sen Rep Lt Col Capt Sgt Rev Hon Pres Supt Adm
    LLC Inc Ltd Corp Co Cie Bros
    No Nos Vol vol Art art Fig fig p pp cf vs env approx ca av bd ch chap éd ed
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    janv févr avr juil sept oct nov déc
    """.split()
)
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
_LINE = re.compile(r"[^\n\r]+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans as ``(start, end)`` offsets, ``text[start:end]`` stripped of outer whitespace.

    Line breaks always end a sentence (headings, list items, paragraphs). Inside a line a sentence
    ends after ``. ? ! …`` (plus any closing quotes) when whitespace and a sentence opener follow,
    unless the period closes an abbreviation or initials. Decimals ("3.75", "3,75") and dotted
    names ("zignal.com") never split because no whitespace follows the period.
    """
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for boundary, next_start in _boundaries_in_line(text, line.start(), line.end()):
            _append_stripped(spans, text, start, boundary)
            start = next_start
        _append_stripped(spans, text, start, line.end())
    return spans


def _boundaries_in_line(text: str, line_start: int, line_end: int):
    """Yield ``(sentence_end, next_sentence_start)`` pairs within one line."""
    sentence_start = line_start
    i = line_start
    while i < line_end:
        if text[i] not in _TERMINATORS:
            i += 1
            continue
        run_end = i
        while run_end < line_end and text[run_end] in _TERMINATORS:
            run_end += 1
        end = _skip_closers(text, run_end, line_end)
        after = end
        while after < line_end and text[after].isspace():
            after += 1
        is_boundary = (
            after > end
            and after < line_end
            and _opens_sentence(text[after])
            and not (text[i] == "." and run_end - i == 1 and _ends_abbreviation(text, sentence_start, i))
        )
        if is_boundary:
            yield end, after
            sentence_start = after
            i = after
        else:
            i = run_end


def _skip_closers(text: str, pos: int, line_end: int) -> int:
    while pos < line_end:
        if text[pos] in _ADJACENT_CLOSERS or text[pos] == "»":
            pos += 1
            continue
        ahead = pos
        while ahead < line_end and text[ahead] in _GUILLEMET_SPACES:
            ahead += 1
        if ahead > pos and ahead < line_end and text[ahead] == "»":
            pos = ahead + 1
            continue
        break
    return pos


def _opens_sentence(char: str) -> bool:
    return char.isupper() or char.istitle() or char.isdigit() or char in _SENTENCE_OPENERS


def _ends_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    word_start = dot
    while word_start > sentence_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip(_OPENING_PUNCTUATION)
    return word in _ABBREVIATIONS or bool(_INITIALS.fullmatch(word))


def _append_stripped(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


# --- names -------------------------------------------------------------------------------------

def _letter_class(test) -> str:
    """A regex class body of the Latin, Greek and Cyrillic letters ``test`` accepts, as ranges: ``re`` has
    no Unicode categories, and names are written "Świątek" or "Muchová" as often as "Smith"."""
    chars = [c for c in range(0x41, 0x530) if test(chr(c))]
    ranges, start = [], chars[0]
    for prev, cur in zip(chars, chars[1:] + [None]):
        if cur != prev + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = cur
    return "".join(ranges)


UPPER = _letter_class(lambda c: c.isupper() and c.isalpha())  # "A-ZÀ-ÖØ-Þ…": for [{UPPER}]
LOWER = _letter_class(lambda c: c.islower() and c.isalpha())

# A name as written: capitalised words joined by the connectors names use ("Bank of America",
# "Ministère de la Justice"); initials keep their last period ("U.S. Open"); a brand may open on one or
# two small letters ("iUpload", "eBay").
NAME_WORD = rf"(?:(?:[{UPPER}]\.){{2,}}|[{UPPER}][\w&.\-]*[\w&]|[{LOWER}]{{1,2}}[{UPPER}][\w&.\-]*[\w&])"
NAME_CONNECTORS = ("of", "and", "for", "de", "du", "des", "la", "le", "&")
_JOIN = rf"\s+(?:(?:{'|'.join(NAME_CONNECTORS)})\s+)?"


def name_pattern(word: str = NAME_WORD, after_first: str = "") -> re.Pattern[str]:
    """A name made of ``word``s (``NAME_WORD`` or a variant of it); ``after_first`` may follow the first."""
    return re.compile(rf"(?<![\w\-]){word}{after_first}(?:{_JOIN}{word})*")


NAME = name_pattern()
