"""Load (issue #14): 20 chat sessions asking at once for two minutes (a few seconds in the short run)
against ``dossier serve`` on loopback. Bounded and self-stopping: every session stops at the deadline,
and one whose call hangs past it is counted as an error.

Figures: ``load_sessions``, ``load_seconds``, ``load_questions``, ``load_errors`` (a failed call, or a
payload that is not an answer to its question), ``load_p50_ms``/``load_p95_ms``, and the server's
resident memory (web process and engine) before and after, ``load_rss_start_mb``/``load_rss_end_mb``.
"""
from __future__ import annotations

import random
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from dossier.reliability.corpus import write_documents
from dossier.reliability.served import Server

SESSIONS = 20
HANG_GRACE_S = 60.0


def run(work: Path, *, short: bool, seed: int) -> dict[str, Any]:
    seconds = 4.0 if short else 120.0
    made = write_documents(work / "docs", 6 if short else 30, seed)
    with Server(work / "index", work / "serve.log") as server:
        from gradio_client import handle_file

        rows = server.client().predict([handle_file(str(g.path)) for g in made], api_name="/upload")
        if any(row["status"] != "added" for row in rows):
            raise RuntimeError(f"the load check's documents were not all added: {rows}")
        questions = [g.question() for g in made]
        clients = [server.client() for _ in range(SESSIONS)]
        rss_start = server.rss_mb()
        deadline = time.monotonic() + seconds
        results: list[list[tuple[float, str | None]]] = [[] for _ in range(SESSIONS)]
        threads = [threading.Thread(target=_session, args=(clients[i], questions, deadline, results[i], seed + i),
                                    daemon=True) for i in range(SESSIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()) + HANG_GRACE_S)
        hung = sum(thread.is_alive() for thread in threads)
        rss_end = server.rss_mb()
    latencies = sorted(ms for session in results for ms, error in session if error is None)
    errors = [error for session in results for _, error in session if error is not None]
    return {"load_sessions": SESSIONS, "load_seconds": seconds, "load_questions": len(latencies) + len(errors),
            "load_errors": len(errors) + hung, "load_p50_ms": _percentile(latencies, 50),
            "load_p95_ms": _percentile(latencies, 95), "load_rss_start_mb": rss_start, "load_rss_end_mb": rss_end,
            **({"load_error_examples": errors[:3]} if errors else {})}


def _session(client: Any, questions: list[str], deadline: float, out: list[tuple[float, str | None]],
             seed: int) -> None:
    rng = random.Random(seed)
    while not out or time.monotonic() < deadline:  # every session asks once at least, however late it starts
        question = rng.choice(questions)
        started = time.perf_counter()
        try:
            payload = client.predict(question, api_name="/chat")
            error = None if isinstance(payload, dict) and payload.get("answer") else f"not an answer: {payload!r:.200}"
        except Exception as exc:  # noqa: BLE001 - every failure is a figure
            error = f"{type(exc).__name__}: {exc}"
        out.append(((time.perf_counter() - started) * 1000, error))


def _percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)
