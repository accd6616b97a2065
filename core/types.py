"""The project's own small records: what crosses a room's door.

Frozen dataclasses; their JSON (``to_dict``/``from_dict``) goes through pydantic. No llama-index or Chroma type ever appears here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

DatePrecision = Literal["day", "month", "year"]
DocumentKind = Literal["article", "records"]
PassageKind = Literal["text", "record"]
AmountKind = Literal["transaction", "award_total"]


class Plain:
    """JSON in and out through pydantic: ``to_dict()`` gives JSON-ready data (nested records as dicts,
    tuples as lists); ``from_dict()`` validates such data back into the record, types checked."""

    def to_dict(self) -> dict[str, Any]:
        return _adapter(type(self)).dump_python(self, mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        return _adapter(cls).validate_python(data)


@lru_cache(maxsize=None)
def _adapter(kind: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(kind)


@dataclass(frozen=True)
class Record(Plain):
    """One procurement record (a CSV row): a typed view plus every other column as ``extra``.

    ``amount`` is what may be summed: a transaction's ``federal_action_obligation`` for
    "Prime Award Transactions" rows, the award's lifetime ``total_obligated_amount`` for
    "Award Summaries" rows (``amount_kind`` says which). Award-level totals repeated on every
    transaction row stay in ``extra`` and are never summed.
    """

    record_id: str
    source_document: str
    row_number: int
    recipient: str | None = None
    agency: str | None = None
    sub_agency: str | None = None
    office: str | None = None
    action_date: str | None = None  # ISO, as precise as the source: "2025-09-30", "2025-09", "2025"
    date_precision: DatePrecision | None = None
    amount: float | None = None
    amount_field: str | None = None
    amount_kind: AmountKind | None = None
    description: str | None = None
    product_or_service: str | None = None
    piid: str | None = None
    award_key: str | None = None
    modification: str | None = None
    permalink: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    # Field order and labels of the readable "field: value" rendering used for retrieval.
    LABELS = (
        ("record_id", "record"),
        ("recipient", "recipient"),
        ("product_or_service", "product or service"),
        ("description", "description"),
        ("agency", "awarding agency"),
        ("sub_agency", "awarding sub-agency"),
        ("office", "awarding office"),
        ("action_date", "action date"),
        ("amount", "amount"),
        ("piid", "PIID"),
        ("award_key", "award key"),
        ("modification", "modification"),
        ("permalink", "permalink"),
        ("source_document", "source document"),
    )

    def render(self) -> str:
        """Readable "field: value" lines, the text that is embedded and quoted."""
        lines = []
        for name, label in self.LABELS:
            value = getattr(self, name)
            if value in (None, ""):
                continue
            if name == "amount":
                value = f"${value:,.2f}".replace(".00", "") + (f" ({self.amount_field})" if self.amount_field else "")
            elif name == "action_date" and self.date_precision and self.date_precision != "day":
                value = f"{value} ({self.date_precision} precision)"
            lines.append(f"{label}: {value}")
        for key, value in self.extra.items():
            if key in _RENDERED_EXTRA and value not in (None, ""):
                lines.append(f"{key}: {value}")
        return "\n".join(lines)

    def key_fields(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "recipient": self.recipient,
            "office": self.office,
            "action_date": self.action_date,
            "amount": self.amount,
            "description": self.description or self.product_or_service,
            "source_document": self.source_document,
        }



# A few extra columns worth showing to the retriever; the rest stay metadata only.
_RENDERED_EXTRA = ("period_of_performance", "recipient_parent_name", "naics_description", "award_type")


@dataclass(frozen=True)
class Document(Plain):
    """A parsed, normalised file. ``id`` derives from the content hash, so the same text is one document."""

    id: str
    content_hash: str
    kind: DocumentKind
    title: str
    source_path: str
    text: str  # normalised stored text (curly quotes kept); empty for record files
    language: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    records: tuple[Record, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def source_name(self) -> str:
        return self.source_path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Chunk(Plain):
    """A span of a document's text, cut to the embedder's window: ``text == document.text[start:end]``."""

    document_id: str
    ordinal: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage(Plain):
    """What the index stores and retrieval returns: a chunk of an article, or one rendered record."""

    passage_id: str
    document_id: str
    kind: PassageKind
    text: str
    source: str  # file name of the document
    title: str
    language: str | None = None
    start: int | None = None  # character offsets in the document text (text passages)
    end: int | None = None
    record_id: str | None = None
    ordinal: int = 0



@dataclass(frozen=True)
class ScoredPassage(Plain):
    passage: Passage
    score: float
    rank: int


@dataclass(frozen=True)
class Citation(Plain):
    """``quote == passage text[start:end]`` (offsets into the passage's text)."""

    n: int
    passage_id: str
    document_id: str
    source: str
    record_id: str | None
    quote: str
    start: int
    end: int
    title: str = ""
    passage_text: str = ""
    # A computation over records cites them all at once: every record id that entered it, and the SQL.
    record_ids: tuple[str, ...] = ()
    sql: str = ""



@dataclass(frozen=True)
class RetrievedItem(Plain):
    rank: int
    passage_id: str
    source: str
    record_id: str | None
    text: str
    score: float
    document_id: str = ""
    title: str = ""



@dataclass(frozen=True)
class Answer(Plain):
    question: str
    answer: str
    abstained: bool
    language: str
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[RetrievedItem, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    query: dict[str, Any] = field(default_factory=dict)  # a records answer's plan and SQL, to re-run it
