"""Investigations in the web chat, through gradio_client: each endpoint answers from the workspace it is
given, a session's switch changes that session only (questions, sources, uploads), an upload shows its
rate and time left, the conversation
exports as Markdown, and a workspace the server has open is never deleted under it."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from dossier.core.errors import IndexLocked


def sources_of(payload: dict) -> set[str]:
    return {Path(c["source"]).name for c in payload["citations"]}


def test_a_question_in_one_workspace_never_retrieves_or_cites_another(client, investigations) -> None:
    for name, (article, question) in investigations.items():
        others = {a for n, (a, _) in investigations.items() if n != name}
        mine = client.predict(question, workspace=name, api_name="/chat")
        assert not mine["abstained"] and sources_of(mine) == {article}
        for other in investigations:
            if other != name:
                full = client.predict(question, 0, "", other, api_name="/ask_json")
                assert article not in sources_of(full)
                assert article not in {Path(r["source"]).name for r in full["retrieved"]}
        titles = {Path(p).name for d in client.predict(workspace=name, api_name="/documents") for p in d["source_paths"]}
        assert titles == {article} and not titles & others
    server_own = {Path(p).name for d in client.predict(api_name="/documents") for p in d["source_paths"]}
    assert not server_own & {a for a, _ in investigations.values()}  # "" is the server's own index


def test_a_session_switch_changes_that_session_only(served, investigations, app_fixtures: Path) -> None:
    from gradio_client import Client, handle_file

    article, question = investigations["ports"]
    switched = Client(served.url, verbose=False, download_files=False)
    other = Client(served.url, verbose=False, download_files=False)
    switched.predict("ports", api_name="/use_workspace")
    rows = switched.predict([handle_file(str(app_fixtures / "northwind-analytics.txt"))], api_name="/upload")
    assert [r["status"] for r in rows] == ["added"]
    uploaded = rows[0]["document_id"]
    assert uploaded in {d["id"] for d in other.predict(workspace="ports", api_name="/documents")}
    assert uploaded not in {d["id"] for d in other.predict(api_name="/documents")}  # the other session: untouched
    assert other.predict(api_name="/export") is None  # nothing asked in that session

    history, *_ = switched.predict(question, [], api_name="/chat_stream")
    assert "Tidewater Data" in str(history[-1]["content"])  # answered from the session's workspace
    exported = switched.predict(api_name="/export")
    notes = Path(exported["path"]).read_text(encoding="utf-8")
    assert notes.startswith("# dossier: conversation") and "workspace ports" in notes
    assert f"## 1. {question}" in notes and f"`{article}`" in notes and "[^1]: **Shipping data for the ports**" in notes
    other.predict("tolls", api_name="/use_workspace")
    assert other.predict(api_name="/export") is None  # switching starts the session's conversation afresh
    switched.predict(uploaded, workspace="ports", api_name="/remove")


def test_an_upload_into_a_workspace_shows_its_rate_and_time_left(served, investigations, app_fixtures: Path,
                                                               tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    files = [app_fixtures / "northwind-analytics.txt", tmp_path / "dredging.txt"]
    files[1].write_text("The port authority of Saint-Malo paid Dredgeco 4.2 million euros in March 2024 to deepen "
                        "the outer harbour channel.\n", encoding="utf-8")
    client = Client(served.url, verbose=False, download_files=False)
    client.predict("tolls", api_name="/use_workspace")  # uploads go to the session's workspace
    job = client.submit([handle_file(str(f)) for f in files], api_name="/upload")
    rows = job.result(timeout=300)
    assert [r["status"] for r in rows] == ["added", "added"]
    progress = [unit.desc for update in asyncio.run(_updates(job)) for unit in getattr(update, "progress_data", None) or []]
    assert any(re.fullmatch(r"Indexed \S+ \([\d.]+ files/s, done\)", desc or "") for desc in progress), progress
    for row in rows:
        client.predict(row["document_id"], workspace="tolls", api_name="/remove")


async def _updates(job) -> list:
    """Every update the server sent for a finished job (statuses with their progress, outputs)."""
    return [update async for update in job]


def test_a_malformed_or_unknown_workspace_is_refused_with_its_reason(client, investigations) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="workspace name '../ports'"):
        client.predict("../ports", api_name="/use_workspace")
    with pytest.raises(AppError, match="no workspace 'nowhere'"):
        client.predict("a question", workspace="nowhere", api_name="/chat")


def test_deleting_a_workspace_leaves_the_others_and_never_one_the_server_holds(served, client, investigations) -> None:
    from dossier.answer import create_workspace, delete_workspace

    create_workspace(served.settings, "scratch")
    assert "scratch" in {w["name"] for w in client.predict(api_name="/workspaces")}
    delete_workspace(served.settings, "scratch")  # never opened by the server: it goes
    with pytest.raises(IndexLocked, match="workspace 'tolls' is open"):
        delete_workspace(served.settings, "tolls")
    assert {w["name"] for w in client.predict(api_name="/workspaces")} == {"default", *investigations}
    for name, (article, question) in investigations.items():
        assert sources_of(client.predict(question, workspace=name, api_name="/chat")) == {article}
