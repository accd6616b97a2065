"""Writes keep the registry, Chroma and BM25 in step: idempotent re-ingest, replace, duplicates, removal,
bad input in a batch, a crash between the vector write and the registry commit, and the writer lock."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from filelock import FileLock

from dossier.core.errors import IndexLocked
from dossier.core.progress import WAITING_FOR_TURN
from dossier.index.registry import Registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def _ids_of(index, document_id: str) -> set[str]:
    return {p.passage_id for p in index.registry.passages() if p.document_id == document_id}


def _state(index, vector_ids):
    return index.embedded_passage_ids(), vector_ids(index)


def test_ingesting_a_folder_twice_changes_nothing(tmp_path, articles_dir, make_index, vector_ids):
    index = make_index(tmp_path / "idx")
    first = index.ingest([articles_dir])
    assert first.count("added") == 2 and not first.rejected
    passages, vectors = index.passage_count(), index.collection.count()
    assert passages > 0 and vectors == passages
    generation = index.registry.generation()

    second = index.ingest([articles_dir])
    assert [o.status for o in second.outcomes] == ["unchanged", "unchanged"]
    assert index.passage_count() == passages
    assert index.collection.count() == vectors
    assert index.registry.generation() == generation
    assert vector_ids(index) == index.embedded_passage_ids()


def test_a_changed_file_replaces_its_passages_everywhere(tmp_path, articles_dir, make_index, vector_ids):
    index = make_index(tmp_path / "idx")
    index.ingest([articles_dir])
    path = sorted(articles_dir.iterdir())[0]
    old_id = index.registry.document_for_path(str(path.resolve()))
    old_passages = _ids_of(index, old_id)
    assert old_passages

    path.write_text(path.read_text(encoding="utf-8") + "\n\nUn paragraphe ajouté sur Xylophonia Systems.\n",
                    encoding="utf-8")
    report = index.ingest([path])
    assert [o.status for o in report.outcomes] == ["updated"]
    new_id = report.outcomes[0].document_id
    assert new_id != old_id
    registry_ids, chroma = _state(index, vector_ids)
    assert not old_passages & registry_ids
    assert not old_passages & chroma
    assert _ids_of(index, new_id) <= chroma
    assert registry_ids == chroma
    assert not index.registry.has_document(old_id)
    hits = index.retrieve("Xylophonia Systems", "xylophonia", 5)
    assert hits and hits[0].passage.document_id == new_id


def test_same_text_under_two_names_is_one_document(tmp_path, articles_dir, make_index, vector_ids):
    index = make_index(tmp_path / "idx")
    original = sorted(articles_dir.iterdir())[0]
    index.ingest([original])
    passages = index.passage_count()
    copy = tmp_path / "copy-of-article.txt"
    shutil.copyfile(original, copy)
    report = index.ingest([copy])
    assert [o.status for o in report.outcomes] == ["duplicate"]
    assert original.name in report.outcomes[0].detail
    documents = index.documents()
    assert len(documents) == 1
    assert set(documents[0].source_paths) == {str(original.resolve()), str(copy.resolve())}
    assert index.passage_count() == passages
    assert vector_ids(index) == index.embedded_passage_ids()


def test_a_near_duplicate_is_reported(tmp_path, articles_dir, make_index):
    index = make_index(tmp_path / "idx")
    original = sorted(articles_dir.iterdir())[0]
    index.ingest([original])
    original_id = index.documents()[0].id
    text = original.read_text(encoding="utf-8")
    words = text.split(" ")
    for i in (40, 120, 300):
        words[i] = "modifié"
    variant = tmp_path / "variant.txt"
    variant.write_text(" ".join(words), encoding="utf-8")
    report = index.ingest([variant])
    assert [o.status for o in report.outcomes] == ["added"]
    assert report.near_duplicates
    path, other, similarity = report.near_duplicates[0]
    assert path == str(variant.resolve()) and other == original_id and similarity >= 0.8


@pytest.mark.parametrize("by", ["id", "path"])
def test_remove_clears_registry_chroma_and_bm25(tmp_path, articles_dir, make_index, vector_ids, by):
    index = make_index(tmp_path / "idx")
    index.ingest([articles_dir])
    extra = tmp_path / "zorbanite.txt"
    extra.write_text("Zorbanite Analytics signed a surveillance contract with the county sheriff in 2023. "
                     "The Zorbanite deal was renewed the next year for a larger amount.\n", encoding="utf-8")
    report = index.ingest([extra])
    document_id = report.outcomes[0].document_id
    assert any(h.passage.document_id == document_id for h in index.retrieve("Zorbanite", "zorbanite", 5))
    passages = _ids_of(index, document_id)
    before = index.passage_count()

    removed = index.remove(document_id if by == "id" else str(extra))
    assert removed == [document_id]
    registry_ids, chroma = _state(index, vector_ids)
    assert not passages & registry_ids and not passages & chroma
    assert index.passage_count() == before - len(passages)
    assert not any(h.passage.document_id == document_id for h in index.retrieve("Zorbanite", "zorbanite", 10))
    index.passage_count()  # loads the current generation
    bm25_hits = index._bm25.retrieve("zorbanite")  # the BM25 side alone: no node of the removed document
    assert not any(h.node.metadata.get("document_id") == document_id for h in bm25_hits)
    assert document_id not in {d.id for d in index.documents()}


def test_bad_files_in_a_batch_are_rejected_one_by_one(tmp_path, corpus_dir, make_index, vector_ids):
    index = make_index(tmp_path / "idx")
    index.ingest([corpus_dir / "articles"])
    before = _state(index, vector_ids)

    batch = tmp_path / "batch"
    batch.mkdir()
    good = ["article_en.txt", "transactions_small.csv"]
    bad = ["empty.txt", "binary_junk.txt", "truncated.pdf", "ragged.csv"]
    for name in good + bad:
        shutil.copyfile(FIXTURES / name, batch / name)
    report = index.ingest([batch])

    assert {Path(o.path).name for o in report.outcomes if o.status == "added"} == set(good)
    rejected = [Path(o.path).name for o in report.rejected]
    assert sorted(rejected) == sorted(bad), report.to_dict()
    assert all(o.detail for o in report.rejected)
    registry_ids, chroma = _state(index, vector_ids)
    assert before[0] <= registry_ids and before[1] <= chroma  # earlier documents untouched
    assert registry_ids == chroma


def test_a_crash_before_the_registry_commit_leaves_no_trace(tmp_path, articles_dir, corpus_dir, make_index,
                                                            vector_ids, monkeypatch):
    index = make_index(tmp_path / "idx")
    first, second = sorted(articles_dir.iterdir())
    index.ingest([first])
    before = _state(index, vector_ids)
    generation = index.registry.generation()
    documents = index.documents()

    def crash(*args, **kwargs):
        raise RuntimeError("simulated crash between the Chroma write and the registry commit")

    monkeypatch.setattr(Registry, "insert_document", staticmethod(crash))
    with pytest.raises(RuntimeError, match="simulated crash"):
        index.ingest([second])
    assert _state(index, vector_ids) == before
    assert index.registry.generation() == generation
    assert index.documents() == documents
    assert index.retrieve("Clearview AI", None, 3)

    monkeypatch.undo()
    report = index.ingest([second])
    assert [o.status for o in report.outcomes] == ["added"]
    registry_ids, chroma = _state(index, vector_ids)
    assert registry_ids == chroma and before[0] < registry_ids


def test_orphan_vectors_are_swept_by_the_next_writer(tmp_path, articles_dir, make_index, vector_ids):
    index = make_index(tmp_path / "idx")
    index.ingest([sorted(articles_dir.iterdir())[0]])
    from llama_index.core.schema import TextNode

    node = TextNode(id_="orphan-0001", text="left behind", embedding=index.embedder.embedding.get_text_embedding("x"))
    index.vector_store.add([node])
    assert "orphan-0001" in vector_ids(index)
    assert all(h.passage.passage_id != "orphan-0001" for h in index.retrieve("left behind", None, 10))
    index.ingest([articles_dir])
    assert vector_ids(index) == index.embedded_passage_ids()


def test_a_held_writer_lock_refuses_a_second_writer_but_not_readers(tmp_path, articles_dir, make_index):
    index = make_index(tmp_path / "idx", lock_timeout_s=0.3)
    first, second = sorted(articles_dir.iterdir())
    index.ingest([first])
    other_writer = FileLock(str(tmp_path / "idx" / "write.lock"))
    with other_writer.acquire(timeout=1):
        with pytest.raises(IndexLocked, match="another dossier process"):
            index.ingest([second])
        with pytest.raises(IndexLocked):
            index.remove(str(first))
        assert index.retrieve("Clearview AI", None, 3)
        reader = make_index(tmp_path / "idx", lock_timeout_s=0.3)
        assert reader.retrieve("Clearview AI", None, 3)
        assert len(index.documents()) == 1
    assert [o.status for o in index.ingest([second]).outcomes] == ["added"]


def test_a_second_writer_in_the_same_process_waits_its_turn_however_long_the_first_takes(tmp_path, articles_dir,
                                                                                        make_index):
    """The server's uploads are threads of one process: a long one queues the next (which is told so), never
    fails it with "another dossier process is writing" once the writer lock's timeout has passed (#14)."""
    index = make_index(tmp_path / "idx", lock_timeout_s=0.3)
    first, second = sorted(articles_dir.iterdir())
    first_at_work, second_queued = threading.Event(), threading.Event()
    results: dict[str, object] = {}
    second_steps: list[tuple[int, int, str]] = []

    def first_progress(done: int, total: int, path: str) -> None:
        first_at_work.set()
        second_queued.wait(timeout=10)  # the first writer stays at work, far past 0.3 s, until the second waits

    def second_progress(done: int, total: int, path: str) -> None:
        second_steps.append((done, total, path))
        if path == WAITING_FOR_TURN:
            second_queued.set()

    def write(name: str, path: Path, on_progress) -> None:
        try:
            results[name] = [o.status for o in index.ingest([path], on_progress=on_progress).outcomes]
        except Exception as exc:  # noqa: BLE001 - the failure itself is what the test shows
            results[name] = exc

    writers = [threading.Thread(target=write, args=("first", first, first_progress))]
    writers[0].start()
    assert first_at_work.wait(timeout=60)
    writers.append(threading.Thread(target=write, args=("second", second, second_progress)))
    writers[1].start()
    for writer in writers:
        writer.join(timeout=60)
    assert results == {"first": ["added"], "second": ["added"]}, results
    assert second_steps[0] == (0, 1, WAITING_FOR_TURN) and second_steps[-1][:2] == (1, 1), second_steps
    assert len(index.documents()) == 2


