"""Article readers: text, markdown, HTML, PDF, DOCX; metadata sources; decoding; the real corpus."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dossier.ingest import load_document


def test_plain_text_article(fixtures: Path) -> None:
    doc = load_document(fixtures / "article_en.txt")
    assert doc.kind == "article"
    assert doc.title == "Harbor County signs drone contract"  # short first line reads as a headline
    assert doc.language == "en"
    assert doc.source_path == "article_en.txt"
    assert doc.text.startswith("Harbor County signs drone contract\n\nHarbor County signed")
    assert doc.records == ()
    assert doc.metadata["format"] == "text"


def test_markdown_front_matter_is_metadata_not_text(fixtures: Path) -> None:
    doc = load_document(fixtures / "frontmatter.md")
    assert doc.title == "The Quiet Expansion of License Plate Readers"
    assert doc.outlet == "Riverside Ledger"
    assert doc.author == "Jonah Pike, Mei Tanaka"
    assert doc.published == "2025-10-02"
    assert doc.url == "https://ledger.example/plate-readers"
    assert doc.metadata["tags"] == "surveillance, policing"  # unknown keys kept, as scalars
    assert "---" not in doc.text and "title:" not in doc.text
    # Light markdown: markup dropped, words kept.
    assert "Three towns along the Carver River approved" in doc.text
    assert "according to meeting minutes." in doc.text
    assert "#" not in doc.text and "**" not in doc.text and "](" not in doc.text
    assert doc.text.endswith("Residents were not consulted before the purchase, one council member said.")


def test_front_matter_in_a_txt_file(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("---\ntitle: Council notes\npublished: 2024-05-06T10:00:00Z\nlang: EN\n---\nThe council met on Monday.\n")
    doc = load_document(path)
    assert (doc.title, doc.published, doc.language) == ("Council notes", "2024-05-06", "en")
    assert doc.text == "The council met on Monday."


def test_dashes_around_prose_are_not_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "rule.txt"
    path.write_text("---\nA line of prose between rules\n---\nMore prose.\n")
    assert load_document(path).text.startswith("---\nA line of prose")


def test_html_reader_uses_open_graph_and_drops_page_furniture(fixtures: Path) -> None:
    doc = load_document(fixtures / "og_article.html")
    assert doc.title == "New sensor towers rise along the northern border"  # og:title beats <title>
    assert doc.outlet == "The Plains Courier"
    assert doc.url == "https://courier.example/2025/sensor-towers"  # og:url beats canonical
    assert doc.published == "2025-08-14"
    assert doc.author == "Ruth Okafor"
    assert doc.language == "en"
    assert doc.text.splitlines() == [
        "New sensor towers rise along the northern border",
        "Federal contractors installed four camera towers near Pembina this summer, according to permit records.",
        "Each tower carries radar and a thermal camera.",
        "The towers can see about seven miles.",
    ]
    for furniture in ("tracking", "color: red", "Subscribe", "Politics", "groceries", "Copyright", "editor's comment"):
        assert furniture not in doc.text


def test_html_falls_back_to_title_tag_and_canonical(tmp_path: Path) -> None:
    path = tmp_path / "plain.htm"
    path.write_text(
        '<html><head><title>Plain page</title><link rel="canonical" href="https://x.example/a"></head>'
        "<body><p>One paragraph of body text.</p></body></html>"
    )
    doc = load_document(path)
    assert (doc.title, doc.url, doc.text) == ("Plain page", "https://x.example/a", "One paragraph of body text.")


def test_pdf_reader(fixtures: Path) -> None:
    doc = load_document(fixtures / "report.pdf")
    assert doc.title == "State Audit of Surveillance Purchases"  # from the PDF info dictionary
    assert doc.author == "Office of the Auditor"
    assert doc.published == "2025-03-04"
    assert doc.metadata["pages"] == 2
    assert "Nine purchases lacked a privacy impact assessment." in doc.text
    assert "The largest purchase was a $2.1 million contract for mobile forensic tools." in doc.text


def test_docx_reader_reads_paragraphs_and_tables(fixtures: Path) -> None:
    doc = load_document(fixtures / "report.docx")
    assert doc.title == "Eastfield data broker agreement"
    assert doc.author == "Priya Natarajan"
    assert doc.published == "2025-06-03"
    lines = doc.text.splitlines()
    assert lines[0] == "Eastfield police gain access to utility records"
    assert "The agreement gives police access to utility records for three years." in lines
    assert lines[-2:] == ["Vendor | Amount", "Keystone Data Partners | $310,000"]


def test_sidecar_named_after_the_full_file_name_overrides(fixtures: Path) -> None:
    doc = load_document(fixtures / "sidecar_story.txt")
    assert doc.title == "Transit agency buys fare cameras"  # not the first line of the text
    assert (doc.outlet, doc.author, doc.published) == ("Metro Watch", "Sam Idowu", "2025-07-21")
    assert doc.url == "https://metrowatch.example/fare-cameras"
    assert doc.metadata["section"] == "Transport"
    assert doc.metadata["sidecar"] == "sidecar_story.txt.meta.json"


def test_sidecar_named_after_the_stem(fixtures: Path) -> None:
    doc = load_document(fixtures / "wire_copy.txt")
    assert (doc.outlet, doc.language, doc.title) == ("Example Wire", "en", "Wire copy")


def test_sidecar_beats_front_matter(tmp_path: Path) -> None:
    (tmp_path / "story.md").write_text("---\ntitle: From front matter\noutlet: Front\n---\nBody text here.\n")
    (tmp_path / "story.meta.json").write_text('{"title": "From sidecar"}')
    doc = load_document(tmp_path / "story.md")
    assert (doc.title, doc.outlet) == ("From sidecar", "Front")


@pytest.mark.parametrize(
    ("name", "encoding", "expected"),
    [
        ("latin1_fr.txt", "cp1252", "Le maire a déclaré que le système serait testé pendant six mois."),
        ("bom_utf8.txt", "utf-8-sig", "L’agence a publié jeudi un appel d’offres"),
        ("utf16.txt", "utf-16", "The port authority approved a contract"),
    ],
)
def test_decoding(fixtures: Path, name: str, encoding: str, expected: str) -> None:
    doc = load_document(fixtures / name)
    assert expected in doc.text
    assert doc.metadata["encoding"] == encoding
    assert "\ufeff" not in doc.text and "\r" not in doc.text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_bom_is_text_not_binary(tmp_path: Path, encoding: str) -> None:
    text = "Le conseil portuaire a voté jeudi un budget de 2,4 millions d’euros.\nÉté 2024 : travaux."
    path = tmp_path / "export.txt"
    path.write_bytes(text.encode(encoding))  # a Windows export that lost its BOM
    doc = load_document(path)
    assert doc.text.startswith("Le conseil portuaire") and doc.metadata["encoding"] == encoding


def test_language_detection(fixtures: Path, tmp_path: Path) -> None:
    assert load_document(fixtures / "latin1_fr.txt").language == "fr"
    short = tmp_path / "short.txt"
    short.write_text("Oui.")
    assert load_document(short).language is None  # too little text to guess


def test_title_falls_back_to_file_name(fixtures: Path) -> None:
    assert load_document(fixtures / "utf16.txt").title == "Utf16"


def test_root_names_the_document_relative_to_it(fixtures: Path, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(fixtures / "article_en.txt", tmp_path / "sub" / "a.txt")
    assert load_document(tmp_path / "sub" / "a.txt", root=tmp_path).source_path == "sub/a.txt"
    assert load_document(tmp_path / "sub" / "a.txt").source_path == "a.txt"


def test_real_corpus_articles(corpus: Path) -> None:
    for path in sorted((corpus / "articles").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        doc = load_document(path, root=corpus)
        assert doc.language == "fr"
        assert doc.source_path == f"articles/{path.name}"
        assert doc.source_name == path.name
        assert "’" in doc.text  # curly apostrophes kept as published
        assert all(line == line.rstrip() for line in doc.text.split("\n"))
        assert "\n\n\n" not in doc.text
        assert doc.text == doc.text.strip()
        # Stored text differs from the file only in whitespace.
        assert doc.text.split() == raw.split()
