"""dossier's web chat: the Gradio layout and its event wiring, nothing else.

Every answer, citation, document list and record comes from ``answer.Dossier``; ``dossier.web``
renders them (HTML-escaped: documents may carry markup or injection text) and launches the server;
this module lays out the tabs and wires the events to them.

``build_app(dossier)`` lays out the Blocks; ``serve(settings)`` launches them safely (loopback by
default, never shared, a private upload directory, bounded queue; see ``dossier.web.serve``).
``python app.py`` serves with ``load_settings()``.

API endpoints (``gradio_client.Client(url).predict(..., api_name=...)``)::

    /chat(question: str, workspace: str = "", history: list[str] = None) -> dict
                                          answer text, abstained, language, citations, and the question
                                          as understood from the history (the questions asked before)
    /ask_json(question: str, top_k: int = 0, lang: str = "") -> dict     Answer.to_dict()
    /upload(files: list[file], replace=False) -> list[dict]   one row per file: file, status, document_id, ...
    /remove(document_id: str) -> dict     {"removed": [ids]}
    /documents() -> list[dict]            DocumentSummary.to_dict() of every indexed document
    /records() -> list[dict]              key fields of every procurement record
    /records_for_plan(plan: dict) -> dict  the records an answer's plan ran over: {matched, rows[]}
    /describe() -> dict                   read-only settings and index sizes
    /workspaces() -> list[dict]           the workspaces of the server's data directory
    /use_workspace(name: str)             this session's workspace ("" the server's): /upload, /export
    /export() -> file                     this session's conversation as Markdown

Every endpoint but /upload and /export also takes ``workspace: str = ""`` (a workspace's name; "" is
the server's own); /upload and /export use the session's, which /use_workspace sets.

The UI's own events also have stable names, callable but left out of the API page: /chat_stream
(the streaming chat, with history), /refresh, /records_view, /remove_ui (the confirmed removal).
A browser session's workspace switcher is the /use_workspace event: it changes that session only.
"""
from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import gradio as gr

from dossier.core.errors import DossierError
from dossier.core.quantities import human_size
from dossier.core.settings import Settings, load_settings
from dossier.answer import Conversation
from dossier.core.types import Answer
from dossier.web.records_view import (RECORD_COLUMNS, SORTS, filter_records, records_figure, records_frame,
                                      records_rows, write_csv)
from dossier.web.render import (
    DOCUMENT_COLUMNS, answer_markdown, searching_html, chat_payload, documents_rows, md_escape, sources_html,
)
from dossier.web.labels import browser_language, t
from dossier.web.serve import serve as serve_blocks
from dossier.web.errors import client_error
from dossier.web.uploads import UPLOAD_COLUMNS, UPLOAD_TYPES, add_uploads, upload_table
from dossier.web.workspaces import active_label, export_file, in_workspace, workspace_choices

EXAMPLES = [
    "What did ICE agree to pay Clearview AI in September 2025?",
    "Quelle entreprise vend à ICE un outil pour déverrouiller les téléphones ?",
    "Add up every Clearview AI award in the procurement records.",
    "Qui dirige Clearview AI ?",
    "Combien vaut le contrat de Zignal Labs avec l'ICE ?",
    "What does Paragon's spyware do?",
]
STREAM_STEPS = 12


# ---- the app ------------------------------------------------------------------------------------

