"""Where an upload is kept (``web/uploads.py``): never over another file of its name, even when many
uploads of one name arrive at once; over it only when replacing is asked for."""
from __future__ import annotations

import threading
from pathlib import Path

from dossier.web.uploads import keep_beside, replace_upload


def test_uploads_of_one_name_at_once_each_keep_their_own_bytes(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    sources = []
    for n in range(16):
        (tmp_path / f"user{n}").mkdir()
        source = tmp_path / f"user{n}" / "report.txt"
        source.write_text(f"report of user {n}\n" * 2000, encoding="utf-8")  # large enough for copies to overlap
        sources.append(source)
    kept: dict[int, Path] = {}
    start = threading.Barrier(len(sources))

    def upload(n: int) -> None:
        start.wait()
        kept[n] = keep_beside(uploads, "report.txt", sources[n])

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(len(sources))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(kept.values())) == len(sources), kept
    for n, target in kept.items():
        assert target.read_bytes() == sources[n].read_bytes(), target.name
    assert keep_beside(uploads, "report.txt", sources[3]) == kept[3]  # the same bytes again: the same file


def test_replacing_takes_the_name_only_from_a_different_file(tmp_path: Path) -> None:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("first version", encoding="utf-8")
    new.write_text("second version", encoding="utf-8")
    target = tmp_path / "uploads" / "notes.txt"
    target.parent.mkdir()
    assert replace_upload(target, old) is False  # nothing was there
    assert replace_upload(target, old) is False  # the same bytes
    assert replace_upload(target, new) is True and target.read_text(encoding="utf-8") == "second version"
    assert sorted(p.name for p in target.parent.iterdir()) == ["notes.txt"]  # no scratch file left
