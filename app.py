"""dossier's web chat: the Gradio layout and its event wiring, nothing else.

Every answer, citation, document list and record comes from ``answer.Dossier``; this module only
renders them (HTML-escaped: documents may carry markup or injection text) and wires the events.

``build_app(dossier)`` lays out the Blocks; ``serve(settings)`` launches them safely (loopback by
default, never shared, a private upload directory, bounded queue). ``python app.py`` serves with
``load_settings()``.

API endpoints (``gradio_client.Client(url).predict(..., api_name=...)``)::

    /chat(question: str) -> dict          answer text, abstained, language, citations
    /ask_json(question: str, top_k: int = 0, lang: str = "") -> dict     Answer.to_dict()
    /upload(files: list[file]) -> list[dict]   one row per file: file, status, document_id, detail, ...
    /remove(document_id: str) -> dict     {"removed": [ids]}
    /documents() -> list[dict]            DocumentSummary.to_dict() of every indexed document
    /records() -> list[dict]              key fields of every procurement record
    /describe() -> dict                   read-only settings and index sizes

The UI's own events also have stable names, callable but left out of the API page: /chat_stream
(the streaming chat, with history), /refresh, /records_view, /remove_ui (the confirmed removal).
"""
from __future__ import annotations

import atexit
import html
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import gradio as gr

from dossier.core.errors import ConfigError, DossierError
from dossier.core.settings import Settings, apply_offline_env, load_settings
from dossier.core.types import Answer, Citation, RetrievedItem
from dossier.core.quantities import format_compact_amount, human_size
from dossier.ingest import SUPPORTED_EXTENSIONS
from dossier.core.text import fold

EXAMPLES = [
    "How much was ICE's September 2025 contract with Clearview AI worth?",
    "Quel outil de Magnet Forensics permet de déverrouiller des téléphones ?",
    "What is the total value of the Clearview AI awards in the procurement records?",
    "Qui est le PDG de Clearview AI ?",
    "Combien vaut le contrat de Zignal Labs avec l'ICE ?",
    "What does Paragon's spyware do?",
]
UPLOAD_TYPES = list(SUPPORTED_EXTENSIONS)
DOCUMENT_COLUMNS = ["id", "title", "files", "kind", "language", "date", "outlet", "passages", "records"]
RECORD_COLUMNS = ["record", "recipient", "office", "date", "amount", "description", "source"]
UPLOAD_COLUMNS = ["file", "status", "document", "detail"]
SORTS = {
    "amount, largest first": ("amount", False),
    "amount, smallest first": ("amount", True),
    "date, newest first": ("date", False),
    "date, oldest first": ("date", True),
    "recipient, A to Z": ("recipient", True),
}
SEARCHING = '<div class="sources-panel"><p class="sources-intro">Searching the sources…</p></div>'
CONTEXT_CHARS = 320  # passage text shown either side of a quote
STREAM_STEPS = 12

