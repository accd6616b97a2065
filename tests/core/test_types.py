"""The records that cross the doors: their JSON goes out and comes back through pydantic, types checked."""
from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from dossier.core.types import Answer, Citation, Record, RetrievedItem


def an_answer() -> Answer:
    citation = Citation(n=1, passage_id="p1", document_id="d1", source="ferry.en.md", record_id=None,
                        quote="worth €4.2 million", start=10, end=28, title="Ferry deal")
    retrieved = RetrievedItem(rank=1, passage_id="p1", source="ferry.en.md", record_id=None, text="…", score=0.03)
    return Answer(question="How much?", answer="€4.2 million [1].", abstained=False, language="en",
                  citations=(citation,), retrieved=(retrieved,), timings_ms={"total": 12.5}, notes=("n",))


def test_an_answer_survives_a_json_round_trip():
    answer = an_answer()
    data = json.loads(json.dumps(answer.to_dict()))
    assert data["citations"][0]["quote"] == "worth €4.2 million" and data["notes"] == ["n"]
    assert Answer.from_dict(data) == answer


def test_json_of_the_wrong_shape_is_refused():
    data = an_answer().to_dict()
    with pytest.raises(ValidationError):
        Answer.from_dict({**data, "abstained": "perhaps"})
    with pytest.raises(ValidationError):
        Answer.from_dict({**data, "citations": [{"n": 1}]})


def test_a_record_keeps_its_typed_fields():
    record = Record(record_id="R1", source_document="awards.csv", row_number=2, recipient="Kestrel Marine", amount=4_200_000.0, action_date="2024-05-02",
                    date_precision="day", extra={"award_latest_action_date": "2024-06-01"})
    assert Record.from_dict(json.loads(json.dumps(record.to_dict()))) == record
