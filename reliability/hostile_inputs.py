"""Hypothesis strategies for hostile files, one per loader: what leaked PDFs, scraped HTML and half-broken
CSV exports look like at their worst (random bytes, wrong encodings and BOMs, NUL bytes, gigantic lines,
deep nesting, zip bombs, malformed PDF objects, quoting chaos, amounts and dates in every form)."""
from __future__ import annotations

import codecs
import io
import zipfile

from hypothesis import strategies as st

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "shift_jis", "koi8-r", "mac-roman")
BOMS = (b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
AMOUNTS = ("1e309", "-1e309", "-0", "+0", "(1,000)", "(-1,000)", "1,0000", "1.000,50", "$-5", "- $ 5", "NaN", "inf",
           "−12", "١٢٣", "1_000", "0x10", "", " ", "()", "$", "1e-400", "9" * 400, "3,75", "1 000", "12%", "€5")
READABLE_AMOUNTS = ("-0", "+0", "(1,000)", "−12", "3,75", "1e-400", "", "$1,234.56", "١٢٣", "-12500.50")
DATES = ("2025-09-30", "2025-02-30", "2025-13", "0000-00-00", "9999-12-31", "2025", "25", "5/31/21 0:00",
         "31/05/2021", "13/13/2013", "2025-09-30T25:61:00Z", "30 septembre 2025", "Sept. 30, 2025", "yesterday",
         "2025-9-3", "-2025-01-01", "20250930", "2025/09/30", "１９９９-０１-０１", "")
_PIECES = ("<", ">", "&", "&#0;", "&#x110000;", "&amp", "\x00", "\ufeff", "\u200b", "\u202e", "\r", "\r\n", "\n",
           "\t", '"', "'", "---\n", "```", "> ", "* ", "#", "[1]", "](", "<!--", "-->", "%PDF-1.7", "%%EOF")


def _text() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=300), st.lists(st.sampled_from(_PIECES) | st.text(max_size=20), max_size=40)
                     .map("".join))


@st.composite
def encoded_text(draw: st.DrawFn) -> bytes:
    """Text in some encoding, behind some BOM, often the wrong one, sometimes with NUL bytes inside."""
    data = draw(_text()).encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    data = draw(st.sampled_from(BOMS)) + data
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" * draw(st.integers(1, 8)) + data[at:]
    return data


GIANT_SIZES = (10_000, 100_000, 1_000_000, 3_000_000)  # the last over the 2 M character cap


