"""A question about procurement records as a structured query, and what the records table returns.

The answer layer compiles a question into a ``RecordQuery`` (filters, one aggregate, an order and a
limit); the index's records table turns it into SQL and runs it. Both cross the boundary as these plain
records, and the plan and its SQL travel in the Answer JSON so a reader can re-run the computation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from dossier.core.types import Plain, Record

Aggregate = Literal["list", "total", "count", "max", "min", "average", "difference", "distinct"]
# The tables a plan may run over: one row per award, or (transactions exports) one row per modification.
Table = Literal["awards", "modifications"]
# The award columns a question may filter on, group by or ask for (see ``index.records_table``); a
# modification has its own action date and federal action obligation.
DateField = Literal["awarded_on", "last_modified", "period_start", "period_end", "action_date"]
AmountField = Literal["amount", "federal_action_obligation"]
TABLE_FIELDS = {"awards": ({"awarded_on", "last_modified", "period_start", "period_end"}, "amount"),
                "modifications": ({"action_date"}, "federal_action_obligation")}
# Closed sets: a plan may come back from a reader (``/records_for_plan``), and these names are written
# into SQL, so validation (``RecordQuery.from_dict``) refuses any other.
CategoryColumn = Literal["recipient", "agency", "sub_agency", "office", "state", "city"]
GroupColumn = Literal["recipient", "agency", "sub_agency", "office", "state", "city", "year"]
Order = Literal["amount_desc", "amount_asc", "date_asc", "date_desc"]
AskedColumn = Literal["awarded_on", "last_modified", "period_start", "period_end", "potential_value", "office",
                      "sub_agency"]
CATEGORY_COLUMNS: tuple[str, ...] = get_args(CategoryColumn)
# What each column is, in the answer's words: "awarded on", "total obligated" (USAspending's terms).
COLUMN_LABELS = {
    "en": {"awarded_on": "awarded on", "last_modified": "last modified", "period_start": "performance starts",
           "period_end": "performance ends", "amount": "total obligated", "potential_value": "potential value",
           "recipient": "recipient", "agency": "agency", "sub_agency": "sub-agency", "office": "office",
           "state": "state", "city": "city", "year": "year awarded", "description": "description",
           "action_date": "action date", "federal_action_obligation": "federal action obligation",
           "action_year": "year of action"},
    "fr": {"awarded_on": "attribué le", "last_modified": "dernière modification", "period_start": "début d'exécution",
           "period_end": "fin d'exécution", "amount": "total engagé", "potential_value": "valeur potentielle",
           "recipient": "bénéficiaire", "agency": "agence", "sub_agency": "sous-agence", "office": "bureau",
           "state": "État", "city": "ville", "year": "année d'attribution", "description": "description",
           "action_date": "date de l'action", "federal_action_obligation": "obligation fédérale de l'action",
           "action_year": "année de l'action"},
}


@dataclass(frozen=True)
class ColumnFilter(Plain):
    """``column`` equals one of ``values`` (the exact spellings found in the table, case-folded)."""

    column: CategoryColumn
    values: tuple[str, ...]
    said: str = ""  # the question's words that picked these values


@dataclass(frozen=True)
class TermGroup(Plain):
    """A word of the question (with its translations) as stems, weighted by how rare it is in the awards."""

    word: str
    stems: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class RecordQuery(Plain):
    """Filters, then what the words say about what was bought: an award's coverage is the summed weight
    of the term groups its description holds; awards are kept when their coverage reaches both
    ``min_share`` of the groups' total weight and ``keep_ratio`` of the best award's coverage."""

    table: Table = "awards"
    filters: tuple[ColumnFilter, ...] = ()
    terms: tuple[TermGroup, ...] = ()
    min_share: float = 0.5
    keep_ratio: float = 0.75
    date_field: DateField = "awarded_on"
    amount_field: AmountField = "amount"
    date_from: str | None = None  # ISO day, inclusive
    date_to: str | None = None  # ISO day, exclusive
    amount_min: float | None = None  # exclusive bounds: "over $1 million"
    amount_max: float | None = None
    nonzero: bool = False  # "the smallest non-zero amount"
    documents: tuple[str, ...] = ()  # document ids the question's source scope keeps
    aggregate: Aggregate = "list"
    group_by: GroupColumn | None = None
    asked: tuple[AskedColumn, ...] = ()  # columns the reader asked for ("period_end", "potential_value")
    order: Order = "amount_desc"
    limit: int = 10


@dataclass(frozen=True)
class AwardRow(Plain):
    """One award: a summary row, or the summed modifications of one award key in a transactions file."""

    award: str
    records: tuple[Record, ...]
    passage_ids: tuple[str, ...]
    amount: float | None
    awarded_on: str | None
    last_modified: str | None
    period_start: str | None
    period_end: str | None
    potential_value: float | None
    modifications: int = 1

    @property
    def first(self) -> Record:
        return self.records[0]


@dataclass(frozen=True)
class ModificationRow(Plain):
    """One modification (a row of a transactions export): its own action date and federal action obligation."""

    award: str
    record: Record
    passage_id: str
    action_date: str | None
    obligation: float | None
    modification: str | None


@dataclass(frozen=True)
class GroupRow(Plain):
    key: str
    awards: int
    amount: float | None


@dataclass(frozen=True)
class RecordsResult(Plain):
    """What the table returned for a query: the matching awards' count and sums, the first rows in the
    query's order, every record id that entered the computation, and the SQL that computed it."""

    matched: int
    amount_total: float | None
    amount_average: float | None
    rows: tuple[AwardRow, ...]
    record_ids: tuple[str, ...]
    passage_ids: tuple[str, ...]
    groups: tuple[GroupRow, ...] = ()
    best_coverage: float | None = None  # share of the term weight the best-matching award holds
    sql: str = ""
    # A plan over the modifications table: ``matched`` counts modifications, these the first in its order,
    # ``awards`` how many awards they belong to, ``base_actions`` how many are a base award (modification 0).
    modifications: tuple[ModificationRow, ...] = ()
    awards: int | None = None
    base_actions: int = 0
