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


@pytest.mark.parametrize("conversation, understood_last", [
    # an acronym is the setting a story is in, not its subject
    (["How much did the NSA pay Velora Systems?", "When was its contract signed?"],
     "When was Velora Systems's contract signed?"),
    (["What does HarborWatch record?", "Where has the NSA used it?"], "Where has the NSA used HarborWatch?"),
    # a year alone asks the last question again for that year; "that year" is the year last asked about
    (["How much did Velora Systems receive in 2021?", "And in 2022?"], "How much did Velora Systems receive in 2022?"),
    (["Combien Velora Systems a-t-elle reçu ?", "Et en 2022 ?"], "Combien Velora Systems a-t-elle reçu en 2022 ?"),
    (["Which contracts did the port sign in 2019?", "Who did Corvane merge with that year?"],
     "Who did Corvane merge with in 2019?"),
])
def test_the_setting_and_the_year_of_a_conversation(conversation: list[str], understood_last: str) -> None:
    assert understood(conversation)[-1] == understood_last
