"""The writer process the crash check kills: it checks what the last one left, then ingests.

``python -m dossier.reliability.crash_child --index DIR --questions FILE [--kill-at PHASE:N:MS] PATH...``
prints JSON lines on stdout: ``{"verified": findings}`` (reliability/integrity.py) before it writes,
``{"ingesting": true}`` as the ingest starts, and ``{"done": ..., "verified": findings}`` if it lives to
the end. The harness reads them; a kill can come at any moment after the first.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crash_child")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--kill-at")
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)

    from dossier.answer import Dossier
    from dossier.core import faults
    from dossier.core.settings import apply_offline_env, load_settings
    from dossier.reliability.integrity import check_index

    apply_offline_env()
    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    dossier = Dossier(load_settings({"index": args.index, "profile": "test"}))
    _say({"verified": check_index(dossier, questions)})
    faults.arm(args.kill_at)  # armed only now: the check above may save BM25, and must not be killed for it
    _say({"ingesting": True})
    report = dossier.add(args.paths)
    faults.arm(None)
    _say({"done": {"added": report.count("added"), "updated": report.count("updated"),
                   "unchanged": report.count("unchanged"), "rejected": [o.detail for o in report.rejected]},
          "verified": check_index(dossier, questions)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
