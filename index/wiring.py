"""The one place where llama-index and Chroma objects are built from settings."""
from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from dossier.core.errors import BackendUnavailable, ConfigError
from dossier.core.settings import Settings, apply_offline_env
from dossier.index.chunker import CHUNKER_VERSION
from dossier.index.embedders import build_embedder
from dossier.index.records_table import RecordsTable
from dossier.index.registry import Registry
from dossier.index.service import DossierIndex
from dossier.ingest import IngestLimits


def collection_name(embedder_identity: str, chunk_tokens: int) -> str:
    """Encodes model, chunker version and size, so switching any of them never mixes vectors."""
    raw = f"dossier-{embedder_identity}-{CHUNKER_VERSION}-t{chunk_tokens}"
    return re.sub(r"[^a-zA-Z0-9._-]", "-", raw)[:60]


def shared_collection_name(layout: str, registry: Registry) -> str:
    """The collection of an index on a Chroma server, which other indexes (workspaces) may use too: its layout
    and the index's own id, made at its first opening and kept in its registry, so that no index sees another's
    vectors or sweeps them as orphans of its own. An index that had vectors there before ids were given keeps
    the bare layout name it was written under."""
    store_id = registry.get_meta("store_id")
    if store_id is None:
        with registry.transaction() as db:
            had_passages = db.execute("SELECT 1 FROM passages LIMIT 1").fetchone() is not None
            db.execute("INSERT INTO meta(key, value) VALUES('store_id', ?) ON CONFLICT(key) DO NOTHING",
                       ("" if had_passages else secrets.token_hex(4),))
        store_id = registry.get_meta("store_id")
    return f"{layout[:51]}-{store_id}" if store_id else layout


def chroma_client(settings: Settings, directory: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(f"--chroma-url {settings.chroma_url!r}: expected http://host:port")
        try:
            client = chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                         settings=chroma_settings)
            client.heartbeat()
        except Exception as exc:
            raise BackendUnavailable(f"Chroma server at {settings.chroma_url} is not reachable: {exc}") from exc
        return client
    return chromadb.PersistentClient(path=str(directory / "chroma"), settings=chroma_settings)


# One embedder (its weights loaded once) for every index a process opens: a server's workspaces share it.
shared_embedder = lru_cache(maxsize=4)(build_embedder)


def open_index(settings: Settings) -> DossierIndex:
    """Build the index service: registry, embedder, Chroma collection, vector store, dense retriever."""
    apply_offline_env()
    from llama_index.core import VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    directory = Path(settings.index).expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{directory}: cannot create the index directory ({exc.strerror})") from exc
    embedder = shared_embedder(settings.embedder, settings.embedder_path)
    layout = collection_name(embedder.identity, settings.chunk_tokens)
    client = chroma_client(settings, directory)
    registry = Registry(directory / "registry.sqlite3")
    # embedding_function=None: we always pass our own vectors (Chroma's default would download ONNX).
    collection = client.get_or_create_collection(
        shared_collection_name(layout, registry) if settings.chroma_url else layout,
        embedding_function=None, metadata={"hnsw:space": "cosine"})
    vector_store = ChromaVectorStore(chroma_collection=collection)
    # embed_model passed explicitly: llama-index would otherwise reach for its global OpenAI default.
    vector_index = VectorStoreIndex.from_vector_store(vector_store, embed_model=embedder.embedding)

    def dense_retriever(top_k: int):
        return vector_index.as_retriever(similarity_top_k=top_k)

    return DossierIndex(
        directory=directory,
        registry=registry,
        # Procurement records as a DuckDB table beside the registry, derived from it (index/records_table.py).
        records_table=RecordsTable(directory / "records.duckdb", registry.generation),
        embedder=embedder,
        vector_store=vector_store,
        collection=collection,
        dense_retriever_factory=dense_retriever,
        layout=layout,
        chunk_tokens=settings.chunk_tokens,
        embed_records=settings.embed_records,
        limits=IngestLimits(max_file_bytes=settings.max_file_bytes, max_pdf_pages=settings.max_pdf_pages,
                            max_document_chars=settings.max_document_chars, max_csv_rows=settings.max_csv_rows,
                            max_unpacked_bytes=settings.max_unpacked_bytes,
                            max_csv_bytes=settings.max_csv_bytes, parse_seconds=settings.parse_seconds,
                            parse_memory_bytes=settings.parse_memory_bytes),
        lock_timeout_s=settings.lock_timeout_s,
        shared_store=bool(settings.chroma_url),
    )
