"""The app's API through gradio_client against the real server: the same answers as ``ask()``."""
from __future__ import annotations

from pathlib import Path

import pytest
from gradio_client import handle_file

EN = "What did ICE agree to pay Clearview AI in September 2025?"
FR = "Quelle entreprise vend à ICE un outil pour déverrouiller les téléphones ?"
TOTAL = "Add up every Clearview AI award in the procurement records."
CEO = "Qui dirige Clearview AI ?"
NORTHWIND = "How much was the Northwind Analytics contract with Harbor County worth?"


def cited_ids(payload: dict) -> list[str]:
    return [c["passage_id"] for c in payload["citations"]]


@pytest.mark.parametrize("question", [EN, FR, TOTAL], ids=["english", "french", "records-total"])
def test_chat_returns_the_answer_and_citations_of_ask(client, served, question: str) -> None:
    expected = served.dossier.ask(question)
    got = client.predict(question, api_name="/chat")
    assert got["answer"] == expected.answer
    assert got["abstained"] is expected.abstained is False
    assert got["language"] == expected.language
    assert cited_ids(got) == [c.passage_id for c in expected.citations]
    assert got["citations"], "an answered question cites its passages"
    assert [c["quote"] for c in got["citations"]] == [c.quote for c in expected.citations]


def test_chat_detects_the_question_language(client) -> None:
    assert client.predict(EN, api_name="/chat")["language"] == "en"
    assert client.predict(FR, api_name="/chat")["language"] == "fr"


def test_unanswerable_question_abstains(client, served) -> None:
    expected = served.dossier.ask(CEO)
    got = client.predict(CEO, api_name="/chat")
    assert (got["answer"], got["abstained"], cited_ids(got)) == (
        expected.answer, expected.abstained, [c.passage_id for c in expected.citations])
    assert got["abstained"] is True, f"the sources never name Clearview AI's CEO, yet: {got['answer']!r}"
    assert got["citations"] == []


def test_ask_json_is_the_answer_record(client, served) -> None:
    got = client.predict(FR, 0, "", api_name="/ask_json")
    expected = served.dossier.ask(FR).to_dict()
    got.pop("timings_ms")
    expected.pop("timings_ms")
    assert got == expected


def test_documents_records_and_describe(client, served) -> None:
    documents = client.predict(api_name="/documents")
    assert {d["id"] for d in documents} == {d.id for d in served.dossier.documents()}
    assert {d["kind"] for d in documents} == {"article", "records"}
    records = client.predict(api_name="/records")
    assert records and all(r["passage_id"] for r in records)
    clearview = sum(r["amount"] for r in records if r["recipient"] == "Clearview AI")
    assert clearview == pytest.approx(5_650_000)
    described = client.predict(api_name="/describe")
    assert described["records"] == len(records)


def test_the_records_of_a_computed_answer_come_back_by_its_plan(client, served) -> None:
    answer = client.predict("Add up the Palantir awards in the procurement records.", 0, "", api_name="/ask_json")
    cited = [r for c in answer["citations"] for r in c["record_ids"]]
    assert cited and answer["query"]["sql"]
    found = client.predict(answer["query"]["plan"], api_name="/records_for_plan")
    assert [row["record"] for row in found["rows"]] == cited
    assert found["matched"] == answer["query"]["records"] == len(cited)


def test_upload_ask_remove_cycle(client, served, app_fixtures: Path) -> None:
    before = served.dossier.ask(NORTHWIND)
    assert before.abstained, "the invented vendor is not in the demo corpus"

    results = client.predict([handle_file(str(app_fixtures / "northwind-analytics.txt"))], api_name="/upload")
    assert [(r["file"], r["status"]) for r in results] == [("northwind-analytics.txt", "added")]
    document_id = results[0]["document_id"]
    assert document_id in {d["id"] for d in client.predict(api_name="/documents")}

    again = client.predict([handle_file(str(app_fixtures / "northwind-analytics.txt"))], api_name="/upload")
    assert [r["status"] for r in again] == ["unchanged"]

    answered = client.predict(NORTHWIND, api_name="/chat")
    assert answered["abstained"] is False
    assert "2.4 million" in answered["answer"]
    assert {c["document_id"] for c in answered["citations"]} == {document_id}
    assert cited_ids(answered) == [c.passage_id for c in served.dossier.ask(NORTHWIND).citations]

    assert client.predict(document_id, api_name="/remove") == {"removed": [document_id]}
    assert document_id not in {d["id"] for d in client.predict(api_name="/documents")}
    after = client.predict(NORTHWIND, api_name="/chat")
    assert after["abstained"] is True
    assert after["citations"] == []


def test_upload_rejects_unsupported_and_oversized_files(client, tmp_path: Path) -> None:
    script = tmp_path / "payload.exe"
    script.write_bytes(b"MZ\x90\x00")
    [row] = client.predict([handle_file(str(script))], api_name="/upload")
    assert (row["file"], row["status"]) == ("payload.exe", "rejected")
    assert "unsupported file type" in row["detail"]

    big = tmp_path / "big.txt"
    big.write_text("Northwind " * 30_000, encoding="utf-8")  # 300 kB, over the 200 kB test limit
    with pytest.raises(Exception, match="(?i)too large|size|limit|413"):
        client.predict([handle_file(str(big))], api_name="/upload")


