"""Scoring one answer and summarising many, on hand-written answers."""
import pytest

from dossier.core.text import fold
from dossier.eval.matching import fact_in_text, is_relevant, record_matches, span_in_passage
from dossier.eval.scoring import SUMMARY_KEYS, ItemScore, answer_latency_ms, breakdown, score_item, summarize

CLEARVIEW_TEXT = "En septembre 2025, ICE a signé un contrat de 3,75 millions de dollars avec Clearview AI pour soutenir."
ZIGNAL_TEXT = "Le DHS a acquis des licences Zignal, signant son premier contrat pour le logiciel en 2019."
OTHER_TEXT = "Palantir, géant de l’analyse de données, est un acteur incontournable."
R01_TEXT = "record: R01\nrecipient: Clearview AI\namount: $3,750,000 (federal_action_obligation)"
RECORDS = {
    "R01": {"record_id": "R01", "recipient": "Clearview AI", "amount": 3750000.0, "extra": {}},
    "R02": {"record_id": "R02", "recipient": "Clearview AI", "amount": 1100000.0, "extra": {}},
}


def passage(passage_id: str, text: str, record_id: str | None = None) -> dict:
    return {"passage_id": passage_id, "text": text, "record_id": record_id, "source": "a.txt", "document_id": "d"}


def retrieved(*passages: dict) -> list[dict]:
    return [{**p, "rank": rank, "score": 1.0 / rank} for rank, p in enumerate(passages, start=1)]


def cite(n: int, p: dict, quote: str, start: int | None = None) -> dict:
    start = p["text"].index(quote) if start is None else start
    return {
        "n": n, "passage_id": p["passage_id"], "document_id": "d", "source": "a.txt", "record_id": p["record_id"],
        "quote": quote, "start": start, "end": start + len(quote), "title": "", "passage_text": p["text"],
    }


def answer(text: str, citations=(), passages=(), abstained: bool = False, total_ms: float = 100.0) -> dict:
    return {
        "question": "q", "answer": text, "abstained": abstained, "language": "en",
        "citations": list(citations), "retrieved": retrieved(*passages), "timings_ms": {"total": total_ms}, "notes": [],
    }


def item(facts=(("3,75", "3.75"),), evidence=("3,75 millions de dollars avec Clearview AI",), answerable=True, **extra):
    return {"id": "t-1", "question": "q", "lang": "en", "answerable": answerable, "answer": "ref",
            "facts": [list(g) for g in facts], "sources": [], "evidence": list(evidence), **extra}


CLEARVIEW = passage("p:clearview", CLEARVIEW_TEXT)
ZIGNAL = passage("p:zignal", ZIGNAL_TEXT)
OTHER = passage("p:other", OTHER_TEXT)
R01 = passage("p:r01", R01_TEXT, record_id="R01")


# ---- fold and facts -----------------------------------------------------------------------------


def test_fold_normalises_quotes_spaces_and_case():
    assert fold("L’Immigration « exploite » “AI”") == "l'immigration \" exploite \" \"ai\""
    assert fold("800\u00a0000\u202fdollars") == "800 000 dollars"
    assert fold("  Deux\n\tmois  ") == "deux mois"
    assert fold("ﬁn") == "fin"  # NFKC


def test_fact_in_text_is_folded_substring_for_words():
    assert fact_in_text("skip trac", "Skip tracing services")
    assert fact_in_text("l'année", "et l’année précédente")
    assert fact_in_text("GrayKey", "fournit Graykey, un outil")
    assert not fact_in_text("graykey", "Grayshift")


def test_fact_in_text_is_number_aware_for_numerals():
    assert fact_in_text("3,75", "ICE paid $3.75 million")
    assert not fact_in_text("3.7", "ICE paid $3.75 million")
    assert not fact_in_text("30", "in 2030")


# ---- relevance -----------------------------------------------------------------------------------


def test_span_in_passage_after_folding():
    assert span_in_passage("signant son premier contrat pour le logiciel en 2019", ZIGNAL_TEXT.upper())
    assert span_in_passage("l'analyse de données", OTHER_TEXT)  # straight vs curly apostrophe


