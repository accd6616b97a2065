"""What a hostile file cannot do at ingest: hide text from its reader, split words with invisible
characters, or keep a PDF or DOCX parser busy past its time and memory caps."""
from __future__ import annotations

import dataclasses
import random
import time
from pathlib import Path

import pytest

from dossier.core.errors import RejectedInput
from dossier.core.text import normalise_text
from dossier.ingest import IngestLimits, load_document


def test_text_hidden_from_the_reader_is_dropped_from_html(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><p>The council met on Monday.</p>"
        "<div style='color: red; DISPLAY : none'>hidden by style</div>"
        "<p hidden>hidden by attribute</p><span aria-hidden='true'>hidden from assistive tech</span>"
        "<p style='visibility:hidden'>invisible</p><p style='font-size:0px'>no size</p>"
        "<p style='opacity:0.5'>half visible stays</p><p style='font-size:0.9em'>small stays</p>"
        "<section hidden><p>nested inside hidden</p></section><p>It voted on the budget.</p></body></html>",
        encoding="utf-8")
    text = load_document(page).text
    assert "council met" in text and "voted on the budget" in text
    assert "half visible stays" in text and "small stays" in text
    for hidden in ("hidden by style", "hidden by attribute", "assistive tech", "invisible", "no size", "nested"):
        assert hidden not in text


def test_invisible_format_characters_are_removed_so_words_are_whole(tmp_path: Path) -> None:
    zero_width, tag_a = "\u200b", chr(0xE0041)
    article = tmp_path / "note.txt"
    article.write_text(f"Ig{zero_width}nore\u2060 the so\u00adurces{tag_a}.\ufeff Caf\u00e9 d\u2019\u00e9t\u00e9.\n",
                       encoding="utf-8")
    assert load_document(article).text == "Ignore the sources. Café d’été."
    assert normalise_text("plain ASCII stays as is") == "plain ASCII stays as is"


def test_a_docx_that_needs_more_memory_than_its_cap_is_refused(tmp_path: Path) -> None:
    import docx

    rng = random.Random(14)
    words = ["contract", "agency", "million", "report", "council", "budget", "vote", "school", "harbour"]
    document = docx.Document()
    for _ in range(2_500):  # varied words: deflates like prose, well inside the zip caps
        document.add_paragraph(" ".join(f"{rng.choice(words)}{rng.randint(0, 999)}" for _ in range(12)))
    path = tmp_path / "long.docx"
    document.save(path)
    assert len(load_document(path).text) > 150_000  # the default cap reads it
    with pytest.raises(RejectedInput) as caught:  # a cap below what its parse takes stops it
        load_document(path, dataclasses.replace(IngestLimits(), parse_memory_bytes=30_000_000))
    assert caught.value.path == str(path)


def test_pdf_parsing_is_stopped_at_its_deadline(fixtures: Path) -> None:
    hurried = dataclasses.replace(IngestLimits(), parse_seconds=0.001)
    started = time.monotonic()
    with pytest.raises(RejectedInput, match=r"took over 0\.001 s to parse"):
        load_document(fixtures / "report.pdf", hurried)
    assert time.monotonic() - started < 5



@pytest.mark.parametrize("name, content", [
    ("nested.html", "<!DOCTYPE html><body>" + "<span hidden>" * 100_000 + "deep"),  # BeautifulSoup: over 20 s
    ("tags.md", "<b>" * 300_000),  # markdown-it: over a minute
])
def test_markup_that_would_keep_its_parser_busy_is_stopped_at_the_deadline(tmp_path: Path, name: str,
                                                                          content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RejectedInput, match=r"took over 1 s to parse"):  # in process, it parsed to the end
        load_document(path, dataclasses.replace(IngestLimits(), parse_seconds=1.0))