def test_near_duplicates_within_one_batch_and_never_against_a_replaced_version(tmp_path, articles_dir, make_index):
    index = make_index(tmp_path / "idx")
    texts = [p.read_text(encoding="utf-8") for p in sorted(articles_dir.iterdir())[:2]]
    folder = tmp_path / "batch"
    folder.mkdir()

    def variant(text: str) -> str:
        words = text.split(" ")
        for i in (40, 120):
            words[i] = "modifié"
        return " ".join(words)

    (folder / "a.txt").write_text(texts[0], encoding="utf-8")
    (folder / "b.txt").write_text(variant(texts[0]), encoding="utf-8")
    report = index.ingest([folder / "a.txt", folder / "b.txt"])  # one batch: b meets a, added just before
    first_id = next(o.document_id for o in report.outcomes if o.path.endswith("a.txt"))
    assert [(p.rsplit("/", 1)[-1], other) for p, other, _ in report.near_duplicates] == [("b.txt", first_id)]

    (folder / "a.txt").write_text(texts[1], encoding="utf-8")  # a's first version leaves the index
    (folder / "c.txt").write_text(variant(variant(texts[0])), encoding="utf-8")
    report = index.ingest([folder / "a.txt", folder / "c.txt"])
    assert first_id not in {other for _, other, _ in report.near_duplicates}


