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
- ``award_terms``: the stemmed words of each award's description and product, for "the award for
  secure parking": a small inverted index (DuckDB's own full-text extension is not installable offline).
"""
from __future__ import annotations

import json
import re
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
from dossier.index.records_rows import insert_rows

SCHEMA_VERSION = "4"
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
# Extra USAspending columns that hold a typed field of the awards table.
_ORDERS = {"amount_desc": "amount DESC NULLS LAST", "amount_asc": "amount ASC NULLS LAST",
           "date_asc": "{date} ASC NULLS LAST", "date_desc": "{date} DESC NULLS LAST"}
_LOCK_WAIT_S = 10.0
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
        return bool(self._cached("count", lambda db: _scalar(db, "SELECT count(*) FROM awards") if _has_awards(db) else 0))

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

    @staticmethod
    def _groups(db: Any, query: RecordQuery, matched: str, params: list[Any]) -> list[GroupRow]:
        if not query.group_by:
            return []
        key, on = _group_key(query.group_by), _group_on(query.group_by)
        ranking = "count(*) DESC, sum(amount) DESC" if query.aggregate == "count" else "sum(amount) DESC NULLS LAST, count(*) DESC"
        return [GroupRow(k, n, s) for k, n, s in db.execute(
            f"SELECT {key}, count(*), sum(amount) FROM ({matched}) WHERE {on} IS NOT NULL GROUP BY {on}"
            f" ORDER BY {ranking}, 1", params).fetchall()]

    def run(self, query: RecordQuery) -> RecordsResult:
        where, params = _where(query)
        order = ("coverage DESC, " if query.terms else "") + _ORDERS.get(query.order, _ORDERS["amount_desc"]).format(
            date=query.date_field)
        if not self.has_awards():  # known for this generation: no catalogue query per question
            return RecordsResult(0, None, None, ())
        cited = self._cited_ids()
        with self._connect() as db:
            best = None
            total_weight = sum(g.weight for g in query.terms)
            if query.terms:
                # The awards holding any of the question's words, with the weight they hold (few, by construction),
                # then the share the kept ones must reach, now that the best award's share is known.
                hits_sql, hits_params = _hits_sql(query)
                db.execute(f"CREATE TEMP TABLE hits AS {hits_sql}", hits_params)
                best = db.execute(f"SELECT max(h.coverage) FROM awards a JOIN hits h USING (award_no){where}",
                                  params).fetchone()[0] or 0.0
                threshold = max(query.min_share * total_weight, query.keep_ratio * best)
                matched = (f"SELECT a.*, h.coverage FROM awards a JOIN hits h USING (award_no)"
                           f"{where or ' WHERE true'} AND h.coverage > 0 AND h.coverage >= {threshold!r}")
                shown_with = f"WITH hits AS ({hits_sql}), matched AS ({matched})"
                shown_params = [*hits_params, *params]
            else:
                matched = f"SELECT *, 0.0 AS coverage FROM awards a{where}"
                shown_with, shown_params = f"WITH matched AS ({matched})", params
            count, total, average = db.execute(f"SELECT count(*), sum(amount), avg(amount) FROM ({matched})",
                                               params).fetchone()
            groups = self._groups(db, query, matched, params)
            if groups:  # the leading group's awards come first ("2008: 101 awards" cites 2008's first)
                leading = int(groups[0].key) if query.group_by == "year" else "'" + str(groups[0].key).replace("'", "''") + "'"
                order = f"({_group_on(query.group_by)} IS NOT DISTINCT FROM {leading}) DESC, {order}"
            top = db.execute(f"SELECT award, passage_ids, record_ids, amount, awarded_on, last_modified, period_start,"
                             f" period_end, potential_value, modifications FROM ({matched}) ORDER BY {order}, award"
                             f" LIMIT ?", [*params, query.limit]).fetchall()
            if query.aggregate in ("max", "min"):
                # The extreme is checked on its own records; the comparison with the others is the SQL's.
                record_ids = [r for row in top[:1] for r in row[2]]
            else:  # every record that enters the computation, in award order (the same on every run)
                # Only the matching award numbers cross into Python (integers, as one numpy column); their
                # ids are taken from the table's ids read once per generation, not made anew per question.
                award_nos = db.execute(f"SELECT award_no FROM ({matched})", params).fetchnumpy()["award_no"]
                if cited.stamp != table_stamp(db):  # a writer came between: read these ids from the table
                    cited = CitedIds.read(db)
                record_ids = cited.of(award_nos)
            shown = [p for row in top for p in row[1]]
            data = dict(db.execute("SELECT passage_id, data FROM records WHERE passage_id IN (SELECT unnest(?))",
                                   [shown]).fetchall()) if shown else {}
        rows = tuple(AwardRow(award=a, records=tuple(Record(**json.loads(data[p])) for p in pids),
                              passage_ids=tuple(pids), amount=amount, awarded_on=_iso(on), last_modified=_iso(mod),
                              period_start=_iso(start), period_end=_iso(end), potential_value=potential,
                              modifications=mods)
                     for a, pids, _, amount, on, mod, start, end, potential, mods in top)
        shown_sql = (f"SELECT {_group_key(query.group_by)}, count(*), sum(amount) FROM matched GROUP BY 1"
                     if query.group_by else "SELECT count(*), sum(amount), avg(amount) FROM matched")
        return RecordsResult(matched=count, amount_total=total, amount_average=average, rows=rows,
                             record_ids=tuple(record_ids), passage_ids=tuple(shown), groups=tuple(groups),
                             best_coverage=best / total_weight if total_weight and best is not None else None,
                             sql=_inline(f"{shown_with} {shown_sql}", shown_params))


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
    """The awards view and its word index, from the records and their words."""
    db.execute(_AWARDS_SQL)
    # Integer award numbers, sorted by word: a question's few words read a few stretches of the table.
    db.execute("CREATE OR REPLACE TABLE award_terms AS SELECT DISTINCT a.award_no, t.term FROM"
               " (SELECT award_no, unnest(passage_ids) AS passage_id FROM awards) a JOIN record_terms t USING (passage_id)"
               " ORDER BY t.term, a.award_no")


def _where(query: RecordQuery) -> tuple[str, list[Any]]:
    """The filters of a query as a WHERE clause over ``awards a`` (empty when it has none), and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    for f in query.filters:
        clauses.append(f"lower(a.{f.column}) IN ({', '.join('?' for _ in f.values)})")
        params += list(f.values)
    if query.date_from:
        clauses.append(f"a.{query.date_field} >= CAST(? AS DATE)")
        params.append(query.date_from)
    if query.date_to:
        clauses.append(f"a.{query.date_field} < CAST(? AS DATE)")
        params.append(query.date_to)
    if query.amount_min is not None:
        clauses.append("a.amount > ?")
        params.append(query.amount_min)
    if query.amount_max is not None:
        clauses.append("a.amount < ?")
        params.append(query.amount_max)
    if query.nonzero:
        clauses.append("a.amount <> 0")
    if query.documents:
        clauses.append("list_has_any(a.document_ids, ?)")
        params.append(list(query.documents))
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _hits_sql(query: RecordQuery) -> tuple[str, list[Any]]:
    """Each award holding one of the question's word groups, with the summed weight of the groups it holds.
    A group with no stems is a word no award uses: it weighs in the total (``run``), no award holds it."""
    term_rows = [(i, stem) for i, group in enumerate(query.terms) for stem in group.stems] or [(-1, "")]
    # One pass grouped by award, each group's weight counted once however many of its stems the award holds:
    # a common word (230,000 awards hold "detention") made the former DISTINCT over (award, group) ~4x slower.
    held = " + ".join("max(CASE WHEN q.grp = ? THEN CAST(? AS DOUBLE) ELSE 0.0 END)" for _ in query.terms) or "0.0"
    sql = (f"SELECT award_no, {held} AS coverage FROM award_terms t"
           f" JOIN (VALUES {', '.join('(?, ?)' for _ in term_rows)}) q(grp, term) USING (term) GROUP BY award_no")
    params = [v for i, group in enumerate(query.terms) for v in (i, group.weight)] + [v for row in term_rows for v in row]
    return sql, params


