"""answer: ``ask()`` and what it is made of. The app, the CLI and the eval import only these names.

Names resolve on first use, so importing ``answer`` stays cheap: the web process starts the engine
(``start_engine``) without importing llama-index or Chroma itself.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Dossier", "RemoteDossier", "ask", "get_dossier", "inline_quote", "start_engine"]
_HOME = {"Dossier": "dossier.answer.service", "ask": "dossier.answer.service", "get_dossier": "dossier.answer.service",
         "RemoteDossier": "dossier.answer.engine", "start_engine": "dossier.answer.engine",
         "inline_quote": "dossier.answer.compose"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'answer' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOME[name]), name)