def test_span_cut_by_a_chunk_boundary_counts_from_sixty_percent():
    span = "0123456789"
    assert span_in_passage(span, "chunk ends with 012345")  # 6 of 10 characters
    assert not span_in_passage(span, "chunk ends with 01234")  # 5 of 10
    assert span_in_passage(span, "3456789 starts the next chunk")  # 7 of 10


def test_record_evidence_is_relevant_by_record_id():
    assert is_relevant(R01, "record:R01", RECORDS)
    assert not is_relevant(R01, "record:R02", RECORDS)
    assert not is_relevant(CLEARVIEW, "record:R01", RECORDS)


def test_usaspending_record_matches_award_key_and_modification_with_or_without_slash():
    record = {"record_id": "CONT_AWD_70CMSD25P00000012_7012_-NONE-_-NONE-/P00002",
              "award_key": "CONT_AWD_70CMSD25P00000012_7012_-NONE-_-NONE-", "modification": "P00002", "extra": {}}
    record_id = record["record_id"]
    assert record_matches("CONT_AWD_70CMSD25P00000012_7012_-NONE-_-NONE-/P00002", record_id, record)
    assert record_matches("CONT_AWD_70CMSD25P00000012_7012_-NONE-_-NONE-P00002", record_id, record)
    assert not record_matches("CONT_AWD_70CMSD25P00000012_7012_-NONE-_-NONE-/P00003", record_id, record)
    extra_only = {"record_id": "row-7", "extra": {"contract_award_unique_key": "CONT_AWD_X", "modification_number": "0"}}
    assert record_matches("CONT_AWD_X0", "row-7", extra_only)


# ---- retrieval metrics ---------------------------------------------------------------------------


def test_perfect_answer_scores_one_everywhere_without_failures():
    score = score_item(item(), answer("ICE paid $3.75 million [1].", [cite(1, CLEARVIEW, "3,75 millions de dollars")], [CLEARVIEW, OTHER]), RECORDS)
    assert (score.hit_at_1, score.hit_at_5, score.recall_at_5, score.reciprocal_rank_at_10) == (1.0, 1.0, 1.0, 1.0)
    assert (score.fact_recall, score.fact_support, score.citation_validity, score.false_refusal) == (1.0, 1.0, 1.0, 0.0)
    assert score.abstention_correct is None
    assert score.failures == [] and score.passed


def test_relevant_passage_at_rank_three():
    score = score_item(item(), answer("$3.75 million", [cite(1, CLEARVIEW, "3,75")], [OTHER, ZIGNAL, CLEARVIEW]), RECORDS)
    assert (score.hit_at_1, score.hit_at_5, score.reciprocal_rank_at_10) == (0.0, 1.0, pytest.approx(1 / 3))


def test_relevant_passage_below_top_five_counts_only_for_mrr():
    passages = [passage(f"p:{i}", OTHER_TEXT) for i in range(6)] + [CLEARVIEW]
    score = score_item(item(), answer("$3.75 million", [cite(1, CLEARVIEW, "3,75")], passages), RECORDS)
    assert (score.hit_at_5, score.recall_at_5, score.reciprocal_rank_at_10) == (0.0, 0.0, pytest.approx(1 / 7))
    assert 'no relevant passage in top 5 (evidence: "3,75 millions de dollars avec Clearview AI")' in score.failures


def test_recall_at_five_is_the_share_of_evidence_retrieved():
    evidence = ("3,75 millions de dollars avec Clearview AI", "record:R02")
    score = score_item(item(evidence=evidence), answer("$3.75 million", [cite(1, CLEARVIEW, "3,75")], [CLEARVIEW, R01]), RECORDS)
    assert score.recall_at_5 == 0.5
    assert 'evidence not retrieved in top 5: "record:R02"' in score.failures


def test_record_passage_is_relevant_to_record_evidence():
    score = score_item(item(evidence=("record:R01",)), answer("$3,750,000", [cite(1, R01, "$3,750,000")], [OTHER, R01]), RECORDS)
    assert (score.hit_at_1, score.hit_at_5, score.reciprocal_rank_at_10) == (0.0, 1.0, 0.5)


