"""Questions that ask two things: split into parts, the second understood after the first; the parts'
quotes complete the whole answer only from the documents it (or the first part) quotes."""
from __future__ import annotations

import pytest

from dossier.answer.compound import completed, question_parts
from dossier.answer.draft import Draft, Span
from dossier.core.types import Passage


@pytest.mark.parametrize("question, language, parts", [
    ("Where did the Velden ferry sail from, and who did its captain call?", "en",
     ["Where did the Velden ferry sail from?", "Who did its captain call?"]),
    ("Quel média a révélé l'affaire Orsel, et quand ?", "fr", ["Quel média a révélé l'affaire Orsel, et quand ?"]),
    ("Qui dirige la Fondation Orsel, et qu'a-t-elle annoncé ?", "fr",
     ["Qui dirige la Fondation Orsel ?", "Qu'a-t-elle annoncé ?"]),
    ("When and where was the Velden ferry built?", "en", ["When and where was the Velden ferry built?"]),
    ("How much did the Velden ferry cost?", "en", ["How much did the Velden ferry cost?"]),
])
def test_a_question_is_split_only_where_a_second_question_word_opens_a_second_question(
        question: str, language: str, parts: list[str]) -> None:
    found = question_parts(question, language)
    assert len(found) == len(parts) and found[0] == parts[0], found
    if len(parts) > 1:  # the second is understood after the first, as a follow-up is
        assert found[1].split()[0] == parts[1].split()[0], found


def _span(document: str, text: str, ordinal: int = 0) -> Span:
    passage = Passage(f"{document}-{ordinal}", document, "text", text, f"{document}.txt", document, "en", 0,
                      len(text), ordinal=ordinal)
    return Span(passage, 0, len(text), 1)


def test_parts_complete_the_whole_answer_from_its_own_documents_only() -> None:
    who = _span("ferry", "The ferry's captain is Ana Velk.")
    when = _span("ferry", "The ferry sails on 3 May.", ordinal=1)
    elsewhere = _span("tolls", "The toll bridge opens on 9 June.")
    whole = Draft(False, evidence=[who], lead="Ana Velk")
    joined = completed(whole, [Draft(False, evidence=[who], lead="Ana Velk"),
                               Draft(False, evidence=[when, elsewhere], lead="May 3", lead_cites=1)])
    assert joined.evidence == [who, when]  # another document's quote never joins
    assert joined.lead == "Ana Velk [1]; May 3 [2]."
    # When the whole found nothing, the parts answer only if each found something.
    refused = Draft(True, reason="no sentence bears on the question")
    assert completed(refused, [Draft(False, evidence=[who]), Draft(True)]) is refused
    assert completed(refused, [Draft(False, evidence=[who]), Draft(False, evidence=[when])]).evidence == [who, when]
