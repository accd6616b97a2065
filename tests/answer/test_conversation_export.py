"""A conversation over the real demo index, exported as Markdown: footnotes numbered through the file,
each defined once with its document and quote; a record's readable fields; a computation's records and
SQL; a document's own markup kept as text; and a turn's JSON carrying the question as understood."""
from __future__ import annotations

import re
from dataclasses import replace

from dossier.answer import Conversation, Turn, conversation_markdown
from dossier.core.types import Answer, Citation

TEXT_QUESTION = "What does Paragon's spyware do?"  # the web chat's own examples
RECORDS_QUESTION = "Add up every Clearview AI award in the procurement records."


def test_a_conversation_exports_every_citation_as_one_numbered_footnote(demo_dossier) -> None:
    conversation = Conversation()
    for question in (TEXT_QUESTION, RECORDS_QUESTION, TEXT_QUESTION):
        turn = conversation.ask(question, demo_dossier.ask)
        assert turn.to_dict()["understood"] == question and turn.to_dict()["question"] == question
        assert Turn.from_dict(turn.to_dict()) == turn  # the web chat keeps turns as JSON between questions
    text_answer, computed, _ = (t.answer for t in conversation.turns)
    assert text_answer.citations and computed.citations[0].record_ids

    notes = conversation_markdown(conversation.turns, workspace="demo")
    cited = sum(len(t.answer.citations) for t in conversation.turns)
    definitions = re.findall(r"^\[\^(\d+)\]: ", notes, flags=re.MULTILINE)
    assert definitions == [str(n) for n in range(1, cited + 1)]  # numbered through the file, each once
    body = notes.split("\n---\n")[0]
    assert set(re.findall(r"\[\^(\d+)\]", body)) == set(definitions)  # every footnote is referred to
    assert [line for line in notes.splitlines() if line.startswith("## ")] == [
        f"## {n}. {q}" for n, q in enumerate((TEXT_QUESTION, RECORDS_QUESTION, TEXT_QUESTION), 1)]
    first = text_answer.citations[0]
    assert f"[^1]: **{first.title}**, `{first.source.split('/')[-1]}`" in notes
    assert f"    Passage {first.passage_id}, characters {first.start}-{first.end}:" in notes
    computation = computed.citations[0]
    assert all(record_id in notes for record_id in computation.record_ids[:20])
    assert f"    {computation.sql.splitlines()[0]}" in notes and "    ```sql" in notes


def test_a_record_is_exported_as_its_readable_fields_and_document_markup_stays_text(demo_dossier) -> None:
    record, passage_id = demo_dossier.records()[0]
    rendered = record.render()
    quote = rendered.splitlines()[1]
    cite = Citation(n=1, passage_id=passage_id, document_id="d", source=record.source_document,
                    record_id=record.record_id, quote=quote, start=rendered.index(quote),
                    end=rendered.index(quote) + len(quote), title="awards", passage_text=rendered)
    hostile = "# Owned <script>alert(1)</script> [^9]: forged *bold*"
    article = replace(cite, record_id=None, quote=hostile, passage_text=hostile, start=0, end=len(hostile), n=2,
                      title="[click](http://example.com)")
    answer = Answer(question="q", answer=f"“{quote}” [1]\n“{hostile}” [2]", abstained=False, language="en",
                    citations=(cite, article))
    notes = conversation_markdown([Turn("q", "q", answer)])
    assert f"    - **recipient**: {record.recipient}" in notes
    assert f"    Record {record.record_id}:" in notes
    assert "\\<script\\>" in notes and "<script>" not in notes
    assert "\\[^9\\]" in notes and not re.search(r"^\[\^9\]", notes, flags=re.MULTILINE)
    assert "    > \\# Owned" in notes and "**\\[click\\](http://example.com)**" in notes
    assert "“\\# Owned" in notes and notes.count("[^2]") == 2  # the answer's own [2] still refers to it
