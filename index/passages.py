"""A document cut into the passages the index stores: an article into chunks of the embedder's window,
a records file into one passage per record (its readable rendering, what a citation quotes)."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from dossier.core.text import sentences
from dossier.core.types import Document, Passage, Record
from dossier.index.chunker import chunk_text
from dossier.index.embedders import EmbedderSpec


def build_passages(document: Document, embedder: EmbedderSpec, chunk_tokens: int, fit_records: bool) -> list[Passage]:
    """``fit_records``: records are embedded, so each must fit the embedder's window."""
    if document.kind == "records":
        return record_passages(document, document.records, 0, embedder, fit_records)
    chunks = chunk_text(document.id, document.text, sentences, embedder.count_tokens, embedder.passage_budget,
                        chunk_tokens)
    return [
        Passage(passage_id=f"{document.id}-{c.ordinal:04d}", document_id=document.id, kind="text", text=c.text,
                source=document.source_name, title=document.title, language=document.language,
                start=c.start, end=c.end, ordinal=c.ordinal)
        for c in chunks
    ]


def record_passages(document: Document, records: Iterable[Record], first: int, embedder: EmbedderSpec,
                    fit_records: bool) -> list[Passage]:
    """One passage per record, numbered on from ``first`` (a streamed file comes in batches)."""
    return [Passage(passage_id=f"{document.id}-r{i:05d}", document_id=document.id, kind="record",
                    text=fit_record(record, embedder) if fit_records else record.render(),
                    source=document.source_name, title=document.title, language="en",
                    record_id=record.record_id, ordinal=i)
            for i, record in enumerate(records, start=first)]


def fit_record(record: Record, embedder: EmbedderSpec) -> str:
    """One record is one passage, never split, never longer than the model reads: shorten the
    description, then drop it, then keep only the key fields, then cut the text at the window."""
    def fits(text: str) -> bool:
        return embedder.count_tokens(text) <= embedder.passage_budget

    text = record.render()
    while not fits(text) and record.description and len(record.description) > 40:
        record = dataclasses.replace(record, description=record.description[: len(record.description) // 2] + "…")
        text = record.render()
    for shorter in (dataclasses.replace(record, description=None),
                    dataclasses.replace(record, description=None, product_or_service=None, extra={},
                                        permalink=None, agency=None, sub_agency=None)):
        if fits(text):
            break
        text = shorter.render()
    while not fits(text):
        text = text[: int(len(text) * 0.9)].rstrip() + "…"
    return text
