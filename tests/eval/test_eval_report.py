"""The Markdown report and the PNG chart, from a small hand-made results file."""
from dossier.eval.dataset import EvalItem
from dossier.eval.report import plot_against_baseline, render_report, result_entry
from dossier.eval.scoring import score_item, summarize

PASSAGE_TEXT = "En septembre 2025, ICE a signé un contrat de 3,75 millions de dollars avec Clearview AI."
PASSAGE = {"rank": 1, "passage_id": "p:1", "source": "arsenal.fr.txt", "record_id": None, "text": PASSAGE_TEXT,
           "score": 1.0, "document_id": "d", "title": "Arsenal"}


def make_answer(text: str, abstained: bool = False, quote: str | None = None) -> dict:
    citations = []
    if quote:
        start = PASSAGE_TEXT.index(quote)
        citations.append({"n": 1, "passage_id": "p:1", "document_id": "d", "source": "arsenal.fr.txt", "record_id": None,
                          "quote": quote, "start": start, "end": start + len(quote), "title": "Arsenal",
                          "passage_text": PASSAGE_TEXT})
    return {"question": "q", "answer": text, "abstained": abstained, "language": "en", "citations": citations,
            "retrieved": [PASSAGE], "timings_ms": {"total": 120.0}, "notes": []}


def make_results() -> dict:
    answerable = EvalItem(id="dev-01", question="How much was the Clearview contract worth?", lang="en", answerable=True,
                          answer="$3.75 million", facts=(("3,75", "3.75"),), sources=("arsenal.fr.txt",),
                          evidence=("3,75 millions de dollars avec Clearview AI",))
    missed = EvalItem(id="dev-02", question="Combien pour les licences ?", lang="fr", answerable=True,
                      answer="800 000 dollars", facts=(("800 000", "800,000"),), sources=("arsenal.fr.txt",),
                      evidence=("record:R03",))
    unanswerable = EvalItem(id="dev-25", question="What did the agency spend on drones?", lang="en", answerable=False,
                            answer="Not stated", facts=(), sources=(), evidence=())
    runs = [
        (answerable, make_answer("ICE paid $3.75 million [1].", quote="3,75 millions de dollars")),
        (missed, make_answer("Les sources ne le disent pas.", abstained=True)),
        (unanswerable, make_answer("ICE paid $2 million [1].", quote="Clearview AI")),
    ]
    scores = [score_item(item, answer, {}) for item, answer in runs]
    return {
        "dataset": "dev.jsonl", "corpus": "../shared/corpus",
        "settings": {"embedder": "minilm", "chunker": "sentence", "answerer": "extractive", "top_k": 8},
        "summary": summarize(scores, [120.0] * len(scores)),
        "items": [result_entry(item, answer, score) for (item, answer), score in zip(runs, scores)],
    }


def test_report_without_baseline_explains_every_failure():
    report = render_report(make_results(), None)
    assert report.startswith("# Eval report")
    assert "embedder `minilm`" in report
    assert "| Metric | Value |" in report and "Baseline" not in report
    assert "False-refusal rate (answerable but abstained) ↓ lower is better | 0.500 |" in report
    assert "## By question language" in report and "| en | 2 |" in report and "| fr | 1 |" in report
    assert "## Answerable vs unanswerable" in report and "| unanswerable | 1 |" in report
    assert "## Failures (2 of 3 items)" in report
    assert "dev-01" not in report.split("## Failures")[1]  # the passing item is not listed
    refusal = report.split("### dev-02")[1].split("###")[0]
    assert "**Question:** Combien pour les licences ?" in refusal
    assert "**Answer** (abstained: yes):\n> Les sources ne le disent pas." in refusal
    assert "- one of `800 000` / `800,000`" in refusal
    assert "procurement record `R03`" in refusal
    assert "**Cited quotes:** none" in refusal
    assert "- abstained on an answerable question" in refusal
    answered = report.split("### dev-25")[1]
    assert "unanswerable (the right answer is an abstention)" in answered
    assert '- [1] "Clearview AI" (arsenal.fr.txt, passage `p:1`)' in answered
    assert "- answered an unanswerable question" in answered


def test_report_with_baseline_shows_deltas_and_lower_is_better_verdicts():
    results = make_results()
    baseline = {**results["summary"], "fact_recall": 0.25, "false_refusal_rate": 0.0, "latency_p50_ms": 200.0}
    report = render_report(results, {"summary": baseline})
    assert "| Metric | Value | Baseline | Change | Verdict |" in report
    assert "| Fact recall (answer states every expected fact) | 0.500 | 0.250 | +0.250 | better |" in report
    assert "| False-refusal rate (answerable but abstained) ↓ lower is better | 0.500 | 0.000 | +0.500 | worse |" in report
    assert "| Latency p50 (ms) ↓ lower is better | 120 | 200 | -80 | better |" in report
    assert "| Hit@5 (a relevant passage in the top 5) | 0.500 | 0.500 | +0.000 | same |" in report


def test_report_of_a_run_where_everything_passed():
    results = make_results()
    results["items"] = [results["items"][0]]
    assert "## Failures (0 of 1 items)\n\nEvery item passed." in render_report(results, None)


def test_plot_writes_png_with_and_without_baseline(tmp_path):
    summary = make_results()["summary"]
    for name, baseline in (("with.png", {**summary, "hit_at_1": 0.1}), ("without.png", None)):
        path = plot_against_baseline(summary, baseline, tmp_path / "charts" / name)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
