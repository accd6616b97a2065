"""Procurement records as a DuckDB table beside the registry: typed columns, an awards view, word search.

The registry (SQLite) stays the one source of truth: this table is derived from it and stamped with the
registry generation it reflects, so a crash between the two never leaves a wrong answer behind, only a
table that ``sync`` brings up to date (it is called under the index's writer lock after every write,
and on opening a stale index).

- ``records``: one row per CSV row, with USAspending's dates and amounts typed (``awarded_on`` is the
  base action date, ``last_modified`` the latest action date, ``amount`` the total obligated or, for
  transaction exports, the row's own obligation).
- ``awards``: one row per award. A summary row once, even when two downloads both hold it (same award
  key); the modifications of a transactions export summed per award key, de-obligations included.
- ``modifications``: each row of a transactions export with its award, action date and federal action
  obligation (``index.records_modifications``).
- ``award_terms``: the stemmed words of each award's description and product, for "the award for
  secure parking": a small inverted index (DuckDB's own full-text extension is not installable offline).
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dossier.core.errors import IndexLocked
from dossier.core.records_query import AwardRow, GroupRow, RecordQuery, RecordsResult
from dossier.core.text import fold
from dossier.core.types import Record
from dossier.index.records_ids import CitedIds, table_stamp
from dossier.index.records_modifications import MODIFICATIONS_SQL, run_modifications
from dossier.index.records_rows import insert_rows
from dossier.index.records_sql import group_key, groups, inline, leading_first, matched, order_by, record_data

SCHEMA_VERSION = "6"
TABLES_SQL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS records (
    document_id VARCHAR, passage_id VARCHAR, record_id VARCHAR, source VARCHAR, row_number INTEGER,
    recipient VARCHAR, agency VARCHAR, sub_agency VARCHAR, office VARCHAR, state VARCHAR, city VARCHAR,
    awarded_on DATE, date_precision VARCHAR, last_modified DATE, period_start DATE, period_end DATE,
    amount DOUBLE, amount_kind VARCHAR, potential_value DOUBLE, award_key VARCHAR, modification VARCHAR,
    description VARCHAR, product_or_service VARCHAR, data VARCHAR
);
CREATE TABLE IF NOT EXISTS record_terms (passage_id VARCHAR, term VARCHAR);
"""
_LOCK_WAIT_S = 10.0
_PASSAGE_INDEX = "records_by_passage"
_WRITER_MEMORY = "512MB"


