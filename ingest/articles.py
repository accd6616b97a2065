"""Article readers (.txt .md .html .pdf .docx) and the Document they become.

Each reader turns a file's bytes into raw text plus what the format says about itself; the shared
tail (sidecar, normalisation, caps, title, language, id) lives in ``load_article``. Parsing libraries
are imported inside the readers so importing ``ingest`` stays cheap.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier.core.errors import RejectedInput
from dossier.core.types import Document

from dossier.core.dates import normalise_published
from dossier.ingest.contained import parse_contained
from dossier.ingest.decode import decode_bytes
from dossier.ingest.identity import content_hash, document_id
from dossier.ingest.limits import IngestLimits
from dossier.ingest.zip_caps import check_zip_caps
from dossier.core.language import detect_language
from dossier.ingest.metadata import (
    ArticleMeta,
    heading_title,
    meta_from_mapping,
    read_sidecar,
    split_front_matter,
    title_from_filename,
)
from dossier.core.text import normalise_text


@dataclass(frozen=True)
class ParsedArticle:
    text: str  # as extracted; normalised by load_article
    meta: ArticleMeta = ArticleMeta()
    details: dict[str, Any] = field(default_factory=dict)  # format facts kept as Document.metadata


Reader = Callable[[bytes, Path, IngestLimits], ParsedArticle]


def load_article(path: Path, data: bytes, limits: IngestLimits, source_path: str) -> Document:
    reader = _READERS[path.suffix.lower()]
    parsed = parse_contained(reader, data, path, limits) if reader in _CONTAINED else reader(data, path, limits)
    sidecar_meta, sidecar_name = read_sidecar(path)
    meta = parsed.meta.overridden_by(sidecar_meta)

    text = normalise_text(parsed.text)
    if not text:
        raise RejectedInput(path, "empty file" if reader in (_read_plain, _read_markdown) else "no text found")
    if len(text) > limits.max_document_chars:
        raise RejectedInput(
            path, f"has {len(text):,} characters of text, over the cap of {limits.max_document_chars:,}"
        )

    metadata = {**meta.extra, **parsed.details, "bytes": len(data)}
    if sidecar_name:
        metadata["sidecar"] = sidecar_name
    return Document(
        id=document_id(text),
        content_hash=content_hash(text),
        kind="article",
        title=meta.title or heading_title(text) or title_from_filename(path),
        source_path=source_path,
        text=text,
        language=meta.language or detect_language(text),
        published=meta.published,
        outlet=meta.outlet,
        author=meta.author,
        url=meta.url,
        metadata=metadata,
    )


def _one_line(exc: BaseException) -> str:
    """An exception as one short line for a rejection reason."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {message[:160]}" if message else exc.__class__.__name__


def _within_cap(pieces: Iterable[str], path: Path, limits: IngestLimits, unit: str) -> list[str]:
    """The ``pieces`` of a document's text (paragraphs, pages) as they are extracted, refused at the first
    that takes it past ``limits.max_document_chars``: a crafted file stops there, not once all its text is
    built. Each piece counts with its line break, so a flood of empty paragraphs is counted too."""
    kept: list[str] = []
    total = 0
    for number, piece in enumerate(pieces, start=1):
        total += len(piece) + 1
        if total > limits.max_document_chars:
            raise RejectedInput(path, f"has over {limits.max_document_chars:,} characters of text by {unit} {number:,},"
                                      f" over the cap of {limits.max_document_chars:,}; stopped reading there")
        kept.append(piece)
    return kept


# --- plain text and markdown -----------------------------------------------------------------


def _read_plain(data: bytes, path: Path, limits: IngestLimits) -> ParsedArticle:
    text, encoding = decode_bytes(data, path)
    front_matter, body = split_front_matter(text, path)
    is_markdown = path.suffix.lower() in (".md", ".markdown")
    return ParsedArticle(
        text=markdown_to_text(body) if is_markdown else body,
        meta=meta_from_mapping(front_matter),
        details={"format": "markdown" if is_markdown else "text", "encoding": encoding},
    )