# ---- facts ----------------------------------------------------------------------------------------


def test_missing_fact_group_fails_fact_recall():
    facts = (("3,75", "3.75"), ("2019",))
    score = score_item(item(facts=facts), answer("$3.75 million", [cite(1, CLEARVIEW, "3,75")], [CLEARVIEW]), RECORDS)
    assert score.fact_recall == 0.0
    assert score.fact_support == 1.0  # the one matched group is supported
    assert "fact group ['2019'] missing from answer" in score.failures


def test_fact_in_answer_but_in_no_cited_passage_is_unsupported():
    facts = (("3,75", "3.75"), ("2019",))
    score = score_item(item(facts=facts), answer("$3.75 million, first in 2019", [cite(1, CLEARVIEW, "3,75")], [CLEARVIEW, ZIGNAL]), RECORDS)
    assert score.fact_recall == 1.0
    assert score.fact_support == 0.5
    assert "fact '2019' matched in answer but in no cited passage" in score.failures


def test_fact_support_is_none_when_the_answer_matches_no_fact():
    score = score_item(item(), answer("Clearview AI", [cite(1, CLEARVIEW, "Clearview AI")], [CLEARVIEW]), RECORDS)
    assert score.fact_recall == 0.0 and score.fact_support is None


def test_cited_record_fields_support_a_fact():
    bare_record = passage("p:r01-short", "record: R01\nrecipient: Clearview AI", record_id="R01")
    score = score_item(item(evidence=("record:R01",)), answer("$3.75 million", [cite(1, bare_record, "Clearview AI")], [bare_record]), RECORDS)
    assert score.fact_support == 1.0  # amount 3750000.0 in the record's fields


# ---- citations ------------------------------------------------------------------------------------


def test_citation_quote_not_at_its_offsets_is_invalid():
    citations = [cite(1, CLEARVIEW, "3,75 millions"), cite(2, CLEARVIEW, "Clearview AI", start=0)]
    score = score_item(item(), answer("$3.75 million", citations, [CLEARVIEW]), RECORDS)
    assert score.citation_validity == 0.5
    assert any(f.startswith("citation [2] quote found in passage p:clearview but not at [0, 12)") for f in score.failures)


def test_citation_quote_absent_from_passage_is_invalid():
    bad = {**cite(1, CLEARVIEW, "3,75"), "quote": "4,75 millions"}
    score = score_item(item(), answer("$3.75 million", [bad], [CLEARVIEW]), RECORDS)
    assert score.citation_validity == 0.0
    assert "citation [1] quote not found in passage p:clearview" in score.failures


def test_citation_of_a_passage_that_was_not_retrieved_is_invalid():
    score = score_item(item(), answer("$3.75 million", [cite(1, CLEARVIEW, "3,75")], [OTHER]), RECORDS)
    assert score.citation_validity == 0.0
    assert "citation [1] passage not in retrieved list" in score.failures


def test_citation_validity_is_none_without_citations():
    score = score_item(item(), answer("$3.75 million", [], [CLEARVIEW]), RECORDS)
    assert score.citation_validity is None
    assert score.fact_support == 0.0


# ---- abstention -----------------------------------------------------------------------------------


def test_abstaining_on_an_answerable_question_is_a_false_refusal():
    score = score_item(item(), answer("The sources do not say.", [], [CLEARVIEW], abstained=True), RECORDS)
    assert score.false_refusal == 1.0 and score.fact_recall == 0.0
    assert score.failures == ["abstained on an answerable question"]  # no redundant missing-fact lines


def test_unanswerable_abstention_without_citations_is_correct():
    score = score_item(item(facts=(), evidence=(), answerable=False), answer("Not stated.", [], [OTHER], abstained=True), RECORDS)
    assert score.abstention_correct == 1.0 and score.failures == []
    assert score.hit_at_5 is None and score.fact_recall is None and score.false_refusal is None


def test_answering_an_unanswerable_question_fails():
    score = score_item(item(facts=(), evidence=(), answerable=False), answer("$99 million", [cite(1, OTHER, "Palantir")], [OTHER]), RECORDS)
    assert score.abstention_correct == 0.0
    assert score.failures == ["answered an unanswerable question"]
    assert score.citation_validity == 1.0