class RecordsTable:
    def __init__(self, path: Path, source_generation: Callable[[], int] | None = None):
        """``source_generation``: the registry's generation, read cheaply; what this process last saw the
        table at is remembered against it, so a question opens the table once, to run its query."""
        self.path = path
        self._source_generation = source_generation
        self._known_generation: tuple[int, int] | None = None  # (registry generation, table generation)
        self._cache_generation = -1
        self._cache: dict[str, Any] = {}
        self._cache_lock = threading.Lock()

    # ---- connection -----------------------------------------------------------------------------
    @contextmanager
    def _connect(self, create: bool = False) -> Iterator[Any]:
        """A short-lived connection: DuckDB lets one process at a time open the file, so a server
        and a `dossier add` take turns instead of one locking the other out for good. Only a writer
        (``create``) creates the tables: a reader's statements stay reads."""
        import duckdb

        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                db = duckdb_connect(self.path)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise IndexLocked(f"{self.path}: the records table is held by another process ({exc})") from exc
                time.sleep(0.05)
        try:
            if create:
                db.execute(TABLES_SQL)
            yield db
        finally:
            db.close()

    def generation(self) -> int:
        source = self._source_generation() if self._source_generation else None
        if source is not None and self._known_generation and self._known_generation[0] == source:
            return self._known_generation[1]
        with self._connect() as db:
            table = _generation(db)
        if source is not None:
            self._known_generation = (source, table)
        return table

    # ---- writing (under the index's writer lock) ---------------------------------------------------
    def sync(self, generation: int, registry_documents: set[str],
             load: Callable[[list[str]], Iterable[list[tuple[str, str, str, Record]]]],
             staged: Path | None = None) -> bool:
        """Bring the table to the registry's state at ``generation``; False when it already was.

        ``registry_documents``: ids of every record document the registry holds. ``load(ids)`` yields
        batches of (document id, passage id, file name, record) of the documents the table lacks; ``staged``
        is a writer's stage (``RecordsStage``) holding the rows of those it has just committed, copied
        from there in one statement (the registry is read back only after a crash)."""
        with self._connect(create=True) as db:
            if _generation(db) == generation:
                return False
            # Bounded buffers, so a large import's copy and rebuild spill to disk rather than grow memory with
            # the table; the setting is the database's, so it is given back for the readers afterwards.
            db.execute(f"SET memory_limit = '{_WRITER_MEMORY}'")
            try:
                if staged is not None:
                    db.execute(f"ATTACH '{str(staged).replace(chr(39), chr(39) * 2)}' AS staged (READ_ONLY)")
                db.execute("BEGIN TRANSACTION")
                try:
                    self._bring_up_to(db, generation, registry_documents, load, staged is not None)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            finally:
                db.execute("RESET memory_limit")
        self._known_generation = None
        return True

    @staticmethod
    def _bring_up_to(db: Any, generation: int, registry_documents: set[str],
                     load: Callable[[list[str]], Iterable[list[tuple[str, str, str, Record]]]], staged: bool) -> None:
        db.execute(f"DROP INDEX IF EXISTS {_PASSAGE_INDEX}")  # rebuilt once the rows are in, not kept up row by row
        if db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() != (SCHEMA_VERSION,):
            db.execute("DELETE FROM records"); db.execute("DELETE FROM record_terms")  # noqa: E702
        have = {r[0] for r in db.execute("SELECT DISTINCT document_id FROM records").fetchall()}
        gone = sorted(have - registry_documents)
        if gone:
            db.execute("DELETE FROM record_terms WHERE passage_id IN (SELECT passage_id FROM records"
                       " WHERE list_contains(?, document_id))", [gone])
            db.execute("DELETE FROM records WHERE list_contains(?, document_id)", [gone])
        missing = sorted(registry_documents - have)
        copied = _copy_staged(db, missing) if staged else set()
        for batch in load([d for d in missing if d not in copied]):
            insert_rows(db, batch)
        rebuild_derived(db)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?), ('schema', ?)",
                   [str(generation), SCHEMA_VERSION])

    # ---- reading --------------------------------------------------------------------------------
    def _cached(self, key: str, compute: Any) -> Any:
        generation = self.generation()
        with self._cache_lock:
            if generation != self._cache_generation:
                self._cache, self._cache_generation = {}, generation
            if key in self._cache:
                return self._cache[key]
        with self._connect() as db:
            value = compute(db)
        with self._cache_lock:
            if generation == self._cache_generation:
                self._cache[key] = value
        return value

    def has_awards(self) -> bool:
        return bool(self.award_count())

    def award_count(self) -> int:
        return self._cached("count", lambda db: _scalar(db, "SELECT count(*) FROM awards") if _has_awards(db) else 0)

    def column_values(self, column: str) -> dict[str, int]:
        """Every distinct value of a category column (folded) with its number of awards."""
        def compute(db: Any) -> dict[str, int]:
            if not _has_awards(db):
                return {}
            rows = db.execute(f"SELECT lower({column}), count(*) FROM awards WHERE {column} IS NOT NULL"
                              " GROUP BY 1").fetchall()
            return {fold(value): n for value, n in rows}
        return self._cached(f"values:{column}", compute)

    def term_counts(self) -> dict[str, int]:
        """How many awards each stem occurs in."""
        return self._cached("terms", lambda db: dict(db.execute(
            "SELECT term, count(*) FROM award_terms GROUP BY term").fetchall()) if _has_awards(db) else {})

    def record_names(self) -> list[tuple[str, str, str]]:
        """Each distinct (recipient, product or service, description) of the awards: the names they give."""
        return self._cached("names", lambda db: [tuple(row) for row in db.execute(
            "SELECT DISTINCT recipient, product_or_service, description FROM awards WHERE recipient IS NOT NULL"
            " ORDER BY 1, 2, 3").fetchall()] if _has_awards(db) else [])

    def records(self, record_ids: list[str]) -> list[Record]:
        """The records of these ids, in this order (their key fields: the registry keeps every column)."""
        if not record_ids:
            return []
        with self._connect() as db:
            found = dict(db.execute("SELECT record_id, data FROM records WHERE record_id IN (SELECT unnest(?))",
                                    [list(record_ids)]).fetchall())
        return [Record(**json.loads(found[r])) for r in record_ids if r in found]

    def _cited_ids(self) -> CitedIds:
        return self._cached("cited_ids", CitedIds.read)

    def modifications_held(self) -> tuple[int, int]:
        """How many modifications (rows of transactions exports) the table holds, and how many awards they
        belong to; none for Award Summaries."""
        return self._cached("modifications", lambda db: tuple(db.execute(
            "SELECT count(*), count(DISTINCT award_no) FROM modifications").fetchone())
            if _has_table(db, "modifications") else (0, 0))

    def run(self, query: RecordQuery) -> RecordsResult:
        if query.table == "modifications":
            if not self.modifications_held()[0]:
                return RecordsResult(0, None, None, ())
            with self._connect() as db:
                return run_modifications(db, query)
        order = order_by(query)
        if not self.has_awards():  # known for this generation: no catalogue query per question
            return RecordsResult(0, None, None, ())
        cited = self._cited_ids()
        with self._connect() as db:
            rows = matched(db, query, "awards", "a")
            count, total, average = db.execute(f"SELECT count(*), sum(amount), avg(amount) FROM ({rows.sql})",
                                               rows.params).fetchone()
            found = groups(db, query, rows, "awarded_on", "amount")
            order = leading_first(query, found, order, "awarded_on")
            top = db.execute(f"SELECT award, passage_ids, record_ids, amount, awarded_on, last_modified, period_start,"
                             f" period_end, potential_value, modifications FROM ({rows.sql}) ORDER BY {order}, award"
                             f" LIMIT ?", [*rows.params, query.limit]).fetchall()
            if query.aggregate in ("max", "min"):
                # The extreme is checked on its own records; the comparison with the others is the SQL's.
                record_ids = [r for row in top[:1] for r in row[2]]
            else:  # every record that enters the computation, in award order (the same on every run)
                # Only the matching award numbers cross into Python (integers, as one numpy column); their
                # ids are taken from the table's ids read once per generation, not made anew per question.
                award_nos = db.execute(f"SELECT award_no FROM ({rows.sql})", rows.params).fetchnumpy()["award_no"]
                if cited.stamp != table_stamp(db):  # a writer came between: read these ids from the table
                    cited = CitedIds.read(db)
                record_ids = cited.of(award_nos)
            shown = [p for row in top for p in row[1]]
            data = record_data(db, shown)
        awards = tuple(AwardRow(award=a, records=tuple(Record(**json.loads(data[p])) for p in pids),
                                passage_ids=tuple(pids), amount=amount, awarded_on=_iso(on), last_modified=_iso(mod),
                                period_start=_iso(start), period_end=_iso(end), potential_value=potential,
                                modifications=mods)
                       for a, pids, _, amount, on, mod, start, end, potential, mods in top)
        shown_sql = (f"SELECT {group_key(query.group_by)}, count(*), sum(amount) FROM matched GROUP BY 1"
                     if query.group_by else "SELECT count(*), sum(amount), avg(amount) FROM matched")
        total_weight = sum(g.weight for g in query.terms)
        return RecordsResult(matched=count, amount_total=total, amount_average=average, rows=awards,
                             record_ids=tuple(record_ids), passage_ids=tuple(shown), groups=tuple(found),
                             best_coverage=rows.best / total_weight if total_weight and rows.best is not None else None,
                             sql=inline(f"{rows.shown_with} {shown_sql}", rows.shown_params))


