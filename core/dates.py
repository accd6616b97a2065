"""Dates kept only as precise as the source: ``2025-09-30`` (day), ``2025-09`` (month), ``2025`` (year)."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dossier.core.types import DatePrecision

_ISO_DAY = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})")
# US spreadsheet form, month first: "5/31/21 0:00", "5/31/2021", "05/31/2021 12:00:00 AM".
_US_SLASHED = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?"
)


def parse_date(raw: str) -> tuple[str, DatePrecision] | None:
    """ISO text and precision, or None when ``raw`` is not a date in a form listed above."""
    value = raw.strip()
    try:
        if match := _ISO_DAY.fullmatch(value):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day).isoformat(), "day"
        if match := _US_SLASHED.fullmatch(value):
            month, day, year = (int(part) for part in match.groups())
            if len(match.group(3)) == 2:
                year += 2000  # spreadsheets rewrite 2021 as 21; USAspending data starts in 2000
            return dt.date(year, month, day).isoformat(), "day"
    except ValueError:  # impossible calendar day, e.g. 2025-02-30
        return None
    if match := _ISO_MONTH.fullmatch(value):
        year, month = (int(part) for part in match.groups())
        return (f"{year:04d}-{month:02d}", "month") if 1 <= month <= 12 else None
    if _YEAR.fullmatch(value):
        return value, "year"
    return None


def normalise_published(value: object) -> str | None:
    """A publication date from metadata as ISO text; text that is not a known date form stays as is."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raw = str(value).strip()
    if not raw:
        return None
    parsed = parse_date(raw)
    return parsed[0] if parsed else raw


_LOCALES = {"fr": "fr_FR", "en": "en_US"}


def format_long_date(iso: str, language: str, precision: str | None = "day") -> str:
    """ "July 20, 2009" / "20 juillet 2009" (babel's long form), as precise as the source."""
    from babel.dates import format_date

    locale = _LOCALES.get(language, "en_US")
    try:
        day = dt.date.fromisoformat(iso if len(iso) == 10 else f"{iso[:7]}-01" if len(iso) == 7 else f"{iso[:4]}-01-01")
    except ValueError:
        return iso
    if precision == "year" or len(iso) == 4:
        return iso[:4]
    if precision == "month" or len(iso) == 7:
        return format_date(day, "MMMM y", locale=locale)
    return format_date(day, "long", locale=locale)


_NUMERIC_DATE = re.compile(r"(?<![\d/])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2}))(?![\d/])")
_YEAR_IN_TEXT = re.compile(r"(?<![\d.,])(?:1[89]|20)\d\d(?![\d.,]\d)")
_DAY_AND_YEAR_AFTER = re.compile(r"\.?(?:\s*\d{1,2}(?:st|nd|rd|th)?\b)?(?:,?\s*(?:1[89]|20)\d\d\b)?")
_DAY_BEFORE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th|er)?\s*(?:of\s+)?$")


@lru_cache(maxsize=1)
def _month_names() -> tuple[re.Pattern[str], frozenset[str], frozenset[str], dict[str, int]]:
    """A pattern of every month name, wide and abbreviated, English and French (babel's CLDR data); the
    wide names; the English wide names, which English capitalises (a lower-case "may" or "march" is a verb);
    each name's month number."""
    from babel.dates import get_month_names

    wide = {loc: {n.lower() for n in get_month_names("wide", locale=loc).values()} for loc in ("en", "fr")}
    numbers = {name.rstrip(".").lower(): number for loc in ("en", "fr") for width in ("wide", "abbreviated")
               for number, name in get_month_names(width, locale=loc).items()}
    alternation = "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True))
    return (re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE),
            frozenset(wide["en"] | wide["fr"]), frozenset(wide["en"]), numbers)


def read_date_mention(mention: str, language: str) -> str:
    """A mention ``date_mentions`` found, written in ``language`` ("February 13, 2022" -> "13 février
    2022"), as precise as it is; as written when it cannot be read whole."""
    if parsed := parse_date(mention):
        return format_long_date(parsed[0], language, parsed[1])
    pattern, _, _, numbers = _month_names()
    month = pattern.search(mention)
    rest = (mention[:month.start()] + " " + mention[month.end():]) if month else ""
    day = re.search(r"(?<!\d)\d{1,2}(?!\d)", rest)
    year = re.search(r"(?:1[89]|20)\d\d", rest)
    if month is None or not (year or day):
        return mention
    number = numbers[month[0].lower()]
    try:
        if not year:  # "14 August": a day of a month, in the reader's form (2000 has every day, 29 February too)
            from babel.dates import format_skeleton

            return format_skeleton("MMMMd", dt.date(2000, number, int(day[0])), locale=_LOCALES.get(language, "en_US"))
        iso = dt.date(int(year[0]), number, int(day[0])).isoformat() if day else f"{year[0]}-{number:02d}"
    except ValueError:
        return mention
    return format_long_date(iso, language, "day" if day else "month")


def date_mentions(text: str, given_years: tuple[int, ...] | frozenset[int] = ()) -> list[tuple[int, int]]:
    """Where ``text`` dates something, as (start, end) spans in reading order: a month with its day and year
    ("Feb. 13, 2022", "13 février"), a month written out, a numeric date, or a year other than
    ``given_years`` (the years a question already gives answer no "when")."""
    found = [m.span() for m in _NUMERIC_DATE.finditer(text)]
    pattern, wide, english, _ = _month_names()
    for m in pattern.finditer(text):
        after = _DAY_AND_YEAR_AFTER.match(text, m.end())
        before = _DAY_BEFORE.search(text, 0, m.start())
        # Alone, only a month written out counts ("Sep" or "Mar" may be anything), and English ones capitalised.
        word = m[0]
        if after.group().strip(". ") or before or (
                word.lower() in wide and not (word.islower() and word in english)):
            found.append((before.start() if before else m.start(), after.end() if after.group().strip(". ") else m.end()))
    found += [m.span() for m in _YEAR_IN_TEXT.finditer(text) if int(m[0]) not in given_years
              and not any(start <= m.start() < end for start, end in found)]
    return sorted(found)


def states_date(text: str, given_years: tuple[int, ...] | frozenset[int] = ()) -> bool:
    """``text`` dates something beyond the years given (``date_mentions``)."""
    return bool(date_mentions(text, given_years))
