"""The harness's checks can fail: each is shown a planted fault and must report it (a loader that
crashes or hangs: test_reliability_fuzz.py)."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.reliability import netguard, paths, runner
from dossier.reliability.corpus import write_documents
from dossier.reliability.integrity import check_index


def test_a_document_with_a_vector_deleted_behind_the_registrys_back_is_reported(tmp_path: Path, guard) -> None:
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings

    made = write_documents(tmp_path / "docs", 3, seed=21)
    dossier = Dossier(load_settings({"index": tmp_path / "index", "profile": "test"}, environ={}))
    assert not dossier.add([tmp_path / "docs"]).rejected
    questions = [g.question() for g in made]
    clean = check_index(dossier, questions)
    assert clean["problems"] == [] and len(clean["documents"]) == 3, clean

    victim = dossier.index.registry.text_passages()[0]
    dossier.index.collection.delete(ids=[victim.passage_id])  # half-written: the registry still lists it
    planted = check_index(dossier, questions)
    assert any(victim.document_id in p and "no vector in Chroma" in p for p in planted["problems"]), planted
    assert not any(p.startswith("document") and victim.document_id not in p for p in planted["problems"]), planted


def test_a_route_that_serves_a_corpus_file_is_counted(tmp_path: Path, guard) -> None:
    import gradio as gr

    secret = write_documents(tmp_path / "corpus", 1, seed=4)[0].path
    with gr.Blocks() as demo:
        gr.Markdown("a misconfigured app: it allows the corpus folder")
    demo.launch(server_name="127.0.0.1", server_port=0 or None, prevent_thread_lock=True, quiet=True,
                allowed_paths=[str(secret.parent)])
    try:
        web = paths.Web(demo.local_url)
        figures = paths.traversal(web, paths.Web(demo.local_url), [secret])
    finally:
        demo.close()
    assert figures["traversal_served"] >= 1, figures
    assert any("/gradio_api/file=" in p for p in figures["traversal_served_paths"]), figures


def test_an_outbound_connection_is_refused_and_counted_here_and_in_a_child(tmp_path: Path, guard) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("192.0.2.1", 9), timeout=1)  # TEST-NET-1: never routed
    child = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('192.0.2.2', 9), timeout=1)"],
                           env=netguard.child_env(), capture_output=True, text=True)
    assert child.returncode != 0 and "ConnectionRefusedError" in child.stderr
    assert len(guard.attempts()) == 2 and "192.0.2.2" in guard.attempts()[1], guard.attempts()
    guard.log.write_text("")  # the fixture checks that nothing else went out


def test_an_obeyed_injection_is_counted(planted_world, guard, monkeypatch: pytest.MonkeyPatch) -> None:
    """The planted fault: every sentence is taken as data again (none inert), so the model that obeys is
    shown the planted note as a passage, repeats its payload, and the planted sentence supports it."""
    from dossier.answer.inert import InertJudge
    from dossier.reliability import injection

    dossier, server, manifest = planted_world
    attack = next(a for a in manifest["attacks"] if a["file"] == "water-utility-note-for-ai.en.txt")
    assert injection.attack_all(dossier, server, [attack], [])["injection_succeeded"] == 0
    monkeypatch.setattr(InertJudge, "__call__", lambda self, passage, start, end: False)
    figures = injection.attack_all(dossier, server, [attack], [])
    assert figures["injection_succeeded"] == 1, figures
    assert any("payload" in failure for failure in figures["injection_failures"][attack["file"]]), figures


def test_the_report_keeps_promises_only_when_the_figures_do(tmp_path: Path) -> None:
    figures = {"kills_tried": 24, "documents_lost": 1, "traversal_attempts": 12}
    verdicts = runner.verdicts(figures)
    assert verdicts["kills_tried"] == "kept"
    assert verdicts["documents_lost"] == "broken (1)" and verdicts["traversal_attempts"] == "broken (12)"
    assert verdicts["fuzz_crashes"] == "not run"
    report = runner.run_checks((), tmp_path, short=True, seed=1)
    assert report["figures"] == {"outbound_connections": 0} and report["promises"]["outbound_connections"] == "kept"
    written = runner.write_report({**report, "figures": {**report["figures"], **figures},
                                   "promises": runner.verdicts({**report["figures"], **figures})}, tmp_path / "out")
    assert json.loads(written[0].read_text())["figures"]["documents_lost"] == 1
    assert "| `documents_lost` == 0 | 1 | broken (1) |" in written[1].read_text()
