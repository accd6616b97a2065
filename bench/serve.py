"""Benchmark of the web chat: time until `dossier serve` answers, chat round trips through
gradio_client, and 20 concurrent sessions. Merges its numbers into bench/results.json under "serve".

The clients run on the same two cores as the server, so their own cost is kept out of the way:
`ssl_verify=False` (the server is plain http on loopback; with the default, gradio_client builds a
CA-bundle SSL context for every request, ~70 ms of client CPU each, which is what an earlier
version of this bench mostly measured), and the 20 sessions connect before the clock starts, then
ask at once (a barrier), in several bursts. Each answer is checked against its own question.

    .venv/bin/python bench/serve.py --out bench/results.json [--index DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
DEV = REPO.parent / "shared" / "eval" / "dev.jsonl"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import first_answer, free_port, load_average, merge_results, percentile, spread  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--index", type=Path, help="an index of the demo corpus (built if absent)")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--bursts", type=int, default=5, help="rounds of 20 simultaneous questions")
    args = parser.parse_args()
    from gradio_client import Client  # imported before the clock starts: it is the client's cost

    from dossier.core.settings import OFFLINE_ENV

    env = {**os.environ, **OFFLINE_ENV}
    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-serve-"))
    index = args.index or workdir / "index"
    dossier_cli = [sys.executable, "-m", "dossier.cli"]
    subprocess.run([*dossier_cli, "init", "--index", str(index), "--corpus", str(CORPUS)], env=env, cwd=REPO,
                   check=True, capture_output=True)
    questions = [json.loads(line)["question"] for line in DEV.read_text().splitlines() if line.strip()]
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    load_before = load_average()
    started = time.perf_counter()
    server = subprocess.Popen([*dossier_cli, "serve", "--index", str(index), "--port", str(port)], env=env,
                              cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = first_answer(url, questions[0], started)
        ready_s = round(time.perf_counter() - started, 2)
        round_trips = []
        for i in range(args.rounds):
            t = time.perf_counter()
            client.predict(questions[i % len(questions)], api_name="/chat")
            round_trips.append((time.perf_counter() - t) * 1000)

        expected = {q: client.predict(q, api_name="/chat") for q in questions}

        def bursts(sessions: list[Any], count: int) -> tuple[list[list[float]], int]:
            """``count`` rounds of every session asking at once; timings per round, answers mixed up."""
            rounds, mixed_up = [], 0
            for burst in range(count):
                start_together = threading.Barrier(len(sessions))

                def session(i: int) -> tuple[float, bool]:
                    question = questions[(i + burst * len(sessions)) % len(questions)]
                    start_together.wait()
                    t = time.perf_counter()
                    reply = sessions[i].predict(question, api_name="/chat")
                    return (time.perf_counter() - t) * 1000, reply == expected[question]

                with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
                    timings = list(pool.map(session, range(len(sessions))))
                rounds.append([ms for ms, _ in timings])
                mixed_up += sum(not same for _, same in timings)
            return rounds, mixed_up

        lean, mixed_up = bursts([Client(url, verbose=False, ssl_verify=False) for _ in range(20)], args.bursts)
        # For comparison only: default clients, each request paying for its own SSL context.
        default, default_mixed_up = bursts([Client(url, verbose=False) for _ in range(20)], 1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    serve = {
        "ready_to_answer_s": ready_s,
        "chat_round_trip_ms": {"p50": percentile(round_trips, 0.5), "p95": percentile(round_trips, 0.95),
                               "n": len(round_trips)},
        "concurrent_20_sessions_ms": {**spread(sum(lean, [])), "bursts": args.bursts,
                                      "first_burst_p95": percentile(lean[0], 0.95),
                                      "answers_not_matching_their_question": mixed_up},
        "concurrent_20_default_clients_ms": {**spread(default[0]),
                                             "answers_not_matching_their_question": default_mixed_up},
        "load_average_1m": [load_before, load_average()],
        "targets": {"ready_to_answer_s": 5, "chat_round_trip_p50_ms": 150, "concurrent_20_p95_ms": 1000},
    }
    merge_results(args.out, "serve", serve)
    print(json.dumps(serve, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
