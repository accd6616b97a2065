"""Every bad input is one RejectedInput naming the file and saying what is wrong."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from dossier.core.errors import RejectedInput
from dossier.ingest import IngestLimits, load_document


def rejection(path: Path, limits: IngestLimits = IngestLimits()) -> RejectedInput:
    with pytest.raises(RejectedInput) as caught:
        load_document(path, limits)
    assert str(path) in str(caught.value)
    assert caught.value.path == str(path)
    assert "\n" not in caught.value.reason  # one human line
    return caught.value


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file"),
        ("whitespace_only.txt", "empty file"),
        ("binary_junk.txt", "looks like binary data, not text"),
        ("truncated.pdf", "PDF is truncated or damaged"),
        ("scanned.pdf", "no extractable text (scanned?)"),
        ("corrupt.docx", "is not a readable .docx file"),
        ("ragged.csv", "row 14 has 9 fields, header has 13"),
        ("one_column.csv", "wrong delimiter or not a CSV: only one column found"),
        ("no_amount_no_recipient.csv", "no recognisable amount column (looked for federal_action_obligation"),
        ("bad_amount.csv", "row 3, column federal_action_obligation: cannot read amount 'about 2k'"),
    ],
)
def test_bad_fixture_is_rejected(fixtures: Path, name: str, reason: str) -> None:
    assert reason in rejection(fixtures / name).reason


def test_missing_columns_are_all_named(fixtures: Path) -> None:
    reason = rejection(fixtures / "no_amount_no_recipient.csv").reason
    assert "no recognisable recipient column (looked for recipient_name" in reason


def test_file_over_the_size_cap_is_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:  # sparse: 30.1 MB on paper, nothing to read
        handle.truncate(30_100_000)
    assert rejection(path).reason == "is 30.1 MB, over the 25 MB cap"


def test_pdf_page_cap(fixtures: Path) -> None:
    assert rejection(fixtures / "report.pdf", IngestLimits(max_pdf_pages=1)).reason == "has 2 pages, over the cap of 1"


def test_document_character_cap(fixtures: Path) -> None:
    reason = rejection(fixtures / "article_en.txt", IngestLimits(max_document_chars=100)).reason
    assert reason.startswith("has ") and reason.endswith("characters of text, over the cap of 100")


def test_a_pdf_over_the_character_cap_is_refused_at_the_page_that_passes_it(fixtures: Path) -> None:
    reason = rejection(fixtures / "report.pdf", IngestLimits(max_document_chars=20)).reason
    assert reason == "has over 20 characters of text by page 1, over the cap of 20; stopped reading there"


def test_a_docx_over_the_character_cap_is_refused_as_its_paragraphs_are_read(tmp_path: Path) -> None:
    import docx

    made = docx.Document()
    for n in range(2_000):
        made.add_paragraph(f"Paragraph {n} of a report that goes on and on.")
    made.save(tmp_path / "long.docx")
    reason = rejection(tmp_path / "long.docx", IngestLimits(max_document_chars=1_000)).reason
    assert reason.startswith("has over 1,000 characters of text by paragraph ") and reason.endswith("stopped reading there")
    assert int(reason.split("by paragraph ")[1].split(",")[0]) < 100  # far from the 2,000 it holds


def test_csv_row_cap(fixtures: Path) -> None:
    reason = rejection(fixtures / "transactions_small.csv", IngestLimits(max_csv_rows=5)).reason
    assert reason == "has more than 5 rows, over the cap of 5"


def test_pdf_that_pypdf_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not a PDF body at all\n%%EOF\n")
    assert rejection(path).reason.startswith(("is not a readable PDF", "no extractable text"))


def test_file_that_is_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("plain words")
    assert rejection(path).reason == "is not a PDF file (no %PDF header)"


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "bad-bom.txt"
    path.write_bytes(b"\xef\xbb\xbfvalid start \xff\xfe\xfa invalid after a UTF-8 BOM")
    assert rejection(path).reason.startswith("cannot be decoded as text")


def test_html_without_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><body><script>x = 1</script><nav>Menu</nav></body></html>")
    assert rejection(path).reason == "no text found"


def test_invalid_sidecar_json(fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes((fixtures / "article_en.txt").read_bytes())
    (tmp_path / "story.txt.meta.json").write_text("{title: no quotes}")
    assert rejection(path).reason == "sidecar story.txt.meta.json is not valid JSON (line 1)"


def test_invalid_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text("---\ntitle: [unclosed\n---\nBody.\n")
    assert rejection(path).reason.startswith("front matter is not valid YAML")


def test_unsupported_missing_and_folder(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG")
    assert rejection(image).reason == "unsupported file type '.png'"
    assert rejection(tmp_path / "absent.txt").reason == "no such file"
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert rejection(folder).reason == "is a folder, not a file"


def test_csv_header_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "header_only.csv"
    path.write_text("recipient_name,federal_action_obligation\n")
    assert rejection(path).reason == "has a header but no data rows"


def test_the_cli_prints_control_characters_of_a_file_name_escaped(tmp_path: Path) -> None:
    import subprocess
    import sys

    hostile = tmp_path / "notes\x1b]0;owned\x07\x1b[2J.txt"
    hostile.write_text("", encoding="utf-8")  # empty: rejected, and the rejection names the file
    run = subprocess.run([sys.executable, "-m", "dossier.cli", "ingest", str(hostile), "--index",
                          str(tmp_path / "index"), "--profile", "test"], capture_output=True, text=True, timeout=300)
    shown = run.stdout + run.stderr
    assert "notes" in shown and "\\x1b]0;owned\\x07\\x1b[2J.txt" in shown, shown
    assert "\x1b" not in shown and "\x07" not in shown


def test_a_fifo_given_to_the_loader_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # the file finder refuses it; the reader must not trust that it was asked
    assert rejection(tmp_path / "pipe.txt").reason == "is a FIFO (named pipe), not a regular file"
