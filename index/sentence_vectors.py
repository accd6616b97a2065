"""Vectors of article sentences, kept beside the index so a question's candidate sentences are scored
by meaning without re-embedding them.

The index owns sentences: it splits passages with ``dossier.core.text.sentences`` and keys each
vector by (passage_id, start, end), the same spans the answerer cites. The file is a cache: written
whole to a temporary file then renamed, rebuilt when unreadable, never trusted blindly.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from dossier.core.text import sentences
from dossier.core.types import Passage

MAX_KEPT_SPAN_VECTORS = 200_000  # about 300 MB of 384-d vectors at most

SpanKey = tuple[str, int, int]


def unit(vector: Any) -> Any:
    import numpy as np

    v = np.asarray(vector, dtype=np.float32)
    return v / (np.linalg.norm(v) or 1.0)


class SentenceVectors:
    """A (passage_id, start, end) -> unit vector map, loaded lazily from ``path`` and saved atomically."""

    def __init__(self, path: Path, embed_texts: Callable[[list[str]], list[Any]]):
        self.path = path
        self._embed_texts = embed_texts
        self._kept: dict[SpanKey, Any] | None = None
        self._unsaved = False  # embedded without saving (save=False) since the file was written
        self._lock = threading.Lock()

    @classmethod
    def beside(cls, directory: Path, layout: str, embed_texts: Callable[[list[str]], list[Any]]) -> SentenceVectors:
        return cls(directory / f"sentence-vectors-{re.sub(r'[^A-Za-z0-9_.-]+', '_', layout)}.npz", embed_texts)

    def kept(self) -> dict[SpanKey, Any]:
        if self._kept is None:
            with self._lock:
                if self._kept is None:
                    self._kept = self._load()
        return self._kept

    def forget(self) -> None:
        """Drop what is in memory; the next use reads the file again, as a new process would."""
        self._kept = None
        self._unsaved = False

    def remember(self, key: SpanKey, vector: Any) -> None:
        kept = self.kept()
        if len(kept) < MAX_KEPT_SPAN_VECTORS:
            kept[key] = vector

    def embed_articles(self, passages: Iterable[Passage], save: bool = True) -> int:
        """Embed every article sentence not embedded yet, in batches, and save the cache. Returns how many
        were new. Sentences of passages no longer given are dropped from the file. ``save=False``: only
        embed (a writer's group of new articles); the writer's last call, given every passage, saves."""
        import numpy as np

        kept = self.kept()
        current: dict[SpanKey, Any] = {}
        missing: list[tuple[SpanKey, str]] = []
        for passage in passages:
            if passage.kind != "text":
                continue
            for start, end in sentences(passage.text):
                key = (passage.passage_id, start, end)
                if key in kept:
                    current[key] = kept[key]
                else:
                    missing.append((key, passage.text[start:end]))
        # One call: the embedder sorts them by length and cuts its own batches.
        for (key, _text), vector in zip(missing, self._embed_texts([text for _key, text in missing])):
            kept[key] = current[key] = unit(vector)
        self._unsaved |= bool(missing)
        if save and (self._unsaved or not self.path.exists()):
            self._save(current, np)
            self._unsaved = False
        return len(missing)

    def _save(self, current: dict[SpanKey, Any], np: Any) -> None:
        keys = sorted(current)
        partial = self.path.with_suffix(".partial.npz")
        vectors = np.array([current[k] for k in keys], dtype=np.float32) if keys else np.zeros((0, 0), np.float32)
        try:
            np.savez(partial, ids=np.array([k[0] for k in keys], dtype=str),
                     bounds=np.array([k[1:] for k in keys], dtype=np.int64).reshape(-1, 2), vectors=vectors)
            partial.replace(self.path)
        except OSError:  # only a cache: the ingest stands, the sentences are embedded when first needed
            partial.unlink(missing_ok=True)

    def _load(self) -> dict[SpanKey, Any]:
        import numpy as np

        if not self.path.exists():
            return {}
        try:
            with np.load(self.path) as saved:
                return {(str(i), int(b[0]), int(b[1])): v
                        for i, b, v in zip(saved["ids"], saved["bounds"], saved["vectors"])}
        except (OSError, ValueError, KeyError):  # an unreadable cache is rebuilt, never trusted
            return {}
