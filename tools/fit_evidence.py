"""Fit the evidence model (answer/evidence_model.json) on every public question set, and report how it
does on each set when that set is left out of the fit.

    .venv/bin/python tools/fit_evidence.py [--work DIR] [--write]

For every set: its corpus is indexed once under --work (kept between runs), each question is asked
through the rules alone (to know what they answer and which fact groups their answer states), and every
candidate sentence of its retrieved passages gets the features of ``dossier.answer.evidence`` and the
fact groups it states; a sentence is labelled evidence when it holds one of the item's evidence spans.
A logistic regression is fitted on the sentences; then the answerer's ``EvidencePolicy`` is chosen on
the questions (how many likeliest sentences join the rules' quotes, when a likely sentence answers a
refused question, when no likely sentence withdraws an answer), for the most questions right under a
stated false-refusal ceiling, an answer being right when its quotes state every fact group.
The sealed news set is never read here.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from dossier.answer.evidence import FEATURES, MODEL_FILE, EvidencePolicy, constraints_met

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
    fact_groups: int = 0  # how many fact groups the item has (0: unanswerable)
    sentence_facts: list[list[int]] | None = None  # per sentence: the fact groups it states
    rules_facts: list[int] | None = None  # the fact groups the rules' answer states


def collect(work: Path, pools: list[str]) -> list[Item]:
    from dossier.answer import Dossier
    from dossier.answer.evidence import candidate_sentences
    from dossier.core.settings import load_settings
    from dossier.core.text import fold
    from dossier.eval import load_dataset, score_item
    from dossier.eval.matching import matching_alternative

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
        questions.answerer("extractive").evidence_model = None  # what the rules alone answer
        records = {record.record_id: record.to_dict() for record, _ in dossier.records()}
        for item in load_dataset(dataset):
            answer = dossier.ask(item.question).to_dict()
            score = score_item(item, answer, records)
            corpus = questions.corpus()
            parsed, scope = questions.scoped(questions.understood(item.question), corpus)
            retrieved = questions.retrieve(parsed, corpus, settings.top_k, scope)
            evidence = candidate_sentences(parsed, retrieved, corpus, questions.lexicon, questions._similarity)
            spans = [fold(e) for e in item.evidence if not e.startswith("record:")]
            labels = [int(any(_holds(fold(e.span.text), s) for s in spans)) for e in evidence]
            correct = score.fact_recall == 1.0 if item.answerable else bool(answer["abstained"])
            groups = list(item.facts) if item.answerable else []

            def stated(text: str) -> list[int]:
                return [g for g, group in enumerate(groups) if matching_alternative(group, [text])]

            items.append(Item(pool, item.id, item.answerable, bool(answer["abstained"]), correct,
                              [list(e.features) for e in evidence], labels, len(groups),
                              [stated(e.span.text) for e in evidence],
                              [] if answer["abstained"] else stated(answer["answer"])))
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


def probabilities(items: list[Item], weights, bias, means, scales) -> list[list[float]]:
    """Per question: the probability of each candidate sentence."""
    import numpy as np

    out = []
    for item in items:
        if not item.features:
            out.append([])
            continue
        z = bias + ((np.array(item.features) - means) / scales) @ weights
        out.append([float(v) for v in 1 / (1 + np.exp(-z))])
    return out


def outcome(item: Item, probs: list[float], policy: EvidencePolicy) -> tuple[bool, bool, int]:
    """(abstained, right, sentences the model added) for the rules completed by the model under ``policy``."""
    likeliest = max(probs, default=0.0)
    picks = policy.picks(probs) if probs else []
    facts = {g for j in picks for g in (item.sentence_facts or [])[j]}
    if not item.rule_abstained:
        if likeliest < policy.abstain_below:
            return True, not item.answerable, 0
        got = set(item.rules_facts or []) | facts
        return False, item.answerable and len(got) == item.fact_groups, len(picks)
    best = max(range(len(probs)), key=lambda j: probs[j]) if probs else None
    if best is not None and likeliest >= policy.answer_above and constraints_met(item.features[best]):
        return False, item.answerable and len(facts) == item.fact_groups, len(picks)
    return True, not item.answerable, 0


def choose_policy(items: list[Item], probs: list[list[float]]) -> EvidencePolicy:
    """The policy with the most questions right under the false-refusal ceiling; of equals, the one
    adding the fewest sentences (answers stay short)."""
    best, chosen = (-1.0, 0.0), EvidencePolicy(0.0, 1.01, 0, 1.0)
    answerable = [k for k, i in enumerate(items) if i.answerable]
    for added, relative in [(0, 1.0)] + [(a, r) for a in (1, 2) for r in (0.9, 0.7, 0.5, 0.3)]:
        for low in GRID[:26]:
            for high in GRID[20:] + [1.01]:
                policy = EvidencePolicy(low, high, added, relative)
                results = [outcome(i, probs[k], policy) for k, i in enumerate(items)]
                refusals = sum(results[k][0] for k in answerable) / max(len(answerable), 1)
                if refusals > FALSE_REFUSAL_CEILING and refusals > _rule_refusals(items):
                    continue
                value = (sum(right for _, right, _ in results) / len(results),
                         -sum(n for _, _, n in results) / len(results))
                if value[0] > best[0] + 1e-9 or (abs(value[0] - best[0]) <= 1e-9 and value[1] > best[1] + 1e-9):
                    best, chosen = value, policy
    return chosen


def _rule_refusals(items: list[Item]) -> float:
    answerable = [i for i in items if i.answerable]
    return sum(i.rule_abstained for i in answerable) / max(len(answerable), 1)


def summary(items: list[Item], probs: list[list[float]], policy: EvidencePolicy) -> dict[str, float]:
    results = [outcome(i, probs[k], policy) for k, i in enumerate(items)]
    answerable = [r for r, i in zip(results, items) if i.answerable]
    unanswerable = [r for r, i in zip(results, items) if not i.answerable]
    rules_ans = [i for i in items if i.answerable]
    rules_un = [i for i in items if not i.answerable]
    answered = [n for abstained, _, n in results if not abstained]
    return {
        "n": len(items),
        "rules_right_answerable": round(sum(i.rule_correct for i in rules_ans) / max(len(rules_ans), 1), 3),
        "rules_abstention": round(sum(i.rule_correct for i in rules_un) / max(len(rules_un), 1), 3),
        "right_answerable": round(sum(r for _, r, _ in answerable) / max(len(answerable), 1), 3),
        "false_refusals": round(sum(a for a, _, _ in answerable) / max(len(answerable), 1), 3),
        "abstention": round(sum(r for _, r, _ in unanswerable) / max(len(unanswerable), 1), 3),
        "sentences_added": round(sum(answered) / max(len(answered), 1), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/dossier-fit"))
    parser.add_argument("--pools", nargs="*", default=list(POOLS))
    parser.add_argument("--write", action="store_true", help="write answer/evidence_model.json")
    args = parser.parse_args()
    cache = args.work / "features.json"
    args.work.mkdir(parents=True, exist_ok=True)
    if cache.exists():
        items = [Item(**{k: v for k, v in row.items() if k in Item.__dataclass_fields__})
                 for row in json.loads(cache.read_text())]
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
        policy = choose_policy(train, probabilities(train, *fitted))
        report[pool] = {**summary(test, probabilities(test, *fitted), policy), **policy.__dict__}
        print(f"  {pool:12s} {report[pool]}")
    weights, bias, means, scales = fit_weights(items)
    probs = probabilities(items, weights, bias, means, scales)
    policy = choose_policy(items, probs)
    print("fitted on all:", dict(zip(FEATURES, [round(float(w), 3) for w in weights])), "bias", round(bias, 3),
          policy)
    for pool in args.pools:
        chosen = [k for k, i in enumerate(items) if i.pool == pool]
        print(f"  in-sample {pool:12s}", summary([items[k] for k in chosen], [probs[k] for k in chosen], policy))
    if args.write:
        MODEL_FILE.write_text(json.dumps({
            "features": list(FEATURES), "weights": [round(float(w), 6) for w in weights], "bias": round(bias, 6),
            "means": [round(float(m), 6) for m in means], "scales": [round(float(s), 6) for s in scales],
            **policy.__dict__, "false_refusal_ceiling": FALSE_REFUSAL_CEILING,
            "fitted_on": {p: sum(i.pool == p for i in items) for p in args.pools},
            "leave_one_set_out": report,
        }, indent=2) + "\n")
        print(f"wrote {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
