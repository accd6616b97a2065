"""Hostile files: property-based fuzzing (Hypothesis) of every loader in ``ingest/``.

For each loader (plain text, Markdown, HTML, PDF, DOCX, CSV as one document, and the streamed CSV record
parser), ``run`` feeds generated hostile files (``hostile_inputs``) through the real entry point. The
property: the loader returns a Document (or Record batches), or refuses with its own clear rejection,
``RejectedInput``, naming the file; anything else is a crash, and any input that keeps it past
``HANG_SECONDS`` is a hang (PDF and DOCX are parsed in a child process held to ``parse_seconds`` and
``parse_memory_bytes``, ``ingest/contained.py``). Crashing inputs are saved under ``work/crashes``.

Then a few of the same hostile files go into a real index that already holds two clean articles:
nothing already indexed may change (its documents, passages and an answer over them).

    python -m dossier.reliability.fuzz [--short] [--seed N] [--work DIR]   # prints the figures as JSON
"""
from __future__ import annotations

import argparse
import json
import signal
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier.core.errors import RejectedInput
from dossier.ingest import IngestLimits, load_document, open_records

FULL_INPUTS = 1_000  # per loader
SHORT_INPUTS = 12
HANG_SECONDS = 20.0  # longer than this on one input is a hang
# Small enough that a hostile file meets every cap quickly; the caps' own tests use the defaults.
FUZZ_LIMITS = IngestLimits(max_file_bytes=5_000_000, max_document_chars=2_000_000, parse_seconds=10.0,
                           parse_memory_bytes=1_000_000_000, max_csv_rows=5_000)


@dataclass
class LoaderResult:
    inputs: int = 0
    accepted: int = 0
    rejected: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    slowest_s: float = 0.0
    stopped_by_deadline: int = 0  # refused by the parse deadline (``parse_seconds``): a limit, not a hang


def _load_article(path: Path) -> None:
    load_document(path, FUZZ_LIMITS)


def _load_records(path: Path) -> None:
    reader = open_records(path, FUZZ_LIMITS)
    try:
        for _ in reader.batches(500):
            pass
    finally:
        reader.close()


def loaders(short: bool = False) -> dict[str, tuple[str, Callable[[Path], None], Any]]:
    """name -> (file suffix, what loads it, the strategy of hostile contents). The short run keeps gigantic
    lines to 100,000 characters (and nesting to 10,000 levels): the full run goes past every cap."""
    from dossier.reliability import hostile_inputs as h

    largest = 100_000 if short else h.GIANT_SIZES[-1]
    return {
        "text": (".txt", _load_article, h.article_bytes("text", largest)),
        "markdown": (".md", _load_article, h.article_bytes("markdown", largest)),
        "html": (".html", _load_article, h.article_bytes("html", largest)),
        "pdf": (".pdf", _load_article, h.hostile_pdf()),
        "docx": (".docx", _load_article, h.hostile_docx()),
        "csv": (".csv", _load_article, h.hostile_csv(largest)),
        "csv_records": (".csv", _load_records, h.hostile_csv(largest)),
    }