def test_a_dead_writers_lock_is_reported_and_cleared_by_the_next(tmp_path, articles_dir, make_index, caplog):
    index = make_index(tmp_path / "idx")
    first, second = sorted(articles_dir.iterdir())
    index.ingest([first])
    assert not (tmp_path / "idx" / "writer.pid").exists()  # a writer that ends cleanly leaves no note
    (tmp_path / "idx" / "writer.pid").write_text("4242")  # what a writer killed mid-write leaves
    with caplog.at_level("WARNING", logger="dossier.index"):
        assert [o.status for o in index.ingest([second]).outcomes] == ["added"]
    assert "previous writer (pid 4242) died before it finished" in caplog.text
    assert not (tmp_path / "idx" / "writer.pid").exists()


def test_an_index_held_by_a_server_refuses_other_writers_at_once_saying_how(tmp_path, articles_dir, make_index):
    first, second = sorted(articles_dir.iterdir())
    server = make_index(tmp_path / "idx")
    server.hold_for_serving()
    assert [o.status for o in server.ingest([first]).outcomes] == ["added"]  # the owner itself writes
    cli = make_index(tmp_path / "idx")
    for write in (lambda: cli.ingest([second]), lambda: cli.remove(str(first))):
        with pytest.raises(IndexLocked, match=r"served by `dossier serve` \(pid \d+\).*/upload.*chroma run"):
            write()
    assert len(cli.documents()) == 1 and cli.retrieve("Clearview AI", None, 3)  # readers still read
