"""The follow-up gate: the multi-turn set (eval/datasets/conversations.jsonl) resolved as the chat resolves it."""
from __future__ import annotations

import json

from dossier.eval.conversations import DEFAULT, main, score


def test_follow_ups_are_resolved_and_fresh_questions_inherit_nothing() -> None:
    figures = score(DEFAULT)
    assert figures["follow_ups"] >= 50 and figures["fresh_turns"] >= 8
    assert figures["follow_up_accuracy"] >= 0.90, figures["failures"]
    assert figures["fresh_turns_that_inherited"] == 0, figures["failures"]


def test_a_wrong_resolution_is_counted(tmp_path) -> None:
    # A set whose follow-up expects a name the conversation never gave cannot be resolved: the scorer says so.
    planted = {"id": "c", "language": "en", "turns": [
        {"question": "Who founded Velora Systems?", "must_contain": ["Velora"], "must_not_contain": [], "follow_up": False},
        {"question": "And how much is it worth?", "must_contain": ["Corvane"], "must_not_contain": ["Velora"],
         "follow_up": True}]}
    path = tmp_path / "planted.jsonl"
    path.write_text(json.dumps(planted) + "\n", encoding="utf-8")
    figures = score(path)
    assert figures["follow_up_accuracy"] == 0.0 and figures["failures"][0]["kept"] == ["Velora"]


def test_the_command_prints_the_figures(capsys) -> None:
    assert main([str(DEFAULT)]) == 0
    assert json.loads(capsys.readouterr().out)["follow_ups"] >= 50