def two_files_named(name: str, folder: Path, *texts: str) -> list[Path]:
    """Two users' files of one name, in folders of their own."""
    made = []
    for n, text in enumerate(texts):
        (folder / f"user{n}").mkdir()
        made.append(folder / f"user{n}" / name)
        made[-1].write_text(text, encoding="utf-8")
    return made


def test_an_upload_never_replaces_another_file_of_the_same_name(client, tmp_path: Path) -> None:
    first, second = two_files_named("notes.txt", tmp_path, "Harbour dredging in Lindqvist was awarded to Kestrel Marine.",
                                    "The Tidewater ferry line will add a night crossing in May.")
    [one] = client.predict([handle_file(str(first))], api_name="/upload")
    [two] = client.predict([handle_file(str(second))], api_name="/upload")
    assert (one["file"], one["status"]) == ("notes.txt", "added")
    assert (two["file"], two["status"]) == ("notes-2.txt", "added")
    assert "another file named notes.txt" in two["detail"]
    documents = {d["id"] for d in client.predict(api_name="/documents")}
    assert {one["document_id"], two["document_id"]} <= documents
    [same] = client.predict([handle_file(str(first))], api_name="/upload")
    assert (same["file"], same["status"]) == ("notes.txt", "unchanged")
    for document_id in (one["document_id"], two["document_id"]):
        client.predict(document_id, api_name="/remove")


def test_an_upload_replaces_the_earlier_one_of_its_name_only_when_asked(client, tmp_path: Path) -> None:
    first, second = two_files_named("brief.txt", tmp_path, "The Lindqvist harbour board met on Tuesday to approve dredging.",
                                    "The Lindqvist harbour board postponed the dredging vote to June.")
    [one] = client.predict([handle_file(str(first))], api_name="/upload")
    [two] = client.predict([handle_file(str(second))], replace=True, api_name="/upload")
    assert (one["file"], one["status"]) == ("brief.txt", "added")
    assert (two["file"], two["status"]) == ("brief.txt", "updated"), two
    assert "replaces the earlier brief.txt" in two["detail"]
    documents = {d["id"] for d in client.predict(api_name="/documents")}
    assert two["document_id"] in documents and one["document_id"] not in documents
    [again] = client.predict([handle_file(str(second))], replace=True, api_name="/upload")
    assert (again["status"], again["detail"]) == ("unchanged", "")  # the same bytes replace nothing
    client.predict(two["document_id"], api_name="/remove")


def test_the_api_never_shows_server_paths(client, served) -> None:
    import json

    shown = json.dumps([client.predict(api_name="/documents"), client.predict(api_name="/describe")])
    for folder in (Path(served.settings.index).resolve(), served.corpus.resolve(), Path.home()):
        assert str(folder) not in shown
    assert "/" not in "".join(p for d in client.predict(api_name="/documents") for p in d["source_paths"])


def test_an_error_names_the_servers_folders_without_showing_them(client, served, tmp_path: Path) -> None:
    from filelock import FileLock

    (tmp_path / "late.txt").write_text("The Tidewater ferry line will stop its night crossing.", encoding="utf-8")
    index = Path(served.settings.index)
    with FileLock(str(index / "write.lock")):  # a writer in another process, at work past the lock's timeout
        with pytest.raises(Exception, match="another dossier process is writing") as raised:
            client.predict([handle_file(str(tmp_path / "late.txt"))], api_name="/upload")
    message = str(raised.value)
    assert "the index: " in message, message
    for folder in (index, index.resolve(), Path.home()):
        assert str(folder) not in message, message


def test_remove_of_an_unknown_id_is_a_clear_error(client) -> None:
    with pytest.raises(Exception, match="no indexed document"):
        client.predict("ffffffffffff", api_name="/remove")



def test_index_and_corpus_files_are_not_served(served) -> None:
    import httpx

    index_file = Path(served.settings.index).resolve() / "registry.sqlite3"
    corpus_file = next(served.corpus.rglob("*.csv")).resolve()
    for path in (index_file, corpus_file):
        response = httpx.get(f"{served.url}gradio_api/file={path}", timeout=10)
        assert response.status_code in (403, 404), (path, response.status_code)


def test_chat_understands_a_follow_up_from_the_history_it_is_given(client, served) -> None:
    got = client.predict("And in 2024?", "", ["What did ICE agree to pay Clearview AI in September 2025?"],
                         api_name="/chat")
    assert got["understood"] == "What did ICE agree to pay Clearview AI in September 2024?"
    assert got["answer"] == served.dossier.ask(got["understood"]).answer
    alone = client.predict("And in 2024?", api_name="/chat")  # no history: nothing to lean on
    assert alone["understood"] == "And in 2024?"
