"""Workspaces and `dossier chat` through the real command, over real indexes (the test profile's MiniLM).

Two investigations each hold one article of their own: a question in one never retrieves or cites the
other's. `dossier chat` is driven piped (one answer a line) and on a pseudo-terminal (prompt, /new,
/export, Ctrl-D), as is `dossier ingest --workspace` (its progress bar); while it has its workspace open, that workspace cannot be deleted, and deleting
another leaves the rest intact. The tests run in file order: the last one deletes.
"""
from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "answer"
PORTS_FILE, TOLLS_FILE = "tidewater.en.txt", "velden-tolls.en.txt"
# Written for these tests from the two fixture articles (never from an eval set).
PORTS_QUESTION = "Since when have Gulf coast port authorities bought access to Tidewater Data?"
TOLLS_QUESTION = "How much did the Port Velden authority collect in harbour tolls in 2019?"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with workspaces "ports" and "tolls" (one article each) and an empty "scratch"."""
    from dossier.answer import Dossier, create_workspace
    from dossier.core.settings import load_settings

    data = tmp_path_factory.mktemp("data")
    for name, article in (("ports", PORTS_FILE), ("tolls", TOLLS_FILE), ("scratch", None)):
        settings = load_settings({"data_dir": data, "profile": "test"}, environ={})
        create_workspace(settings, name)
        if article:
            dossier = Dossier(load_settings({"data_dir": data, "workspace": name, "profile": "test"}, environ={}))
            assert not dossier.add([FIXTURES / article]).rejected
            dossier.close()  # let go, as a finished command does: the CLI below may delete it
    return data


def env_for(data: Path) -> dict[str, str]:
    return {**os.environ, "DOSSIER_DATA_DIR": str(data), "DOSSIER_PROFILE": "test"}


def dossier_cli(data: Path, *args: str, stdin: str = "", timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dossier.cli", *args], input=stdin, capture_output=True, text=True,
                          env=env_for(data), timeout=timeout, cwd=REPO)


def cited_sources(answer: dict) -> set[str]:
    return {Path(c["source"]).name for c in answer["citations"]}


def retrieved_sources(answer: dict) -> set[str]:
    return {Path(r["source"]).name for r in answer["retrieved"]}


def test_piped_chat_answers_a_line_each_from_its_own_workspace_only(data_dir: Path) -> None:
    done = dossier_cli(data_dir, "chat", "--workspace", "ports", "--json",
                       stdin=f"{PORTS_QUESTION}\n\n/new\n{TOLLS_QUESTION}\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2, done.stdout  # one Answer JSON a line; the blank line and /new answer nothing
    mine, theirs = (json.loads(line) for line in lines)
    assert mine["question"] == mine["understood"] == PORTS_QUESTION  # no follow-up resolution yet: as typed
    assert not mine["abstained"] and cited_sources(mine) == {PORTS_FILE}
    assert TOLLS_FILE not in retrieved_sources(mine) | retrieved_sources(theirs)  # never even retrieved
    assert theirs["abstained"] and not theirs["citations"]


def test_eval_runs_against_a_workspace(data_dir: Path, tmp_path: Path) -> None:
    dataset = tmp_path / "tolls.jsonl"
    items = [
        {"id": "t1", "question": TOLLS_QUESTION, "lang": "en", "answerable": True, "answer": "$4.2 million",
         "facts": [["4.2 million"]], "sources": [TOLLS_FILE], "evidence": []},
        # Answerable in "ports" only: in "tolls" the right answer is an abstention.
        {"id": "t2", "question": PORTS_QUESTION, "lang": "en", "answerable": False, "answer": "(the sources do not say)", "facts": [],
         "sources": [], "evidence": []},
    ]
    dataset.write_text("".join(json.dumps(item) + "\n" for item in items))
    done = dossier_cli(data_dir, "eval", "--workspace", "tolls", "--dataset", str(dataset), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["summary"]["fact_recall"] == 1.0 and results["summary"]["abstention_recall"] == 1.0
    assert all(PORTS_FILE not in retrieved_sources(item["answer"]) for item in results["items"])
    assert results["corpus"].endswith(str(Path("workspaces") / "tolls" / "index"))


class Terminal:
    """A command on a pseudo-terminal: what a user at a prompt sees and types."""

    def __init__(self, args: list[str], env: dict[str, str]):
        master, slave = pty.openpty()
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO,
                                        close_fds=True)
        os.close(slave)
        self.master, self.seen = master, ""

    def expect(self, text: str, timeout: float = 240) -> str:
        """Everything shown until ``text`` appears (consumed up to its end)."""
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise AssertionError(f"{text!r} never appeared; the terminal showed:\n{self.seen[-3000:]}")
            try:
                self.seen += os.read(self.master, 65536).decode("utf-8", "replace")
            except OSError:  # the command ended
                raise AssertionError(f"{text!r} never appeared; the terminal showed:\n{self.seen[-3000:]}")
        shown, self.seen = self.seen.split(text, 1)
        return shown + text

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())


def test_ingest_into_a_workspace_shows_the_rate_and_time_left_on_a_terminal(data_dir: Path) -> None:
    articles = ["harboreye.en.txt", "merrow-commute.en.txt", "ferry-harbor-gazette.en.md"]
    ingest = Terminal([sys.executable, "-m", "dossier.cli", "ingest", "--workspace", "scratch",
                       *(str(FIXTURES / a) for a in articles)], env_for(data_dir))
    try:
        shown = ingest.expect("3 added")
        assert ingest.process.wait(timeout=60) == 0
    finally:
        if ingest.process.poll() is None:
            ingest.process.kill()
        os.close(ingest.master)
    assert "\\x1b" not in shown  # the bar is drawn, its escapes not printed as text
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)  # the terminal's colours and cursor moves
    assert re.search(r"3/3 [\d.]+ files/s, done", plain), shown  # the bar's last state, before the summary
    listed = json.loads(dossier_cli(data_dir, "docs", "list", "--workspace", "scratch", "--json").stdout)
    assert sorted(Path(p).name for d in listed for p in d["source_paths"]) == sorted(articles)


def test_interactive_chat_holds_its_workspace_and_deleting_another_leaves_the_rest(data_dir: Path,
                                                                                   tmp_path: Path) -> None:
    export = tmp_path / "notes.md"
    chat = Terminal([sys.executable, "-m", "dossier.cli", "chat", "--workspace", "ports"], env_for(data_dir))
    try:
        banner = chat.expect("> ")
        assert "workspace ports, 1 documents" in banner
        chat.type(PORTS_QUESTION + "\r")
        shown = chat.expect("\r\n> ")
        assert "[1] Shipping data for the ports — " in shown and PORTS_FILE in shown  # as `dossier ask` shows it

        # While the chat has "ports" open, it cannot be deleted; "scratch" can, after the question.
        refused = dossier_cli(data_dir, "workspace", "delete", "ports", "--yes")
        assert refused.returncode == 2 and "open in a running dossier process" in refused.stderr
        kept = dossier_cli(data_dir, "workspace", "delete", "scratch", stdin="n\n")
        assert kept.returncode == 1 and "nothing deleted" in kept.stderr
        assert (data_dir / "workspaces" / "scratch").is_dir()
        assert dossier_cli(data_dir, "workspace", "delete", "scratch", stdin="y\n").returncode == 0
        assert not (data_dir / "workspaces" / "scratch").exists()

        chat.type("/new\r")
        chat.expect("new conversation")
        chat.expect("\r\n> ")  # type only at the prompt, as a user does
        chat.type(TOLLS_QUESTION + "\r")  # the other workspace's question, after the deletion: still its own sources
        shown = chat.expect("\r\n> ")
        assert TOLLS_FILE not in shown
        chat.type(f"/export {export}\r")
        chat.expect(f"wrote {export}")
        # Ctrl-D at the prompt: typed earlier, the terminal's cooked mode eats it before readline reads.
        chat.expect("\r\n> ")
        chat.type("\x04")  # Ctrl-D ends the session
        assert chat.process.wait(timeout=240) == 0
    finally:
        if chat.process.poll() is None:
            chat.process.kill()
        os.close(chat.master)

    notes = export.read_text()
    assert f"## 1. {PORTS_QUESTION}" in notes and "## 2. How much did the Port Velden" in notes
    assert "[^1]" in notes.split("## 2.")[0] and "[^1]: **Shipping data for the ports**, `tidewater.en.txt`" in notes
    assert "    > Port authorities on the Gulf coast have bought access to Tidewater Data" in notes

    # Once the chat has ended, "ports" can go; "tolls" is untouched and still answers from its own article.
    assert dossier_cli(data_dir, "workspace", "delete", "ports", "--yes").returncode == 0
    listed = json.loads(dossier_cli(data_dir, "workspace", "list", "--json").stdout)
    assert [w["name"] for w in listed] == ["default", "tolls"]
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings

    tolls = Dossier(load_settings({"data_dir": data_dir, "workspace": "tolls", "profile": "test"}, environ={}))
    try:
        assert [Path(p).name for d in tolls.documents() for p in d.source_paths] == [TOLLS_FILE]
        assert cited_sources(tolls.ask(TOLLS_QUESTION).to_dict()) == {TOLLS_FILE}
    finally:
        tolls.close()
