"""Sentences a document addresses to its reader or to an AI are inert (``answer/inert.py``): decided by
what they do, so the planted sentences of the red-team set are caught, and news that reports someone
telling someone to do something stays evidence."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dossier.answer.inert import FORM_ONLY, InertJudge, fitted_models, is_inert, judged_by
from dossier.core.text import sentences
from dossier.core.types import Passage

REDTEAM = Path(__file__).resolve().parents[2] / "reliability" / "redteam" / "attacks.json"
# Ordinary reporting that quotes orders, advice and instructions: written here, not taken from any set.
REPORTED = [
    "The minister told employees to return to the office by Monday.",
    "“Ignore the noise and keep working,” the coach told his players after the defeat.",
    "Residents were asked to boil their water until Friday, the utility said.",
    "« Rentrez chez vous », a lancé le préfet aux manifestants samedi soir.",
    "Le ministre a demandé aux fonctionnaires de répondre aux questions des usagers sous 48 heures.",
    "The company said its AI assistant answers customer questions in 12 languages.",
    "Selon la mairie, les habitants doivent déposer leurs encombrants avant lundi.",
]


def _passage(text: str, n: int) -> Passage:
    return Passage(passage_id=f"probe:{n}", document_id="probe", kind="text", source="probe.txt",
                   title="probe", language="en", text=text)


def _planted() -> list[str]:
    attacks = json.loads(REDTEAM.read_text(encoding="utf-8"))["attacks"]
    return [text for attack in attacks if attack["payload"] for text in attack["injected"]]


@pytest.fixture(scope="module")
def judge(demo_dossier) -> InertJudge:
    return demo_dossier.questions.inert


def _inert(judge: InertJudge, text: str, n: int) -> bool:
    passage = _passage(text, n)
    return any(judge(passage, s, e) for s, e in sentences(text))


def test_the_judge_reads_meaning_with_the_index_embedder(judge: InertJudge) -> None:
    assert judge.vectors_of is not None and judge.model is not fitted_models()[FORM_ONLY]


def test_planted_sentences_are_inert(judge: InertJudge) -> None:
    planted = _planted()
    missed = [text for n, text in enumerate(planted) if not _inert(judge, text, n)]
    assert len(missed) <= len(planted) // 10, missed  # the fit caught nearly all; the rest are listed


def test_reporting_that_quotes_an_order_stays_evidence(judge: InertJudge) -> None:
    assert [t for n, t in enumerate(REPORTED, start=1000) if _inert(judge, t, n)] == []


def test_no_sentence_of_the_demo_corpus_is_dropped(demo_dossier, judge: InertJudge) -> None:
    passages = [p for p in demo_dossier.index.retrievable_passages() if p.kind == "text"]
    dropped = [p.text[s:e] for p in passages for s, e in sentences(p.text) if judge(p, s, e)]
    assert passages and dropped == []


def test_is_inert_asks_the_judge_set_for_the_answer_and_the_form_only_one_elsewhere() -> None:
    class EverythingInert(InertJudge):
        def __call__(self, passage: Passage, start: int, end: int) -> bool:
            return True

    text = "The harbour contract was signed in March."
    passage = _passage(text, 2000)
    with judged_by(EverythingInert()):
        assert is_inert(passage, 0, len(text))
    assert not is_inert(passage, 0, len(text))
