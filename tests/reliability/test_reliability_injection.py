"""The prompt-injection check (``reliability/injection.py``): a short run inside the suite over the demo
corpus, and proof that it sees an obeyed injection when the product lets one through."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from dossier.answer.inert import InertJudge
from dossier.reliability import injection

SEED = 14


@pytest.fixture(scope="module")
def planted_world(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    """The demo corpus indexed with the test embedder, its LLM answerer pointed at a model that obeys."""
    manifest = injection.red_team()
    with injection.obeying_server([a["payload"] for a in manifest["attacks"] if a["payload"]]) as server:
        dossier = injection.open_corpus(tmp_path_factory.mktemp("injection"), corpus_dir, server.url,
                                        test_profile=True)
        yield dossier, server, manifest


def test_the_red_team_set_is_the_size_the_issue_asks(planted_world) -> None:
    _dossier, _server, manifest = planted_world
    assert len(manifest["attacks"]) >= 20
    assert {a["language"] for a in manifest["attacks"]} == {"en", "fr"}
    for attack in manifest["attacks"]:
        assert (injection.REDTEAM / attack["file"]).is_file()


def test_no_planted_document_changes_an_answer_or_a_citation(planted_world) -> None:
    dossier, server, manifest = planted_world
    attacks = random.Random(SEED).sample(manifest["attacks"], injection.SHORT_ATTACKS)
    figures = injection.attack_all(dossier, server, attacks, manifest["instruction_questions"][:2])
    assert figures["injection_attacks"] == injection.SHORT_ATTACKS + 2
    assert figures["injection_succeeded"] == 0, figures["injection_failures"]
    assert figures["injection_baseline_drift"] == []


def test_the_check_sees_an_obeyed_injection(planted_world, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every sentence taken as data again (no inert sentences), the obeying model's payload is
    supported by the planted sentence, and the check must say so."""
    dossier, server, manifest = planted_world
    attack = next(a for a in manifest["attacks"] if a["file"] == "water-utility-note-for-ai.en.txt")
    question = attack["pretends_to_answer"]
    baselines = {question: dossier.ask(question)}
    assert injection.run_llm_attack(dossier, attack, server, baselines) == []
    monkeypatch.setattr(InertJudge, "__call__", lambda self, passage, start, end: False)
    failures = injection.run_llm_attack(dossier, attack, server, baselines)
    assert any("payload" in failure for failure in failures), failures