# One row per award; see the module docstring. A transactions export's award is dated by its first
# action (the base award) and last modified by its latest; its amount is the sum of its rows.
_AWARDS_SQL = """
CREATE OR REPLACE TABLE awards AS
SELECT row_number() OVER (ORDER BY award) AS award_no, * FROM (
WITH summary AS (
    SELECT * FROM records WHERE amount_kind IS DISTINCT FROM 'transaction' OR award_key IS NULL
    QUALIFY row_number() OVER (PARTITION BY coalesce(award_key, passage_id) ORDER BY document_id, row_number) = 1
), transactions AS (
    SELECT * FROM records WHERE amount_kind = 'transaction' AND award_key IS NOT NULL
      AND award_key NOT IN (SELECT award_key FROM summary WHERE award_key IS NOT NULL)
)
SELECT coalesce(award_key, passage_id) AS award, [record_id] AS record_ids, [passage_id] AS passage_ids,
       [document_id] AS document_ids, recipient, agency, sub_agency, office, state, city, awarded_on,
       date_precision, last_modified, period_start, period_end, amount, potential_value, description,
       product_or_service, 1 AS modifications
FROM summary
UNION ALL BY NAME
SELECT award_key AS award, list(record_id ORDER BY awarded_on, row_number) AS record_ids,
       list(passage_id ORDER BY awarded_on, row_number) AS passage_ids, list(DISTINCT document_id) AS document_ids,
       arg_min(recipient, awarded_on) AS recipient, arg_min(agency, awarded_on) AS agency,
       arg_min(sub_agency, awarded_on) AS sub_agency, arg_min(office, awarded_on) AS office,
       arg_min(state, awarded_on) AS state, arg_min(city, awarded_on) AS city,
       min(awarded_on) AS awarded_on, arg_min(date_precision, awarded_on) AS date_precision,
       greatest(max(awarded_on), max(last_modified)) AS last_modified, min(period_start) AS period_start,
       max(period_end) AS period_end, sum(amount) AS amount, max(potential_value) AS potential_value,
       string_agg(DISTINCT description, ' | ') AS description,
       arg_min(product_or_service, awarded_on) AS product_or_service, count(*) AS modifications
FROM transactions GROUP BY award_key
)
"""


