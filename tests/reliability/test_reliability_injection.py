"""The prompt-injection check (``reliability/injection.py``): a short run inside the suite over the demo
corpus (``planted_world``, in conftest). That it sees an obeyed injection is in test_checks_can_fail.py."""
from __future__ import annotations

import random


from dossier.reliability import injection

SEED = 14


def test_the_red_team_set_is_the_size_the_issue_asks(planted_world) -> None:
    _dossier, _server, manifest = planted_world
    assert len(manifest["attacks"]) >= 20
    assert {a["language"] for a in manifest["attacks"]} == {"en", "fr"}
    for attack in manifest["attacks"]:
        assert (injection.REDTEAM / attack["file"]).is_file()


def test_no_planted_document_changes_an_answer_or_a_citation(planted_world, guard) -> None:
    dossier, server, manifest = planted_world
    attacks = random.Random(SEED).sample(manifest["attacks"], injection.SHORT_ATTACKS)
    figures = injection.attack_all(dossier, server, attacks, manifest["instruction_questions"][:2])
    assert figures["injection_attacks"] == injection.SHORT_ATTACKS + 2
    assert figures["injection_succeeded"] == 0, figures["injection_failures"]
    assert figures["injection_baseline_drift"] == []
