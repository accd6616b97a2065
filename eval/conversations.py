"""Follow-up resolution measured on multi-turn conversations (``eval/datasets/conversations.jsonl``).

Each turn gives the names and years its question as understood must contain and those it must not
(a fresh question must not inherit the last subject; a swap must drop the replaced one). The turns are
resolved in order, each against the questions as understood before it, as the chat does.

    .venv/bin/python -m dossier.eval.conversations [eval/datasets/conversations.jsonl] [--show-failures]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from dossier.core.text import fold

DEFAULT = Path(__file__).resolve().parent / "datasets" / "conversations.jsonl"


def score(path: Path = DEFAULT) -> dict[str, Any]:
    """Figures over every turn after the first of each conversation, and the failures."""
    from dossier.answer import Conversation

    follow_ups = fresh = follow_ups_right = fresh_right = inherited = 0
    failures = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        conversation = json.loads(line)
        resolved = Conversation.understood_in_turn([turn["question"] for turn in conversation["turns"]])
        for number, (turn, understood) in enumerate(zip(conversation["turns"], resolved)):
            if number == 0:
                continue
            text = fold(understood)
            missing = [name for name in turn["must_contain"] if fold(name) not in text]
            kept = [name for name in turn["must_not_contain"] if fold(name) in text]
            right = not missing and not kept
            if turn["follow_up"]:
                follow_ups += 1
                follow_ups_right += right
            else:
                fresh += 1
                fresh_right += right
                inherited += bool(kept)
            if not right:
                failures.append({"id": conversation["id"], "turn": number, "question": turn["question"],
                                 "understood": understood, "missing": missing, "kept": kept})
    return {"follow_ups": follow_ups, "follow_up_accuracy": round(follow_ups_right / max(follow_ups, 1), 3),
            "fresh_turns": fresh, "fresh_accuracy": round(fresh_right / max(fresh, 1), 3),
            "fresh_turns_that_inherited": inherited,
            "accuracy": round((follow_ups_right + fresh_right) / max(follow_ups + fresh, 1), 3),
            "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dossier.eval.conversations", description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args(argv)
    figures = score(args.dataset)
    failures = figures.pop("failures")
    print(json.dumps(figures, indent=2))
    if args.show_failures:
        for failure in failures:
            print(json.dumps(failure, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