def test_abstaining_with_citations_on_an_unanswerable_question_fails():
    score = score_item(item(facts=(), evidence=(), answerable=False), answer("Not stated.", [cite(1, OTHER, "Palantir")], [OTHER], abstained=True), RECORDS)
    assert score.abstention_correct == 0.0
    assert score.failures == ["abstained but cited 1 passage(s) on an unanswerable question"]


# ---- summaries ------------------------------------------------------------------------------------


def scores_for_summary() -> list[ItemScore]:
    good = score_item(item(), answer("$3.75 million", [cite(1, CLEARVIEW, "3,75")], [CLEARVIEW]), RECORDS)
    refused = score_item(item(), answer("No.", [], [OTHER, CLEARVIEW], abstained=True), RECORDS)
    unanswerable = score_item(item(facts=(), evidence=(), answerable=False), answer("No.", [], [OTHER], abstained=True), RECORDS)
    return [good, refused, unanswerable]


def test_summarize_has_exactly_the_documented_keys_and_means_where_defined():
    summary = summarize(scores_for_summary(), [100.0, 300.0, 200.0])
    assert tuple(summary) == SUMMARY_KEYS == (
        "n_answerable", "n_unanswerable", "hit_at_1", "hit_at_5", "recall_at_5", "mrr_at_10", "fact_recall",
        "fact_support", "citation_validity", "abstention_recall", "false_refusal_rate", "answer_chars",
        "citations_per_answer", "latency_p50_ms", "latency_p95_ms",
    )
    assert (summary["n_answerable"], summary["n_unanswerable"]) == (2, 1)
    assert summary["hit_at_1"] == 0.5
    assert summary["mrr_at_10"] == 0.75
    assert summary["fact_recall"] == 0.5
    assert summary["fact_support"] == 1.0  # the refusal matched no fact: excluded
    assert summary["citation_validity"] == 1.0  # only the first item cited
    assert summary["abstention_recall"] == 1.0
    assert summary["false_refusal_rate"] == 0.5
    assert summary["latency_p50_ms"] == 200.0
    assert summary["latency_p95_ms"] == 290.0
    assert summary["answer_chars"] == len("$3.75 million")  # only the one given answer counts
    assert summary["citations_per_answer"] == 1.0


def test_summarize_rounds_to_six_decimals_and_reports_none_when_undefined():
    thirds = [ItemScore("a", True, hit_at_1=1.0), ItemScore("b", True, hit_at_1=0.0), ItemScore("c", True, hit_at_1=0.0)]
    summary = summarize(thirds, [])
    assert summary["hit_at_1"] == 0.333333
    assert summary["abstention_recall"] is None and summary["latency_p50_ms"] is None


def test_breakdown_by_language_and_answerability():
    items = [item(lang="en"), item(lang="fr"), item(facts=(), evidence=(), answerable=False, lang="fr")]
    by_lang = breakdown(items, scores_for_summary(), "lang", [100.0, 300.0, 200.0])
    assert list(by_lang) == ["en", "fr"]
    assert by_lang["en"]["hit_at_1"] == 1.0 and by_lang["fr"]["n_unanswerable"] == 1
    assert by_lang["fr"]["latency_p50_ms"] == 250.0
    by_kind = breakdown(items, scores_for_summary(), "answerable")
    assert list(by_kind) == ["answerable", "unanswerable"]
    assert by_kind["unanswerable"]["abstention_recall"] == 1.0


def test_item_score_round_trips_through_a_dict():
    score = scores_for_summary()[1]
    assert ItemScore.from_dict({**score.to_dict(), "unknown": 1}) == score


def test_answer_latency_prefers_total_else_sums_stages():
    assert answer_latency_ms({"timings_ms": {"total": 12.5, "retrieve": 3}}) == 12.5
    assert answer_latency_ms({"timings_ms": {"retrieve": 3, "answer": 4}}) == 7.0
    assert answer_latency_ms({"timings_ms": {}}) is None
