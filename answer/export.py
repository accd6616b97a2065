"""A conversation as Markdown for a newsroom's notes: each question, its answer, and every cited passage
as a numbered footnote (document title and file, the passage quoted; a record's readable fields; a
computation's records and SQL).

``placed_marks`` tells the "[n]" the answerer placed from those a quoted document wrote itself; the web
chat links the same ones.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from dossier.answer.compose import inline_quote
from dossier.answer.conversation import Turn
from dossier.core.types import Answer, Citation

_CITE_MARK = re.compile(r"\[(\d+)\]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
COMPUTATION_IDS = 20  # record ids listed under a computation's footnote; the JSON has them all


def placed_marks(answer: Answer) -> list[tuple[int, int, int]]:
    """(start, end, n) of every "[n]" in the answer text that cites citation n: not one inside a quote,
    which the document wrote (the answer writes a quote of several lines on one, ``inline_quote``)."""
    numbers = {c.n for c in answer.citations}
    quoted = []
    for citation in answer.citations:
        for form in {citation.quote, inline_quote(citation.quote)}:
            start = answer.answer.find(form) if form else -1
            while start != -1:
                quoted.append((start, start + len(form)))
                start = answer.answer.find(form, start + 1)
    return [(m.start(), m.end(), int(m.group(1))) for m in _CITE_MARK.finditer(answer.answer)
            if int(m.group(1)) in numbers and not any(s <= m.start() < e for s, e in quoted)]


def conversation_markdown(turns: Iterable[Turn], workspace: str | None = None,
                          now: datetime | None = None) -> str:
    """The turns (``Turn``: question, understood, answer) as one Markdown document, footnotes numbered
    through the whole document so that two answers' [1] stay apart."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# dossier: conversation", "",
             f"*Exported {stamp}" + (f" · workspace {_escape(workspace)}" if workspace else "") + "*", ""]
    footnotes: list[str] = []
    for number, turn in enumerate(turns, start=1):
        answer = turn.answer
        lines += [f"## {number}. {_escape(turn.question)}", ""]
        if turn.understood != turn.question:
            lines += [f"*Understood as: {_escape(turn.understood)}*", ""]
        labels = {c.n: len(footnotes) + i for i, c in enumerate(answer.citations, start=1)}
        lines += [_answer_text(answer, labels), ""]
        footnotes += [_footnote(labels[c.n], c) for c in answer.citations]
    if footnotes:
        lines += ["---", "", *footnotes]
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(text: str, path: Path) -> Path:
    path = Path(path)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        from dossier.core.errors import ConfigError

        raise ConfigError(f"{path}: cannot write the export ({exc.strerror})") from exc
    return path


def _answer_text(answer: Answer, labels: dict[int, int]) -> str:
    pieces, last = [], 0
    for start, end, n in placed_marks(answer):
        pieces += [_escape(answer.answer[last:start]), f"[^{labels[n]}]"]
        last = end
    pieces.append(_escape(answer.answer[last:]))
    return "".join(pieces)


def _footnote(label: int, citation: Citation) -> str:
    """One footnote; its continuation lines indented four spaces, as Markdown footnotes read them."""
    head = f"[^{label}]: **{_escape(citation.title or citation.document_id)}**, `{Path(citation.source).name}`"
    if citation.record_ids:
        shown = ", ".join(citation.record_ids[:COMPUTATION_IDS])
        more = f" and {len(citation.record_ids) - COMPUTATION_IDS} more" if len(citation.record_ids) > COMPUTATION_IDS else ""
        body = [f"Computed over {len(citation.record_ids)} record(s): {shown}{more}.", "",
                f"> {_escape(citation.quote)}", "", f"{_fence(citation.sql)}sql", citation.sql, _fence(citation.sql)]
    elif citation.record_id:
        body = [f"Record {citation.record_id}:", ""] + [f"- {_record_line(line)}" for line in
                                                        (citation.passage_text or citation.quote).splitlines() if line]
    else:
        body = [f"Passage {citation.passage_id}, characters {citation.start}-{citation.end}:", "",
                *[f"> {_escape(line)}" for line in citation.quote.splitlines() or [""]]]
    return "\n".join([head] + [f"    {line}" if line else "" for line in body]) + "\n"


def _fence(code: str) -> str:
    """A code fence longer than any run of backticks in ``code`` (SQL holds values from the records)."""
    return "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", code)), default=0))


def _record_line(line: str) -> str:
    label, sep, value = line.partition(": ")
    return f"**{_escape(label)}**: {_escape(value)}" if sep else _escape(line)


def _escape(text: str) -> str:
    """Document text read as text: no heading, link, emphasis or HTML of its own."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
