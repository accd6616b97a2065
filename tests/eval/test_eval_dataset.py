"""Loading eval sets: valid lines become EvalItems, bad lines name their file and line."""
import json

import pytest

from dossier.core.errors import DossierError
from dossier.eval.dataset import DatasetError, EvalItem, load_dataset

GOOD = {"id": "x-1", "question": "How much?", "lang": "en", "answerable": True, "answer": "$3.75 million",
        "facts": [["3,75", "3.75"]], "sources": ["a.txt"], "evidence": ["3,75 millions"]}
UNANSWERABLE = {"id": "x-2", "question": "Who?", "lang": "fr", "answerable": False, "answer": "Not stated",
                "facts": [], "sources": [], "evidence": []}


def write(tmp_path, *lines: str):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_items_skipping_blank_lines_and_ignoring_unknown_fields(tmp_path):
    path = write(tmp_path, json.dumps({**GOOD, "note": "extra"}), "", json.dumps(UNANSWERABLE))
    first, second = load_dataset(path)
    assert first == EvalItem(id="x-1", question="How much?", lang="en", answerable=True, answer="$3.75 million", facts=(("3,75", "3.75"),), sources=("a.txt",), evidence=("3,75 millions",))
    assert second.answerable is False and second.facts == ()
    assert first.to_dict() == GOOD


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "set.jsonl:2: invalid JSON"),
        ("[1, 2]", "set.jsonl:2: expected a JSON object, got list"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "facts"} | {"id": "y"}), "set.jsonl:2: missing field 'facts'"),
        (json.dumps({**GOOD, "id": "y", "answerable": "yes"}), "set.jsonl:2: field 'answerable' must be true or false"),
        (json.dumps({**GOOD, "id": "y", "question": ""}), "set.jsonl:2: field 'question' must be a non-empty string"),
        (json.dumps({**GOOD, "id": "y", "facts": ["3,75"]}), "set.jsonl:2: field 'facts[0]' must be a list of non-empty strings"),
        (json.dumps({**GOOD, "id": "y", "facts": [[]]}), "set.jsonl:2: field 'facts' has an empty group"),
        (json.dumps({**GOOD, "id": "y", "evidence": "span"}), "set.jsonl:2: field 'evidence' must be a list of non-empty strings"),
        (json.dumps({**UNANSWERABLE, "id": "y", "facts": [["x"]]}), "set.jsonl:2: an unanswerable item cannot have facts or evidence"),
        (json.dumps(GOOD), "set.jsonl:2: duplicate id 'x-1' (first on line 1)"),
    ],
)
def test_bad_lines_raise_with_file_and_line_number(tmp_path, line, message):
    path = write(tmp_path, json.dumps(GOOD), line)
    with pytest.raises(DatasetError) as raised:
        load_dataset(path)
    assert message in str(raised.value)
    assert isinstance(raised.value, DossierError) and isinstance(raised.value, ValueError)


def test_empty_or_missing_files_are_errors(tmp_path):
    with pytest.raises(DatasetError, match="empty"):
        load_dataset(write(tmp_path, ""))
    with pytest.raises(DatasetError, match="cannot read"):
        load_dataset(tmp_path / "absent.jsonl")
