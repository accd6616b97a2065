"""What the web chat shows, as HTML and Markdown: pure functions of the library's records.

Everything that comes from a document is escaped here (documents may carry markup or injection
text): the answer text for the Chatbot, the sources panel of citation cards, the /chat payload and
the documents table. ``CSS`` and ``HEAD`` style the cards and make [n] scroll to its card.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from dossier.answer import placed_marks
from dossier.core.types import Answer, Citation, RetrievedItem
from dossier.web.labels import label

DOCUMENT_COLUMNS = ["id", "title", "files", "kind", "language", "date", "outlet", "passages", "records"]

CONTEXT_CHARS = 320  # passage text shown either side of a quote
COMPUTATION_ROWS = 5  # records shown under a computation citation; the rest are listed in the JSON

CSS = """
#dossier-header h1 { margin-bottom: 0; }
#dossier-header p { margin-top: 2px; opacity: .75; }
.sources-panel { max-height: 640px; overflow-y: auto; padding-right: 4px; }
.sources-panel .sources-intro { font-size: .9em; opacity: .8; margin: 0 0 8px; }
.cite-card { border: 1px solid var(--border-color-primary); border-left: 4px solid var(--color-accent);
             border-radius: 8px; padding: 8px 10px; margin-bottom: 10px; background: var(--background-fill-secondary);
             scroll-margin: 12px; transition: box-shadow .3s; }