def _group_key(column: str | None) -> str:
    return "CAST(year(awarded_on) AS VARCHAR)" if column == "year" else str(column)


def _group_on(column: str | None) -> str:
    """What to group and compare on: a year as a number (grouping on its text took 4x longer)."""
    return "year(awarded_on)" if column == "year" else str(column)


def _inline(sql: str, params: list[Any]) -> str:
    """The SQL with its parameters written in, for a reader to re-run against records.duckdb."""
    def literal(value: Any) -> str:
        if isinstance(value, (int, float)):
            return repr(value)
        if isinstance(value, list):
            return "[" + ", ".join(literal(v) for v in value) + "]"
        return "'" + str(value).replace("'", "''") + "'"
    values = iter(params)
    return re.sub(r"\?", lambda _: literal(next(values)), sql)


def _generation(db: Any) -> int:
    """The registry generation the table reflects; -1 when it has none yet or was built by another
    version of this module (so the next writer, or a reader finding none, rebuilds it)."""
    if not db.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]:
        return -1
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    return int(meta["generation"]) if meta.get("schema") == SCHEMA_VERSION and "generation" in meta else -1


def _has_awards(db: Any) -> bool:
    return bool(db.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'awards'").fetchone()[0])


def _scalar(db: Any, sql: str) -> Any:
    return db.execute(sql).fetchone()[0]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
