"""Dates kept only as precise as the source: ``2025-09-30`` (day), ``2025-09`` (month), ``2025`` (year)."""
from __future__ import annotations

import datetime as dt
import re

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


def format_long_date(iso: str, language: str, precision: str | None = "day") -> str:
    """ "July 20, 2009" / "20 juillet 2009" (babel's long form), as precise as the source."""
    from babel.dates import format_date

    locale = "fr_FR" if language == "fr" else "en_US"
    try:
        day = dt.date.fromisoformat(iso if len(iso) == 10 else f"{iso[:7]}-01" if len(iso) == 7 else f"{iso[:4]}-01-01")
    except ValueError:
        return iso
    if precision == "year" or len(iso) == 4:
        return iso[:4]
    if precision == "month" or len(iso) == 7:
        return format_date(day, "MMMM y", locale=locale)
    return format_date(day, "long", locale=locale)
