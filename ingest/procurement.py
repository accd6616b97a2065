"""Procurement CSV (USAspending downloads and hand-made tables) -> a records Document.

Column names follow USAspending's downloads. Which column is the summable ``amount`` is decided
once per file: ``federal_action_obligation`` (one row per transaction) beats the award-level
totals (one row per award in "Award Summaries"), because a transactions file repeats the award
total on every row and summing it would count each award once per modification.
"""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from dossier.core.errors import RejectedInput
from dossier.core.types import AmountKind, Document, Record

from dossier.core.dates import parse_date
from dossier.ingest.csv_stream import CsvRows, survey_csv
from dossier.ingest.limits import IngestLimits
from dossier.ingest.metadata import title_from_filename

# Typed Record fields and the header names that fill them, best first (case-insensitive).
_COLUMN_CANDIDATES: dict[str, tuple[str, ...]] = {
    "recipient": ("recipient_name", "recipient_name_raw", "recipient", "vendor", "vendor_name"),
    "agency": ("awarding_agency_name",),
    "sub_agency": ("awarding_sub_agency_name",),
    "office": ("awarding_office_name",),
    # When the award was made: a transaction's own action date, else (Award Summaries) the award's base
    # action date. ``award_latest_action_date`` is when it was last modified: kept in ``extra``, never read
    # as the award date.
    "action_date": (
        "action_date",
        "award_base_action_date",
        "period_of_performance_start_date",
    ),
    "description": (
        "transaction_description",
        "prime_award_base_transaction_description",
        "award_description",
        "description",
    ),
    "product_or_service": ("product_or_service", "product_or_service_code_description"),
    "piid": ("award_id_piid",),
    "award_key": ("contract_award_unique_key", "assistance_award_unique_key"),
    "modification": ("modification_number",),
    "permalink": ("usaspending_permalink",),
    "record_id": ("record_id",),
    "source_document": ("source_document",),
}
_AMOUNT_COLUMNS: tuple[tuple[str, AmountKind | None], ...] = (
    ("federal_action_obligation", "transaction"),
    ("total_obligated_amount", "award_total"),
    ("total_dollars_obligated", "award_total"),
    ("amount", None),  # a hand-made table does not say what its amounts are
    ("obligation", None),
    ("value", None),
)
_REPEATS_LISTED = 1_000  # repeated award rows named in the report; past that, only counted
_LOAD_BATCH = 5_000


@dataclass(frozen=True)
class _Layout:
    """Where each typed field lives in this file's header."""

    header: tuple[str, ...]
    candidates: dict[str, tuple[int, ...]]  # typed field -> column indexes, best first
    amount_index: int
    amount_kind: AmountKind | None


