"""collect_files and load_documents: what gets read, what gets refused and why."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dossier.ingest import Rejection, collect_files, load_documents


def make_tree(root: Path, fixtures: Path) -> Path:
    folder = root / "corpus"
    (folder / "b").mkdir(parents=True)
    shutil.copy(fixtures / "article_en.txt", folder / "z.txt")
    shutil.copy(fixtures / "frontmatter.md", folder / "b" / "a.md")
    shutil.copy(fixtures / "semicolon.csv", folder / "a.csv")
    shutil.copy(fixtures / "sidecar_story.txt", folder / "story.txt")
    shutil.copy(fixtures / "sidecar_story.txt.meta.json", folder / "story.txt.meta.json")
    (folder / ".hidden.txt").write_text("hidden")
    (folder / ".git").mkdir()
    (folder / ".git" / "notes.txt").write_text("inside a hidden folder")
    (folder / "image.png").write_bytes(b"\x89PNG")
    return folder


def test_folder_expansion_is_recursive_sorted_and_filtered(tmp_path: Path, fixtures: Path) -> None:
    folder = make_tree(tmp_path, fixtures)
    files, rejections = collect_files([folder])
    assert [path.relative_to(folder).as_posix() for path in files] == ["a.csv", "b/a.md", "story.txt", "z.txt"]
    assert rejections == []


def test_explicit_files_missing_paths_and_unsupported_types(tmp_path: Path, fixtures: Path) -> None:
    folder = make_tree(tmp_path, fixtures)
    files, rejections = collect_files([folder / "z.txt", tmp_path / "nope", folder / "image.png", folder / "z.txt"])
    assert files == [folder / "z.txt"]  # named twice, read once
    assert rejections[0] == Rejection(str(tmp_path / "nope"), "no such file or folder")
    assert rejections[1].path == str(folder / "image.png")
    assert rejections[1].reason.startswith("unsupported file type '.png'")


def test_symlinks_that_leave_the_folder_are_refused(tmp_path: Path, fixtures: Path) -> None:
    folder = make_tree(tmp_path, fixtures)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(fixtures / "wire_copy.txt", outside / "secret.txt")
    (folder / "escape.txt").symlink_to(outside / "secret.txt")
    (folder / "escape_dir").symlink_to(outside, target_is_directory=True)
    (folder / "inside.txt").symlink_to(folder / "z.txt")  # stays inside: fine, but z.txt is read once
    (folder / "loop").symlink_to(folder, target_is_directory=True)

    files, rejections = collect_files([folder])
    names = [path.relative_to(folder).as_posix() for path in files]
    assert "escape.txt" not in names and not any(name.startswith("escape_dir") for name in names)
    assert sorted(names) == ["a.csv", "b/a.md", "inside.txt", "story.txt"]
    assert sorted(rejections, key=lambda r: r.path) == [
        Rejection(str(folder / "escape.txt"), f"symlink points outside {folder}"),
        Rejection(str(folder / "escape_dir"), f"symlink points outside {folder}"),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path: Path, fixtures: Path) -> None:
    folder = make_tree(tmp_path, fixtures)
    (folder / "z.txt").chmod(0)
    _, rejections = collect_files([folder])
    assert rejections == [Rejection(str(folder / "z.txt"), "cannot be read (permission denied)")]


def test_load_documents_reports_bad_files_and_keeps_going(tmp_path: Path, fixtures: Path) -> None:
    folder = make_tree(tmp_path, fixtures)
    shutil.copy(fixtures / "ragged.csv", folder / "b" / "ragged.csv")
    documents, rejections = load_documents([folder, tmp_path / "missing.txt"])
    assert [doc.source_path for doc in documents] == ["a.csv", "b/a.md", "story.txt", "z.txt"]
    assert documents[2].title == "Transit agency buys fare cameras"  # its sidecar came along
    assert [(Path(r.path).name, r.reason) for r in rejections] == [
        ("missing.txt", "no such file or folder"),
        ("ragged.csv", "row 14 has 9 fields, header has 13"),
    ]

