"""A procurement CSV is streamed into the index: memory does not grow with the file, a file refused at a
deep row changes nothing already indexed, and its caps are its own (rows and bytes, checked while reading)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from awards_csv import write_awards

from dossier.core.records_query import RecordQuery
from dossier.index.file_writes import RECORD_BATCH

REPO = Path(__file__).resolve().parents[2]


def _state(index) -> dict:
    return {"documents": index.documents(), "names": index.registry.query("SELECT * FROM document_names ORDER BY path"),
            "generation": index.registry.generation(), "records": index.registry.record_count(),
            "passages": index.registry.passage_ids(), "vectors": set(index.collection.get(include=[])["ids"]),
            "awards": index.query_records(RecordQuery()).matched}


def _plain(state: dict) -> dict:
    return {**state, "names": [tuple(r) for r in state["names"]]}


@pytest.mark.parametrize(("damage", "settings", "reason"), [
    ({"bad": {2_700: {"total_obligated_amount": "1e309"}}}, {},
     "row 2701, column total_obligated_amount: cannot read amount '1e309'"),
    ({"bad": {2_700: {"total_obligated_amount": "(1,000"}}}, {},
     "row 2701, column total_obligated_amount: cannot read amount '(1,000'"),
    ({"ragged": 2_900}, {}, "row 2901 has 52 fields, header has 57"),
    ({}, {"max_csv_rows": 2_500}, "has more than 2,500 rows, over the cap of 2,500"),
])
def test_a_file_refused_deep_inside_changes_nothing_already_indexed(tmp_path, make_index, corpus_dir, damage,
                                                                    settings, reason) -> None:
    index = make_index(tmp_path / "idx", **settings)
    awards = write_awards(tmp_path / "awards.csv", 300)
    assert not index.ingest([awards, corpus_dir / "articles" / "ice-zignal-social-media.fr.txt"]).rejected
    before = _plain(_state(index))

    assert RECORD_BATCH < 2_500  # so each refusal comes after a batch is already in the registry's transaction
    write_awards(awards, 3_000, **damage)  # the same file, now longer and bad past its first batch
    report = index.ingest([awards])

    assert [(o.path, o.status, o.detail) for o in report.outcomes] == [(str(awards.resolve()), "rejected", reason)]
    assert _plain(_state(index)) == before  # the earlier version still answers, under its name
    assert not (tmp_path / "idx" / "records.stage.duckdb").exists()


def test_a_csv_over_the_article_cap_is_streamed_and_its_own_caps_are_checked_while_reading(tmp_path, make_index) -> None:
    awards = write_awards(tmp_path / "awards.csv", 400)
    size = awards.stat().st_size
    article = tmp_path / "story.txt"
    article.write_text("A county signed a detention contract. " * 200, encoding="utf-8")
    index = make_index(tmp_path / "idx", max_file_bytes=article.stat().st_size - 1, max_csv_bytes=size + 1)
    report = index.ingest([awards, article])
    assert [o.status for o in report.outcomes] == ["added", "rejected"], report.to_dict()
    assert report.outcomes[0].records == 400 and index.query_records(RecordQuery()).matched == 400
    assert report.outcomes[1].detail.endswith("cap")  # an article is read whole: max_file_bytes still holds

    refused = index.ingest([write_awards(tmp_path / "longer.csv", 500)]).outcomes[0]
    assert refused.status == "rejected" and refused.detail.startswith("is over the ") \
        and "cap for a CSV (stopped reading at" in refused.detail, refused
    assert index.query_records(RecordQuery()).matched == 400


def test_an_unchanged_csv_is_recognised_by_its_bytes_and_a_changed_one_replaces_it(tmp_path, make_index) -> None:
    awards = write_awards(tmp_path / "awards.csv", 200)
    index = make_index(tmp_path / "idx")
    first = index.ingest([awards]).outcomes[0]
    assert index.ingest([awards]).outcomes[0].status == "unchanged"
    write_awards(awards, 250)
    second = index.ingest([awards]).outcomes[0]
    assert (second.status, second.records) == ("updated", 250) and second.document_id != first.document_id
    assert index.query_records(RecordQuery()).matched == 250 and index.registry.record_count() == 250


_MEASURE = """
import json, resource, sys
from pathlib import Path
from dossier.core.settings import load_settings
from dossier.index.records_table import RecordsTable
from dossier.index.wiring import open_index

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

peaks = []
sync = RecordsTable.sync
def sync_after_peak(self, *args, **kwargs):  # the peak of reading and storing the file, before the table's copy
    peaks.append(("stored", peak()))
    return sync(self, *args, **kwargs)
RecordsTable.sync = sync_after_peak
index = open_index(load_settings({"index": sys.argv[1], "profile": "test"}, environ={}))
for path in sys.argv[2:]:
    report = index.ingest([Path(path)])
    assert not report.rejected, report.to_dict()
    peaks.append(("done", peak()))
print(json.dumps(peaks))
"""


def test_peak_memory_of_storing_a_csv_does_not_grow_with_the_file(tmp_path) -> None:
    """Peak RSS in a fresh process: after a file of 4,000 rows, then while storing one four times larger
    (parse, type, registry, stage). What the larger file adds must be a small part of its extra size;
    reading a CSV whole costs several times its size. (The table's copy afterwards is DuckDB's, its
    buffers capped by ``records_table._WRITER_MEMORY``.)"""
    warm = write_awards(tmp_path / "warm.csv", 600)  # imports, the table's first build
    small = write_awards(tmp_path / "small.csv", 4_000)
    large = write_awards(tmp_path / "large.csv", 16_000)
    run = subprocess.run([sys.executable, "-c", _MEASURE, str(tmp_path / "idx"), str(warm), str(small), str(large)],
                         capture_output=True, text=True, timeout=240, cwd=REPO.parent)
    assert run.returncode == 0, run.stderr[-2000:]
    peaks = json.loads(run.stdout.strip().splitlines()[-1])
    small_done, large_stored = peaks[3][1], peaks[4][1]
    assert [kind for kind, _ in peaks] == ["stored", "done"] * 3
    extra_bytes = large.stat().st_size - small.stat().st_size
    assert large_stored - small_done < extra_bytes / 2, (small_done, large_stored, extra_bytes)
