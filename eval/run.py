"""Run a dataset through ``ask()`` and score it: results.json, report.md, optional baseline plot.

With a corpus folder, a fresh index is built in a temporary directory, so the result never depends
on what the user indexed before. Deterministic apart from latency.
"""
from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Any

from dossier.core.errors import DossierError
from dossier.core.settings import Settings
from dossier.eval.dataset import load_dataset
from dossier.eval.report import plot_against_baseline, render_report, result_entry
from dossier.eval.scoring import answer_latency_ms, score_item, summarize

LOWER_IS_BETTER = {"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"}


def run_eval(dataset: Path, settings: Settings, corpus: Path | None = None, answerer: str | None = None) -> dict[str, Any]:
    from dossier.answer import Dossier

    items = load_dataset(dataset)
    with tempfile.TemporaryDirectory(prefix="dossier-eval-") as tmp:
        if corpus is not None:
            if not corpus.is_dir():
                raise DossierError(f"{corpus}: corpus folder not found")
            settings = settings.model_copy(update={"index": Path(tmp) / "index", "chroma_url": None})
        dossier = Dossier(settings)
        if corpus is not None:
            report = dossier.add([corpus])
            if report.rejected:
                raise DossierError("corpus files rejected: " + "; ".join(f"{o.path}: {o.detail}" for o in report.rejected))
        dossier.warm_up()
        records = {record.record_id: record.to_dict() for record, _ in dossier.records()}
        entries, scores, latencies = [], [], []
        for item in items:
            answer = dossier.ask(item.question, answerer=answerer).to_dict()
            score = score_item(item, answer, records)
            entries.append(result_entry(item, answer, score))
            scores.append(score)
            latencies.append(answer_latency_ms(answer))
    return {
        "dataset": str(dataset),
        "corpus": str(corpus) if corpus else str(settings.index),
        "settings": {"embedder": settings.embedder, "chunker": dossier.index.layout,
                     "answerer": answerer or settings.answerer, "top_k": settings.top_k},
        "summary": summarize(scores, latencies),
        "items": entries,
    }


def write_results(results: dict[str, Any], out_dir: Path, baseline: dict[str, Any] | None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "results.json", out_dir / "report.md"]
    written[0].write_text(json.dumps(results, indent=2, ensure_ascii=False, default=_jsonable), encoding="utf-8")
    written[1].write_text(render_report(results, baseline), encoding="utf-8")
    if baseline is not None:
        written.append(plot_against_baseline(results["summary"], baseline.get("summary", baseline),
                                             out_dir / "against-baseline.png"))
    return written


def check_bars(summary: dict[str, Any], under: dict[str, float], over: dict[str, float]) -> list[str]:
    """Metrics below their floor (``--fail-under``) or above their ceiling (``--fail-over``)."""
    failures = []
    for metric, bar in under.items():
        value = summary.get(metric)
        if value is None or value < bar:
            failures.append(f"{metric} = {value} is below {bar}")
    for metric, bar in over.items():
        value = summary.get(metric)
        if value is None or value > bar:
            failures.append(f"{metric} = {value} is above {bar}")
    return failures


def parse_bars(pairs: list[str] | None) -> dict[str, float]:
    bars = {}
    for pair in pairs or []:
        name, _, value = pair.partition("=")
        try:
            bars[name.strip()] = float(value)
        except ValueError as exc:
            raise DossierError(f"bad bar {pair!r}: expected METRIC=NUMBER, e.g. hit_at_5=0.95") from exc
    return bars


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    return str(value)
