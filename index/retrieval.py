"""Hybrid retrieval as a llama-index retriever: dense (Chroma) and BM25 fused by reciprocal rank."""
from __future__ import annotations

from collections.abc import Callable

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

RRF_K = 60  # the usual constant: dampens the head so two lists of different scales fuse fairly


class HybridRetriever(BaseRetriever):
    """Reciprocal rank fusion of a dense and a lexical retriever.

    The lexical side may see a longer query than the dense side (``lexical_query``): key terms of the
    question in the other language, from the bilingual lexicon, help BM25 cross languages while the
    multilingual embedder needs no such help.
    """

    def __init__(
        self,
        dense: BaseRetriever,
        lexical: Callable[[], BaseRetriever | None],
        candidates: int,
        known_ids: Callable[[], set[str]],
    ):
        super().__init__()
        self._dense = dense
        self._lexical = lexical
        self._candidates = candidates
        self._known_ids = known_ids

    def retrieve_hybrid(self, query: str, lexical_query: str | None = None) -> list[NodeWithScore]:
        dense_hits = self._dense.retrieve(QueryBundle(query))
        lexical = self._lexical()
        lexical_hits = lexical.retrieve(QueryBundle(lexical_query or query)) if lexical else []
        return self._fuse([dense_hits, [h for h in lexical_hits if h.score and h.score > 0]])

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self.retrieve_hybrid(query_bundle.query_str)

    def _fuse(self, ranked_lists: list[list[NodeWithScore]]) -> list[NodeWithScore]:
        known = self._known_ids()  # vectors of uncommitted or removed passages are never returned
        fused: dict[str, float] = {}
        nodes: dict[str, TextNode] = {}
        for hits in ranked_lists:
            rank = 0
            for hit in hits:
                node_id = hit.node.node_id
                if node_id not in known:
                    continue
                rank += 1
                fused[node_id] = fused.get(node_id, 0.0) + 1.0 / (RRF_K + rank)
                nodes.setdefault(node_id, hit.node)
        order = sorted(fused, key=lambda nid: (-fused[nid], nid))[: self._candidates]
        return [NodeWithScore(node=nodes[nid], score=fused[nid]) for nid in order]
