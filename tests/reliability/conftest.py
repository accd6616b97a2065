"""The reliability checks in their short form, each under the harness's own socket guard."""
from __future__ import annotations

from pathlib import Path

import pytest

from dossier.reliability.netguard import NetGuard


@pytest.fixture
def guard(tmp_path: Path):
    with NetGuard(tmp_path) as active:
        yield active
    assert active.attempts() == [], f"outbound connections attempted: {active.attempts()}"


@pytest.fixture(scope="session")
def planted_world(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    """The demo corpus indexed with the test embedder, its LLM answerer pointed at a model that obeys
    every injection it is shown (the red-team manifest's payloads)."""
    from dossier.reliability import injection

    manifest = injection.red_team()
    with injection.obeying_server([a["payload"] for a in manifest["attacks"] if a["payload"]]) as server:
        dossier = injection.open_corpus(tmp_path_factory.mktemp("injection"), corpus_dir, server.url,
                                        test_profile=True)
        yield dossier, server, manifest
