"""Benchmark of the web chat: time until `dossier serve` answers, chat round trips through
gradio_client, and 20 concurrent sessions. Merges its numbers into bench/results.json under "serve".

    .venv/bin/python bench/serve.py --out bench/results.json [--index DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
DEV = REPO.parent / "shared" / "eval" / "dev.jsonl"
sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--index", type=Path, help="an index of the demo corpus (built if absent)")
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    from dossier.settings import OFFLINE_ENV

    env = {**os.environ, **OFFLINE_ENV}
    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-serve-"))
    index = args.index or workdir / "index"
    dossier_cli = [sys.executable, "-m", "dossier.cli"]
    subprocess.run([*dossier_cli, "init", "--index", str(index), "--corpus", str(CORPUS)], env=env, cwd=REPO,
                   check=True, capture_output=True)
    questions = [json.loads(line)["question"] for line in DEV.read_text().splitlines() if line.strip()]
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([*dossier_cli, "serve", "--index", str(index), "--port", str(port)], env=env,
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from gradio_client import Client

        client = None
        while time.perf_counter() - started < 120:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                client.predict(questions[0], api_name="/chat")
                break
            except Exception:
                time.sleep(0.1)
        ready_s = round(time.perf_counter() - started, 2)
        round_trips = []
        for i in range(args.rounds):
            t = time.perf_counter()
            client.predict(questions[i % len(questions)], api_name="/chat")
            round_trips.append((time.perf_counter() - t) * 1000)

        def session(i: int) -> float:
            own = Client(f"http://127.0.0.1:{port}/", verbose=False)
            t = time.perf_counter()
            own.predict(questions[i % len(questions)], api_name="/chat")
            return (time.perf_counter() - t) * 1000

        with ThreadPoolExecutor(max_workers=20) as pool:
            concurrent = list(pool.map(session, range(20)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    serve = {
        "ready_to_answer_s": ready_s,
        "chat_round_trip_ms": {"p50": percentile(round_trips, 0.5), "p95": percentile(round_trips, 0.95),
                               "n": len(round_trips)},
        "concurrent_20_sessions_ms": {"p50": percentile(concurrent, 0.5), "p95": percentile(concurrent, 0.95),
                                      "mean": round(statistics.mean(concurrent), 1)},
        "targets": {"ready_to_answer_s": 5, "chat_round_trip_p50_ms": 150, "concurrent_20_p95_ms": 1000},
    }
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results["serve"] = serve
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(serve, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
