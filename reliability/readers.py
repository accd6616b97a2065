"""Readers during a writer (issue #14): questions asked while an ingest runs all succeed, and no answer
shows a document the registry does not hold whole.

1. Through the Python API: this process asks ``Dossier.ask`` in a loop while ``dossier ingest`` (a
   guarded child process) writes new documents into the same index.
2. Through the running web app: ``dossier serve`` over that index; gradio_client asks ``/chat`` in a
   loop while another client uploads a batch through ``/upload`` (the server's own writer).
3. One index has one owner: while the server holds the index, ``dossier ingest`` and ``dossier docs
   remove`` into it must fail at once, saying how to add files instead; once it stops, they work.

An answer "sees a partial document" when a passage it retrieves or cites belongs to no document the
registry lists, or to one whose passages the registry does not all hold when the ingest is over.
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from dossier.reliability import netguard
from dossier.reliability.corpus import write_documents
from dossier.reliability.served import Server

REFUSAL_WORDS = ("served by", "/upload", "chroma run")
PAUSE_S = 0.2  # between one reader's questions: the writer shares the same cores


def run(work: Path, *, short: bool, seed: int) -> dict[str, Any]:
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings

    count = 6 if short else 20
    index = work / "index"
    base = write_documents(work / "base", 3, seed)
    batch = write_documents(work / "batch", count, seed + 1)
    uploads = write_documents(work / "uploads", count, seed + 2)
    figures: dict[str, Any] = {}
    dossier = Dossier(load_settings({"index": index, "profile": "test"}))
    dossier.add([work / "base"])
    questions = [g.question() for g in base + batch + uploads]

    # 1. the Python API while a CLI ingest writes
    writer = _cli(["ingest", str(work / "batch")], index, work / "cli-ingest.log")
    api = _ask_until(lambda q: dossier.ask(q), questions, writer.poll)
    figures["reader_api_ingest_exit"] = writer.wait()
    figures |= _tally("reader_api", api, dossier.index.registry)

    # 2. the web app while an upload writes, and 3. a CLI write refused while it serves
    with Server(index, work / "serve.log") as server:
        client, uploader = server.client(), server.client()
        from gradio_client import handle_file

        upload: dict[str, Any] = {}
        thread = threading.Thread(target=lambda: upload.setdefault(
            "rows", uploader.predict([handle_file(str(g.path)) for g in uploads], api_name="/upload")))
        thread.start()
        web = _ask_until(lambda q: _web_answer(client, q), questions, lambda: None if thread.is_alive() else 0)
        thread.join()
        figures["reader_web_uploaded"] = sum(1 for row in upload.get("rows", []) if row["status"] == "added")
        writes = [["ingest", str(uploads[0].path.parent)]] + ([] if short else [["docs", "remove", str(base[0].path)]])
        refusals = [_timed_cli(args, index, work / "cli-refused.log") for args in writes]
    figures |= _tally("reader_web", web, dossier.index.registry)
    figures["cli_write_while_served_refused"] = sum(1 for code, _, text in refusals
                                                   if code == 2 and all(w in text for w in REFUSAL_WORDS))
    figures["cli_write_while_served_tries"] = len(refusals)
    figures["cli_write_refusal_s"] = max(seconds for _, seconds, _ in refusals)
    if not short:  # the owner's lock goes with its process (the kernel's flock): writes work again
        figures["cli_write_after_server_exit"] = _cli(["docs", "remove", str(base[0].path)], index,
                                                      work / "cli-after.log").wait()
    return figures


def _ask_until(ask: Any, questions: list[str], finished: Any) -> list[tuple[str, Any]]:
    """Ask the questions round and round until ``finished()`` is not None (one round at least)."""
    asked: list[tuple[str, Any]] = []
    i = 0
    while finished() is None or i < len(questions) // 2:
        question = questions[i % len(questions)]
        i += 1
        try:
            asked.append((question, ask(question)))
        except Exception as exc:  # noqa: BLE001 - every failure is a figure, never a stop
            asked.append((question, exc))
        time.sleep(PAUSE_S)
    return asked


def _web_answer(client: Any, question: str) -> dict[str, Any]:
    return client.predict(question, api_name="/chat")


def _tally(prefix: str, asked: list[tuple[str, Any]], registry: Any) -> dict[str, Any]:
    """Errors, and answers showing a passage of no whole document, against the registry after the write."""
    documents = {d.id: d for d in registry.documents()}
    passages = registry.passages()
    held: dict[str, int] = {}  # article passages per document
    for passage in passages:
        held[passage.document_id] = held.get(passage.document_id, 0) + (passage.kind == "text")
    known = {p.passage_id: p.document_id for p in passages}
    errors = [f"{q}: {type(a).__name__}: {a}" for q, a in asked if isinstance(a, Exception)]
    partial = 0
    for _, answer in asked:
        if isinstance(answer, Exception):
            continue
        for passage_id, document_id in _shown(answer):
            document = documents.get(document_id)
            whole = document is not None and (document.kind == "records" or held.get(document_id) == document.passages)
            partial += passage_id != "computation" and (passage_id not in known or not whole)
    return {f"{prefix}_questions": len(asked), f"{prefix}_errors": len(errors),
            f"{prefix}_partial_seen": partial, **({f"{prefix}_error_examples": errors[:3]} if errors else {})}


def _shown(answer: Any) -> list[tuple[str, str]]:
    if isinstance(answer, dict):  # /chat's payload
        return [(c["passage_id"], c["document_id"]) for c in answer.get("citations", [])]
    return ([(r.passage_id, r.document_id) for r in answer.retrieved]
            + [(c.passage_id, c.document_id) for c in answer.citations])


def _cli(args: list[str], index: Path, log: Path) -> subprocess.Popen:
    with open(log, "a", encoding="utf-8") as out:
        return subprocess.Popen([sys.executable, "-m", "dossier.cli", *args, "--index", str(index), "--profile", "test"],
                                stdout=out, stderr=subprocess.STDOUT, env=netguard.child_env())


def _timed_cli(args: list[str], index: Path, log: Path) -> tuple[int, float, str]:
    started = time.monotonic()
    code = _cli(args, index, log).wait()
    return code, round(time.monotonic() - started, 2), log.read_text(encoding="utf-8")