class RecordsReader:
    """A procurement CSV read as a stream of Record batches; memory holds one batch, not the file.

    Opening it surveys the file (hash, size cap, encoding) and reads its header, so a file with no usable
    columns is refused before anything is written. ``document`` names it from the start (its id is the hash
    of its bytes); ``batches`` then types its rows, checking the row cap as it goes, and ``metadata`` is
    complete once they are all read. Any bad row raises RejectedInput naming the file, the row and why.
    """

    def __init__(self, path: Path, limits: IngestLimits, source_path: str):
        self.path = path
        self.limits = limits
        self.source_path = source_path
        self.survey = survey_csv(path, limits)
        self._rows = CsvRows(path, self.survey)
        self._row_iter = iter(self._rows)
        first = next(self._row_iter, None)
        if first is None:
            raise RejectedInput(path, "empty file")
        header = _unique_names([name.strip().lstrip("\ufeff") for name in first[1]])
        if len(header) < 2:
            self._rows.close()
            raise RejectedInput(path, "wrong delimiter or not a CSV: only one column found")
        try:
            self.layout = _layout(header, path)
        except RejectedInput:
            self._rows.close()
            raise
        self.rows_read = 0
        self.repeated_award_rows: list[int] = []
        self._repeated_count = 0
        self._used_ids: set[str] = set()
        self._seen_awards: set[str] = set()

    @property
    def document(self) -> Document:
        """The document without its records (they come in ``batches``), with what is known of it so far."""
        return Document(id=self.survey.document_id, content_hash=self.survey.content_hash, kind="records",
                        title=title_from_filename(self.path), source_path=self.source_path, text="",
                        language="en", metadata=self.metadata)

    @property
    def metadata(self) -> dict[str, Any]:
        header = self.layout.header
        return {
            "format": "csv", "encoding": self.survey.encoding, "delimiter": self._rows.delimiter,
            "bytes": self.survey.size, "columns": len(header), "rows": self.rows_read,
            "amount_column": header[self.layout.amount_index], "amount_kind": self.layout.amount_kind or "",
            **({"repeated_award_rows": self.repeated_award_rows} if self.repeated_award_rows else {}),
            **({"repeated_award_count": self._repeated_count} if self._repeated_count > _REPEATS_LISTED else {}),
        }

    def batches(self, size: int) -> Iterator[list[Record]]:
        width = len(self.layout.header)
        batch: list[Record] = []
        for line, row in self._row_iter:
            if len(row) != width:
                raise RejectedInput(self.path, f"row {line} has {len(row)} fields, header has {width}")
            if self.rows_read >= self.limits.max_csv_rows:
                self._rows.close()
                cap = f"{self.limits.max_csv_rows:,}"
                raise RejectedInput(self.path, f"has more than {cap} rows, over the cap of {cap}")
            record = _record(row, line, self.layout, self.path, self._used_ids)
            self.rows_read += 1
            self._note_repeat(record)
            batch.append(record)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch
        if not self.rows_read:
            raise RejectedInput(self.path, "has a header but no data rows")

    def close(self) -> None:
        self._rows.close()

    def _note_repeat(self, record: Record) -> None:
        """A row of a one-row-per-award file whose award key an earlier row already gave is kept, and the
        records table counts the award once; the first rows of it are listed for the report."""
        if self.layout.amount_kind == "transaction" or not record.award_key:
            return
        if record.award_key not in self._seen_awards:
            self._seen_awards.add(record.award_key)
            return
        self._repeated_count += 1
        if len(self.repeated_award_rows) < _REPEATS_LISTED:
            self.repeated_award_rows.append(record.row_number)


def load_records(path: Path, limits: IngestLimits, source_path: str) -> Document:
    """The whole file as one Document holding every Record: for small files and tests; the index streams."""
    reader = RecordsReader(path, limits, source_path)
    records = [record for batch in reader.batches(_LOAD_BATCH) for record in batch]
    return dataclasses.replace(reader.document, records=tuple(records))


