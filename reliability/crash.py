"""Crash safety (issue #14): ``kill -9`` an ingest at seeded moments, and after each kill check the index.

The workload is a few hundred generated documents, half English half French (reliability/corpus.py),
fed in parts, with the real USAspending exports of ``../shared/samples/usaspending``; between parts some
earlier documents are edited, so updates (a new version replacing an old one) are killed too. A writer
(reliability/crash_child.py) is killed either at a seeded random time after its ingest starts, or aimed
(core/faults.py) inside its n-th Chroma write, BM25 persist or registry commit. The next writer first
checks what the dead one left (reliability/integrity.py): the registry's integrity, every listed
document whole, nothing half-written reaching ``ask()``; it must report the dead writer's lock; then it
resumes the ingest. A last writer runs to the end, and every file must then be indexed, with BM25 at
the registry's generation.

Figures: ``kills_tried`` (writers actually killed), ``documents_lost`` (files indexed once and missing
later, or never indexed at the end), ``integrity_failures`` (failed checks), ``integrity_checks``.
"""
from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from dossier.core.faults import WRITE_PHASES
from dossier.reliability import netguard
from dossier.reliability.corpus import write_documents

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "usaspending"
STALE_MESSAGE = "died before it finished"
CHILD_TIMEOUT_S = 600


def run(work: Path, *, short: bool, seed: int) -> dict[str, Any]:
    """The full run writes three indexes side by side (a lane each, seven kills each): a writer spends most
    of its life importing and loading models, and the lanes keep both cores busy meanwhile."""
    exports = sorted(SAMPLES.glob("*.csv"), key=lambda p: p.stat().st_size)
    if not exports:
        raise FileNotFoundError(f"the USAspending samples are not beside the checkout ({SAMPLES})")
    lanes, kills = (1, 3) if short else (3, 7)
    with ThreadPoolExecutor(lanes) as pool:
        ledgers = list(pool.map(lambda k: _lane(work / f"lane-{k}", exports[:1] if short else exports, short,
                                                seed * 10 + k, kills), range(lanes)))
    problems = [p for ledger in ledgers for p in ledger.problems]
    return {"kills_tried": sum(ledger.kills for ledger in ledgers),
            "documents_lost": sum(len(ledger.lost) for ledger in ledgers),
            "integrity_failures": len(problems), "integrity_checks": sum(ledger.checks for ledger in ledgers),
            "crash_documents": sum(ledger.expected for ledger in ledgers),
            "crash_kills": [event for ledger in ledgers for event in ledger.events], "crash_problems": problems[:20]}


def _lane(work: Path, exports: list[Path], short: bool, seed: int, kills_wanted: int) -> "Ledger":
    rng = random.Random(seed)
    parts, per_part, paragraphs = (2, 3, 1) if short else (5, 40, 1)
    corpus = work / "corpus"
    generated = [write_documents(corpus / f"part-{k}", per_part, seed * 100 + k, paragraphs) for k in range(parts)]
    questions = work / "questions.json"
    questions.write_text(json.dumps([g.question() for g in rng.sample(sum(generated, []), 2 if short else 3)]),
                         encoding="utf-8")
    ledger = Ledger(work / "index")
    # Aimed kills, one per phase in turn, and in the full run every fourth at a random time.
    kinds: tuple[str | None, ...] = WRITE_PHASES if short else (*WRITE_PHASES, None)
    aims = [kinds[(i + seed) % len(kinds)] for i in range(kills_wanted)]
    part, attempts = 1, 0
    while ledger.kills < kills_wanted and attempts < kills_wanted * 4:
        attempts += 1
        aim = aims[ledger.kills]
        kill_at = f"{aim}:{rng.randint(1, 1 if aim == 'bm25-persist' else 4)}:{rng.choice((0, 1, 3, 10))}" if aim else None
        delay = None if aim else rng.uniform(0.3, 6.0)
        outcome = ledger.writer(questions, [*exports, *(corpus / f"part-{k}" for k in range(part))], kill_at, delay)
        if outcome == "done":  # this part is in: edit two earlier documents and add the next part
            for made in rng.sample(sum(generated[:part], []), 2):
                made.path.write_text(made.path.read_text(encoding="utf-8") + f"\nCorrection {rng.randint(1, 10**6)}.\n",
                                     encoding="utf-8")
            part = min(part + 1, parts)
    ledger.writer(questions, [*exports, *(corpus / f"part-{k}" for k in range(parts))], None, None)
    expected = {str(p.resolve()) for p in exports} | {str(g.path.resolve()) for g in sum(generated, [])}
    ledger.expected = len(expected)
    ledger.lost |= expected - ledger.listed
    ledger.check_lexical_generation()
    return ledger


