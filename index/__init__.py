"""index: passages chunked to the embedder's window, kept in step across the registry, Chroma and BM25.

The answerer and the interfaces use only these names. They resolve on first use, so importing
``dossier.index`` stays cheap; llama-index and Chroma load when an index is opened.
"""
from __future__ import annotations

from typing import Any

__all__ = ["DossierIndex", "IngestReport", "open_index", "removal_claim"]
_HOME = {"DossierIndex": "dossier.index.service", "IngestReport": "dossier.index.reports",
         "open_index": "dossier.index.wiring", "removal_claim": "dossier.index.lock"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'dossier.index' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOME[name]), name)
