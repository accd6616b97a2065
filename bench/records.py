"""Benchmark of procurement records at newsroom scale: ingest rate and record-question latency.

Method (the scale data is built here, seeded from the real rows, and never committed):
1. **Ingest**: a Prime Award Summaries CSV of ``--rows`` rows (default 100,000) is written from the two
   real USAspending downloads in ``../shared/samples/usaspending``: their rows in turn, each copy with a
   unique award key and PIID, its amounts scaled by a seeded factor and its dates moved by whole years.
   It is ingested through ``DossierIndex.ingest`` (parse, type, registry, records table, word index;
   records are not embedded by default) in a subprocess, so peak RSS is the ingest's own.
2. **Questions at scale**: the ingested records table is then grown inside DuckDB to ``--scale`` awards
   (default 1,000,000) by copying its rows with new keys, and the award view and word index are rebuilt;
   a fixed list of record questions (totals, counts, largest, lookups by what was bought, by office and by
   year, in English and French) is asked through ``Dossier.ask`` and timed.

    .venv/bin/python bench/records.py --out bench/records.json
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples" / "usaspending"
SEED = 20261129
# Written for the benchmark (not taken from any eval set): the kinds of record questions a reporter asks.
QUESTIONS = (
    "What is the total obligated by ICE to the County of Lehigh?",
    "How many awards did the Coast Guard make to California recipients?",
    "Which single award has the largest total obligated amount?",
    "What did CBP obligate in total for firing range use?",
    "Combien d'attributions ICE a-t-il faites en 2019, et pour quel montant ?",
    "Which awards were for detention bed space in 2012?",
    "What is the average obligation per award to the City of Long Beach?",
    "Quel est le montant total engagé par les garde-côtes (Coast Guard) pour des piscines ?",
    "In which calendar year did ICE make the most awards?",
    "How much did the Secret Service obligate to the City of Glendale?",
)


def build_csv(rows: int, path: Path) -> int:
    """``rows`` Award Summaries rows from the real ones; returns the file size in bytes."""
    rng = random.Random(SEED)
    sources = sorted(SAMPLES.glob("*.csv"))
    header: list[str] | None = None
    seed_rows: list[dict[str, str]] = []
    for source in sources:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = header or list(reader.fieldnames or [])
            seed_rows += [row for row in reader]
    assert header and seed_rows, f"no rows in {SAMPLES}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for n in range(rows):
            row = dict(seed_rows[n % len(seed_rows)])
            copy = n // len(seed_rows)
            for key in ("contract_award_unique_key", "award_id_piid"):
                if row.get(key):
                    row[key] = f"{row[key]}-B{copy}"
            factor = rng.uniform(0.5, 1.5)
            for key in ("total_obligated_amount", "potential_total_value_of_award", "current_total_value_of_award"):
                if row.get(key):
                    try:
                        row[key] = f"{float(row[key]) * factor:.2f}"
                    except ValueError:
                        pass
            shift = copy % 5
            for key in ("award_base_action_date", "award_latest_action_date", "period_of_performance_start_date",
                        "period_of_performance_current_end_date"):
                value = row.get(key) or ""
                if len(value) >= 10 and value[:4].isdigit():
                    row[key] = f"{int(value[:4]) - shift:04d}{value[4:]}"
            writer.writerow(row)
    return path.stat().st_size


def ingest_child(csv_path: str, index: str) -> None:
    """In a subprocess: ingest the file and print the figures as JSON."""
    sys.path.insert(0, str(REPO.parent))
    from dossier.core.settings import load_settings
    from dossier.index.wiring import open_index

    # The CSV is streamed: only its own caps apply (rows and bytes), raised here for --rows past the defaults.
    settings = load_settings({"index": index, "embedder": "minilm", "max_csv_bytes": 20_000_000_000,
                              "max_csv_rows": 20_000_000})
    index_service = open_index(settings)
    load_before = os.getloadavg()
    started = time.perf_counter()
    cpu_started = time.process_time()
    report = index_service.ingest([Path(csv_path)])
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    rejected = [o.detail for o in report.rejected]
    print(json.dumps({"records": report.records_written, "seconds": round(seconds, 2),
                      "records_per_s": round(report.records_written / seconds, 1) if seconds else None,
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                      "cpu_seconds": round(cpu_seconds, 2), "rejected": rejected,
                      # The machine is shared: its load average while the ingest ran says how noisy the figure is.
                      "load_average_1m": [round(load_before[0], 2), round(os.getloadavg()[0], 2)]}))


def grow_table(index: Path, awards: int) -> dict:
    """Copy the records table's rows with new keys until it holds ``awards`` awards; rebuild the views."""
    sys.path.insert(0, str(REPO.parent))
    import duckdb

    from dossier.index.records_table import rebuild_derived

    db = duckdb.connect(str(index / "records.duckdb"))
    base = db.execute("SELECT count(*) FROM awards").fetchone()[0]
    copies = max(0, -(-awards // base) - 1)
    started = time.perf_counter()
    for copy in range(1, copies + 1):
        db.execute(
            "INSERT INTO records SELECT document_id, passage_id, record_id || '-S' || ?, source, row_number, recipient,"
            " agency, sub_agency, office, state, city, awarded_on, date_precision, last_modified, period_start,"
            " period_end, amount, amount_kind, potential_value, award_key || '-S' || ?, modification, description,"
            " product_or_service, data FROM records WHERE record_id NOT LIKE '%-S%'", [copy, copy])
    rebuild_derived(db)
    total = db.execute("SELECT count(*) FROM awards").fetchone()[0]
    size = (index / "records.duckdb").stat().st_size
    db.close()
    return {"awards": total, "grow_seconds": round(time.perf_counter() - started, 1), "table_bytes": size}


def time_questions(index: Path, repeats: int) -> dict:
    sys.path.insert(0, str(REPO.parent))
    from dossier.answer.service import Dossier
    from dossier.core.settings import load_settings

    dossier = Dossier(load_settings({"index": str(index), "embedder": "minilm"}))
    dossier.ask(QUESTIONS[0])  # first question loads the model and the catalogue
    timings, answered, by_question = [], 0, {q: [] for q in QUESTIONS}
    load_before = os.getloadavg()[0]
    for _ in range(repeats):
        for question in QUESTIONS:
            started = time.perf_counter()
            answer = dossier.ask(question)
            by_question[question].append((time.perf_counter() - started) * 1000)
            timings.append(by_question[question][-1])
            answered += not answer.abstained
    timings.sort()
    return {"questions": len(timings), "answered": answered,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1), "max_ms": round(timings[-1], 1),
            # Which kinds of question are slow, and how busy the (shared) machine was while they ran.
            "median_ms_by_question": {q: round(statistics.median(t), 1) for q, t in by_question.items()},
            "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "records.json")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        ingest_child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="dossier-bench-records-") as tmp:
        csv_path = Path(tmp) / "awards.csv"
        size = build_csv(args.rows, csv_path)
        index = Path(tmp) / "index"
        child = subprocess.run([sys.executable, __file__, "--child", str(csv_path), str(index)],
                               capture_output=True, text=True, check=True)
        ingest = json.loads(child.stdout.strip().splitlines()[-1])
        ingest.update(rows=args.rows, file_bytes=size)
        at_ingest = time_questions(index, args.repeats)
        grown = grow_table(index, args.scale)
        at_scale = time_questions(index, args.repeats)
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
               "ingest": ingest, "questions_at_ingest_size": at_ingest, "scale": grown,
               "questions_at_scale": at_scale,
               "targets": {"ingest_records_per_s": 2000, "question_p95_ms_at_1m": 200}}
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
