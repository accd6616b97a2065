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


def _tree_with_links_out(tmp_path: Path, fixtures: Path) -> Path:
    """The fixture tree with a file link and a folder link that point outside it."""
    folder = make_tree(tmp_path, fixtures)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(fixtures / "wire_copy.txt", outside / "secret.txt")
    (folder / "escape.txt").symlink_to(outside / "secret.txt")
    (folder / "escape_dir").symlink_to(outside, target_is_directory=True)
    return folder


def test_symlinks_that_leave_the_folder_are_refused(tmp_path: Path, fixtures: Path) -> None:
    folder = _tree_with_links_out(tmp_path, fixtures)
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



# --- containment: what a link or a special file may bring in ------------------------------------


def test_a_hard_link_whose_other_name_lies_outside_the_folder_is_refused(tmp_path: Path, fixtures: Path) -> None:
    folder = make_tree(tmp_path, fixtures)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(fixtures / "wire_copy.txt", outside / "secret.txt")
    os.link(outside / "secret.txt", folder / "planted.txt")
    os.link(folder / "z.txt", folder / "b" / "z-again.txt")  # both names inside: nothing escapes

    documents, rejections = load_documents([folder])
    assert "planted.txt" not in [doc.source_path for doc in documents]
    assert "b/z-again.txt" in [doc.source_path for doc in documents]
    assert [(r.path, r.reason) for r in rejections] == [
        (str(folder / "planted.txt"), f"has 2 hard links and only 1 of them is in {folder}: another name may lie"
                                      " outside it (copy the file to read it)"),
    ]


def test_a_hard_linked_file_named_alone_is_refused(tmp_path: Path, fixtures: Path) -> None:
    shutil.copy(fixtures / "wire_copy.txt", tmp_path / "secret.txt")
    os.link(tmp_path / "secret.txt", tmp_path / "planted.txt")
    files, rejections = collect_files([tmp_path / "planted.txt"])
    assert files == []
    assert rejections == [Rejection(str(tmp_path / "planted.txt"), "has 2 hard links and only 1 of them is named here:"
                                    " another name may lie elsewhere (copy the file to read it)")]
    files, rejections = collect_files([tmp_path / "planted.txt", tmp_path / "secret.txt"])  # every name given
    assert (len(files), rejections) == (2, [])


def test_a_symlink_named_on_the_command_line_may_not_leave_its_folder(tmp_path: Path, fixtures: Path) -> None:
    folder = _tree_with_links_out(tmp_path, fixtures)
    outside = tmp_path / "outside"
    (folder / "b" / "up.txt").symlink_to(folder / "z.txt")  # leaves b/ for its parent: refused as well
    (folder / "down.txt").symlink_to(folder / "b" / "a.md")  # stays inside its folder: followed

    documents, rejections = load_documents([folder / "escape.txt", folder / "escape_dir", folder / "b" / "up.txt",
                                            folder / "down.txt"])
    assert [doc.source_path for doc in documents] == ["down.txt"]
    assert [(r.path, r.reason) for r in rejections] == [
        (str(folder / "escape.txt"), f"symlink points outside its folder, to {outside / 'secret.txt'}"
                                     " (name the target itself to read it)"),
        (str(folder / "escape_dir"), f"symlink points outside its folder, to {outside}"
                                     " (name the target itself to read it)"),
        (str(folder / "b" / "up.txt"), f"symlink points outside its folder, to {folder / 'z.txt'}"
                                       " (name the target itself to read it)"),
    ]


def test_fifos_sockets_and_devices_are_refused_by_name_and_kind(tmp_path: Path, fixtures: Path) -> None:
    import socket

    folder = make_tree(tmp_path, fixtures)
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(tmp_path / "named-pipe.txt")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "sock.md"))
    try:
        # Reading a FIFO would wait for a writer forever: these must be refused before any read.
        documents, rejections = load_documents([folder, tmp_path / "named-pipe.txt", Path("/dev/null")])
    finally:
        listener.close()
    assert [doc.source_path for doc in documents] == ["a.csv", "b/a.md", "story.txt", "z.txt"]
    assert sorted((r.path, r.reason) for r in rejections) == [
        ("/dev/null", "is a character device, not a regular file"),
        (str(folder / "pipe.txt"), "is a FIFO (named pipe), not a regular file"),
        (str(folder / "sock.md"), "is a socket, not a regular file"),
        (str(tmp_path / "named-pipe.txt"), "is a FIFO (named pipe), not a regular file"),
    ]
