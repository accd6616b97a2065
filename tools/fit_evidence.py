"""Fit the evidence model (answer/evidence_model.json) on every public question set, and report how it
does on each set when that set is left out of the fit.

    .venv/bin/python tools/fit_evidence.py [--work DIR] [--write]

For every set: its corpus is indexed once under --work (kept between runs), each question is asked
through the rules alone (to know what they answer), and every candidate sentence of its retrieved
passages gets the features of ``dossier.answer.evidence``; a sentence is labelled evidence when it
holds one of the item's evidence spans. A logistic regression is fitted on the sentences; then the two
thresholds are chosen on the questions: ``abstain_below`` (the rules' answer is withdrawn when no
sentence is this likely) and ``answer_above`` (a refused question is answered from a sentence this
likely), maximising answered-right plus abstained-right under a stated false-refusal ceiling.
The sealed news set is never read here.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
POOLS = {  # name: (dataset, corpus)
    "dev": (SHARED / "eval" / "dev.jsonl", SHARED / "corpus"),
    "adversarial": (REPO / "eval" / "datasets" / "adversarial.jsonl", SHARED / "corpus"),
    "probe": (REPO / "eval" / "datasets" / "probe.jsonl", SHARED / "corpus"),
    "probe2": (REPO / "eval" / "datasets" / "probe2.jsonl", SHARED / "corpus"),
    "probe3": (REPO / "eval" / "datasets" / "probe3.jsonl", SHARED / "corpus"),
    "news": (REPO / "eval" / "datasets" / "news.jsonl", REPO / "eval" / "corpora" / "news"),
    "rgb": (SHARED / "eval" / "rgb" / "rgb-dev.jsonl", SHARED / "eval" / "rgb" / "corpus"),
}
FALSE_REFUSAL_CEILING = 0.10  # the stated rate the thresholds are chosen under (pooled over the fit sets)
GRID = [i / 100 for i in range(0, 101, 2)]


@dataclass
class Item:
    pool: str
    item_id: str
    answerable: bool
    rule_abstained: bool
    rule_correct: bool  # answerable: every fact matched; unanswerable: abstained
    features: list[list[float]]
    labels: list[int]


def collect(work: Path, pools: list[str]) -> list[Item]:
    from dossier.answer import Dossier
    from dossier.answer.evidence import candidate_sentences
    from dossier.answer.question import analyse
    from dossier.core.settings import load_settings
    from dossier.core.text import fold
    from dossier.eval import load_dataset, score_item

    items: list[Item] = []
    for pool in pools:
        dataset, corpus_dir = POOLS[pool]
        index_dir = work / f"{corpus_dir.parent.name}-{corpus_dir.name}"
        settings = load_settings(overrides={"index": index_dir})
        dossier = Dossier(settings)
        if dossier.index.passage_count() == 0:
            print(f"indexing {corpus_dir} into {index_dir} …", file=sys.stderr)
            dossier.add([corpus_dir])
        questions = dossier.questions
        records = {record.record_id: record.to_dict() for record, _ in dossier.records()}
        for item in load_dataset(dataset):
            answer = dossier.ask(item.question).to_dict()
            score = score_item(item, answer, records)
            corpus = questions.corpus()
            parsed = analyse(item.question, questions.lexicon)
            retrieved = questions.retrieve(parsed, corpus, settings.top_k)
            evidence = candidate_sentences(parsed, retrieved, corpus, questions.lexicon, questions._similarity)
            spans = [fold(e) for e in item.evidence if not e.startswith("record:")]
            labels = [int(any(_holds(fold(e.span.text), s) for s in spans)) for e in evidence]
            correct = score.fact_recall == 1.0 if item.answerable else bool(answer["abstained"])
            items.append(Item(pool, item.id, item.answerable, bool(answer["abstained"]), correct,
                              [list(e.features) for e in evidence], labels))
        print(f"{pool}: {sum(i.pool == pool for i in items)} questions", file=sys.stderr)
    return items


def _holds(sentence: str, span: str) -> bool:
    """A sentence is evidence when it holds the span, or the span runs over it (long spans cross sentences)."""
    return span in sentence or (len(sentence) > 30 and sentence in span)


def fit_weights(items: list[Item]):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array([f for i in items for f in i.features], dtype=float)
    y = np.array([label for i in items for label in i.labels])
    means, scales = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=2000).fit((x - means) / scales, y)
    return model.coef_[0], float(model.intercept_[0]), means, scales


def probabilities(items: list[Item], weights, bias, means, scales) -> list[tuple[float, bool, bool]]:
    """Per question: the likeliest sentence's probability, whether it is evidence, and whether it meets the
    question's constraints (which the answerer requires before it overturns a refusal)."""
    import numpy as np

    from dossier.answer.evidence import FEATURES

    out = []
    for item in items:
        if not item.features:
            out.append((0.0, False, False))
            continue
        z = bias + ((np.array(item.features) - means) / scales) @ weights
        p = 1 / (1 + np.exp(-z))
        best = int(np.argmax(p))
        named = dict(zip(FEATURES, item.features[best]))
        constraints = named["names_in_corpus"] == 1.0 and named["names_in_passage"] == 1.0 and named["quantities_stated"] == 1.0
        out.append((float(p[best]), bool(item.labels[best]), constraints))
    return out


