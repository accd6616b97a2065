"""The web chat's investigations: the workspace switcher's choices, and a conversation's Markdown export.

A browser session keeps its workspace's name in a ``gr.State`` ("" is the server's own); each handler
reaches that workspace's index through ``dossier.in_workspace(name)``.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from dossier.answer import Conversation, conversation_markdown, write_markdown
from dossier.core.errors import DossierError
from dossier.web.errors import client_error


def in_workspace(dossier: Any, name: str | None) -> Any:
    """The session's workspace's Dossier, or a Gradio error naming why it cannot be opened."""
    try:
        return dossier.in_workspace(name or None)
    except DossierError as exc:
        raise client_error(exc, dossier.settings) from exc


def workspace_choices(dossier: Any) -> list[tuple[str, str]]:
    """(label, value) of every workspace in the server's data directory; "" is the server's own
    workspace, or the index it was started on when that was named directly (--index)."""
    own = dossier.settings.workspace
    choices = [(w.name + (" (this server's)" if w.name == own else ""), "" if w.name == own else w.name)
               for w in dossier.workspaces()]
    if own is None:
        choices.insert(0, (f"index {Path(dossier.settings.index).name} (this server's)", ""))
    return choices


def active_label(dossier: Any, name: str | None) -> str:
    shown = name or dossier.settings.workspace or f"index {Path(dossier.settings.index).name}"
    return f"Workspace: **{shown}**"


def export_file(turns: list[dict[str, Any]] | None, workspace: str | None) -> Path | None:
    """The conversation as Markdown in Gradio's own private temporary folder (where downloads are
    served from), under a name no other session can guess; None when nothing was asked yet."""
    if not turns:
        return None
    exports = Path(gr.utils.get_upload_folder()) / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    text = conversation_markdown(Conversation.from_dicts(turns).turns, workspace=workspace or None)
    return write_markdown(text, exports / f"conversation-{uuid.uuid4().hex[:16]}.md")
