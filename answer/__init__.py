"""answer: ``ask()`` and what it is made of. The app, the CLI and the eval import only these names.

Names resolve on first use, so importing ``answer`` stays cheap: the web process starts the engine
(``start_engine``) without importing llama-index or Chroma itself.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Conversation", "Dossier", "RemoteDossier", "Turn", "ask", "conversation_markdown", "create_workspace",
           "delete_workspace", "get_dossier", "inline_quote", "list_workspaces", "placed_marks", "start_engine",
           "use_workspace", "write_markdown"]
_HOME = {"Dossier": "dossier.answer.service", "ask": "dossier.answer.service", "get_dossier": "dossier.answer.service",
         "RemoteDossier": "dossier.answer.engine", "start_engine": "dossier.answer.engine",
         "inline_quote": "dossier.answer.compose",
         "Conversation": "dossier.answer.conversation", "Turn": "dossier.answer.conversation",
         "conversation_markdown": "dossier.answer.export", "placed_marks": "dossier.answer.export",
         "write_markdown": "dossier.answer.export",
         **{name: "dossier.answer.workspaces" for name in ("list_workspaces", "create_workspace", "use_workspace",
                                                           "delete_workspace")}}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'answer' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOME[name]), name)