def _read_markdown(data: bytes, path: Path, limits: IngestLimits) -> ParsedArticle:
    """A .md file is plain text to decode, then Markdown to parse: parsed under limits, as 1 MB of
    ``<b>`` kept markdown-it busy for over a minute."""
    return _read_plain(data, path, limits)


def markdown_to_text(markdown: str) -> str:
    """The words a reader sees, parsed by markdown-it-py: markup, link targets and image addresses are
    dropped, headings, list items and paragraphs each stay on lines of their own."""
    from markdown_it import MarkdownIt

    blocks: list[str] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type == "inline":
            blocks.append("".join(_inline_text(child) for child in token.children or ()))
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block for block in blocks if block.strip())


def _inline_text(token: Any) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type == "softbreak":  # a paragraph wrapped in the source is one paragraph to read
        return " "
    if token.type == "hardbreak":
        return "\n"
    if token.type == "image":
        return "".join(_inline_text(child) for child in token.children or ())
    return ""


# --- HTML ------------------------------------------------------------------------------------

_DROPPED_TAGS = ("script", "style", "nav", "footer", "header", "aside", "noscript", "template", "svg")
_BLOCK_TAGS = frozenset(
    """
    address article blockquote body dd details dialog div dl dt fieldset figcaption figure form
    h1 h2 h3 h4 h5 h6 hr li main ol p pre section summary table tbody thead tfoot tr td th ul
    """.split()
)
_INLINE_WHITESPACE = re.compile(r"\s+")
# Styles that keep an element's text off the page: a reader never sees it, so no answer may rest on it.
_HIDING_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)"
                           r"|font-size\s*:\s*0(?![.\d]*[1-9])[a-z%]*|opacity\s*:\s*0(?![.\d]*[1-9]))",
                           re.IGNORECASE)


def _read_html(data: bytes, path: Path, limits: IngestLimits) -> ParsedArticle:
    from bs4 import BeautifulSoup

    markup, encoding = decode_bytes(data, path)
    soup = BeautifulSoup(markup, "lxml")
    meta = _html_meta(soup)
    for tag in soup(_DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_hidden):
        if not tag.decomposed:  # already gone with a hidden ancestor
            tag.decompose()
    root = soup.body or soup
    parts: list[str] = []
    try:
        _html_text(root, parts, preformatted=False)
    except RecursionError:
        raise RejectedInput(path, "HTML is nested too deeply to read") from None
    lines = (line.strip() for line in "".join(parts).split("\n"))
    return ParsedArticle(
        text="\n".join(line for line in lines if line),
        meta=meta,
        details={"format": "html", "encoding": encoding},
    )


def _is_hidden(tag: Any) -> bool:
    """Text a browser does not show: the ``hidden`` attribute, ``aria-hidden="true"``, or a hiding style."""
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).strip().lower() == "true":
        return True
    style = tag.get("style")
    return isinstance(style, str) and _HIDING_STYLE.search(style) is not None


def _html_text(node: Any, parts: list[str], preformatted: bool) -> None:
    """Text of ``node`` with block elements on their own lines and source whitespace collapsed."""
    from bs4.element import NavigableString, PreformattedString, Tag

    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, CDATA, doctypes
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child) if preformatted else _INLINE_WHITESPACE.sub(" ", str(child)))
        elif isinstance(child, Tag):
            if child.name == "br":
                parts.append("\n")
                continue
            is_block = child.name in _BLOCK_TAGS
            if is_block:
                parts.append("\n")
            _html_text(child, parts, preformatted or child.name == "pre")
            if is_block:
                parts.append("\n")


