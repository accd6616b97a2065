"""Follow-up questions rewritten to stand alone (``answer/followups.py``), and through a Conversation."""
from __future__ import annotations

import pytest

from dossier.answer.conversation import Conversation
from dossier.answer.followups import resolve


def understood(questions: list[str]) -> list[str]:
    previous: list[str] = []
    for question in questions:
        previous.append(resolve(question, previous))
    return previous


def test_a_pronoun_stands_for_the_subject_of_the_conversation() -> None:
    assert understood(["Which firm designed HarborWatch for the port authority?", "And how much was it worth?",
                       "Who maintains them?"]) == [
        "Which firm designed HarborWatch for the port authority?", "How much was HarborWatch worth?",
        "Who maintains HarborWatch?"]


def test_an_acronym_is_the_setting_not_the_subject() -> None:
    assert understood(["How much did the NSA pay Velora Systems?", "When was its contract signed?"])[1] == \
        "When was Velora Systems's contract signed?"


def test_a_year_alone_asks_the_last_question_again_for_that_year() -> None:
    assert understood(["How much did Velora Systems receive in 2021?", "And in 2022?"])[1] == \
        "How much did Velora Systems receive in 2022?"
    assert understood(["Combien Velora Systems a-t-elle reçu ?", "Et en 2022 ?"])[1] == \
        "Combien Velora Systems a-t-elle reçu en 2022 ?"


def test_a_name_alone_swaps_the_subject_and_keeps_the_question() -> None:
    assert understood(["How much did the NSA pay Velora Systems?", "What about Corvane?"])[1] == \
        "How much did the NSA pay Corvane?"
    assert understood(["Qui dirige Velora Systems ?", "Et pour Corvane ?"])[1] == "Qui dirige Corvane ?"


def test_french_determiners_and_pronouns() -> None:
    conversation = ["Quel contrat la mairie a-t-elle signé avec Velora Systems ?", "Combien ce contrat a-t-il coûté ?",
                    "Quel est son montant ?", "Qui la dirige ?"]
    assert understood(conversation)[1:] == [
        "Combien le contrat de Velora Systems a-t-il coûté ?", "Quel est le montant de Velora Systems ?",
        "Qui la (Velora Systems) dirige ?"]


@pytest.mark.parametrize("fresh", ["How much did the NSA pay Corvane?", "Who founded Corvane?",
                                   "Which agencies bought facial recognition tools?"])
def test_a_question_that_names_its_own_subject_or_leans_on_nothing_starts_afresh(fresh: str) -> None:
    assert understood(["How much did the NSA pay Velora Systems?", fresh])[1] == fresh


def test_a_new_conversation_inherits_nothing() -> None:
    from dossier.core.types import Answer

    asked: list[str] = []

    def answer(question: str) -> Answer:  # what was asked is what the test looks at
        asked.append(question)
        return Answer(question=question, answer="The sources do not say.", abstained=True, language="en")

    conversation = Conversation()
    conversation.ask("How much did the NSA pay Velora Systems?", answer)
    turn = conversation.ask("And in 2022?", answer)
    assert turn.understood == "How much did the NSA pay Velora Systems in 2022?" == asked[-1]
    conversation.new()
    assert conversation.ask("And in 2022?", answer).understood == "And in 2022?"


def test_a_person_pronoun_stands_for_the_person_and_the_company_for_the_company() -> None:
    assert understood(["Why did Velora Systems hire Mara Quist?", "What was her job before that?",
                       "How much is the company's new contract worth?"])[1:] == [
        "What was Mara Quist's job before that?", "How much is Velora Systems's new contract worth?"]


def test_an_acronym_beside_a_pronoun_is_the_setting_not_a_new_subject() -> None:
    assert understood(["What does HarborWatch record?", "Where has the NSA used it?"])[1] == \
        "Where has the NSA used HarborWatch?"


def test_that_year_is_the_year_last_asked_about() -> None:
    assert understood(["Which contracts did the port sign in 2019?", "Who did Corvane merge with that year?"])[1] == \
        "Who did Corvane merge with in 2019?"