@st.composite
def gigantic_line(draw: st.DrawFn, largest: int = GIANT_SIZES[-1]) -> bytes:
    size = draw(st.sampled_from([s for s in GIANT_SIZES if s <= largest]))
    unit = draw(st.sampled_from(("a", "é", "word ", "<b>", "|", ",", "\ufeff", "1e309,")))
    return (unit * (size // len(unit))).encode("utf-8")


def article_bytes(kind: str, largest: int = GIANT_SIZES[-1]) -> st.SearchStrategy[bytes]:
    """Bytes for a .txt, .md or .html file; gigantic lines up to ``largest`` characters."""
    common = [st.binary(max_size=2048), encoded_text(), gigantic_line(largest)]
    if kind == "markdown":
        common.append(st.builds(lambda n, t: ("---\n" + t + "\n---\n" + "> " * n + "- " * n + t).encode(),
                                st.integers(0, 5000), _text()))
    if kind == "html":
        common.append(nested_html(largest // 10))
    return st.one_of(common)


@st.composite
def nested_html(draw: st.DrawFn, deepest: int = 100_000) -> bytes:
    depth = draw(st.sampled_from([d for d in (10, 300, 1_000, 20_000, 100_000) if d <= deepest]))
    tag = draw(st.sampled_from(("div", "p", "b", "table", "span hidden", "div style='display:none'", "li", "x")))
    name = tag.split()[0]
    inner = draw(_text())
    closing = f"</{name}>" * depth if draw(st.booleans()) else ""
    head = draw(st.sampled_from(("", "<html><head><meta charset='utf-16'></head><body>", "<!DOCTYPE html><body>")))
    return (head + f"<{tag}>" * depth + inner + closing).encode("utf-8", errors="replace")


# --- PDF ---------------------------------------------------------------------------------------

def minimal_pdf(text: str = "Hostile input", extra_objects: str = "", kids: str = "[3 0 R]",
                length: int | None = None) -> bytes:
    """A small well-formed PDF (one page, one line of text) that the mutations below bend."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids {kids} /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream) if length is None else length} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1", errors="replace"))
    out.write(extra_objects.encode("latin-1", errors="replace"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


@st.composite
def hostile_pdf(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 6))
    if choice == 0:  # random bytes behind the markers the reader checks first
        return b"%PDF-1.4\n" + draw(st.binary(max_size=2048)) + b"\n%%EOF\n"
    if choice == 1:  # a page tree that loops back on itself
        return minimal_pdf(kids=draw(st.sampled_from(("[2 0 R]", "[1 0 R]", "[3 0 R 3 0 R 2 0 R]", "3 0 R", "[]"))))
    if choice == 2:  # a stream length that lies
        return minimal_pdf(length=draw(st.sampled_from((0, -1, 10 ** 12, 99999999999999999999))))
    if choice == 3:  # deeply nested arrays and dictionaries
        depth = draw(st.sampled_from((100, 5_000, 50_000)))
        return minimal_pdf(extra_objects=f"6 0 obj\n{'[' * depth}{']' * depth}\nendobj\n"
                                         f"7 0 obj\n{'<< /A ' * depth}1{' >>' * depth}\nendobj\n")
    if choice == 4:  # text that escapes its string and operators with absurd operands
        return minimal_pdf(text=draw(_text()).replace("\x00", ""))
    data = bytearray(minimal_pdf())
    for _ in range(draw(st.integers(1, 30))):  # bytes flipped or cut anywhere
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if choice == 6:
        cut = draw(st.integers(10, len(data)))
        data = data[:cut] + b"\n%%EOF\n"
    return bytes(data)


# --- DOCX --------------------------------------------------------------------------------------

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with(document_xml: str | bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A .docx zip whose main part is ``document_xml``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def _paragraphs(texts: list[str]) -> str:
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t>{escape(t)}</w:t></w:r></w:p>" for t in texts)
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{body}</w:body></w:document>'


@st.composite
def hostile_docx(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 6))
    if choice == 0:
        return draw(st.binary(max_size=2048))
    if choice == 1:  # a zip bomb: one part that inflates about 1,000 to 1
        size = draw(st.sampled_from((2_000_000, 20_000_000)))
        return docx_with(_paragraphs(["x"]), {"word/bomb.xml": b"\x00" * size})
    if choice == 2:  # thousands of parts
        return docx_with(_paragraphs(["x"]), {f"word/p{i}.xml": b"<a/>" for i in range(draw(st.sampled_from((50, 1_500))))})
    if choice == 3:  # entity expansion ("billion laughs") and deep nesting inside the main part
        depth = draw(st.sampled_from((100, 10_000, 200_000)))
        laughs = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                  '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
        return docx_with(laughs + f'<w:document {_W}><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p>'
                         + "<w:tbl><w:tr><w:tc>" * depth + "</w:tc></w:tr></w:tbl>" * depth + "</w:body></w:document>")
    if choice == 4:  # text of every kind in well-formed paragraphs
        return docx_with(_paragraphs(draw(st.lists(_text().map(lambda t: "".join(c for c in t if c.isprintable())),
                                                   max_size=20))))
    if choice == 5:  # a main part that is not XML at all
        return docx_with(draw(st.binary(max_size=1024)))
    data = bytearray(docx_with(_paragraphs(["A normal paragraph about a contract.", "Another one."])))
    for _ in range(draw(st.integers(1, 20))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    return bytes(data)


# --- CSV ---------------------------------------------------------------------------------------

_HEADERS = (
    "recipient_name,federal_action_obligation,action_date,award_description",
    "recipient_name;total_obligated_amount;award_base_action_date;transaction_description",
    "vendor\tamount\taction_date\tdescription",
    "recipient_name|value|period_of_performance_start_date|description",
)
_CELLS = st.one_of(st.sampled_from(AMOUNTS), st.sampled_from(DATES), _text(),
                   st.sampled_from(('"', '""', '"a,b"', '"unclosed', 'a"b', '"multi\nline"', "\x00", ",,,", "\r")))


_PRINTABLE = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=60)


@st.composite
def hostile_csv(draw: st.DrawFn, largest: int = GIANT_SIZES[-1]) -> bytes:
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(st.binary(max_size=2048))
    if choice == 1:
        return draw(encoded_text())
    if choice == 2:
        return draw(gigantic_line(largest))
    header = draw(st.sampled_from(_HEADERS))
    delimiter = next(d for d in ",;\t|" if d in header)
    if choice in (3, 5):  # the right columns, typed values of every form (for 5, amounts the reader takes)
        amounts = st.sampled_from(READABLE_AMOUNTS if choice == 5 else AMOUNTS)
        rows = draw(st.lists(st.tuples(_PRINTABLE, amounts, st.sampled_from(DATES), _PRINTABLE), min_size=1, max_size=20))
        lines = [delimiter.join('"' + c.replace('"', '""') + '"' for c in row) for row in rows]
    else:  # quoting chaos: cells as they come, rows of any width
        lines = [delimiter.join(draw(st.lists(_CELLS, max_size=8))) for _ in range(draw(st.integers(0, 20)))]
    encoding = draw(st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "cp1252")))
    return "\n".join([header, *lines]).encode(encoding, errors="replace")