def _html_meta(soup: Any) -> ArticleMeta:
    def meta_content(*keys: str) -> str | None:
        for key in keys:
            pattern = re.compile(rf"^{re.escape(key)}$", re.IGNORECASE)
            for attribute in ("property", "name", "itemprop"):
                tag = soup.find("meta", attrs={attribute: pattern})
                if tag and str(tag.get("content", "")).strip():
                    return str(tag["content"]).strip()
        return None

    title_tag = soup.find("title")
    page_title = title_tag.get_text(" ", strip=True) if title_tag else None
    canonical = soup.find("link", rel="canonical")
    html_tag = soup.find("html")
    extra = {"html_lang": html_tag["lang"]} if html_tag and html_tag.get("lang") else {}
    return ArticleMeta(
        title=meta_content("og:title", "twitter:title") or page_title or None,
        outlet=meta_content("og:site_name", "application-name"),
        author=meta_content("author", "article:author", "dc.creator", "byl"),
        published=normalise_published(
            meta_content("article:published_time", "datePublished", "date", "pubdate", "dc.date", "publish-date")
        ),
        url=meta_content("og:url") or (canonical.get("href") if canonical else None),
        extra=extra,
    )


# --- PDF -------------------------------------------------------------------------------------


def _read_pdf(data: bytes, path: Path, limits: IngestLimits) -> ParsedArticle:
    if b"%PDF-" not in data[:1024]:
        raise RejectedInput(path, "is not a PDF file (no %PDF header)")
    # pypdf in lenient mode "repairs" a cut-off file into whatever pages it can find; a missing
    # end-of-file marker is the reliable sign that the download or copy was truncated.
    if b"%%EOF" not in data[-2048:]:
        raise RejectedInput(path, "PDF is truncated or damaged (no end-of-file marker)")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedInput(path, "PDF is encrypted")
        page_count = len(reader.pages)
    except RejectedInput:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise RejectedInput(path, f"is not a readable PDF ({_one_line(exc)})") from None
    if page_count > limits.max_pdf_pages:
        raise RejectedInput(path, f"has {page_count} pages, over the cap of {limits.max_pdf_pages}")
    try:
        pages = _within_cap(((page.extract_text() or "").strip() for page in reader.pages), path, limits, "page")
    except RejectedInput:
        raise
    except Exception as exc:
        raise RejectedInput(path, f"text cannot be extracted from the PDF ({_one_line(exc)})") from None
    text = "\n\n".join(page for page in pages if page)
    if not text.strip():
        raise RejectedInput(path, "no extractable text (scanned?)")
    return ParsedArticle(text=text, meta=_pdf_meta(reader), details={"format": "pdf", "pages": page_count})


def _pdf_meta(reader: Any) -> ArticleMeta:
    info = reader.metadata
    if info is None:
        return ArticleMeta()
    try:
        created = info.creation_date
    except Exception:  # a malformed date string in the info dictionary is not worth rejecting for
        created = None
    return ArticleMeta(
        title=(info.title or "").strip() or None,
        author=(info.author or "").strip() or None,
        published=normalise_published(created),
    )


# --- DOCX ------------------------------------------------------------------------------------


def _read_docx(data: bytes, path: Path, limits: IngestLimits) -> ParsedArticle:
    import docx
    from docx.table import Table

    check_zip_caps(data, path, limits, ".docx")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = ([block.text] if not isinstance(block, Table) else _docx_table_rows(block)
                  for block in document.iter_inner_content())
        lines = _within_cap((line for block in blocks for line in block), path, limits, "paragraph")
        core = document.core_properties
    except RejectedInput:
        raise
    except Exception as exc:  # python-docx surfaces zip, XML and package errors alike
        raise RejectedInput(path, f"is not a readable .docx file ({_one_line(exc)})") from None
    meta = ArticleMeta(
        title=(core.title or "").strip() or None,
        author=(core.author or "").strip() or None,
        published=normalise_published(core.created),
    )
    return ParsedArticle(text="\n".join(lines), meta=meta, details={"format": "docx"})


def _docx_table_rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:  # a merged cell is repeated once per grid column it spans
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell.text.strip())
        rows.append(" | ".join(cells))
    return rows


_READERS: dict[str, Reader] = {
    ".txt": _read_plain,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}
ARTICLE_EXTENSIONS = frozenset(_READERS)
# Formats whose parsers a small crafted file can keep busy for minutes or gigabytes: parsed under limits.
# (HTML and Markdown too: 1.3 MB of nested <span> kept BeautifulSoup busy for over 20 s, 1 MB of <b>
# kept markdown-it busy for over a minute.)
_CONTAINED = (_read_markdown, _read_html, _read_pdf, _read_docx)