class _Hang(BaseException):
    """Raised by the alarm inside a loader that ran past HANG_SECONDS (a BaseException, so no loader's
    ``except Exception`` swallows it)."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise _Hang()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def for_each_example(strategy: Any, count: int, seed: int, each: Callable[[bytes], None]) -> None:
    """Call ``each`` on ``count`` inputs Hypothesis generates from ``strategy`` with ``seed``: generation
    only (no shrinking, no example database), so a run is the same inputs every time."""
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import seed as hypothesis_seed
    from hypothesis import settings as hypothesis_settings

    hypothesis_seed(seed)(hypothesis_settings(max_examples=count, deadline=None, database=None, phases=(Phase.generate,),
                                              suppress_health_check=list(HealthCheck))(given(strategy)(each)))()


def fuzz_loader(name: str, work: Path, inputs: int, seed: int, short: bool = False) -> LoaderResult:
    suffix, load, strategy = loaders(short)[name]
    result = LoaderResult()
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)

    def attack(data: bytes) -> None:
        result.inputs += 1
        path = folder / f"input-{result.inputs}{suffix}"
        path.write_bytes(data)
        started = time.monotonic()
        try:
            with _deadline(HANG_SECONDS):
                load(path)
            result.accepted += 1
        except RejectedInput as exc:
            result.rejected += 1
            if "took over" in exc.reason:  # the parser's own deadline stopped it: the limit worked
                result.stopped_by_deadline += 1
        except _Hang:
            result.hangs.append(_kept(path, work, f"ran past {HANG_SECONDS:g} s"))
        except Exception:  # noqa: BLE001 - any other exception is the finding
            result.crashes.append(_kept(path, work, traceback.format_exc(limit=-3)))
        result.slowest_s = max(result.slowest_s, time.monotonic() - started)
        path.unlink(missing_ok=True)

    for_each_example(strategy, inputs, seed, attack)
    return result


def _kept(path: Path, work: Path, why: str) -> str:
    kept = work / "crashes" / path.name
    kept.parent.mkdir(parents=True, exist_ok=True)
    path.replace(kept)
    return f"{kept}: {why.strip().splitlines()[-1] if why.strip() else why}"


def index_unchanged(work: Path, seed: int, per_loader: int = 3) -> dict[str, Any]:
    """Ingest a few hostile files of each kind into a real index holding two clean articles; report whether
    anything already indexed changed."""
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings

    clean = work / "clean"
    clean.mkdir(parents=True, exist_ok=True)
    (clean / "harbour.txt").write_text("Harbour Works Begin\n\nThe port of Ellory began dredging its outer channel on "
                                       "Monday. The works cost 14 million euros and end in 2027.\n", encoding="utf-8")
    (clean / "school.md").write_text("# New School Opens\n\nA primary school for 420 pupils opened in Brenton on "
                                     "Tuesday, the first built in the town since 1988.\n", encoding="utf-8")
    settings = load_settings({"index": work / "index", "profile": "test"}, environ={})
    dossier = Dossier(settings)
    dossier.add([clean])
    question = "How much do the Ellory dredging works cost?"
    before = _index_state(dossier), dossier.ask(question).answer
    hostile = work / "hostile"
    hostile.mkdir(exist_ok=True)
    for name, (suffix, _load, strategy) in loaders(short=True).items():
        for_each_example(strategy, per_loader, seed, _writer(hostile, name, suffix))
    report = dossier.add([hostile])
    after = _index_state(dossier), dossier.ask(question).answer
    kept_before = {k: v for k, v in after[0].items() if k in before[0]}
    return {"hostile_files": len(list(hostile.iterdir())), "added": report.count("added"),
            "rejected": len(report.rejected), "changed": int(kept_before != before[0] or after[1] != before[1]),
            "documents_lost": len(set(before[0]) - set(after[0]))}


def _writer(folder: Path, name: str, suffix: str) -> Callable[[bytes], None]:
    """What writes each generated input as the next file of ``folder``."""
    def write(data: bytes) -> None:
        (folder / f"{name}-{len(list(folder.iterdir()))}{suffix}").write_bytes(data)

    return write


def _index_state(dossier: Any) -> dict[str, Any]:
    """Each indexed document with its passages' ids and texts."""
    state = {}
    for summary in dossier.documents():
        passages = [p for p in dossier.index.retrievable_passages() if p.document_id == summary.id]
        state[summary.id] = sorted((p.passage_id, p.text) for p in passages)
    return state


def run(work: Path, *, short: bool, seed: int) -> dict[str, Any]:
    """Fuzz every loader; the figures ``fuzz_inputs_min_per_loader``, ``fuzz_crashes``, ``fuzz_hangs``."""
    inputs = SHORT_INPUTS if short else FULL_INPUTS
    per_loader = {name: fuzz_loader(name, work / "inputs", inputs, seed, short) for name in loaders(short)}
    index = index_unchanged(work / "index-check", seed, per_loader=1 if short else 3)
    return {
        "fuzz_inputs_min_per_loader": min(r.inputs for r in per_loader.values()),
        "fuzz_crashes": sum(len(r.crashes) for r in per_loader.values()),
        "fuzz_hangs": sum(len(r.hangs) for r in per_loader.values()),
        "fuzz_index_changed": index["changed"],
        "fuzz_per_loader": {name: {"inputs": r.inputs, "accepted": r.accepted, "rejected": r.rejected,
                                   "crashes": r.crashes[:10], "hangs": r.hangs[:10],
                                   "stopped_by_deadline": r.stopped_by_deadline, "slowest_s": round(r.slowest_s, 2)} for name, r in per_loader.items()},
        "fuzz_index_check": index,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Fuzz every loader with hostile files; print the figures.")
    parser.add_argument("--short", action="store_true", help=f"{SHORT_INPUTS} inputs per loader, not {FULL_INPUTS}")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--work", type=Path, help="where inputs, the index and crashing files go (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dossier-fuzz-") as scratch:
        figures = run(args.work or Path(scratch), short=args.short, seed=args.seed)
    print(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