def build_app(dossier: Any) -> gr.Blocks:
    """Lay out the chat, sources, records and settings tabs and wire them to ``dossier``."""
    max_upload = int(getattr(dossier.settings, "max_upload_bytes", 25_000_000))

    # -- handlers ----------------------------------------------------------------------------------
    def ask(question: str, workspace: str = "") -> Answer:
        question = (question or "").strip()
        if not question:
            raise gr.Error("Type a question first.")
        try:
            return in_workspace(dossier, workspace).ask(question)
        except DossierError as exc:
            raise client_error(exc, dossier.settings) from exc

    def chat_stream(message: str, history: list[dict[str, Any]] | None, turns: list[dict] | None,
                    workspace: str = "", request: gr.Request = None):
        history = list(history or [])
        question = (message or "").strip()
        if not question:
            yield history, gr.skip(), "", gr.skip(), gr.skip()
            return
        history.append({"role": "user", "content": question})
        yield history, searching_html(browser_language(request)), "", gr.skip(), gr.skip()
        conversation = Conversation.from_dicts(turns)
        turn = conversation.ask(question, lambda understood: ask(understood, workspace))
        answer = turn.answer
        plain = answer_markdown(answer, link=False)
        words = re.split(r"(\s+)", plain)
        step = max(1, len(words) // STREAM_STEPS)
        for end in range(step, len(words), step):
            yield (history + [{"role": "assistant", "content": "".join(words[:end]) + " …"}], gr.skip(), "", gr.skip(),
                   gr.skip())
            time.sleep(0.02)
        content = answer_markdown(answer)
        if turn.understood != turn.question:
            content = f"*Understood as: {md_escape(turn.understood)}*\n\n{content}"
        if answer.query:
            content += f"\n\n*The {answer.query['records']} record(s) are in the Records tab, with a CSV.*"
        history.append({"role": "assistant", "content": content})
        yield history, sources_html(answer), "", answer.query or {}, conversation.to_dicts()

    def records_for_plan(plan: dict, workspace: str = "") -> dict:
        """The records an answer's plan (``query.plan`` of /ask_json) ran over: {matched, rows[]}."""
        try:
            records, matched = in_workspace(dossier, workspace).plan_records(plan or {})
        except ValueError as exc:  # pydantic's refusal of a plan naming unknown columns or orders
            raise gr.Error(f"not a records plan of an answer: {str(exc).splitlines()[0]}") from exc
        return {"matched": matched, "rows": records_rows([(r, "") for r in records])}

    def answer_records_view(query: dict | None, sort: str, workspace: str = ""):
        """The Records tab showing the records of the last answer, and their CSV."""
        if not query or not query.get("plan"):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        found = records_for_plan(query["plan"], workspace)
        rows = filter_records(found["rows"], "", sort)
        # Gradio serves downloads from its own (private) temporary folder.
        exports = Path(gr.utils.get_upload_folder()) / "exports"
        exports.mkdir(parents=True, exist_ok=True)
        csv_path = write_csv(rows, exports / f"answer-records-{abs(hash(query.get('sql', ''))) % 10**10}.csv")
        # The SQL holds values from the records (a hostile file's text): shown escaped, never as markup.
        note = (f"**The {found['matched']} award(s) of your last answer** ({len(rows)} record(s)). "
                f"Type in the filter to see every record again.\n\nSQL: {md_escape(query.get('sql', ''))}")
        return records_frame(rows), records_figure(rows), note, gr.update(value=str(csv_path), visible=True)

    def chat(question: str, workspace: str = "", history: list[str] | None = None) -> dict:
        """Answer a question from the indexed sources: {answer, abstained, language, citations[], understood}.
        ``history``: the questions asked before in this conversation, oldest first, so that a follow-up
        ("and how much was it worth?") is understood from them; ``understood`` is the question as asked."""
        understood = Conversation.understood_in_turn([*(history or []), question])[-1]
        return {**chat_payload(ask(understood, workspace)), "understood": understood}

    def ask_json(question: str, top_k: int = 0, lang: str = "", workspace: str = "") -> dict:
        """The full Answer record (Answer.to_dict()); top_k 0 and lang "" mean the settings' defaults."""
        question = (question or "").strip()
        if not question:
            raise gr.Error("Type a question first.")
        try:
            return in_workspace(dossier, workspace).ask(question, top_k=top_k or None, lang=lang or None).to_dict()
        except DossierError as exc:
            raise client_error(exc, dossier.settings) from exc

    def upload(files: list[str] | None, workspace: str = "", replace: bool = False,
               progress=gr.Progress()) -> list[dict[str, Any]]:
        """Ingest uploaded files; one result per file (status added/updated/unchanged/duplicate/rejected).
        ``replace``: a file named like an earlier upload updates that document instead of being kept beside it."""
        target = in_workspace(dossier, workspace)
        return add_uploads(target, files, Path(target.settings.index) / "uploads", max_upload, progress, replace)

    def remove(document_id: str, workspace: str = "") -> dict:
        """Remove one document (by id, id prefix of 6+ characters, or its file path) with all its passages."""
        document_id = (document_id or "").strip()
        if not document_id:
            raise gr.Error("Choose a document to remove.")
        try:
            return {"removed": in_workspace(dossier, workspace).remove(document_id)}
        except DossierError as exc:
            raise client_error(exc, dossier.settings) from exc

    def documents(workspace: str = "") -> list[dict]:
        """Every indexed document: id, title, kind, language, published, outlet, source_paths (file
        names: the server's folders are not the reader's business), counts."""
        return [{**d.to_dict(), "source_paths": [Path(p).name for p in d.source_paths]}
                for d in in_workspace(dossier, workspace).documents()]

    def records(workspace: str = "") -> list[dict]:
        """Key fields of every procurement record, with the passage id that cites it."""
        return [{**r.key_fields(), "passage_id": pid} for r, pid in in_workspace(dossier, workspace).records()]

    def describe(workspace: str = "") -> dict:
        """Read-only settings and index sizes (the index's folder by its name, not its server path)."""
        described = in_workspace(dossier, workspace).describe()
        return {**described, "index location": Path(str(described["index location"])).name}

    def workspaces() -> list[dict]:
        """The workspaces of the server's data directory: name, and whether it is the server's own."""
        return [{"name": w.name, "server": w.name == dossier.settings.workspace} for w in dossier.workspaces()]

    def settings_view(workspace: str = "") -> dict:
        serving = {"upload limit": human_size(max_upload), "queue size": dossier.settings.queue_max_size,
                   "concurrent answers": dossier.settings.concurrency_limit}
        return {**describe(workspace), **serving}

    def records_view(query: str, sort: str, workspace: str = "") -> tuple[list[dict[str, Any]], Any]:
        rows = filter_records(records_rows(in_workspace(dossier, workspace).records()), query, sort)
        return records_frame(rows), records_figure(rows)

    def all_records_view(query: str, sort: str, workspace: str = ""):
        frame, figure = records_view(query, sort, workspace)
        return frame, figure, "", gr.update(visible=False)

    def refresh(query: str, sort: str, workspace: str = ""):
        docs = in_workspace(dossier, workspace).documents()
        choices = [(f"{d.id} — {d.title}", d.id) for d in docs]
        frame, figure = records_view(query, sort, workspace)
        return (documents_rows(docs), gr.update(choices=choices, value=None), frame, figure, settings_view(workspace))

    def use_workspace(name: str):
        """This session's workspace from now on: its chat starts afresh over that workspace's index."""
        name = name or ""
        in_workspace(dossier, name)  # an unknown or malformed name is refused here, the session unchanged
        return name, active_label(dossier, name), [], sources_html(None), [], {}, gr.update(value=None, visible=False)

    def switcher():
        return gr.update(choices=workspace_choices(dossier), value="")  # a page starts on the server's own

    def export(turns: list[dict] | None, workspace: str = ""):
        """This session's conversation as Markdown, the file its download button serves (none yet when
        nothing was asked)."""
        path = export_file(turns, workspace or dossier.settings.workspace)
        return str(path) if path else None

    def ask_to_remove(document_id: str | None, workspace: str = ""):
        if not document_id:
            return gr.update(visible=False), "Choose a document first."
        summary = next((d for d in in_workspace(dossier, workspace).documents() if d.id == document_id), None)
        if summary is None:
            return gr.update(visible=False), f"{md_escape(document_id)} is no longer indexed."
        what = f"{summary.passages} passages" if summary.kind == "article" else f"{summary.records} records"
        return gr.update(visible=True), (f"Remove **{md_escape(summary.title)}** ({summary.id}) and its {what} "
                                         "from the index? This cannot be undone.")

    def confirm_remove(document_id: str | None, workspace: str = ""):
        try:
            removed = remove(document_id or "", workspace)["removed"]
        except gr.Error as exc:
            return gr.update(visible=False), f"Not removed: {md_escape(str(exc.message))}"
        return gr.update(visible=False), f"Removed {', '.join(md_escape(i) for i in removed)}."

    # -- layout -------------------------------------------------------------------------------------
    with gr.Blocks(title="dossier") as demo:
        with gr.Row(elem_id="dossier-header", equal_height=False):
            gr.Markdown(t("tagline"))
            with gr.Column(scale=0, min_width=260):
                # Choices as the server starts; a workspace created since is typed in (checked by name).
                switch = gr.Dropdown(label=t("investigation"), choices=workspace_choices(dossier), value="",
                                     allow_custom_value=True, interactive=True, elem_id="workspace-switcher")
                active = gr.Markdown(active_label(dossier, ""), elem_id="active-workspace")
        with gr.Tabs():
            with gr.Tab(t("tab_chat"), id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, elem_classes="chat-pane"):
                        chatbot = gr.Chatbot(label=t("answers"), height=520, buttons=["copy"], feedback_options=None,
                                             sanitize_html=True, render_markdown=True, latex_delimiters=[],
                                             elem_id="chatbot",
                                             placeholder=t("chat_placeholder"))
                        question = gr.Textbox(placeholder=t("question_placeholder"), show_label=False,
                                              lines=1, max_lines=4, submit_btn=True, elem_id="question",
                                              autofocus=True)
                        examples = gr.Dataset(components=[question], samples=[[q] for q in EXAMPLES],
                                              label=t("examples"), type="values")
                        with gr.Row():
                            clear = gr.Button(t("new_conversation"), size="sm", variant="secondary")
                            export_button = gr.DownloadButton(t("download_conversation"), size="sm",
                                                              visible=False, elem_id="export-conversation")
                    with gr.Column(scale=2, min_width=320):
                        gr.Markdown(t("sources_heading"))
                        sources = gr.HTML(sources_html(None), elem_id="sources")
            with gr.Tab(t("tab_sources"), id="sources-tab"):
                documents_table = gr.Dataframe(headers=DOCUMENT_COLUMNS, label=t("indexed_documents"),
                                               interactive=False, wrap=True, elem_id="documents")
                with gr.Row(equal_height=False):
                    with gr.Column():
                        files = gr.File(label=t("add_files") + f" ({' '.join(UPLOAD_TYPES)}; up to {human_size(max_upload)} each)",
                                        file_count="multiple", type="filepath",
                                        elem_id="upload-files")
                        replace_box = gr.Checkbox(label=t("replace_same_name"), value=False, elem_id="upload-replace")
                        upload_button = gr.Button(t("add_to_index"), variant="primary")
                        upload_status = gr.Markdown()
                        upload_results = gr.Dataframe(headers=UPLOAD_COLUMNS, label=t("upload_results"),
                                                      interactive=False, wrap=True, elem_id="upload-results")
                        with gr.Accordion(t("raw_upload_report"), open=False):
                            upload_report = gr.JSON(label=t("per_file_results"))
                    with gr.Column():
                        remove_choice = gr.Dropdown(label=t("remove_document"), choices=[], value=None,
                                                    interactive=True, elem_id="remove-choice")
                        remove_button = gr.Button(t("remove"), variant="secondary")
                        remove_message = gr.Markdown(elem_id="remove-message")
                        with gr.Row(visible=False) as confirm_row:
                            confirm_button = gr.Button(t("confirm_removal"), variant="stop")
                            cancel_button = gr.Button(t("cancel"))
            with gr.Tab(t("tab_records"), id="records"):
                with gr.Row():
                    records_filter = gr.Textbox(label=t("filter"), placeholder=t("filter_placeholder"),
                                                scale=3, elem_id="records-filter")
                    records_sort = gr.Dropdown(label=t("sort"), choices=list(SORTS), value="amount, largest first",
                                               scale=1)
                records_table = gr.Dataframe(headers=RECORD_COLUMNS, label=t("procurement_records"), interactive=False,
                                             elem_id="records-table",
                                             column_widths=["64px", "15%", "15%", "84px", "112px", "30%", "15%"],
                                             wrap=True, datatype=["str", "str", "str", "str", "number", "str", "str"])
                records_note = gr.Markdown(elem_id="records-note")
                records_csv = gr.DownloadButton(t("download_records"), visible=False, elem_id="records-csv")
                records_plot = gr.Plot(label=t("amounts"), elem_id="records-plot")
            with gr.Tab(t("tab_settings"), id="settings"):
                gr.Markdown(t("settings_note"))
                settings_json = gr.JSON(label=t("settings_and_index"))

        # -- events ---------------------------------------------------------------------------------
        last_query = gr.State({})
        workspace = gr.State("")  # this browser session's workspace; "" is the server's own
        turns = gr.State([])  # this session's conversation (Turn dicts), for follow-ups and the export
        chat_io = dict(inputs=[question, chatbot, turns, workspace],
                       outputs=[chatbot, sources, question, last_query, turns])
        answer_records_io = dict(inputs=[last_query, records_sort, workspace],
                                 outputs=[records_table, records_plot, records_note, records_csv])
        export_io = dict(inputs=[turns, workspace], outputs=[export_button])
        show_export = dict(fn=lambda asked: gr.update(visible=bool(asked)), inputs=[turns], outputs=[export_button],
                           api_visibility="private", queue=False)
        question.submit(chat_stream, **chat_io, api_name="chat_stream", api_visibility="undocumented").then(
            answer_records_view, **answer_records_io, api_visibility="private").then(
            export, **export_io, api_name="export").then(**show_export)
        examples.click(lambda sample: sample[0], [examples], [question], api_visibility="private",
                       queue=False).then(chat_stream, **chat_io, api_visibility="private").then(
            answer_records_view, **answer_records_io, api_visibility="private").then(
            export, **export_io, api_visibility="private").then(**show_export)
        clear.click(lambda: ([], sources_html(None), "", [], gr.update(value=None, visible=False)), None,
                    [chatbot, sources, question, turns, export_button], api_visibility="private", queue=False)
        chatbot.clear(lambda: ([], gr.update(value=None, visible=False)), None, [turns, export_button],
                      api_visibility="private", queue=False)  # the chat's own bin: the conversation goes too

        refresh_io = dict(inputs=[records_filter, records_sort, workspace],
                          outputs=[documents_table, remove_choice, records_table, records_plot, settings_json])
        demo.load(refresh, **refresh_io, api_name="refresh", api_visibility="undocumented")
        demo.load(switcher, None, [switch], api_visibility="private")
        switch.input(use_workspace, [switch],
                     [workspace, active, chatbot, sources, turns, last_query, export_button],
                     api_name="use_workspace").then(refresh, **refresh_io, api_visibility="private")
        upload_button.click(upload, [files, workspace, replace_box], [upload_report], api_name="upload").then(
            upload_table, [upload_report], [upload_results, upload_status], api_visibility="private").then(
            refresh, **refresh_io, api_visibility="private")
        remove_button.click(ask_to_remove, [remove_choice, workspace], [confirm_row, remove_message],
                            api_visibility="private")
        cancel_button.click(lambda: (gr.update(visible=False), "Nothing removed."), None,
                            [confirm_row, remove_message], api_visibility="private")
        confirm_button.click(confirm_remove, [remove_choice, workspace], [confirm_row, remove_message],
                             api_name="remove_ui", api_visibility="undocumented").then(
            refresh, **refresh_io, api_visibility="private")
        records_filter.change(all_records_view, [records_filter, records_sort, workspace],
                              [records_table, records_plot, records_note, records_csv],
                              api_name="records_view", api_visibility="undocumented")
        records_sort.change(records_view, [records_filter, records_sort, workspace], [records_table, records_plot],
                            api_visibility="private")

        gr.api(chat, api_name="chat")
        gr.api(ask_json, api_name="ask_json")
        gr.api(remove, api_name="remove")
        gr.api(documents, api_name="documents")
        gr.api(records, api_name="records")
        gr.api(records_for_plan, api_name="records_for_plan")
        gr.api(describe, api_name="describe")
        gr.api(workspaces, api_name="workspaces")

    return demo


def serve(settings: Settings, dossier: Any = None) -> None:
    """Build this app over ``dossier`` (by default a started answering engine) and serve until interrupted."""
    serve_blocks(settings, build_app, dossier)


if __name__ == "__main__":
    serve(load_settings())