def _unique_names(names: list[str]) -> tuple[str, ...]:
    """Repeated column names get a ``_2``, ``_3`` suffix so no value is overwritten in ``extra``."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        key = name.lower()
        seen[key] = seen.get(key, 0) + 1
        unique.append(name if seen[key] == 1 else f"{name}_{seen[key]}")
    return tuple(unique)


def _layout(header: Sequence[str], path: Path) -> _Layout:
    index_of: dict[str, int] = {}
    for index, name in enumerate(header):
        index_of.setdefault(name.lower(), index)
    candidates = {
        field_name: tuple(index_of[name] for name in names if name in index_of)
        for field_name, names in _COLUMN_CANDIDATES.items()
    }
    amount = next(((index_of[name], kind) for name, kind in _AMOUNT_COLUMNS if name in index_of), None)
    missing = []
    if amount is None:
        looked_for = ", ".join(name for name, _ in _AMOUNT_COLUMNS)
        missing.append(f"no recognisable amount column (looked for {looked_for})")
    if not candidates["recipient"]:
        looked_for = ", ".join(_COLUMN_CANDIDATES["recipient"])
        missing.append(f"no recognisable recipient column (looked for {looked_for})")
    if missing:
        raise RejectedInput(path, "; ".join(missing))
    return _Layout(tuple(header), candidates, amount[0], amount[1])


def _record(row: list[str], line: int, layout: _Layout, path: Path, used_ids: set[str]) -> Record:
    # map/filter over C callables: a USAspending row has ~280 cells, typed at thousands of rows a second.
    cells = list(map(str.strip, row))
    consumed = {layout.amount_index}
    typed: dict[str, str | None] = {}
    for field_name, indexes in layout.candidates.items():
        # Per row, the first candidate column that has a value (e.g. recipient_name, else _raw).
        index = next((i for i in indexes if cells[i]), None)
        typed[field_name] = cells[index] if index is not None else None
        if index is not None:
            consumed.add(index)
    extra = dict(filter(itemgetter(1), zip(layout.header, cells)))  # the non-empty cells, by column name
    for index in consumed:
        extra.pop(layout.header[index], None)

    action_date, precision = None, None
    if typed["action_date"]:
        parsed = parse_date(typed["action_date"])
        if parsed:
            action_date, precision = parsed
        else:  # an unreadable date is kept for a person to see, not a reason to drop the file
            date_column = next(i for i in layout.candidates["action_date"] if cells[i])
            extra[layout.header[date_column]] = typed["action_date"]

    amount_column = layout.header[layout.amount_index]
    try:
        amount = parse_amount(cells[layout.amount_index])
    except ValueError:
        raise RejectedInput(
            path, f"row {line}, column {amount_column}: cannot read amount {cells[layout.amount_index]!r}"
        ) from None
    is_transaction = layout.amount_kind == "transaction"
    return Record(
        record_id=_unique_id(_base_record_id(typed, line, is_transaction), used_ids),
        source_document=typed["source_document"] or path.name,
        row_number=line,
        recipient=typed["recipient"],
        agency=typed["agency"],
        sub_agency=typed["sub_agency"],
        office=typed["office"],
        action_date=action_date,
        date_precision=precision,
        amount=amount,
        amount_field=amount_column if amount is not None else None,
        amount_kind=layout.amount_kind if amount is not None else None,
        description=typed["description"],
        product_or_service=typed["product_or_service"],
        piid=typed["piid"],
        award_key=typed["award_key"],
        modification=typed["modification"],
        permalink=typed["permalink"],
        extra=extra,
    )


def _base_record_id(typed: dict[str, str | None], line: int, is_transaction: bool) -> str:
    """``record_id`` column, else award key (+ ``/modification`` for transactions), else ``row-N``.

    Award key plus modification number is how the eval names a real USAspending transaction.
    """
    if typed["record_id"]:
        return typed["record_id"]
    if typed["award_key"] and is_transaction and typed["modification"]:
        return f"{typed['award_key']}/{typed['modification']}"
    return typed["award_key"] or f"row-{line}"


def _unique_id(base: str, used_ids: set[str]) -> str:
    candidate, n = base, 1
    while candidate in used_ids:
        n += 1
        candidate = f"{base}#{n}"
    used_ids.add(candidate)
    return candidate


# --- amounts ---------------------------------------------------------------------------------

_AMOUNT = re.compile(r"(?P<sign>[+-]?)\s*\$?\s*(?P<number>[\d.,]+(?:[eE][+-]?\d+)?)")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")  # "1250,50" from a European spreadsheet
_PLAIN_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def parse_amount(raw: str) -> float | None:
    """Dollars as a float, None when empty; ValueError when not an amount.

    Accepts ``3750000``, ``-12500.50``, ``$1,234.56``, ``(1,234.56)`` (accounting negative).
    Commas must group thousands, or be a decimal comma before 1-2 digits; "3,7500" is not guessed at.
    """
    value = raw.strip().replace("\u2212", "-")
    if not value:
        return None
    accounting_negative = value.startswith("(") and value.endswith(")")
    if accounting_negative:
        value = value[1:-1].strip()
    match = _AMOUNT.fullmatch(value)
    if not match:
        raise ValueError(raw)
    number = match["number"]
    if _THOUSANDS.fullmatch(number):
        number = number.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(number):
        number = number.replace(",", ".")
    if not _PLAIN_NUMBER.fullmatch(number) or (accounting_negative and match["sign"]):
        raise ValueError(raw)
    amount = float(number)
    if not math.isfinite(amount):  # "1e309": no spending is infinite
        raise ValueError(raw)
    return -amount if accounting_negative or match["sign"] == "-" else amount
