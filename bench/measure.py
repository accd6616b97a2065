"""What the benchmarks share: where the data is, percentiles, the machine's load, results merged into one JSON."""
from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def load_average() -> float:
    """The 1-minute load average: the machine is shared, so every timing is recorded beside it."""
    return round(os.getloadavg()[0], 2)


def timed(call: Any, *args: Any) -> tuple[Any, float]:
    """``call(*args)`` and the seconds it took."""
    started = time.perf_counter()
    value = call(*args)
    return value, time.perf_counter() - started


def print_result(result: dict) -> None:
    """A child's result, on the line ``child_result`` looks for."""
    print("BENCH-RESULT " + json.dumps(result), flush=True)


def child_result(script: str | Path, args: list[str]) -> dict:
    """Run a benchmark script in a fresh process (offline), so its figures include what a new process pays;
    the dict it printed with ``print_result``, or ``{"error": ...}`` with the end of its output."""
    from dossier.core.settings import OFFLINE_ENV

    proc = subprocess.run([sys.executable, str(script), *args], stdout=subprocess.PIPE, text=True,
                          env={**os.environ, **OFFLINE_ENV}, cwd=REPO)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("BENCH-RESULT ")), None)
    if proc.returncode or not line:
        return {"error": proc.stdout[-2000:] or f"exit {proc.returncode}"}
    return json.loads(line.removeprefix("BENCH-RESULT "))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def spread(values: list[float]) -> dict[str, float]:
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "mean": round(statistics.mean(values), 1),
            "n": len(values)}


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def merge_results(path: Path, key: str, value: Any) -> None:
    """Write ``value`` under ``key`` of the results file, keeping what the other benchmarks wrote there."""
    results = json.loads(path.read_text()) if path.exists() else {}
    results[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def first_answer(url: str, question: str, started: float, timeout_s: float = 180.0) -> Any:
    """A gradio_client Client once the server at ``url`` has answered ``question`` (polled from ``started``)."""
    from gradio_client import Client

    while time.perf_counter() - started < timeout_s:
        try:
            client = Client(url, verbose=False, ssl_verify=False)
            client.predict(question, api_name="/chat")
            return client
        except Exception:  # not up yet: connection refused, or the app still loading
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout_s:.0f} s")