.cite-card.not-supporting { border-left-color: #9ca3af; opacity: .9; }
.cite-computation { font-size: .88em; margin: 0 0 6px; }
.cite-sql pre { font-size: .75em; white-space: pre-wrap; word-break: break-all; max-height: 160px; overflow-y: auto; }
.cite-row { margin-top: 6px; } .cite-more { font-size: .8em; opacity: .75; margin: 6px 0 0; }
.cite-card:target, .cite-card.cite-flash { box-shadow: 0 0 0 3px var(--color-accent-soft), 0 0 0 5px var(--color-accent); }
.cite-head { font-weight: 600; display: flex; gap: 6px; align-items: baseline; }
.cite-n { color: var(--color-accent); }
.cite-meta { font-size: .8em; opacity: .75; margin: 2px 0 6px; word-break: break-all; }
.cite-badge { font-size: .72em; font-weight: 600; padding: 1px 6px; border-radius: 999px; background: #e5e7eb;
              color: #374151; margin-left: auto; white-space: nowrap; }
.cite-passage { font-size: .88em; line-height: 1.45; white-space: pre-wrap; }
.cite-passage mark, .cite-record mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.sources-panel table.cite-record { font-size: .82em; border-collapse: collapse; width: 100%; margin: 0;
                                    border: none; }
.sources-panel table.cite-record, .sources-panel table.cite-record tr, .sources-panel table.cite-record th,
.sources-panel table.cite-record td { border: none !important; background: transparent; }
.sources-panel table.cite-record tr + tr { border-top: 1px solid var(--border-color-primary) !important; }
.cite-record th { text-align: left; font-weight: 500; opacity: .7; padding: 1px 8px 1px 0; vertical-align: top;
                  white-space: nowrap; }
.cite-record td { padding: 1px 0; word-break: break-word; }
.cite-record tr.quoted th { opacity: 1; }
.chat-pane a[href^="#cite-"] { text-decoration: none; font-weight: 700; color: var(--color-accent); }
.chat-pane a[href^="#cite-"]:hover { text-decoration: underline; }
"""

# Clicking [n] in an answer scrolls to and flashes source card n (Markdown links may open a new tab).
HEAD = """
<script>
document.addEventListener("click", function (event) {
  const link = event.target.closest ? event.target.closest('a[href^="#cite-"]') : null;
  if (!link) return;
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  event.preventDefault();
  event.stopPropagation();
  card.scrollIntoView({behavior: "smooth", block: "center"});
  card.classList.remove("cite-flash");
  void card.offsetWidth;
  card.classList.add("cite-flash");
  setTimeout(function () { card.classList.remove("cite-flash"); }, 1800);
}, true);
</script>
"""


# ---- rendering (pure functions of the library's records) ------------------------------------------

def searching_html(language: str = "en") -> str:
    """The sources panel while an answer is on its way, in the browser's language."""
    return f'<div class="sources-panel"><p class="sources-intro">{label("searching", language)}</p></div>'


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_MD_INLINE = re.compile(r"([\\`*_\[\]|~$])")
_MD_LINE_START = re.compile(r"^(\s*\d*)([#>+\-=.)])", re.MULTILINE)
_CITE_MARK = re.compile(r"\[(\d+)\]")


def answer_markdown(answer: Answer, link: bool = True) -> str:
    """The answer text for the Chatbot: HTML- and Markdown-escaped, with [n] linked to source card n
    (only the [n] the answerer placed: one a quoted document wrote stays text)."""
    placed = {start for start, _, _ in placed_marks(answer)}
    pieces: list[str] = []
    last = 0
    for match in _CITE_MARK.finditer(answer.answer):
        pieces.append(md_escape(answer.answer[last:match.start()]))
        n = int(match.group(1))
        pieces.append(f"[\\[{n}\\]](#cite-{n})" if link and match.start() in placed else f"\\[{n}\\]")
        last = match.end()
    pieces.append(md_escape(answer.answer[last:]))
    text = "".join(pieces)
    if answer.abstained:
        text += ("\n\n*Aucune source ne permet de répondre : les passages les plus proches sont à droite.*"
                 if answer.language == "fr" else
                 "\n\n*No source supports an answer: the nearest passages considered are listed on the right.*")
    return text


def md_escape(text: str) -> str:
    """Text shown literally: no HTML, no emphasis, links, code, tables or list/heading markers."""
    text = _MD_INLINE.sub(r"\\\1", html.escape(text, quote=False))
    return _MD_LINE_START.sub(r"\1\\\2", text)


def sources_html(answer: Answer | None) -> str:
    """The side panel: one card per citation (quote marked in its passage), or the nearest passages."""
    if answer is None:
        return ('<div class="sources-panel"><p class="sources-intro">Ask a question: the passages that support '
                "the answer appear here, each quote highlighted in its context.</p></div>")
    question = f"<p class=\"sources-intro\">Sources for: <i>{esc(answer.question)}</i></p>"
    if answer.abstained or not answer.citations:
        nearest = answer.retrieved[:3]
        intro = ("<p class=\"sources-intro\"><b>No source supports an answer.</b> "
                 f"The nearest passages considered ({len(nearest)}) do not support one:</p>")
        cards = "".join(_retrieved_card(item) for item in nearest) or "<p>No passage was retrieved.</p>"
        return f'<div class="sources-panel">{question}{intro}{cards}</div>'
    cards = "".join(_computation_card(c, answer) if c.record_ids else _citation_card(c) for c in answer.citations)
    return f'<div class="sources-panel">{question}{cards}</div>'


def _card_meta(source: str, record_id: str | None, passage_id: str) -> str:
    """The grey line under a card's title: file, record id (records only), passage id; escaped."""
    meta = [esc(source)] + ([f"record {esc(record_id)}"] if record_id else []) + [f"passage {esc(passage_id)}"]
    return f'<div class="cite-meta">{" · ".join(meta)}</div>'


def _citation_card(c: Citation) -> str:
    if c.record_id:
        body = _record_table(c.passage_text or c.quote, c.start, c.end)
    else:
        body = f'<div class="cite-passage">{_marked_passage(c.passage_text, c.quote, c.start, c.end)}</div>'
    return (f'<div class="cite-card" id="cite-{c.n}">'
            f'<div class="cite-head"><span class="cite-n">[{c.n}]</span><span>{esc(c.title or c.source)}</span></div>'
            f'{_card_meta(c.source, c.record_id, c.passage_id)}{body}</div>')


def _computation_card(c: Citation, answer: Answer) -> str:
    """A computation over records: what was computed, the SQL that re-runs it, and the first records."""
    cited = set(c.record_ids)  # once: a count over 700,000 awards cites 700,000 ids
    shown = [item for item in answer.retrieved if item.record_id in cited][:COMPUTATION_ROWS]
    rows = "".join(f'<div class="cite-row">{_card_meta(item.source, item.record_id, item.passage_id)}'
                   f'{_record_table(item.text, 0, 0)}</div>' for item in shown)
    more = len(c.record_ids) - len(shown)
    tail = f'<p class="cite-more">and {more} more record(s), all listed in the answer\'s JSON</p>' if more > 0 else ""
    return (f'<div class="cite-card computation" id="cite-{c.n}">'
            f'<div class="cite-head"><span class="cite-n">[{c.n}]</span><span>{esc(c.title)}</span></div>'
            f'<div class="cite-meta">{esc(c.source)} · {len(c.record_ids)} record(s)</div>'
            f'<p class="cite-computation">{esc(c.quote)}</p>'
            f'<details class="cite-sql"><summary>SQL (re-run it on records.duckdb)</summary><pre>{esc(c.sql)}</pre></details>'
            f'{rows}{tail}</div>')


def _retrieved_card(item: RetrievedItem) -> str:
    if item.record_id:
        body = _record_table(item.text, 0, 0)
    else:
        text = item.text if len(item.text) <= 2 * CONTEXT_CHARS else item.text[: 2 * CONTEXT_CHARS].rstrip() + "…"
        body = f'<div class="cite-passage">{esc(text)}</div>'
    return (f'<div class="cite-card not-supporting" id="near-{item.rank}">'
            f'<div class="cite-head"><span class="cite-n">#{item.rank}</span><span>{esc(item.title or item.source)}'
            f'</span><span class="cite-badge">not supporting</span></div>'
            f'{_card_meta(item.source, item.record_id, item.passage_id)}{body}</div>')


def _marked_passage(passage: str, quote: str, start: int, end: int) -> str:
    """The quote inside <mark>, with up to CONTEXT_CHARS of its passage either side, all escaped."""
    if not passage:
        return f"<mark>{esc(quote)}</mark>"
    if not (0 <= start < end <= len(passage)) or passage[start:end] != quote:
        found = passage.find(quote) if quote else -1
        if found < 0:  # offsets that do not hold: show the quote alone rather than mark the wrong words
            return f"<mark>{esc(quote)}</mark>"
        start, end = found, found + len(quote)
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(passage), end + CONTEXT_CHARS)
    before = ("…" if left else "") + passage[left:start]
    after = passage[end:right] + ("…" if right < len(passage) else "")
    return f"{esc(before)}<mark>{esc(passage[start:end])}</mark>{esc(after)}"


def _record_table(text: str, start: int, end: int) -> str:
    """A rendered record's "field: value" lines as a small table; the quoted span is marked."""
    rows = []
    offset = 0
    for line in text.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        label, sep, _ = line.partition(": ")
        value_start = line_start + len(label) + len(sep) if sep else line_start
        lo, hi = max(start, value_start), min(end, line_end)
        quoted = start < end and max(start, line_start) < min(end, line_end)
        if lo < hi:
            value = (esc(text[value_start:lo]) + f"<mark>{esc(text[lo:hi])}</mark>" + esc(text[hi:line_end]))
        else:
            value = esc(text[value_start:line_end])
        head = esc(label) if sep else ""
        rows.append(f'<tr{" class=quoted" if quoted else ""}><th>{head}</th><td>{value}</td></tr>')
    return f'<table class="cite-record">{"".join(rows)}</table>'


def chat_payload(answer: Answer) -> dict[str, Any]:
    """What /chat returns: the answer text and, for each [n], where it comes from."""
    return {
        "answer": answer.answer,
        "abstained": answer.abstained,
        "language": answer.language,
        "citations": [
            {"n": c.n, "passage_id": c.passage_id, "document_id": c.document_id, "source": c.source,
             "record_id": c.record_id, "title": c.title, "quote": c.quote,
             **({"record_ids": list(c.record_ids), "sql": c.sql} if c.record_ids else {})}
            for c in answer.citations
        ],
    }


def documents_rows(documents: list[Any]) -> list[list[Any]]:
    return [
        [d.id, d.title, ", ".join(Path(p).name for p in d.source_paths), d.kind, d.language or "",
         d.published or "", d.outlet or "", d.passages, d.records]
        for d in documents
    ]

