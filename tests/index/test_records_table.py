"""The records table (real DuckDB beside a real index): USAspending semantics, a table that follows the
registry, and SQL a reader can re-run. Expected figures are computed from the files in the test."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from dossier.core.lexical import bilingual_stem
from dossier.core.records_query import ColumnFilter, RecordQuery, TermGroup

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "samples" / "usaspending"
TRANSACTIONS = REPO / "tests" / "fixtures" / "ingest" / "transactions_small.csv"


def _modifications(**plan) -> RecordQuery:
    """A plan over the modifications table: its date is the action date, its amount the federal action obligation."""
    return RecordQuery(table="modifications", date_field="action_date", amount_field="federal_action_obligation", **plan)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [row for row in csv.DictReader(handle) if any(v.strip() for v in row.values())]


def test_an_award_in_two_downloads_is_one_award(tmp_path, make_index) -> None:
    files = sorted(SAMPLES.glob("*.csv"))
    first_amount: dict[str, float] = {}
    for path in files:
        for row in _rows(path):
            first_amount.setdefault(row["contract_award_unique_key"], float(row["total_obligated_amount"] or 0))
    index = make_index(tmp_path / "idx")
    assert not index.ingest(files).rejected
    result = index.query_records(RecordQuery())
    assert result.matched == len(first_amount) < sum(len(_rows(p)) for p in files)  # the overlap is counted once
    assert result.amount_total == pytest.approx(sum(first_amount.values()), abs=0.01)


def test_a_transactions_export_sums_each_awards_modifications(tmp_path, make_index) -> None:
    sums: dict[str, float] = defaultdict(float)
    for row in _rows(TRANSACTIONS):
        sums[row["contract_award_unique_key"]] += float(row["federal_action_obligation"])
    index = make_index(tmp_path / "idx")
    assert not index.ingest([TRANSACTIONS]).rejected
    result = index.query_records(RecordQuery(limit=100))
    assert result.matched == len(sums)
    assert {row.award: row.amount for row in result.rows} == pytest.approx(dict(sums))
    assert any(row.modifications > 1 for row in result.rows)
    assert len(result.record_ids) == len(_rows(TRANSACTIONS))  # every modification enters the sum


def test_filters_words_and_dates_pick_awards(tmp_path, make_index) -> None:
    path = SAMPLES / "us-local-gov-ice-award-summaries.csv"
    rows = _rows(path)
    recipient = max({r["recipient_name"] for r in rows}, key=lambda name: sum(r["recipient_name"] == name for r in rows))
    theirs = [r for r in rows if r["recipient_name"] == recipient]
    index = make_index(tmp_path / "idx")
    index.ingest([path])
    by_name = index.query_records(RecordQuery(filters=(ColumnFilter("recipient", (recipient.lower(),)),)))
    assert by_name.matched == len(theirs)
    year = theirs[0]["award_base_action_date"][:4]
    dated = index.query_records(RecordQuery(filters=(ColumnFilter("recipient", (recipient.lower(),)),),
                                            date_from=f"{year}-01-01", date_to=f"{int(year) + 1}-01-01"))
    assert dated.matched == sum(r["award_base_action_date"].startswith(year) for r in theirs)
    worded = index.query_records(RecordQuery(terms=tuple(TermGroup(w, (bilingual_stem(w),), 1.0) for w in ("firing", "range")),
                                             min_share=1.0))
    assert worded.matched and all("FIR" in (r.first.description or "") + (r.first.product_or_service or "")
                                  for r in worded.rows)


def test_the_table_follows_the_registry_after_a_crash_and_a_removal(tmp_path, make_index) -> None:
    path = SAMPLES / "us-local-gov-ice-award-summaries.csv"
    index = make_index(tmp_path / "idx")
    index.ingest([path, TRANSACTIONS])
    before = index.query_records(RecordQuery()).matched
    # A crash between the registry commit and the table's update leaves a table a generation behind.
    (tmp_path / "idx" / "records.duckdb").unlink()
    reopened = make_index(tmp_path / "idx")
    assert reopened.query_records(RecordQuery()).matched == before
    reopened.remove(str(TRANSACTIONS))
    assert reopened.query_records(RecordQuery()).matched == len(_rows(path))


def test_the_sql_of_a_result_reruns_on_the_table(tmp_path, make_index) -> None:
    path = SAMPLES / "ca-local-gov-dhs-award-summaries.csv"
    index = make_index(tmp_path / "idx")
    index.ingest([path])
    query = RecordQuery(terms=(TermGroup("pool", (bilingual_stem("pool"),), 1.0),), min_share=1.0, aggregate="total")
    result = index.query_records(query)
    db = duckdb.connect(str(tmp_path / "idx" / "records.duckdb"), read_only=True)
    count, total, _ = db.execute(result.sql).fetchone()
    db.close()
    assert (count, total) == (result.matched, result.amount_total)


def test_a_plan_from_outside_names_only_known_columns() -> None:
    """A plan comes back from readers (/records_for_plan) and its column names are written into SQL."""
    from pydantic import ValidationError

    good = RecordQuery(filters=(ColumnFilter("recipient", ("x",)),), group_by="year").to_dict()
    assert RecordQuery.from_dict(good).group_by == "year"
    for bad in ({**good, "group_by": "year) FROM awards; DROP TABLE awards; --"},
                {**good, "filters": [{"column": "recipient) OR (1=1", "values": ["x"]}]},
                {**good, "order": "amount; DELETE FROM records"}):
        with pytest.raises(ValidationError):
            RecordQuery.from_dict(bad)


def test_a_computation_cites_exactly_its_awards_records_in_award_order(tmp_path, make_index) -> None:
    """The cited ids are picked from ids held per table generation (index.records_ids): awards with several
    records (a transactions export), a filter that skips awards, and a table that changes between queries."""
    summaries = SAMPLES / "us-local-gov-ice-award-summaries.csv"
    index = make_index(tmp_path / "idx")
    index.ingest([TRANSACTIONS])

    def expected(where: str) -> list[str]:
        db = duckdb.connect(str(tmp_path / "idx" / "records.duckdb"), read_only=True)
        lists = db.execute(f"SELECT record_ids FROM awards a {where} ORDER BY award_no").fetchall()
        db.close()
        return [r for (ids,) in lists for r in ids]

    positive = index.query_records(RecordQuery(amount_min=0.0, aggregate="total"))
    assert list(positive.record_ids) == expected("WHERE a.amount > 0") and 0 < positive.matched
    assert any(row.modifications > 1 for row in positive.rows)
    index.ingest([summaries])  # a new generation: the held ids follow it
    everything = index.query_records(RecordQuery(aggregate="count"))
    assert list(everything.record_ids) == expected("") and len(everything.record_ids) > len(positive.record_ids)


def test_each_modification_of_a_transactions_export_is_its_own_row_by_action_date(tmp_path, make_index) -> None:
    """The modifications table: one row per transaction, summed by its own action date (not the award's),
    with the SQL re-running to the same figures; a summaries-only index has none."""
    rows = _rows(TRANSACTIONS)
    year = max(r["action_date"][:4] for r in rows)
    in_year = [r for r in rows if r["action_date"].startswith(year)]
    index = make_index(tmp_path / "idx")
    assert not index.ingest([TRANSACTIONS]).rejected
    everything = index.query_records(_modifications(limit=100))
    assert everything.matched == len(rows) and len(everything.modifications) == len(rows)
    assert everything.awards == len({r["contract_award_unique_key"] for r in rows})
    assert everything.base_actions == sum(r["modification_number"] == "0" for r in rows)
    dated = index.query_records(_modifications(aggregate="total", date_from=f"{year}-01-01",
                                                           date_to=f"{int(year) + 1}-01-01"))
    assert dated.matched == len(in_year)
    assert dated.amount_total == pytest.approx(sum(float(r["federal_action_obligation"]) for r in in_year))
    assert set(dated.record_ids) == {f"{r['contract_award_unique_key']}/{r['modification_number']}" for r in in_year}
    db = duckdb.connect(str(tmp_path / "idx" / "records.duckdb"), read_only=True)
    count, total, _ = db.execute(dated.sql).fetchone()
    db.close()
    assert (count, total) == (dated.matched, pytest.approx(dated.amount_total))
    negative = index.query_records(_modifications(amount_max=0.0, order="amount_asc", aggregate="min"))
    lowest = min(rows, key=lambda r: float(r["federal_action_obligation"]))
    assert negative.modifications[0].obligation == pytest.approx(float(lowest["federal_action_obligation"]))
    assert negative.modifications[0].action_date == lowest["action_date"]
    # A crash that loses the table: the modifications come back with the awards, from the registry.
    (tmp_path / "idx" / "records.duckdb").unlink()
    reopened = make_index(tmp_path / "idx")
    assert reopened.query_records(_modifications()).matched == len(rows)
    with pytest.raises(ValueError, match="no awarded_on"):  # a plan naming a column its table lacks
        reopened.query_records(RecordQuery(table="modifications", amount_field="federal_action_obligation"))
    summaries = make_index(tmp_path / "summaries")
    summaries.ingest([SAMPLES / "us-local-gov-ice-award-summaries.csv"])
    assert summaries.records_table.modifications_held() == (0, 0)
