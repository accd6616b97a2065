"""Scoring one answer against one eval item, and summarising many: pure functions, no I/O.

The rules are those of the eval README (``../shared/eval/README.md``): folded text comparison,
number-aware facts, retrieval relevance by evidence span or record, fact support by cited passages,
citation validity, abstention. An answer is the JSON of ``dossier.core.types.Answer.to_dict()``; records
are ``Record.to_dict()`` keyed by ``record_id``.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from dossier.core.text import fold
from dossier.eval.matching import covers, matching_alternative

RETRIEVAL_DEPTH = 5  # hit@5, recall@5
RECIPROCAL_RANK_DEPTH = 10  # MRR@10

SUMMARY_KEYS = (
    "n_answerable",
    "n_unanswerable",
    "hit_at_1",
    "hit_at_5",
    "recall_at_5",
    "mrr_at_10",
    "fact_recall",
    "fact_support",
    "citation_validity",
    "abstention_recall",
    "false_refusal_rate",
    "answer_chars",
    "citations_per_answer",
    "latency_p50_ms",
    "latency_p95_ms",
)



# ----------------------------------------------------------------------------------------------------
# One item


@dataclass(frozen=True)
class ItemScore:
    """Scores of one answer; None where a metric does not apply (e.g. retrieval on unanswerable items)."""

    item_id: str
    answerable: bool
    hit_at_1: float | None = None
    hit_at_5: float | None = None
    recall_at_5: float | None = None
    reciprocal_rank_at_10: float | None = None
    fact_recall: float | None = None
    fact_support: float | None = None
    citation_validity: float | None = None
    false_refusal: float | None = None  # answerable only
    abstention_correct: float | None = None  # unanswerable only
    answer_chars: float | None = None  # precision: how long a given answer is (answers only, not abstentions)
    citations: float | None = None  # and how many citations it carries
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ItemScore:
        """Rebuild from ``to_dict()`` output (unknown keys ignored), e.g. from a saved results file."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["failures"] = list(values.get("failures") or [])
        return cls(**values)


def score_item(item: Any, answer: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]]) -> ItemScore:
    """Score ``answer`` (Answer JSON) for ``item`` (an ``EvalItem`` or a dict of the dataset schema)."""
    item_id = str(_field(item, "id"))
    answerable = bool(_field(item, "answerable"))
    citations = list(answer.get("citations") or [])
    retrieved = sorted(answer.get("retrieved") or [], key=lambda r: r.get("rank", 0))
    abstained = bool(answer.get("abstained"))

    validity, citation_failures = _citation_validity(citations, retrieved, records)
    precision = {} if abstained else {"answer_chars": float(len(answer.get("answer") or "")),
                                      "citations": float(len(citations))}
    if not answerable:
        verdict = []
        if not abstained:
            verdict = ["answered an unanswerable question"]
        elif citations:
            verdict = [f"abstained but cited {len(citations)} passage(s) on an unanswerable question"]
        return ItemScore(
            item_id,
            False,
            citation_validity=validity,
            abstention_correct=float(abstained and not citations),
            failures=verdict + citation_failures,
            **precision,
        )

    retrieval, retrieval_failures = _retrieval_scores(list(_field(item, "evidence") or []), retrieved, records)
    facts = [list(group) for group in _field(item, "facts") or []]
    fact_recall, fact_support, fact_failures = _fact_scores(facts, answer, citations, retrieved, records, abstained)
    refusal = ["abstained on an answerable question"] if abstained else []
    return ItemScore(
        item_id,
        True,
        **retrieval,
        fact_recall=fact_recall,
        fact_support=fact_support,
        citation_validity=validity,
        false_refusal=float(abstained),
        failures=refusal + fact_failures + retrieval_failures + citation_failures,
        **precision,
    )


def _field(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, Mapping) else getattr(item, name)


def _retrieval_scores(
    evidence: list[str], retrieved: list[Mapping[str, Any]], records: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, float | None], list[str]]:
    if not evidence:
        return {}, []
    covered_by_rank = []
    for passage in retrieved[:RECIPROCAL_RANK_DEPTH]:
        folded_text = fold(passage.get("text") or "")
        covered_by_rank.append({i for i, item in enumerate(evidence) if covers(passage, folded_text, item, records)})
    first_relevant = next((rank for rank, covered in enumerate(covered_by_rank, start=1) if covered), None)
    covered_in_depth = set().union(*covered_by_rank[:RETRIEVAL_DEPTH])
    scores = {
        "hit_at_1": float(first_relevant == 1),
        "hit_at_5": float(first_relevant is not None and first_relevant <= RETRIEVAL_DEPTH),
        "recall_at_5": len(covered_in_depth) / len(evidence),
        "reciprocal_rank_at_10": 1.0 / first_relevant if first_relevant else 0.0,
    }
    failures = []
    if not covered_in_depth:
        failures.append(f"no relevant passage in top {RETRIEVAL_DEPTH} (evidence: {_quoted_list(evidence)})")
    elif len(covered_in_depth) < len(evidence):
        missing = [item for index, item in enumerate(evidence) if index not in covered_in_depth]
        failures.append(f"evidence not retrieved in top {RETRIEVAL_DEPTH}: {_quoted_list(missing)}")
    return scores, failures


