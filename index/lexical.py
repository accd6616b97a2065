"""BM25 over the same passages as Chroma, with the bilingual stemming of ``dossier.core.lexical``,
persisted beside it."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from llama_index.core.schema import TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from dossier.core import faults
from dossier.core.lexical import STEMMER, STOPWORDS, TOKEN_PATTERN


def build_bm25(nodes: list[TextNode], top_k: int) -> BM25Retriever | None:
    """A BM25 retriever over these nodes; None for an empty index (BM25 cannot hold zero documents)."""
    if not nodes:
        return None
    return BM25Retriever.from_defaults(
        nodes=nodes,
        similarity_top_k=min(top_k, len(nodes)),
        stemmer=STEMMER,
        language=list(STOPWORDS),
        token_pattern=TOKEN_PATTERN,
    )


class BM25Store:
    """Persists BM25 generations as ``gen-N/`` folders behind an atomically replaced ``CURRENT`` file."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    def _current(self) -> dict | None:
        pointer = self.directory / "CURRENT"
        if not pointer.exists():
            return None
        try:
            return json.loads(pointer.read_text())
        except (OSError, json.JSONDecodeError):
            return None

    def generation(self) -> int | None:
        """The registry generation the persisted BM25 reflects; None when nothing readable is persisted."""
        current = self._current()
        return current.get("generation") if current else None

    def load(self, generation: int, top_k: int) -> BM25Retriever | None:
        """The persisted retriever when it matches the registry's generation, else None (caller rebuilds)."""
        current = self._current()
        if not current or current.get("generation") != generation or current.get("empty"):
            return None
        path = self.directory / current["folder"]
        try:
            retriever = BM25Retriever.from_persist_dir(str(path), show_progress=False)
        except Exception:  # a damaged copy is rebuilt from the registry, never trusted
            return None
        retriever.stemmer = STEMMER
        retriever.similarity_top_k = min(top_k, int(retriever.bm25.scores.get("num_docs", top_k)))
        return retriever

    def save(self, retriever: BM25Retriever | None, generation: int) -> None:
        folder = f"gen-{generation}"
        target = self.directory / folder
        shutil.rmtree(target, ignore_errors=True)
        if retriever is not None:
            faults.reached("bm25-persist")
            # The stemmer is a function, not JSON: persist without it and set it again on load.
            stemmer, retriever.stemmer = retriever.stemmer, None
            try:
                retriever.persist(str(target), show_progress=False)
            finally:
                retriever.stemmer = stemmer
        tmp = self.directory / "CURRENT.tmp"
        tmp.write_text(json.dumps({"generation": generation, "folder": folder, "empty": retriever is None}))
        os.replace(tmp, self.directory / "CURRENT")
        for old in self.directory.glob("gen-*"):
            if old.name != folder:
                shutil.rmtree(old, ignore_errors=True)
