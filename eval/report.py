"""The eval report: Markdown for people who never read the code, and a PNG against a baseline.

``results`` is what the eval run saves::

    {"dataset", "corpus", "settings": {"embedder", "chunker", "answerer", "top_k"},
     "summary": summarize(...),
     "items": [result_entry(item, answer, score), ...]}

``baseline`` is an earlier ``results`` (or just its ``summary``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.eval.dataset import EvalItem
from dossier.eval.matching import record_reference
from dossier.eval.scoring import ItemScore, answer_latency_ms, breakdown


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str  # "count", "rate" (0..1), "mean" (an average of counts) or "ms"
    lower_is_better: bool = False


METRICS = (
    Metric("n_answerable", "Answerable items", "count"),
    Metric("n_unanswerable", "Unanswerable items", "count"),
    Metric("hit_at_1", "Hit@1 (a relevant passage ranked first)", "rate"),
    Metric("hit_at_5", "Hit@5 (a relevant passage in the top 5)", "rate"),
    Metric("recall_at_5", "Recall@5 (share of evidence in the top 5)", "rate"),
    Metric("mrr_at_10", "MRR@10", "rate"),
    Metric("fact_recall", "Fact recall (answer states every expected fact)", "rate"),
    Metric("fact_support", "Fact support (stated facts backed by a cited passage)", "rate"),
    Metric("citation_validity", "Citation validity (quote in passage, passage retrieved)", "rate"),
    Metric("abstention_recall", "Abstention recall (unanswerable: abstained, cited nothing)", "rate"),
    Metric("false_refusal_rate", "False-refusal rate (answerable but abstained)", "rate", lower_is_better=True),
    Metric("answer_chars", "Answer length (characters, answers only)", "mean", lower_is_better=True),
    Metric("citations_per_answer", "Citations per answer", "mean"),
    Metric("latency_p50_ms", "Latency p50 (ms)", "ms", lower_is_better=True),
    Metric("latency_p95_ms", "Latency p95 (ms)", "ms", lower_is_better=True),
)
_METRICS_BY_KEY = {metric.key: metric for metric in METRICS}

# Columns of the breakdown tables: a few metrics that read well side by side.
_BREAKDOWN_KEYS = (
    "hit_at_5", "mrr_at_10", "fact_recall", "fact_support", "citation_validity",
    "abstention_recall", "false_refusal_rate", "latency_p50_ms",
)
_BREAKDOWN_HEADERS = ("hit@5", "MRR@10", "fact recall", "fact support", "citation validity",
                      "abstention recall", "false refusals ↓", "p50 ms ↓")


def result_entry(item: EvalItem, answer: Mapping[str, Any], score: ItemScore) -> dict[str, Any]:
    """One element of ``results["items"]``: the item, the Answer JSON, its scores and failure reasons."""
    return {
        "id": item.id,
        "question": item.question,
        "lang": item.lang,
        "answerable": item.answerable,
        "reference_answer": item.answer,
        "facts": [list(group) for group in item.facts],
        "evidence": list(item.evidence),
        "answer": dict(answer),
        "scores": {key: value for key, value in score.to_dict().items() if key != "failures"},
        "failures": list(score.failures),
    }


# ----------------------------------------------------------------------------------------------------
# Markdown


def render_report(results: Mapping[str, Any], baseline: Mapping[str, Any] | None = None) -> str:
    """The whole report: run settings, summary (against ``baseline`` when given), breakdowns, failures."""
    sections = [
        _header(results),
        _summary_section(results.get("summary") or {}, _summary_of(baseline) if baseline else None),
        *_breakdown_sections(results.get("items") or []),
        _failures_section(results.get("items") or []),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _summary_of(results_or_summary: Mapping[str, Any]) -> Mapping[str, Any]:
    return results_or_summary.get("summary", results_or_summary)


def _header(results: Mapping[str, Any]) -> str:
    settings = results.get("settings") or {}
    lines = ["# Eval report", ""]
    lines.append(f"- Dataset: `{results.get('dataset', '?')}`")
    lines.append(f"- Corpus: `{results.get('corpus', '?')}`")
    if settings:
        lines.append("- Settings: " + ", ".join(f"{name} `{value}`" for name, value in settings.items()))
    return "\n".join(lines)


def _summary_section(summary: Mapping[str, Any], baseline: Mapping[str, Any] | None) -> str:
    lines = ["## Summary", ""]
    if baseline is None:
        lines += ["| Metric | Value |", "| --- | ---: |"]
    else:
        lines += ["| Metric | Value | Baseline | Change | Verdict |", "| --- | ---: | ---: | ---: | --- |"]
    for metric in METRICS:
        label = metric.label + (" ↓ lower is better" if metric.lower_is_better else "")
        value = summary.get(metric.key)
        row = [label, _format(value, metric.kind)]
        if baseline is not None:
            previous = baseline.get(metric.key)
            row += [_format(previous, metric.kind), _format_delta(value, previous, metric.kind), _verdict(value, previous, metric)]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Rates are means over the items where they apply (0 to 1); ↓ marks metrics where lower is better."]
    return "\n".join(lines)


def _breakdown_sections(items: list[Mapping[str, Any]]) -> list[str]:
    if not items:
        return []
    scores = [_score_of(item) for item in items]
    latencies = [answer_latency_ms(item.get("answer") or {}) for item in items]
    return [
        _breakdown_table("By question language", breakdown(items, scores, "lang", latencies)),
        _breakdown_table("Answerable vs unanswerable", breakdown(items, scores, "answerable", latencies)),
    ]


def _breakdown_table(title: str, groups: Mapping[str, Mapping[str, Any]]) -> str:
    lines = [f"## {title}", ""]
    lines.append("| Group | Items | " + " | ".join(_BREAKDOWN_HEADERS) + " |")
    lines.append("| --- | ---: | " + " | ".join("---:" for _ in _BREAKDOWN_HEADERS) + " |")
    for label, summary in groups.items():
        count = summary["n_answerable"] + summary["n_unanswerable"]
        cells = [_format(summary.get(key), _METRICS_BY_KEY[key].kind) for key in _BREAKDOWN_KEYS]
        lines.append(f"| {label} | {count} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _failures_section(items: list[Mapping[str, Any]]) -> str:
    failed = [item for item in items if item.get("failures")]
    lines = [f"## Failures ({len(failed)} of {len(items)} items)"]
    if not failed:
        lines += ["", "Every item passed."]
    for item in failed:
        lines += ["", _failure_entry(item)]
    return "\n".join(lines)


def _failure_entry(item: Mapping[str, Any]) -> str:
    answer = item.get("answer") or {}
    kind = "answerable" if item.get("answerable") else "unanswerable (the right answer is an abstention)"
    lines = [f"### {item.get('id')} · {item.get('lang')} · {kind}", ""]
    lines.append(f"**Question:** {item.get('question')}")
    lines.append("")
    lines.append(f"**Answer** (abstained: {'yes' if answer.get('abstained') else 'no'}):")
    lines.append(_blockquote(answer.get("answer") or "(empty)"))
    if item.get("reference_answer"):
        lines += ["", f"**Reference answer:** {item['reference_answer']}"]
    if item.get("facts"):
        groups = ["one of " + " / ".join(f"`{alternative}`" for alternative in group) for group in item["facts"]]
        lines += ["", "**Expected facts** (every line must appear in the answer):"] + [f"- {group}" for group in groups]
    if item.get("evidence"):
        lines += ["", "**Evidence:**"] + [f"- {_describe_evidence(evidence)}" for evidence in item["evidence"]]
    citations = answer.get("citations") or []
    lines += ["", "**Cited quotes:**" if citations else "**Cited quotes:** none"]
    for position, citation in enumerate(citations, start=1):
        source = f"record {citation['record_id']}" if citation.get("record_id") else citation.get("source") or "?"
        lines.append(f"- [{citation.get('n', position)}] \"{_one_line(citation.get('quote') or '')}\" "
                     f"({source}, passage `{citation.get('passage_id')}`)")
    lines += ["", "**Why it failed:**"] + [f"- {reason}" for reason in item["failures"]]
    return "\n".join(lines)


def _describe_evidence(evidence: str) -> str:
    reference = record_reference(evidence)
    return f"procurement record `{reference}`" if reference is not None else f"article span \"{evidence}\""


def _score_of(item: Mapping[str, Any]) -> ItemScore:
    scores = dict(item.get("scores") or {})
    scores.setdefault("item_id", item.get("id", ""))
    scores.setdefault("answerable", bool(item.get("answerable")))
    scores["failures"] = item.get("failures") or []
    return ItemScore.from_dict(scores)


def _blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines() or [""])


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _format(value: Any, kind: str, signed: bool = False) -> str:
    if value is None:
        return "—"
    sign = "+" if signed else ""
    if kind == "count":
        return f"{int(value):{sign}d}"
    if kind == "ms":
        return f"{value:{sign},.0f}"
    if kind == "mean":
        return f"{value:{sign},.1f}"
    return f"{value:{sign}.3f}"


def _format_delta(value: Any, previous: Any, kind: str) -> str:
    if value is None or previous is None:
        return "—"
    return _format(value - previous, kind, signed=True)


def _verdict(value: Any, previous: Any, metric: Metric) -> str:
    if metric.kind == "count" or value is None or previous is None:
        return ""
    tolerance = {"ms": 0.5, "mean": 0.05}.get(metric.kind, 5e-7)  # ignore rounding noise
    if abs(value - previous) <= tolerance:
        return "same"
    improved = (value < previous) if metric.lower_is_better else (value > previous)
    return "better" if improved else "worse"


# ----------------------------------------------------------------------------------------------------
# Chart


def plot_against_baseline(
    summary: Mapping[str, Any], baseline_summary: Mapping[str, Any] | None, path: str | Path
) -> Path:
    """A PNG with the rate metrics (0..1) and the latencies, this run beside the baseline."""
    import matplotlib

    matplotlib.use("Agg")  # no display; safe in tests and on servers
    import matplotlib.pyplot as plt

    path = Path(path)
    runs = [("this run", summary)]
    if baseline_summary is not None:
        runs.insert(0, ("baseline", _summary_of(baseline_summary)))
    panels = [
        ([m for m in METRICS if m.kind == "rate"], "score (0–1; false refusals: lower is better)"),
        ([m for m in METRICS if m.kind == "ms"], "milliseconds (lower is better)"),
    ]
    figure, axes = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [4, 1]})
    width = 0.8 / len(runs)
    for axis, (metrics, ylabel) in zip(axes, panels):
        for run_index, (name, values) in enumerate(runs):
            heights = [values.get(m.key) or 0.0 for m in metrics]
            positions = [i + (run_index - (len(runs) - 1) / 2) * width for i in range(len(metrics))]
            axis.bar(positions, heights, width, label=name)
        axis.set_xticks(range(len(metrics)))
        axis.set_xticklabels([m.key for m in metrics], rotation=35, ha="right", fontsize=8)
        axis.set_ylabel(ylabel)
    axes[0].set_ylim(0, 1.05)
    axes[0].legend()
    figure.suptitle("Eval against baseline" if baseline_summary is not None else "Eval")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
