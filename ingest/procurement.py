"""Procurement CSV (USAspending downloads and hand-made tables) -> a records Document.

Column names follow USAspending's downloads. Which column is the summable ``amount`` is decided
once per file: ``federal_action_obligation`` (one row per transaction) beats the award-level
totals (one row per award in "Award Summaries"), because a transactions file repeats the award
total on every row and summing it would count each award once per modification.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from dossier.core.errors import RejectedInput
from dossier.core.types import AmountKind, Document, Record

from dossier.core.dates import parse_date
from dossier.ingest.decode import decode_bytes
from dossier.ingest.identity import content_hash, document_id
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
_DELIMITERS = ",;\t|"
_SNIFF_LINES = 20


@dataclass(frozen=True)
class _Layout:
    """Where each typed field lives in this file's header."""

    header: tuple[str, ...]
    candidates: dict[str, tuple[int, ...]]  # typed field -> column indexes, best first
    amount_index: int
    amount_kind: AmountKind | None


def load_records(path: Path, data: bytes, limits: IngestLimits, source_path: str) -> Document:
    text, encoding = decode_bytes(data, path)
    delimiter = _sniff_delimiter(text)
    rows = _read_rows(text, delimiter, path)
    first = next(rows, None)
    if first is None:
        raise RejectedInput(path, "empty file")
    _, header_cells = first
    header_names = _unique_names([name.strip() for name in header_cells])
    if len(header_names) < 2:
        raise RejectedInput(path, "wrong delimiter or not a CSV: only one column found")
    layout = _layout(header_names, path)

    records: list[Record] = []
    table: list[list[str]] = []
    used_ids: set[str] = set()
    for line, row in rows:
        if len(row) != len(header_names):
            raise RejectedInput(path, f"row {line} has {len(row)} fields, header has {len(header_names)}")
        if len(table) >= limits.max_csv_rows:
            cap = f"{limits.max_csv_rows:,}"
            raise RejectedInput(path, f"has more than {cap} rows, over the cap of {cap}")
        table.append(row)
        records.append(_record(row, line, layout, path, used_ids))
    if not records:
        raise RejectedInput(path, "has a header but no data rows")
    repeated = _repeated_award_rows(records, layout)

    # Identity comes from the table itself, not its name, delimiter or encoding.
    canonical = json.dumps([header_names, table], ensure_ascii=False, separators=(",", ":"))
    return Document(
        id=document_id(canonical),
        content_hash=content_hash(canonical),
        kind="records",
        title=title_from_filename(path),
        source_path=source_path,
        text="",
        language="en",
        records=tuple(records),
        metadata={
            "format": "csv",
            "encoding": encoding,
            "delimiter": delimiter,
            "bytes": len(data),
            "columns": len(header_names),
            "rows": len(records),
            "amount_column": header_names[layout.amount_index],
            "amount_kind": layout.amount_kind or "",
            **({"repeated_award_rows": repeated} if repeated else {}),
        },
    )


def _repeated_award_rows(records: list[Record], layout: _Layout) -> list[int]:
    """Rows of a one-row-per-award file whose award key an earlier row already gave: they are kept, and
    the records table counts the award once."""
    if layout.amount_kind == "transaction":
        return []
    seen: set[str] = set()
    repeated = []
    for record in records:
        if record.award_key and record.award_key in seen:
            repeated.append(record.row_number)
        elif record.award_key:
            seen.add(record.award_key)
    return repeated


def _sniff_delimiter(text: str) -> str:
    sample_lines = text[:65_536].splitlines()[:_SNIFF_LINES]
    header_line = sample_lines[0] if sample_lines else ""
    try:
        sniffed = csv.Sniffer().sniff("\n".join(sample_lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and _column_count(header_line, sniffed) > 1:
        return sniffed
    # The sniffer gives up on some valid files (e.g. a single data row) and can be misled by
    # punctuation inside quoted text; the header is the next best witness, since column names
    # rarely contain a delimiter.
    return max(_DELIMITERS, key=lambda candidate: _column_count(header_line, candidate))


def _column_count(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _read_rows(text: str, delimiter: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """Non-empty rows with the file line each starts on (quoted fields may span lines).

    That line number is ``Record.row_number`` and what rejections cite: the header is line 1, so in
    a file without multi-line cells it matches the row number a spreadsheet shows.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start_line = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield start_line, row
            start_line = reader.line_num + 1
    except csv.Error as exc:
        raise RejectedInput(path, f"malformed CSV near line {reader.line_num}: {exc}") from None


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
    cells = [cell.strip() for cell in row]
    consumed = {layout.amount_index}
    typed: dict[str, str | None] = {}
    for field_name, indexes in layout.candidates.items():
        # Per row, the first candidate column that has a value (e.g. recipient_name, else _raw).
        index = next((i for i in indexes if cells[i]), None)
        typed[field_name] = cells[index] if index is not None else None
        if index is not None:
            consumed.add(index)
    extra = {layout.header[i]: cells[i] for i in range(len(cells)) if cells[i] and i not in consumed}

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