def duckdb_connect(path: Path, memory_limit: str | None = None) -> Any:
    """``memory_limit`` caps DuckDB's buffers (by default most of the machine's memory, kept while open)."""
    import duckdb

    return duckdb.connect(str(path), config={"memory_limit": memory_limit} if memory_limit else {})


def _copy_staged(db: Any, missing: list[str]) -> set[str]:
    """Copy the staged rows of the ``missing`` documents into the table; returns the ids copied."""
    copied = {r[0] for r in db.execute("SELECT DISTINCT document_id FROM staged.records"
                                       " WHERE list_contains(?, document_id)", [missing]).fetchall()}
    if copied:
        db.execute("INSERT INTO records SELECT * FROM staged.records WHERE list_contains(?, document_id)",
                   [sorted(copied)])
        db.execute("INSERT INTO record_terms SELECT t.passage_id, t.term FROM staged.record_terms t"
                   " JOIN staged.records r USING (passage_id) WHERE list_contains(?, r.document_id)", [sorted(copied)])
    return copied


def rebuild_derived(db: Any) -> None:
    """The awards view, the modifications of transactions exports, and the awards' word index, from the
    records and their words."""
    db.execute(_AWARDS_SQL)
    db.execute(MODIFICATIONS_SQL)
    # The rows an answer shows are read by passage id: without an index that read every record's data (~0.6 s
    # at a million records), with it ~8 ms. Built after the rows are in (0.8 s at a million).
    db.execute(f"DROP INDEX IF EXISTS {_PASSAGE_INDEX}")
    db.execute(f"CREATE INDEX {_PASSAGE_INDEX} ON records (passage_id)")
    # Integer award numbers, sorted by word: a question's few words read a few stretches of the table.
    db.execute("CREATE OR REPLACE TABLE award_terms AS SELECT DISTINCT a.award_no, t.term FROM"
               " (SELECT award_no, unnest(passage_ids) AS passage_id FROM awards) a JOIN record_terms t USING (passage_id)"
               " ORDER BY t.term, a.award_no")


def _generation(db: Any) -> int:
    """The registry generation the table reflects; -1 when it has none yet or was built by another
    version of this module (so the next writer, or a reader finding none, rebuilds it)."""
    if not db.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]:
        return -1
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    return int(meta["generation"]) if meta.get("schema") == SCHEMA_VERSION and "generation" in meta else -1


def _has_awards(db: Any) -> bool:
    return _has_table(db, "awards")


def _has_table(db: Any, name: str) -> bool:
    return bool(db.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def _scalar(db: Any, sql: str) -> Any:
    return db.execute(sql).fetchone()[0]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
