"""A procurement record as a row of the records table: USAspending's dates, amounts and places typed
from the columns each export carries, and the stemmed words of what the award bought."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from dossier.core.dates import parse_date
from dossier.core.lexical import STOPWORD_SET, bilingual_stem
from dossier.core.text import fold
from dossier.core.types import Record

_EXTRA_DATES = {"last_modified": ("award_latest_action_date", "last_modified_date"),
                "period_start": ("period_of_performance_start_date",),
                "period_end": ("period_of_performance_current_end_date", "period_of_performance_potential_end_date")}
_EXTRA_TEXT = {"state": ("recipient_state_name",), "city": ("recipient_city_name",)}
_EXTRA_AMOUNTS = {"potential_value": ("potential_total_value_of_award", "base_and_all_options_value")}
_TERM_SOURCES = ("description", "product_or_service")
_EXTRA_TERM_SOURCES = ("naics_description",)
_WORD = re.compile(r"\w+")


COLUMNS = ["document_id", "passage_id", "record_id", "source", "row_number", "recipient", "agency", "sub_agency",
           "office", "state", "city", "awarded_on", "date_precision", "last_modified", "period_start", "period_end",
           "amount", "amount_kind", "potential_value", "award_key", "modification", "description",
           "product_or_service", "data"]


def record_terms(record: Record) -> set[str]:
    """The stems of what an award bought, as the question side stems its words (``core.lexical``)."""
    texts = [getattr(record, name) or "" for name in _TERM_SOURCES]
    texts += [record.extra.get(name, "") for name in _EXTRA_TERM_SOURCES]
    words = _WORD.findall(fold(" ".join(texts)))
    return {bilingual_stem(w) for w in words if len(w) > 1 and not w.isdigit() and w not in STOPWORD_SET}


def table_row(document_id: str, passage_id: str, source: str, r: Record) -> list[Any]:
    def extra_date(names: Iterable[str]) -> str | None:
        for name in names:
            parsed = parse_date(r.extra.get(name, "")) if r.extra.get(name) else None
            if parsed and parsed[1] == "day":
                return parsed[0]
        return None

    def extra_amount(names: Iterable[str]) -> float | None:
        for name in names:
            try:
                return float(r.extra[name].replace(",", "").replace("$", ""))
            except (KeyError, ValueError):
                continue
        return None

    day = r.action_date if r.action_date and r.date_precision == "day" else (
        f"{r.action_date}-01" if r.date_precision == "month" else f"{r.action_date}-01-01" if r.action_date else None)
    return [document_id, passage_id, r.record_id, source, r.row_number, r.recipient, r.agency, r.sub_agency,
            r.office, next((r.extra[n] for n in _EXTRA_TEXT["state"] if r.extra.get(n)), None) or _state_name(r),
            next((r.extra[n] for n in _EXTRA_TEXT["city"] if r.extra.get(n)), None), day, r.date_precision,
            extra_date(_EXTRA_DATES["last_modified"]), extra_date(_EXTRA_DATES["period_start"]),
            extra_date(_EXTRA_DATES["period_end"]), r.amount, r.amount_kind,
            extra_amount(_EXTRA_AMOUNTS["potential_value"]), r.award_key, r.modification, r.description,
            r.product_or_service, json.dumps({**vars(r), "extra": {}}, default=str)]


def _state_name(record: Record) -> str | None:
    """The recipient's state from its code when the export leaves the name empty ("CA" -> "California")."""
    import pycountry

    code = record.extra.get("recipient_state_code", "").strip().upper()
    country = record.extra.get("recipient_country_code", "USA").strip().upper()
    if len(code) != 2 or country not in ("USA", "US", "UNITED STATES"):
        return None
    subdivision = pycountry.subdivisions.get(code=f"US-{code}")
    return subdivision.name.upper() if subdivision else None


def insert_rows(db: Any, items: Iterable[tuple[str, str, str, Record]]) -> int:
    """Append (document id, passage id, file name, record) to a DuckDB connection's ``records`` and
    ``record_terms`` tables (the records table's, or a writer's stage); returns the number of rows."""
    import pandas as pd

    rows, terms = [], []
    for document_id, passage_id, source, record in items:
        rows.append(table_row(document_id, passage_id, source, record))
        terms += [(passage_id, t) for t in record_terms(record)]
    if rows:
        frame = pd.DataFrame(rows, columns=COLUMNS)
        for column in ("awarded_on", "last_modified", "period_start", "period_end"):
            frame[column] = pd.to_datetime(frame[column], errors="coerce").dt.date
        db.register("incoming_rows", frame)
        db.execute(f"INSERT INTO records SELECT {', '.join(COLUMNS)} FROM incoming_rows")
        db.unregister("incoming_rows")
    if terms:
        db.register("incoming_terms", pd.DataFrame(terms, columns=["passage_id", "term"]))
        db.execute("INSERT INTO record_terms SELECT passage_id, term FROM incoming_terms")
        db.unregister("incoming_terms")
    return len(rows)
