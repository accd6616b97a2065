"""A conversation: the turns asked so far, each question with the question as understood and its Answer.

``Conversation.understand`` turns a raw question ("and how much was it worth?") into the question as
understood, from the turns before it (``followups.resolve``); that is what is asked, and it is carried
in a turn's JSON as ``understood``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dossier.core.types import Answer


@dataclass(frozen=True)
class Turn:
    question: str  # as the user typed it
    understood: str  # as it was asked (``Conversation.understand``)
    answer: Answer

    def to_dict(self) -> dict[str, Any]:
        """The Answer JSON (as `dossier ask --json` prints it) with the question as understood."""
        return {**self.answer.to_dict(), "question": self.question, "understood": self.understood}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Turn":
        answer = {k: v for k, v in data.items() if k != "understood"}
        return cls(data["question"], data.get("understood") or data["question"],
                   Answer.from_dict({**answer, "question": data.get("understood") or data["question"]}))


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    def understand(self, question: str) -> str:
        """The question as understood in the light of ``self.turns`` (see ``followups``)."""
        from dossier.answer.followups import resolve

        return resolve(question, [turn.understood for turn in self.turns])

    def ask(self, question: str, answer: Callable[[str], Answer]) -> Turn:
        """Understand ``question``, answer it with ``answer`` (a Dossier's ask, for one), keep the turn."""
        question = question.strip()
        understood = self.understand(question)
        turn = Turn(question, understood, answer(understood))
        self.turns.append(turn)
        return turn

    @staticmethod
    def understood_in_turn(questions: list[str]) -> list[str]:
        """Each question as understood after the ones before it: a history given as plain questions
        (``/chat``'s ``history``) is resolved as the chat would have resolved it turn by turn."""
        from dossier.answer.followups import resolve

        understood: list[str] = []
        for question in questions:
            understood.append(resolve(question.strip(), understood))
        return understood

    def new(self) -> None:
        """Start afresh: later questions lean on nothing asked before."""
        self.turns.clear()

    def to_dicts(self) -> list[dict[str, Any]]:
        return [turn.to_dict() for turn in self.turns]

    @classmethod
    def from_dicts(cls, turns: list[dict[str, Any]] | None) -> "Conversation":
        return cls([Turn.from_dict(t) for t in turns or []])
