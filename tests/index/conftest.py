"""Fixtures of the index tests: real Chroma (embedded or a `chroma run` server), real MiniLM, real files.

The embedder is built once per session and shared by every index the tests open, so each test pays
for Chroma and SQLite, not for loading model weights again.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dossier.core.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "ingest"

def cached_embedder(name: str, model_path: Path | None = None):
    """The process's shared embedder of that name, the one ``open_index`` uses."""
    from dossier.index.wiring import shared_embedder

    return shared_embedder(name, model_path)


def open_test_index(directory: Path, **overrides):
    """``open_index`` over ``directory`` with the test profile (the embedder is shared by the process)."""
    from dossier.index.wiring import open_index

    settings = load_settings({"index": directory, "profile": "test", **overrides}, environ={})
    return open_index(settings)


def chroma_ids(index) -> set[str]:
    return set(index.collection.get(include=[])["ids"])


@pytest.fixture(scope="session")
def embedder_of():
    """``embedder_of(name)``: the session's shared EmbedderSpec of that name."""
    return cached_embedder


@pytest.fixture(scope="session")
def make_index():
    """``make_index(directory, **settings)``: a real DossierIndex (test profile, shared embedder)."""
    return open_test_index


@pytest.fixture(scope="session")
def vector_ids():
    """``vector_ids(index)``: the ids stored in the index's Chroma collection."""
    return chroma_ids


@pytest.fixture
def articles_dir(tmp_path: Path, corpus_dir: Path) -> Path:
    """A writable copy of the demo corpus articles."""
    target = tmp_path / "articles"
    shutil.copytree(corpus_dir / "articles", target)
    for f in target.iterdir():
        f.chmod(0o644)
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real `chroma run` server on loopback; its URL. Killed at the end of the session."""
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        pytest.skip("the chroma executable is not in the venv")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = open(data / "server.log", "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen([str(exe), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited with {proc.returncode}: {(data / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma server did not answer its heartbeat within 30 s")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
