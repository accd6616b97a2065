"""The eval sets agree with the demo corpus: every evidence span is in its article, every record exists."""
import csv
from pathlib import Path

import pytest

from dossier.eval.dataset import load_dataset
from dossier.core.text import fold
from dossier.eval.matching import fact_in_text, record_reference

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
ADVERSARIAL = REPO / "eval" / "datasets" / "adversarial.jsonl"
DATASETS = [SHARED / "eval" / "dev.jsonl", ADVERSARIAL]



def folded_articles() -> dict[str, str]:
    return {path.name: fold(path.read_text(encoding="utf-8")) for path in (CORPUS / "articles").glob("*.txt")}


def record_ids() -> set[str]:
    with (CORPUS / "procurement" / "ice_awards_as_reported.csv").open(encoding="utf-8") as handle:
        return {row["record_id"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda path: path.name)
def test_every_evidence_item_exists_in_the_corpus(dataset):
    articles, records = folded_articles(), record_ids()
    for item in load_dataset(dataset):
        for evidence in item.evidence:
            reference = record_reference(evidence)
            if reference is not None:
                assert reference in records, f"{item.id}: unknown record {reference}"
                continue
            holders = [name for name, text in articles.items() if fold(evidence) in text]
            assert holders, f"{item.id}: evidence span not in any article: {evidence!r}"
            assert set(holders) & set(item.sources), f"{item.id}: span is in {holders}, not in sources {item.sources}"


def test_adversarial_set_is_balanced_with_short_verbatim_spans():
    items = load_dataset(ADVERSARIAL)
    raw_articles = "\n".join(path.read_text(encoding="utf-8") for path in (CORPUS / "articles").glob("*.txt"))
    assert len(items) >= 24
    answerable = sum(item.answerable for item in items)
    assert 0.4 <= answerable / len(items) <= 0.6
    assert {item.lang for item in items} == {"en", "fr"}
    for item in items:
        for evidence in item.evidence:
            if record_reference(evidence) is None:
                assert len(evidence.split()) <= 12, f"{item.id}: span longer than 12 words"
                assert evidence in raw_articles, f"{item.id}: span not copied verbatim: {evidence!r}"


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda path: path.name)
def test_each_reference_answer_states_its_own_facts(dataset):
    for item in load_dataset(dataset):
        for group in item.facts:
            assert any(fact_in_text(alternative, item.answer) for alternative in group), f"{item.id}: {group}"


NEWS_SETS = [("news.jsonl", "news"), ("news-sealed.jsonl", "news-sealed")]


@pytest.mark.parametrize("dataset, corpus", NEWS_SETS)
def test_news_sets_cite_spans_of_their_own_licensed_articles(dataset, corpus):
    from dossier.ingest import load_document

    folder = REPO / "eval" / "corpora" / corpus
    documents = {path.name: load_document(path) for path in folder.glob("*.md")}
    assert len(documents) >= 4
    for name, document in documents.items():
        assert document.url and document.outlet and document.published, f"{name}: source, outlet and date"
        assert document.metadata.get("license"), f"{name}: its licence"
    texts = {name: fold(document.text) for name, document in documents.items()}
    items = load_dataset(REPO / "eval" / "datasets" / dataset)
    for item in items:
        for evidence in item.evidence:
            holders = {name for name, text in texts.items() if fold(evidence) in text}
            assert holders & set(item.sources), f"{item.id}: span not in its sources {item.sources}: {evidence!r}"
    assert {item.lang for item in items} == {"en", "fr"}


def test_usaspending_set_cites_awards_of_the_real_downloads():
    folder = SHARED / "samples" / "usaspending"
    keys = {}
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            keys[path.name] = {row["contract_award_unique_key"] for row in csv.DictReader(handle)}
    for item in load_dataset(REPO / "eval" / "datasets" / "usaspending.jsonl"):
        for evidence in item.evidence:
            reference = record_reference(evidence)
            assert reference is not None, f"{item.id}: {evidence!r} is not a record reference"
            assert any(reference in keys[source] for source in item.sources), f"{item.id}: {reference} not in {item.sources}"
