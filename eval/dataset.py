"""Eval sets: one JSON object a line, in the schema of ``../shared/eval/README.md``.

Every line is validated; a bad line raises ``DatasetError`` naming the file and the line number.
Unknown fields are ignored so that a richer held-out set still loads.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.core.errors import DossierError


class DatasetError(DossierError, ValueError):
    """An eval set that cannot be read: ``path:line: what is wrong``."""


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    lang: str
    answerable: bool
    answer: str  # reference answer, for people; never string-compared
    facts: tuple[tuple[str, ...], ...]  # groups of alternatives; every group must be matched
    sources: tuple[str, ...]
    evidence: tuple[str, ...]  # verbatim article spans or "record:ID"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "lang": self.lang,
            "answerable": self.answerable,
            "answer": self.answer,
            "facts": [list(group) for group in self.facts],
            "sources": list(self.sources),
            "evidence": list(self.evidence),
        }


def load_dataset(path: str | Path) -> list[EvalItem]:
    """Read and validate an eval set. Blank lines are skipped; ids must be unique."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path}: cannot read eval set: {error}") from error
    items: list[EvalItem] = []
    first_line_of_id: dict[str, int] = {}
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = parse_item(line, where=f"{path}:{line_number}")
        if item.id in first_line_of_id:
            raise DatasetError(f"{path}:{line_number}: duplicate id {item.id!r} (first on line {first_line_of_id[item.id]})")
        first_line_of_id[item.id] = line_number
        items.append(item)
    if not items:
        raise DatasetError(f"{path}: the eval set is empty")
    return items


def parse_item(line: str, where: str = "<line>") -> EvalItem:
    """One JSONL line as an ``EvalItem``; ``where`` ("file:line") prefixes every error."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{where}: invalid JSON: {error.msg} (column {error.colno})") from error
    if not isinstance(data, dict):
        raise DatasetError(f"{where}: expected a JSON object, got {type(data).__name__}")

    def text(name: str) -> str:
        value = _required(data, name, where)
        if not isinstance(value, str) or not value.strip():
            raise DatasetError(f"{where}: field {name!r} must be a non-empty string, got {value!r}")
        return value

    def strings(name: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
            raise DatasetError(f"{where}: field {name!r} must be a list of non-empty strings, got {value!r}")
        return tuple(value)

    answerable = _required(data, "answerable", where)
    if not isinstance(answerable, bool):
        raise DatasetError(f"{where}: field 'answerable' must be true or false, got {answerable!r}")
    facts_value = _required(data, "facts", where)
    if not isinstance(facts_value, list):
        raise DatasetError(f"{where}: field 'facts' must be a list of lists of strings, got {facts_value!r}")
    facts = tuple(strings(f"facts[{index}]", group) for index, group in enumerate(facts_value))
    if any(not group for group in facts):
        raise DatasetError(f"{where}: field 'facts' has an empty group (a group needs at least one alternative)")
    evidence = strings("evidence", _required(data, "evidence", where))
    if not answerable and (facts or evidence):
        raise DatasetError(f"{where}: an unanswerable item cannot have facts or evidence")
    return EvalItem(
        id=text("id"),
        question=text("question"),
        lang=text("lang"),
        answerable=answerable,
        answer=text("answer"),
        facts=facts,
        sources=strings("sources", _required(data, "sources", where)),
        evidence=evidence,
    )


def _required(data: dict[str, Any], name: str, where: str) -> Any:
    if name not in data:
        raise DatasetError(f"{where}: missing field {name!r}")
    return data[name]