def _fact_scores(
    facts: list[list[str]],
    answer: Mapping[str, Any],
    citations: list[Mapping[str, Any]],
    retrieved: list[Mapping[str, Any]],
    records: Mapping[str, Mapping[str, Any]],
    abstained: bool,
) -> tuple[float | None, float | None, list[str]]:
    """(fact recall, fact support, failures). Recall is 1.0 only when every group is matched; support is
    the share of matched groups also matched in a cited passage or record, None when nothing matched."""
    if not facts:
        return None, None, []
    answer_text = answer.get("answer") or ""
    cited_texts = _cited_texts(citations, retrieved, records)
    failures = []
    matched = supported = 0
    for group in facts:
        alternative = matching_alternative(group, [answer_text])
        if alternative is None:
            if not abstained:  # an abstention already explains every missing fact
                failures.append(f"fact group {group} missing from answer")
            continue
        matched += 1
        if matching_alternative(group, cited_texts) is not None:
            supported += 1
        else:
            failures.append(f"fact {alternative!r} matched in answer but in no cited passage")
    recall = float(matched == len(facts))
    support = supported / matched if matched else None
    return recall, support, failures


def _cited_texts(
    citations: list[Mapping[str, Any]], retrieved: list[Mapping[str, Any]], records: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    texts = []
    cited: dict[str, Mapping[str, Any]] = {}
    for citation in citations:
        texts.append(_passage_text(citation, retrieved))
        for record_id in [citation.get("record_id"), *(citation.get("record_ids") or ())]:
            record = records.get(record_id or "")
            if record:
                texts.append(_record_text(record))
                cited[record_id] = record
    texts += _computed_from(cited)
    return texts


def _computed_from(cited: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What the cited records support by arithmetic alone: their total, their count (records and awards),
    the average per award, and per recipient their totals and the gap between two recipients or two
    records. A computed answer's figures are checked against these, never against its own words."""
    amounts = {rid: float(r["amount"]) for rid, r in cited.items() if isinstance(r.get("amount"), (int, float))}
    if len(cited) < 2:
        return []
    awards = {r.get("award_key") or rid for rid, r in cited.items()}
    texts = [f"computed count of the cited records: {len(cited)}", f"computed count of the cited awards: {len(awards)}"]
    if not amounts:
        return texts
    total = sum(amounts.values())
    texts += [f"computed total of the cited records: {total:.2f}",
              f"computed average per cited award: {total / len(awards):.2f}"]
    by_recipient: dict[str, float] = {}
    for rid, amount in amounts.items():
        key = fold(str(cited[rid].get("recipient") or ""))
        by_recipient[key] = by_recipient.get(key, 0.0) + amount
    if len(by_recipient) > 1:
        texts += [f"computed total for {name}: {value:.2f}" for name, value in by_recipient.items()]
    pairs = list(by_recipient.values()) if len(by_recipient) == 2 else list(amounts.values()) if len(amounts) == 2 else []
    if len(pairs) == 2:
        texts.append(f"computed difference of the cited records: {abs(pairs[0] - pairs[1]):.2f}")
    return texts


def _passage_text(citation: Mapping[str, Any], retrieved: list[Mapping[str, Any]]) -> str:
    """The cited passage's text: the citation's own copy, else the retrieved passage's."""
    if citation.get("passage_text"):
        return citation["passage_text"]
    return next((r.get("text") or "" for r in retrieved if r.get("passage_id") == citation.get("passage_id")), "")


def _record_text(record: Mapping[str, Any]) -> str:
    """A record's fields as "name: value" lines (``extra`` columns flattened), for fact matching."""
    lines = []
    for name, value in record.items():
        if isinstance(value, Mapping):
            lines.extend(f"{key}: {inner}" for key, inner in value.items() if inner not in (None, ""))
        elif value not in (None, ""):
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def _citation_validity(
    citations: list[Mapping[str, Any]], retrieved: list[Mapping[str, Any]],
    records: Mapping[str, Any] | None = None,
) -> tuple[float | None, list[str]]:
    """Share of citations whose quote sits at [start, end) of their passage and whose passage was retrieved."""
    if not citations:
        return None, []
    retrieved_ids = {r.get("passage_id") for r in retrieved}
    failures = []
    valid = 0
    for position, citation in enumerate(citations, start=1):
        problems = _citation_problems(citation, position, retrieved_ids, _passage_text(citation, retrieved), records)
        failures += problems
        valid += not problems
    return valid / len(citations), failures


def _citation_problems(citation: Mapping[str, Any], position: int, retrieved_ids: set[Any], text: str,
                       known_records: Mapping[str, Any] | None = None) -> list[str]:
    label = f"citation [{citation.get('n', position)}]"
    if citation.get("record_ids"):
        # A computation cites the records it ran over: each must be a record of the index.
        unknown = [r for r in citation["record_ids"] if known_records is not None and r not in known_records]
        problems = [f"{label} cites {len(unknown)} record(s) the index does not hold"] if unknown else []
        return problems + ([f"{label} computation gives no SQL"] if not citation.get("sql") else [])
    passage_id = citation.get("passage_id")
    quote = citation.get("quote") or ""
    start, end = citation.get("start"), citation.get("end")
    problems = []
    if not quote:
        problems.append(f"{label} has an empty quote")
    elif quote not in text:
        problems.append(f"{label} quote not found in passage {passage_id}")
    elif start is not None and end is not None and text[start:end] != quote:
        problems.append(f"{label} quote found in passage {passage_id} but not at [{start}, {end})")
    if passage_id not in retrieved_ids:
        problems.append(f"{label} passage not in retrieved list")
    return problems


def _quoted_list(items: Iterable[str]) -> str:
    return "; ".join(f'"{item}"' for item in items)


# ----------------------------------------------------------------------------------------------------
# Many items


def answer_latency_ms(answer: Mapping[str, Any]) -> float | None:
    """End-to-end latency of one answer: ``timings_ms["total"]`` when present, else the sum of its stages."""
    timings = answer.get("timings_ms") or {}
    if "total" in timings:
        return float(timings["total"])
    return float(sum(timings.values())) if timings else None


def summarize(item_scores: Sequence[ItemScore], latencies_ms: Iterable[float | None]) -> dict[str, Any]:
    """Means over the items where each metric is defined (0..1, rounded to 6 decimals), counts, and
    latency percentiles. Exactly the keys of ``SUMMARY_KEYS``; a metric defined for no item is None."""
    latencies = sorted(float(value) for value in latencies_ms if value is not None)
    return {
        "n_answerable": sum(score.answerable for score in item_scores),
        "n_unanswerable": sum(not score.answerable for score in item_scores),
        "hit_at_1": _mean(score.hit_at_1 for score in item_scores),
        "hit_at_5": _mean(score.hit_at_5 for score in item_scores),
        "recall_at_5": _mean(score.recall_at_5 for score in item_scores),
        "mrr_at_10": _mean(score.reciprocal_rank_at_10 for score in item_scores),
        "fact_recall": _mean(score.fact_recall for score in item_scores),
        "fact_support": _mean(score.fact_support for score in item_scores),
        "citation_validity": _mean(score.citation_validity for score in item_scores),
        "abstention_recall": _mean(score.abstention_correct for score in item_scores),
        "false_refusal_rate": _mean(score.false_refusal for score in item_scores),
        "answer_chars": _average(score.answer_chars for score in item_scores),
        "citations_per_answer": _average(score.citations for score in item_scores),
        "latency_p50_ms": _percentile(latencies, 50),
        "latency_p95_ms": _percentile(latencies, 95),
    }


def breakdown(
    items: Sequence[Any],
    scores: Sequence[ItemScore],
    key: str | Callable[[Any], Any],
    latencies_ms: Sequence[float | None] | None = None,
) -> dict[str, dict[str, Any]]:
    """``summarize`` per group of items, grouped by a field name (``"lang"``, ``"answerable"``) or a
    function of the item. ``items``, ``scores`` and ``latencies_ms`` are aligned. Boolean
    ``answerable`` groups are labelled "answerable" / "unanswerable"."""
    if len(items) != len(scores):
        raise ValueError(f"breakdown: {len(items)} items but {len(scores)} scores")
    latencies = list(latencies_ms) if latencies_ms is not None else [None] * len(items)
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault(_group_label(item, key), []).append(index)
    return {
        label: summarize([scores[i] for i in indexes], [latencies[i] for i in indexes])
        for label, indexes in sorted(groups.items())
    }


def _group_label(item: Any, key: str | Callable[[Any], Any]) -> str:
    value = key(item) if callable(key) else _field(item, key)
    if key == "answerable":
        return "answerable" if value else "unanswerable"
    return str(value)


def _mean(values: Iterable[float | None]) -> float | None:
    defined = [value for value in values if value is not None]
    return round(sum(defined) / len(defined), 6) if defined else None


def _average(values: Iterable[float | None]) -> float | None:
    """A mean that is not a rate (characters, citations): rounded to one decimal."""
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def _percentile(sorted_values: list[float], percent: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * percent / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    value = sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (position - lower)
    return round(value, 6)
