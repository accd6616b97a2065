"""Eval sets: one JSON object a line, in the schema of ``../shared/eval/README.md``.

Every line is validated; a bad line raises ``DatasetError`` naming the file and the line number.
Unknown fields are ignored so that a richer held-out set still loads.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, StringConstraints, ValidationError, field_validator, model_validator

from dossier.core.errors import DossierError


class DatasetError(DossierError, ValueError):
    """An eval set that cannot be read: ``path:line: what is wrong``."""


_NonEmptyText = Annotated[StrictStr, StringConstraints(pattern=r"\S")]
_TEXT_FIELDS = ("id", "question", "lang", "answer")


class EvalItem(BaseModel):
    """One question of an eval set; pydantic checks the schema, ``parse_item`` words its errors."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: _NonEmptyText
    question: _NonEmptyText
    lang: _NonEmptyText
    answerable: StrictBool
    answer: _NonEmptyText  # reference answer, for people; never string-compared
    facts: tuple[tuple[_NonEmptyText, ...], ...]  # groups of alternatives; every group must be matched
    sources: tuple[_NonEmptyText, ...]
    evidence: tuple[_NonEmptyText, ...]  # verbatim article spans or "record:ID"

    @field_validator("facts")
    @classmethod
    def _groups_have_alternatives(cls, facts: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        if any(not group for group in facts):
            raise ValueError("field 'facts' has an empty group (a group needs at least one alternative)")
        return facts

    @model_validator(mode="after")
    def _unanswerable_has_nothing_to_find(self) -> EvalItem:
        if not self.answerable and (self.facts or self.evidence):
            raise ValueError("an unanswerable item cannot have facts or evidence")
        return self

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


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
    try:
        return EvalItem.model_validate(data)
    except ValidationError as error:
        raise DatasetError(f"{where}: {_first_problem(error)}") from None


def _first_problem(error: ValidationError) -> str:
    """pydantic's first complaint, worded for someone editing the JSONL file by hand."""
    problem = error.errors()[0]
    location = [str(part) for part in problem["loc"]]
    name = location[0] if location else ""
    if problem["type"] == "missing":
        return f"missing field {name!r}"
    if problem["type"] == "value_error":
        return str(problem["ctx"]["error"])
    if name == "answerable":
        return f"field 'answerable' must be true or false, got {problem['input']!r}"
    if name in _TEXT_FIELDS:
        return f"field {name!r} must be a non-empty string, got {problem['input']!r}"
    if name == "facts" and len(location) > 1:
        return f"field 'facts[{location[1]}]' must be a list of non-empty strings, got {problem['input']!r}"
    if name == "facts":
        return f"field 'facts' must be a list of lists of strings, got {problem['input']!r}"
    return f"field {name!r} must be a list of non-empty strings, got {problem['input']!r}"

