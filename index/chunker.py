"""Cut a document's text into passages that fit the embedder's real window.

Boundaries fall between sentences (a sentence longer than the window is cut between words), and
each chunk keeps its character offsets, so ``document.text[start:end] == chunk.text`` always holds
and a quote can be highlighted in its source.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from dossier.core.types import Chunk

CHUNKER_VERSION = "sent3"  # bumped when chunk boundaries change, so old vectors are never reused

SentenceSplitter = Callable[[str], list[tuple[int, int]]]
TokenCounter = Callable[[str], int]


def chunk_text(
    document_id: str,
    text: str,
    split_sentences: SentenceSplitter,
    count_tokens: TokenCounter,
    max_tokens: int,
    target_tokens: int,
) -> list[Chunk]:
    """Greedy packing of whole sentences up to ``target_tokens``, never over ``max_tokens``."""
    target = min(target_tokens, max_tokens)
    pieces: list[tuple[int, int, int]] = []  # (start, end, tokens) of sentences or sentence parts
    for start, end in split_sentences(text):
        pieces.extend(_fit_piece(text, start, end, count_tokens, max_tokens))

    chunks: list[Chunk] = []
    group: list[tuple[int, int, int]] = []

    def flush() -> None:
        if group:
            start, end = group[0][0], group[-1][1]
            chunks.append(Chunk(document_id, len(chunks), text[start:end], start, end))
            group.clear()

    for piece in pieces:
        if group:
            span = text[group[0][0] : piece[1]]
            crosses_paragraph = "\n\n" in text[group[-1][1] : piece[0]]
            if count_tokens(span) > target or (crosses_paragraph and _tokens(group) >= target // 2):
                flush()
        group.append(piece)
    flush()
    return chunks


def _tokens(group: list[tuple[int, int, int]]) -> int:
    return sum(tokens for _, _, tokens in group)


_WORD = re.compile(r"\S+")


def _fit_piece(
    text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int
) -> list[tuple[int, int, int]]:
    """A sentence as one piece, or cut between words into pieces that each fit the window."""
    tokens = count_tokens(text[start:end])
    if tokens <= max_tokens:
        return [(start, end, tokens)]
    parts: list[tuple[int, int, int]] = []
    part_start = None
    last_end = start
    for word in _WORD.finditer(text, start, end):
        if part_start is None:
            part_start = word.start()
        elif count_tokens(text[part_start : word.end()]) > max_tokens:
            parts.append((part_start, last_end, count_tokens(text[part_start:last_end])))
            part_start = word.start()
        last_end = word.end()
    if part_start is not None:
        parts.append((part_start, last_end, count_tokens(text[part_start:last_end])))
    return parts
