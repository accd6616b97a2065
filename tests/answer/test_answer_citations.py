"""Every answer to the public dev questions, on the real demo index: each citation quotes its passage
exactly, each number, name or date the answer's gloss states is stated by the citation it points at, and
a gloss never points at a passage that does not say it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dossier.core.dates import date_mentions, read_date_mention
from dossier.eval.numbers import numbers_match

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev.jsonl"
GLOSS = re.compile(r"^(?P<value>[^\n“«\[]{1,40}) \[(?P<n>\d+)\]\.$", re.MULTILINE)  # "$3.75 million [1]."


def stated_by(gloss: str, quote: str, language: str) -> bool:
    """The quote states the gloss: the same number, the same name, or a date it gives written for the reader."""
    return numbers_match(gloss, quote) or (not re.search(r"\d", gloss) and gloss in quote) or any(
        read_date_mention(quote[start:end], language) == gloss for start, end in date_mentions(quote))


def dev_questions() -> list[str]:
    if not DEV.exists():
        return []
    return [json.loads(line)["question"] for line in DEV.read_text().splitlines() if line.strip()]


@pytest.mark.skipif(not DEV.exists(), reason="shared eval set not beside the checkout")
def cited_records(answer) -> list[str]:
    """The record ids an answer cites: a computation citation lists all it ran over."""
    return sorted({r for c in answer.citations for r in c.record_ids} | {c.record_id for c in answer.citations if c.record_id})


def test_citations_and_glosses_are_backed_by_what_they_point_at(demo_dossier) -> None:
    problems = []
    known_records = {r.record_id for r, _ in demo_dossier.records()}
    for question in dev_questions():
        answer = demo_dossier.ask(question)
        by_number = {c.n: c for c in answer.citations}
        shown = {r.passage_id for r in answer.retrieved}
        for c in answer.citations:
            if c.record_ids:  # a computation: it cites records of the index, and says how it computed
                if not set(c.record_ids) <= known_records or not c.sql:
                    problems.append(f"{question}: computation citation [{c.n}] cites unknown records or no SQL")
                continue
            if c.passage_text[c.start:c.end] != c.quote or c.passage_id not in shown:
                problems.append(f"{question}: citation [{c.n}] is not an exact quote of a shown passage")
        for m in GLOSS.finditer(answer.answer):
            cited = by_number.get(int(m["n"]))
            if cited is None or not stated_by(m["value"], cited.quote, answer.language):
                problems.append(f"{question}: gloss {m['value']!r} is not stated by citation [{m['n']}]")
        if answer.abstained and answer.citations:
            problems.append(f"{question}: abstained but cites")
    assert not problems, "\n".join(problems)


def test_a_gloss_points_at_the_quote_that_states_it() -> None:
    from dossier.answer.draft import Span
    from dossier.answer.extractive import _gloss
    from dossier.answer.lexicon import default_lexicon
    from dossier.answer.question import analyse
    from dossier.core.types import Passage

    text = "Paragon makes the spyware. In September 2024 ICE signed a $2 million contract for it."
    passage = Passage("p-1", "d", "text", text, "a.txt", "A", "en", 0, len(text))
    first, second = Span(passage, 0, 26, 1), Span(passage, 27, len(text), 1)
    question = analyse("How much was the spyware contract?", default_lexicon())
    lexicon = default_lexicon()
    assert _gloss(question, [first, second], lexicon) == ("$2 million", 2)
    assert _gloss(question, [first], lexicon) == ("", 1)


def test_a_difference_between_one_recipients_awards_is_told_apart_by_their_years(demo_dossier) -> None:
    from dossier.eval.numbers import numbers_match

    answer = demo_dossier.ask("Dans les registres, de combien la somme attribuée à Clearview AI en 2025 dépasse-t-elle "
                              "celle de 2024 ?")
    assert not answer.abstained, answer.answer
    assert numbers_match("2,65 millions", answer.answer), answer.answer
    records = {r.record_id: r for r, _ in demo_dossier.records()}
    dates = sorted(records[r].action_date[:4] for r in cited_records(answer))
    assert dates == ["2024", "2025"], answer.citations
    # A year with no award of theirs is not guessed at.
    assert demo_dossier.ask("By how much did Clearview AI's 2022 award exceed its 2023 award?").abstained


def test_by_how_much_is_computed_from_the_records_the_names_and_date_pick(demo_dossier) -> None:
    from dossier.eval.numbers import numbers_match

    answer = demo_dossier.ask("By how much did the Clearview AI contract of September 2025 exceed the Paragon "
                              "Solutions spyware deal?")
    assert not answer.abstained, answer.answer
    assert numbers_match("1.75 million", answer.answer), answer.answer
    assert cited_records(answer) == ["R01", "R04"], answer.citations


def test_a_reason_given_for_another_administration_is_not_the_asked_ones(demo_dossier) -> None:
    asked_wrong = demo_dossier.ask("Why was ICE's Paragon spyware deal suspended under the Trump administration?")
    assert asked_wrong.abstained and not asked_wrong.citations, asked_wrong.answer
    asked_right = demo_dossier.ask("Why was ICE's Paragon spyware deal suspended under the Biden administration?")
    assert not asked_right.abstained, asked_right.answer
    assert any("raisons éthiques" in c.quote for c in asked_right.citations)


def test_the_gap_between_the_largest_and_smallest_award_is_computed_and_cited(demo_dossier) -> None:
    from dossier.eval.numbers import numbers_match

    answer = demo_dossier.ask("In the records, what is the difference between Clearview AI's largest and smallest award?")
    assert not answer.abstained, answer.answer
    assert numbers_match("2.95 million", answer.answer), answer.answer  # 3.75 million - 800,000
    assert cited_records(answer) == ["R01", "R03"]


def test_names_written_with_any_latin_letters_are_names() -> None:
    """A name spelt with letters beyond Latin-1 ("Świątek", "Dvořák") is still a name: when a sentence names
    two people, the short answer does not pick the one it can read."""
    from dossier.answer.draft import Span
    from dossier.answer.extractive import _gloss
    from dossier.answer.lexicon import default_lexicon
    from dossier.answer.question import analyse
    from dossier.answer.targets import person_names
    from dossier.core.types import Passage

    lexicon = default_lexicon()
    text = "In the final, Zofia Świątek[2] beat Tomáš Dvořák in three sets."
    assert person_names(text, set(), lexicon) == ["Zofia Świątek", "Tomáš Dvořák"]
    passage = Passage("p-1", "d", "text", text, "a.txt", "A", "en", 0, len(text))
    question = analyse("Who won the final?", lexicon)
    assert _gloss(question, [Span(passage, 0, len(text), 1)], lexicon) == ("", 1)
    assert "Łukasz Żurek" in analyse("Where does Łukasz Żurek work?", lexicon).entities
