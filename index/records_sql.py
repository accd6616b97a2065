"""The SQL both tables of procurement records share: a plan's filters as a WHERE clause, its word
search, its order and grouping, and the SQL written out with its parameters for a reader to re-run."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dossier.core.records_query import TABLE_FIELDS, GroupRow, RecordQuery

_ORDERS = {"amount_desc": "{amount} DESC NULLS LAST", "amount_asc": "{amount} ASC NULLS LAST",
           "date_asc": "{date} ASC NULLS LAST", "date_desc": "{date} DESC NULLS LAST"}


def checked_fields(query: RecordQuery) -> tuple[str, str]:
    """The plan's date and amount columns, refused unless its table has them (a plan may come from a reader)."""
    dates, amount = TABLE_FIELDS[query.table]
    if query.date_field not in dates or query.amount_field != amount:
        raise ValueError(f"the {query.table} table has no {query.date_field} or {query.amount_field} column")
    return query.date_field, amount


def where(query: RecordQuery, alias: str) -> tuple[str, list[Any]]:
    """The filters of a query as a WHERE clause over its table as ``alias`` (empty when it has none), and
    its parameters."""
    date, amount = checked_fields(query)
    clauses: list[str] = []
    params: list[Any] = []
    for f in query.filters:
        clauses.append(f"lower({alias}.{f.column}) IN ({', '.join('?' for _ in f.values)})")
        params += list(f.values)
    if query.date_from:
        clauses.append(f"{alias}.{date} >= CAST(? AS DATE)")
        params.append(query.date_from)
    if query.date_to:
        clauses.append(f"{alias}.{date} < CAST(? AS DATE)")
        params.append(query.date_to)
    if query.amount_min is not None:
        clauses.append(f"{alias}.{amount} > ?")
        params.append(query.amount_min)
    if query.amount_max is not None:
        clauses.append(f"{alias}.{amount} < ?")
        params.append(query.amount_max)
    if query.nonzero:
        clauses.append(f"{alias}.{amount} <> 0")
    if query.documents:  # an award may come from several downloads; a modification from one
        clauses.append(f"list_has_any({alias}.document_ids, ?)" if query.table == "awards"
                       else f"list_contains(?, {alias}.document_id)")
        params.append(list(query.documents))
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def order_by(query: RecordQuery) -> str:
    date, amount = checked_fields(query)
    return ("coverage DESC, " if query.terms else "") + _ORDERS.get(query.order, _ORDERS["amount_desc"]).format(
        date=date, amount=amount)


def hits_sql(query: RecordQuery) -> tuple[str, list[Any]]:
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


@dataclass(frozen=True)
class Matched:
    """The rows a plan keeps, as SQL over its table (``sql`` with ``params``); ``shown_with`` defines them as
    ``matched`` for a reader re-running the computation, with ``shown_params``."""

    sql: str
    params: list[Any]
    shown_with: str
    shown_params: list[Any]
    best: float | None  # the best award's word coverage, when the plan has words


def matched(db: Any, query: RecordQuery, table: str, alias: str) -> Matched:
    clause, params = where(query, alias)
    if not query.terms:
        sql = f"SELECT *, 0.0 AS coverage FROM {table} {alias}{clause}"
        return Matched(sql, params, f"WITH matched AS ({sql})", params, None)
    # The awards holding any of the question's words, with the weight they hold (few, by construction),
    # then the share the kept ones must reach, now that the best award's share is known.
    hits, hits_params = hits_sql(query)
    db.execute(f"CREATE TEMP TABLE hits AS {hits}", hits_params)
    best = db.execute(f"SELECT max(h.coverage) FROM {table} {alias} JOIN hits h USING (award_no){clause}",
                      params).fetchone()[0] or 0.0
    threshold = max(query.min_share * sum(g.weight for g in query.terms), query.keep_ratio * best)
    sql = (f"SELECT {alias}.*, h.coverage FROM {table} {alias} JOIN hits h USING (award_no)"
           f"{clause or ' WHERE true'} AND h.coverage > 0 AND h.coverage >= {threshold!r}")
    return Matched(sql, params, f"WITH hits AS ({hits}), matched AS ({sql})", [*hits_params, *params], best)


def groups(db: Any, query: RecordQuery, rows: Matched, dated: str, amount: str) -> list[GroupRow]:
    if not query.group_by:
        return []
    key, on = group_key(query.group_by, dated), group_on(query.group_by, dated)
    ranking = (f"count(*) DESC, sum({amount}) DESC" if query.aggregate == "count"
               else f"sum({amount}) DESC NULLS LAST, count(*) DESC")
    return [GroupRow(k, n, s) for k, n, s in db.execute(
        f"SELECT {key}, count(*), sum({amount}) FROM ({rows.sql}) WHERE {on} IS NOT NULL GROUP BY {on}"
        f" ORDER BY {ranking}, 1", rows.params).fetchall()]


def leading_first(query: RecordQuery, found: list[GroupRow], order: str, dated: str) -> str:
    """The order with the leading group's rows first ("2008: 101 awards" cites 2008's first)."""
    if not found:
        return order
    leading = int(found[0].key) if query.group_by == "year" else "'" + str(found[0].key).replace("'", "''") + "'"
    return f"({group_on(query.group_by, dated)} IS NOT DISTINCT FROM {leading}) DESC, {order}"


def record_data(db: Any, passage_ids: list[str]) -> dict[str, str]:
    """The stored record (JSON) of each of these passages."""
    return dict(db.execute("SELECT passage_id, data FROM records WHERE passage_id IN (SELECT unnest(?))",
                           [passage_ids]).fetchall()) if passage_ids else {}


def group_key(column: str | None, dated: str = "awarded_on") -> str:
    return f"CAST(year({dated}) AS VARCHAR)" if column == "year" else str(column)


def group_on(column: str | None, dated: str = "awarded_on") -> str:
    """What to group and compare on: a year as a number (grouping on its text took 4x longer)."""
    return f"year({dated})" if column == "year" else str(column)


def inline(sql: str, params: list[Any]) -> str:
    """The SQL with its parameters written in, for a reader to re-run against records.duckdb."""
    def literal(value: Any) -> str:
        if isinstance(value, (int, float)):
            return repr(value)
        if isinstance(value, list):
            return "[" + ", ".join(literal(v) for v in value) + "]"
        return "'" + str(value).replace("'", "''") + "'"
    values = iter(params)
    return re.sub(r"\?", lambda _: literal(next(values)), sql)