def outcome(item: Item, likeliest: float, top_is_evidence: bool, constraints_met: bool, abstain_below: float,
            answer_above: float) -> tuple[bool, bool]:
    """(abstained, right) for the rules checked by the model at these thresholds."""
    if not item.rule_abstained:
        if likeliest < abstain_below:
            return True, not item.answerable
        return False, item.rule_correct
    if likeliest >= answer_above and constraints_met:
        return False, item.answerable and top_is_evidence
    return True, not item.answerable


def choose_thresholds(items: list[Item], probs) -> tuple[float, float]:
    best, chosen = -1.0, (0.0, 1.01)
    answerable = [k for k, i in enumerate(items) if i.answerable]
    for low in GRID:
        for high in GRID + [1.01]:
            if high < low:
                continue
            results = [outcome(i, *probs[k], low, high) for k, i in enumerate(items)]
            refusals = sum(results[k][0] for k in answerable) / max(len(answerable), 1)
            if refusals > FALSE_REFUSAL_CEILING and refusals > _rule_refusals(items):
                continue
            value = sum(right for _, right in results) / len(results)
            if value > best + 1e-9:
                best, chosen = value, (low, high)
    return chosen


def _rule_refusals(items: list[Item]) -> float:
    answerable = [i for i in items if i.answerable]
    return sum(i.rule_abstained for i in answerable) / max(len(answerable), 1)


def summary(items: list[Item], probs, low: float, high: float) -> dict[str, float]:
    results = [outcome(i, *probs[k], low, high) for k, i in enumerate(items)]
    answerable = [r for r, i in zip(results, items) if i.answerable]
    unanswerable = [r for r, i in zip(results, items) if not i.answerable]
    rules_ans = [i for i in items if i.answerable]
    rules_un = [i for i in items if not i.answerable]
    return {
        "n": len(items),
        "rules_right_answerable": round(sum(i.rule_correct for i in rules_ans) / max(len(rules_ans), 1), 3),
        "rules_abstention": round(sum(i.rule_correct for i in rules_un) / max(len(rules_un), 1), 3),
        "right_answerable": round(sum(r for _, r in answerable) / max(len(answerable), 1), 3),
        "false_refusals": round(sum(a for a, _ in answerable) / max(len(answerable), 1), 3),
        "abstention": round(sum(r for _, r in unanswerable) / max(len(unanswerable), 1), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/dossier-fit"))
    parser.add_argument("--pools", nargs="*", default=list(POOLS))
    parser.add_argument("--write", action="store_true", help="write answer/evidence_model.json")
    args = parser.parse_args()
    from dossier.answer.evidence import FEATURES, MODEL_FILE

    cache = args.work / "features.json"
    args.work.mkdir(parents=True, exist_ok=True)
    if cache.exists():
        items = [Item(**row) for row in json.loads(cache.read_text())]
        missing = [p for p in args.pools if p not in {i.pool for i in items}]
        if missing:
            items += collect(args.work, missing)
    else:
        items = collect(args.work, args.pools)
    cache.write_text(json.dumps([i.__dict__ for i in items]))
    items = [i for i in items if i.pool in args.pools]

    print("leave one set out (fitted on the others, scored on the one left out):")
    report = {}
    for pool in args.pools:
        train = [i for i in items if i.pool != pool]
        test = [i for i in items if i.pool == pool]
        fitted = fit_weights(train)
        low, high = choose_thresholds(train, probabilities(train, *fitted))
        report[pool] = {**summary(test, probabilities(test, *fitted), low, high), "abstain_below": low,
                        "answer_above": high}
        print(f"  {pool:12s} {report[pool]}")
    weights, bias, means, scales = fit_weights(items)
    probs = probabilities(items, weights, bias, means, scales)
    low, high = choose_thresholds(items, probs)
    print("fitted on all:", dict(zip(FEATURES, [round(float(w), 3) for w in weights])), "bias", round(bias, 3),
          "abstain_below", low, "answer_above", high)
    for pool in args.pools:
        chosen = [k for k, i in enumerate(items) if i.pool == pool]
        print(f"  in-sample {pool:12s}", summary([items[k] for k in chosen], [probs[k] for k in chosen], low, high))
    if args.write:
        MODEL_FILE.write_text(json.dumps({
            "features": list(FEATURES), "weights": [round(float(w), 6) for w in weights], "bias": round(bias, 6),
            "means": [round(float(m), 6) for m in means], "scales": [round(float(s), 6) for s in scales],
            "abstain_below": low, "answer_above": high, "false_refusal_ceiling": FALSE_REFUSAL_CEILING,
            "fitted_on": {p: sum(i.pool == p for i in items) for p in args.pools},
            "leave_one_set_out": report,
        }, indent=2) + "\n")
        print(f"wrote {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
