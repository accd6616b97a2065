"""The modifications of awards ("Prime Award Transactions" exports) as their own table.

An award of a transactions export is one row of ``awards`` (its modifications summed); each of its
modifications stays a row of ``modifications`` with its own action date and federal action obligation,
so "what was obligated by actions in 2024" is summed by action date, not by the date of the award. It is
derived in the same transaction as ``awards`` (``records_table.rebuild_derived``), so it carries the same
generation stamp and is rebuilt from the registry with it after a crash. Award Summaries rows have no
modifications: a summaries-only table holds none.
"""
from __future__ import annotations

import json
from typing import Any

from dossier.core.records_query import ModificationRow, RecordQuery, RecordsResult
from dossier.core.types import Record
from dossier.index.records_sql import group_key, groups, inline, leading_first, matched, order_by, record_data

# ``award_no`` links a modification to its award (and the award's words); modifications are numbered in
# award order, then by action date, so a computation cites them in the same order on every run.
MODIFICATIONS_SQL = """
CREATE OR REPLACE TABLE modifications AS
SELECT row_number() OVER (ORDER BY a.award_no, r.awarded_on, r.document_id, r.row_number) AS mod_no,
       a.award_no, a.award, r.record_id, r.passage_id, r.document_id, r.recipient, r.agency, r.sub_agency,
       r.office, r.state, r.city, r.awarded_on AS action_date, r.date_precision, r.modification,
       r.amount AS federal_action_obligation
FROM records r JOIN awards a ON a.award = r.award_key
WHERE r.amount_kind = 'transaction' AND r.award_key IS NOT NULL
ORDER BY mod_no
"""
_AMOUNT = "federal_action_obligation"


def run_modifications(db: Any, query: RecordQuery) -> RecordsResult:
    rows = matched(db, query, "modifications", "m")
    count, total, average, awards, base = db.execute(
        f"SELECT count(*), sum({_AMOUNT}), avg({_AMOUNT}), count(DISTINCT award_no),"
        f" count(*) FILTER (WHERE regexp_full_match(modification, '0+')) FROM ({rows.sql})", rows.params).fetchone()
    found = groups(db, query, rows, "action_date", _AMOUNT)
    order = leading_first(query, found, order_by(query), "action_date")
    top = db.execute(f"SELECT award, record_id, passage_id, action_date, {_AMOUNT}, modification FROM ({rows.sql})"
                     f" ORDER BY {order}, mod_no LIMIT ?", [*rows.params, query.limit]).fetchall()
    if query.aggregate in ("max", "min"):  # the extreme is checked on its own record
        record_ids: tuple[str, ...] = tuple(row[1] for row in top[:1])
    else:  # every modification that enters the computation, in their table's order
        record_ids = tuple(db.execute(f"SELECT record_id FROM ({rows.sql}) ORDER BY mod_no",
                                      rows.params).fetchnumpy()["record_id"].tolist())
    data = record_data(db, [row[2] for row in top])
    shown = tuple(ModificationRow(award=award, record=Record(**json.loads(data[passage])), passage_id=passage,
                                  action_date=on.isoformat() if on is not None else None, obligation=amount,
                                  modification=number)
                  for award, _, passage, on, amount, number in top)
    shown_sql = (f"SELECT {group_key(query.group_by, 'action_date')}, count(*), sum({_AMOUNT}) FROM matched GROUP BY 1"
                 if query.group_by else f"SELECT count(*), sum({_AMOUNT}), avg({_AMOUNT}) FROM matched")
    total_weight = sum(g.weight for g in query.terms)
    return RecordsResult(matched=count, amount_total=total, amount_average=average, rows=(), record_ids=record_ids,
                         passage_ids=tuple(m.passage_id for m in shown), groups=tuple(found),
                         best_coverage=rows.best / total_weight if total_weight and rows.best is not None else None,
                         sql=inline(f"{rows.shown_with} {shown_sql}", rows.shown_params),
                         modifications=shown, awards=awards, base_actions=base)