CSS = """
#dossier-header h1 { margin-bottom: 0; }
#dossier-header p { margin-top: 2px; opacity: .75; }
.sources-panel { max-height: 640px; overflow-y: auto; padding-right: 4px; }
.sources-panel .sources-intro { font-size: .9em; opacity: .8; margin: 0 0 8px; }
.cite-card { border: 1px solid var(--border-color-primary); border-left: 4px solid var(--color-accent);
             border-radius: 8px; padding: 8px 10px; margin-bottom: 10px; background: var(--background-fill-secondary);
             scroll-margin: 12px; transition: box-shadow .3s; }
.cite-card.not-supporting { border-left-color: #9ca3af; opacity: .9; }
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

def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_MD_INLINE = re.compile(r"([\\`*_\[\]|~$])")
_MD_LINE_START = re.compile(r"^(\s*\d*)([#>+\-=.)])", re.MULTILINE)
_CITE_MARK = re.compile(r"\[(\d+)\]")


def answer_markdown(answer: Answer, link: bool = True) -> str:
    """The answer text for the Chatbot: HTML- and Markdown-escaped, with [n] linked to source card n."""
    numbers = {c.n for c in answer.citations}
    pieces: list[str] = []
    last = 0
    for match in _CITE_MARK.finditer(answer.answer):
        pieces.append(_md_escape(answer.answer[last:match.start()]))
        n = int(match.group(1))
        pieces.append(f"[\\[{n}\\]](#cite-{n})" if link and n in numbers else f"\\[{n}\\]")
        last = match.end()
    pieces.append(_md_escape(answer.answer[last:]))
    text = "".join(pieces)
    if answer.abstained:
        text += ("\n\n*Aucune source ne permet de répondre : les passages les plus proches sont à droite.*"
                 if answer.language == "fr" else
                 "\n\n*No source supports an answer: the nearest passages considered are listed on the right.*")
    return text


def _md_escape(text: str) -> str:
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
    cards = "".join(_citation_card(c) for c in answer.citations)
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
             "record_id": c.record_id, "title": c.title, "quote": c.quote}
            for c in answer.citations
        ],
    }


def documents_rows(documents: list[Any]) -> list[list[Any]]:
    return [
        [d.id, d.title, ", ".join(Path(p).name for p in d.source_paths), d.kind, d.language or "",
         d.published or "", d.outlet or "", d.passages, d.records]
        for d in documents
    ]


def records_rows(records: list[tuple[Any, str]]) -> list[dict[str, Any]]:
    return [
        {"record": r.record_id, "recipient": r.recipient or "", "office": r.office or r.sub_agency or "",
         "date": r.action_date or "", "amount": r.amount, "description": r.description or r.product_or_service or "",
         "source": r.source_document or ""}
        for r, _passage_id in records
    ]


def filter_records(rows: list[dict[str, Any]], query: str, sort: str) -> list[dict[str, Any]]:
    terms = fold(query or "").split()
    if terms:
        rows = [r for r in rows if all(t in fold(" ".join(str(v) for v in r.values() if v is not None)) for t in terms)]
    key, ascending = SORTS.get(sort, SORTS["amount, largest first"])
    if key == "amount":
        present = [r for r in rows if r["amount"] is not None]
        present.sort(key=lambda r: r["amount"], reverse=not ascending)
        return present + [r for r in rows if r["amount"] is None]
    present = [r for r in rows if r[key]]
    present.sort(key=lambda r: fold(str(r[key])), reverse=not ascending)
    return present + [r for r in rows if not r[key]]


def records_figure(rows: list[dict[str, Any]]) -> Any:
    """Total amount by recipient (bars) and amounts by reported date."""
    load_plotting()
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    money = FuncFormatter(lambda v, _pos: format_compact_amount(v))
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    by_recipient, by_date = fig.subplots(1, 2, width_ratios=[1.15, 1])
    totals: dict[str, float] = {}
    dated: dict[str, float] = {}
    for r in rows:
        if r["amount"] is None:
            continue
        totals[r["recipient"] or "(unknown)"] = totals.get(r["recipient"] or "(unknown)", 0.0) + r["amount"]
        dated[r["date"] or "undated"] = dated.get(r["date"] or "undated", 0.0) + r["amount"]
    if not totals:
        for axes in (by_recipient, by_date):
            axes.text(0.5, 0.5, "no records", ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
        return fig
    names = sorted(totals, key=totals.get)
    by_recipient.barh(names, [totals[n] for n in names], color="#f97316")
    by_recipient.xaxis.set_major_formatter(money)
    by_recipient.set_title("Total amount by recipient", fontsize=11)
    by_recipient.tick_params(axis="y", labelsize=8)
    for y, name in enumerate(names):
        by_recipient.text(totals[name], y, " " + format_compact_amount(totals[name]), va="center", fontsize=7)
    by_recipient.margins(x=0.22)
    dates = sorted((d for d in dated if d != "undated")) + (["undated"] if "undated" in dated else [])
    by_date.bar(dates, [dated[d] for d in dates], color="#6366f1")
    by_date.yaxis.set_major_formatter(money)
    by_date.set_title("Amounts by reported date", fontsize=11)
    by_date.tick_params(axis="x", labelsize=8, rotation=30)
    return fig


def load_plotting() -> None:
    """matplotlib, headless (its import takes ~0.4 s: the records plot and Gradio both need it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure  # noqa: F401


# ---- the app ------------------------------------------------------------------------------------

def build_app(dossier: Any) -> gr.Blocks:
    """Lay out the chat, sources, records and settings tabs and wire them to ``dossier``."""
    max_upload = int(getattr(dossier.settings, "max_upload_bytes", 25_000_000))
    uploads_dir = Path(dossier.settings.index) / "uploads"

    # -- handlers ----------------------------------------------------------------------------------
    def ask(question: str) -> Answer:
        question = (question or "").strip()
        if not question:
            raise gr.Error("Type a question first.")
        try:
            return dossier.ask(question)
        except DossierError as exc:
            raise gr.Error(str(exc)) from exc

    def chat_stream(message: str, history: list[dict[str, Any]] | None):
        history = list(history or [])
        question = (message or "").strip()
        if not question:
            yield history, gr.skip(), ""
            return
        history.append({"role": "user", "content": question})
        yield history, SEARCHING, ""
        answer = ask(question)
        plain = answer_markdown(answer, link=False)
        words = re.split(r"(\s+)", plain)
        step = max(1, len(words) // STREAM_STEPS)
        for end in range(step, len(words), step):
            yield history + [{"role": "assistant", "content": "".join(words[:end]) + " …"}], gr.skip(), ""
            time.sleep(0.02)
        history.append({"role": "assistant", "content": answer_markdown(answer)})
        yield history, sources_html(answer), ""

    def chat(question: str) -> dict:
        """Answer a question from the indexed sources: {answer, abstained, language, citations[]}."""
        return chat_payload(ask(question))

    def ask_json(question: str, top_k: int = 0, lang: str = "") -> dict:
        """The full Answer record (Answer.to_dict()); top_k 0 and lang "" mean the settings' defaults."""
        question = (question or "").strip()
        if not question:
            raise gr.Error("Type a question first.")
        try:
            return dossier.ask(question, top_k=top_k or None, lang=lang or None).to_dict()
        except DossierError as exc:
            raise gr.Error(str(exc)) from exc

    def upload(files: list[str] | None, progress=gr.Progress()) -> list[dict[str, Any]]:
        """Ingest uploaded files; one result per file (status added/updated/unchanged/duplicate/rejected)."""
        results: list[dict[str, Any]] = []
        accepted: list[Path] = []
        for item in files or []:
            source = Path(item if isinstance(item, str) else getattr(item, "name", None) or item["path"])
            name = _safe_name(source.name)
            size = source.stat().st_size if source.exists() else 0
            if Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
                results.append(_row(name, "rejected", detail=f"unsupported file type; upload one of {' '.join(UPLOAD_TYPES)}"))
            elif size > max_upload:
                results.append(_row(name, "rejected", detail=f"{human_size(size)} is over the {human_size(max_upload)} upload limit"))
            else:
                uploads_dir.mkdir(parents=True, exist_ok=True)
                target = uploads_dir / name
                shutil.copyfile(source, target)
                accepted.append(target)
        if accepted:
            progress((0, len(accepted)), desc="Reading and indexing", unit="files")

            def on_progress(done: int, total: int, path: str) -> None:
                progress((done, total), desc=f"Indexed {Path(path).name}", unit="files")

            try:
                report = dossier.add([str(p) for p in accepted], on_progress=on_progress)
            except DossierError as exc:
                raise gr.Error(str(exc)) from exc
            near = {}
            for path, other, similarity in report.near_duplicates:
                near.setdefault(path, []).append(f"near-duplicate of {other} ({similarity:.0%} similar)")
            for o in report.outcomes:
                detail = "; ".join([o.detail] * bool(o.detail) + near.get(o.path, []))
                if o.status in ("added", "updated") and not detail:
                    detail = f"{o.passages} passages" + (f", {o.records} records" if o.records else "")
                results.append(_row(Path(o.path).name, o.status, o.document_id, detail, o.passages, o.records))
        return results

    def upload_table(results: list[dict[str, Any]] | None) -> tuple[list[list[Any]], str]:
        results = results or []
        rows = [[r["file"], r["status"], r["document_id"] or "", r["detail"]] for r in results]
        counts: dict[str, int] = {}
        for r in results:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "no file"
        return rows, f"**Upload:** {summary}."

    def remove(document_id: str) -> dict:
        """Remove one document (by id, id prefix of 6+ characters, or its file path) with all its passages."""
        document_id = (document_id or "").strip()
        if not document_id:
            raise gr.Error("Choose a document to remove.")
        try:
            return {"removed": dossier.remove(document_id)}
        except DossierError as exc:
            raise gr.Error(str(exc)) from exc

    def documents() -> list[dict]:
        """Every indexed document: id, title, kind, language, published, outlet, source_paths, counts."""
        return [d.to_dict() for d in dossier.documents()]

    def records() -> list[dict]:
        """Key fields of every procurement record, with the passage id that cites it."""
        return [{**r.key_fields(), "passage_id": pid} for r, pid in dossier.records()]

    def describe() -> dict:
        """Read-only settings and index sizes."""
        return dossier.describe()

    def settings_view() -> dict:
        serving = {"upload limit": human_size(max_upload), "queue size": dossier.settings.queue_max_size,
                   "concurrent answers": dossier.settings.concurrency_limit}
        return {**dossier.describe(), **serving}

    def records_view(query: str, sort: str) -> tuple[list[dict[str, Any]], Any]:
        rows = filter_records(records_rows(dossier.records()), query, sort)
        return _records_frame(rows), records_figure(rows)

    def refresh(query: str, sort: str):
        docs = dossier.documents()
        choices = [(f"{d.id} — {d.title}", d.id) for d in docs]
        frame, figure = records_view(query, sort)
        return (documents_rows(docs), gr.update(choices=choices, value=None), frame, figure, settings_view())

    def ask_to_remove(document_id: str | None):
        if not document_id:
            return gr.update(visible=False), "Choose a document first."
        summary = next((d for d in dossier.documents() if d.id == document_id), None)
        if summary is None:
            return gr.update(visible=False), f"{_md_escape(document_id)} is no longer indexed."
        what = f"{summary.passages} passages" if summary.kind == "article" else f"{summary.records} records"
        return gr.update(visible=True), (f"Remove **{_md_escape(summary.title)}** ({summary.id}) and its {what} "
                                         "from the index? This cannot be undone.")

    def confirm_remove(document_id: str | None):
        try:
            removed = remove(document_id or "")["removed"]
        except gr.Error as exc:
            return gr.update(visible=False), f"Not removed: {_md_escape(str(exc.message))}"
        return gr.update(visible=False), f"Removed {', '.join(_md_escape(i) for i in removed)}."

    # -- layout -------------------------------------------------------------------------------------
    with gr.Blocks(title="dossier") as demo:
        with gr.Row(elem_id="dossier-header"):
            gr.Markdown("# dossier\nAnswers from your sources, every claim cited — or a clear *the sources do not say*.")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, elem_classes="chat-pane"):
                        chatbot = gr.Chatbot(label="Answers", height=520, buttons=["copy"], feedback_options=None,
                                             sanitize_html=True, render_markdown=True, latex_delimiters=[],
                                             elem_id="chatbot",
                                             placeholder="Ask about the indexed articles and procurement records, "
                                                         "in English or French.")
                        question = gr.Textbox(placeholder="Ask a question and press Enter", show_label=False,
                                              lines=1, max_lines=4, submit_btn=True, elem_id="question",
                                              autofocus=True)
                        examples = gr.Dataset(components=[question], samples=[[q] for q in EXAMPLES],
                                              label="Examples (click to ask)", type="values")
                        clear = gr.Button("New conversation", size="sm", variant="secondary")
                    with gr.Column(scale=2, min_width=320):
                        gr.Markdown("### Sources")
                        sources = gr.HTML(sources_html(None), elem_id="sources")
            with gr.Tab("Sources", id="sources-tab"):
                documents_table = gr.Dataframe(headers=DOCUMENT_COLUMNS, label="Indexed documents",
                                               interactive=False, wrap=True, elem_id="documents")
                with gr.Row(equal_height=False):
                    with gr.Column():
                        files = gr.File(label=f"Add files ({' '.join(UPLOAD_TYPES)}; up to {human_size(max_upload)} each)",
                                        file_count="multiple", type="filepath",
                                        elem_id="upload-files")
                        upload_button = gr.Button("Add to the index", variant="primary")
                        upload_status = gr.Markdown()
                        upload_results = gr.Dataframe(headers=UPLOAD_COLUMNS, label="Upload results",
                                                      interactive=False, wrap=True, elem_id="upload-results")
                        with gr.Accordion("Raw upload report", open=False):
                            upload_report = gr.JSON(label="per-file results")
                    with gr.Column():
                        remove_choice = gr.Dropdown(label="Remove a document", choices=[], value=None,
                                                    interactive=True, elem_id="remove-choice")
                        remove_button = gr.Button("Remove…", variant="secondary")
                        remove_message = gr.Markdown(elem_id="remove-message")
                        with gr.Row(visible=False) as confirm_row:
                            confirm_button = gr.Button("Confirm removal", variant="stop")
                            cancel_button = gr.Button("Cancel")
            with gr.Tab("Records", id="records"):
                with gr.Row():
                    records_filter = gr.Textbox(label="Filter", placeholder="recipient, office, description, date…",
                                                scale=3, elem_id="records-filter")
                    records_sort = gr.Dropdown(label="Sort", choices=list(SORTS), value="amount, largest first",
                                               scale=1)
                records_table = gr.Dataframe(headers=RECORD_COLUMNS, label="Procurement records", interactive=False,
                                             elem_id="records-table",
                                             column_widths=["64px", "15%", "15%", "84px", "112px", "30%", "15%"],
                                             wrap=True, datatype=["str", "str", "str", "str", "number", "str", "str"])
                records_plot = gr.Plot(label="Amounts", elem_id="records-plot")
            with gr.Tab("Settings", id="settings"):
                gr.Markdown("Read-only: change settings with `dossier serve` options or `DOSSIER_*` variables.")
                settings_json = gr.JSON(label="Settings and index")

        # -- events ---------------------------------------------------------------------------------
        chat_io = dict(inputs=[question, chatbot], outputs=[chatbot, sources, question])
        question.submit(chat_stream, **chat_io, api_name="chat_stream", api_visibility="undocumented")
        examples.click(lambda sample: sample[0], [examples], [question], api_visibility="private",
                       queue=False).then(chat_stream, **chat_io, api_visibility="private")
        clear.click(lambda: ([], sources_html(None), ""), None, [chatbot, sources, question],
                    api_visibility="private", queue=False)

        refresh_io = dict(inputs=[records_filter, records_sort],
                          outputs=[documents_table, remove_choice, records_table, records_plot, settings_json])
        demo.load(refresh, **refresh_io, api_name="refresh", api_visibility="undocumented")
        upload_button.click(upload, [files], [upload_report], api_name="upload").then(
            upload_table, [upload_report], [upload_results, upload_status], api_visibility="private").then(
            refresh, **refresh_io, api_visibility="private")
        remove_button.click(ask_to_remove, [remove_choice], [confirm_row, remove_message], api_visibility="private")
        cancel_button.click(lambda: (gr.update(visible=False), "Nothing removed."), None,
                            [confirm_row, remove_message], api_visibility="private")
        confirm_button.click(confirm_remove, [remove_choice], [confirm_row, remove_message],
                             api_name="remove_ui", api_visibility="undocumented").then(
            refresh, **refresh_io, api_visibility="private")
        records_filter.change(records_view, [records_filter, records_sort], [records_table, records_plot],
                              api_name="records_view", api_visibility="undocumented")
        records_sort.change(records_view, [records_filter, records_sort], [records_table, records_plot],
                            api_visibility="private")

        gr.api(chat, api_name="chat")
        gr.api(ask_json, api_name="ask_json")
        gr.api(remove, api_name="remove")
        gr.api(documents, api_name="documents")
        gr.api(records, api_name="records")
        gr.api(describe, api_name="describe")

    return demo


def _records_frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    # Numbers stay numbers (so the column sorts by value); the Styler only sets what is displayed.
    return frame.style.format({"amount": lambda v: "" if pd.isna(v) else f"${v:,.0f}"})


def _row(file: str, status: str, document_id: str | None = None, detail: str = "", passages: int = 0,
         records: int = 0) -> dict[str, Any]:
    return {"file": file, "status": status, "document_id": document_id, "detail": detail, "passages": passages,
            "records": records}


_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE_NAME.sub("_", Path(name).name).strip(" .") or "upload"
    return cleaned[:120]


# ---- launching ----------------------------------------------------------------------------------

def parse_auth(value: str | None) -> list[tuple[str, str]] | None:
    """``user:pass``, or a path to a file of such lines (blank lines and # comments skipped)."""
    if not value:
        return None
    path = Path(os.path.expanduser(value))
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else [value]
    pairs = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            raise ConfigError("auth must be 'user:pass' or a file of 'user:pass' lines")
        pairs.append((user, password))
    if not pairs:
        raise ConfigError(f"auth file {path} holds no 'user:pass' line")
    return pairs


def private_temp_dir() -> Path:
    """A mode-0700 directory for Gradio's uploads (GRADIO_TEMP_DIR), removed at exit."""
    directory = Path(tempfile.mkdtemp(prefix="dossier-gradio-"))
    directory.chmod(0o700)
    os.environ["GRADIO_TEMP_DIR"] = str(directory)
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def launch(demo: gr.Blocks, settings: Settings, *, host: str | None = None, port: int | None = None,
           prevent_thread_lock: bool = False, quiet: bool = True) -> str:
    """Queue and launch with the safe defaults; returns the local URL."""
    demo.queue(max_size=settings.queue_max_size, default_concurrency_limit=settings.concurrency_limit)
    demo.launch(
        server_name=host or settings.host,
        server_port=port if port is not None else settings.port,
        share=False,
        auth=parse_auth(settings.auth),
        auth_message="dossier: sign in" if settings.auth else None,
        max_file_size=settings.max_upload_bytes,
        prevent_thread_lock=prevent_thread_lock,
        show_error=False,
        quiet=quiet,
        ssr_mode=False,
        mcp_server=False,
        run_history=False,  # its page can send runs to a remote bucket; answers stay on this machine
        enable_monitoring=False,
        blocked_paths=[str(Path(settings.index).expanduser().resolve())],
        css=CSS,
        head=HEAD,
        theme=gr.themes.Soft(primary_hue="orange", neutral_hue="slate"),
    )
    return demo.local_url


def serve(settings: Settings, dossier: Any = None) -> None:
    """Build the app over ``dossier`` and serve until interrupted.

    Without one, the answering engine is started in its own process (``answer.start_engine``): it
    opens the index and loads the models while this process lays out and launches the app. "Serving"
    is printed once it is warm, so the first answer waits on nothing that start-up could have done;
    if the engine cannot start, the server is closed and its reason raised.
    """
    apply_offline_env()
    private_temp_dir()
    if dossier is None:
        from dossier.answer import start_engine

        dossier = start_engine(settings)
    demo = build_app(dossier)
    url = launch(demo, settings, prevent_thread_lock=True)
    try:
        load_plotting()  # while the engine warms up: Gradio's first request would import it otherwise
        dossier.warm_up()
    except BaseException:
        demo.close()
        raise
    print(f"dossier: serving {settings.index} at {url}  (Ctrl+C to stop)", flush=True)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # a stop by the service manager cleans up like Ctrl+C
    try:
        demo.block_thread()
    finally:
        demo.close()


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    serve(load_settings())