class Ledger:
    """What the writers saw, kill after kill: the files listed, the problems found, the kills made."""

    def __init__(self, index: Path):
        self.index = index
        self.kills = 0
        self.checks = 0
        self.expected = 0
        self.listed: set[str] = set()
        self.lost: set[str] = set()
        self.problems: list[str] = []
        self.events: list[dict[str, Any]] = []
        self.log = index.parent / "writers.log"

    def writer(self, questions: Path, paths: list[Path], kill_at: str | None, delay: float | None) -> str:
        """Run one writer to its end or its kill; record what it checked. Returns "killed" or "done"."""
        self.index.parent.mkdir(parents=True, exist_ok=True)
        stale_expected = (self.index / "writer.pid").exists()
        command = [sys.executable, "-m", "dossier.reliability.crash_child", "--index", str(self.index),
                   "--questions", str(questions), *(["--kill-at", kill_at] if kill_at else []), *map(str, paths)]
        started = time.monotonic()
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"--- {' '.join(command[3:8])} … kill_at={kill_at} delay={delay}\n")
        stderr_path = self.index.parent / "writer.stderr"
        with open(stderr_path, "w", encoding="utf-8") as stderr:
            child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=netguard.child_env())
            messages = self._read(child, delay)
        errors = stderr_path.read_text(encoding="utf-8", errors="replace")
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(errors)
        for message in messages:
            if "verified" in message:
                self._verified(message["verified"])
        if stale_expected and STALE_MESSAGE not in errors:
            self.problems.append("a dead writer's lock was not reported by the next writer")
        if child.returncode == -signal.SIGKILL:
            self.kills += 1
            self.events.append({"aimed_at": kill_at or f"random time {delay:.2f} s after the ingest began",
                                "killed_after_s": round(time.monotonic() - started, 2)})
            return "killed"
        if child.returncode != 0 or not any("done" in m for m in messages):
            self.problems.append(f"writer exited {child.returncode}: {errors.strip().splitlines()[-1:]}")
            return "failed"
        return "done"

    def _read(self, child: subprocess.Popen, delay: float | None) -> list[dict[str, Any]]:
        assert child.stdout is not None
        timer = threading.Timer(CHILD_TIMEOUT_S, child.kill)  # a hung writer ends as a failure, never a hang
        timer.start()
        messages = []
        try:
            for line in child.stdout:
                if not line.startswith("{"):
                    continue
                messages.append(json.loads(line))
                if delay is not None and messages[-1].get("ingesting"):
                    threading.Timer(delay, _kill, (child,)).start()
            child.wait()
        finally:
            timer.cancel()
        return messages

    def _verified(self, findings: dict[str, Any]) -> None:
        self.checks += findings["checks"]
        self.problems += findings["problems"]
        listed = set(findings["paths"])
        self.lost |= self.listed - listed
        self.listed = listed

    def check_lexical_generation(self) -> None:
        """After the last writer, BM25 as persisted reflects the registry's generation (issue #14)."""
        connection = sqlite3.connect(str(self.index / "registry.sqlite3"))
        try:
            registry = int(connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
        finally:
            connection.close()
        lexical = json.loads((self.index / "bm25" / "CURRENT").read_text(encoding="utf-8"))["generation"]
        self.checks += 1
        if lexical != registry:
            self.problems.append(f"after the last writer, BM25 is at generation {lexical}, the registry at {registry}")


def _kill(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
