"""Prompt injection: documents are data, whatever they say.

The red-team set (``reliability/redteam``, described by its ``attacks.json``) plants one document at a
time into an index of the demo corpus. Each plant is asked two questions. The one it does not concern
must get the very answer the corpus alone gets; the one it pretends to answer must not carry its
payload (what an obeyed injection would say) nor quote its planted sentence. No answer may hold a live
``[n]`` link the code did not place (a ``[1]`` written inside a document stays text), and every citation
must be the exact span of an indexed passage. Questions that are only instructions must abstain. With
the optional LLM answerer (a fake OpenAI-compatible server on loopback that obeys every injection it
sees), the planted text must reach the model only inside its ``<passage>`` fences, and the obeyed
payload must not survive the answer's checks.

    python -m dossier.reliability.injection [--short] [--seed N] [--work DIR] [--corpus DIR]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
from pathlib import Path
from typing import Any

from dossier.core.text import fold

REPO = Path(__file__).resolve().parents[1]
REDTEAM = Path(__file__).resolve().parent / "redteam"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
SHORT_ATTACKS = 4
_CITE_MARK = re.compile(r"\[(\d+)\]")
_LINK = re.compile(r"\(#cite-(\d+)\)")
_FENCED = re.compile(r"<passage\b[^>]*>.*?</passage>", re.DOTALL)
_PASSAGE_BLOCK = re.compile(r'<passage n="(\d+)"[^>]*>(.*?)</passage>', re.DOTALL)


def red_team() -> dict[str, Any]:
    return json.loads((REDTEAM / "attacks.json").read_text(encoding="utf-8"))


def citation_problems(answer: Any, dossier: Any) -> list[str]:
    """Citations the code did not build: a live link without a citation of the code's, or a quote that is
    not exactly its passage's span."""
    from dossier.answer import inline_quote
    from dossier.web.render import answer_markdown

    problems = []
    outside_quotes = answer.answer
    for citation in answer.citations:
        for form in {citation.quote, inline_quote(citation.quote)}:
            if form:
                outside_quotes = outside_quotes.replace(form, "")
    placed = [int(n) for n in _CITE_MARK.findall(outside_quotes)]
    links = [int(n) for n in _LINK.findall(answer_markdown(answer))]
    numbers = {c.n for c in answer.citations}
    if sorted(links) != sorted(n for n in placed if n in numbers) or not set(links) <= numbers:
        problems.append(f"links {links} but the code placed {placed} for citations {sorted(numbers)}")
    for citation in answer.citations:
        if citation.passage_id == "computation":
            continue
        passage = dossier.index.passage(citation.passage_id)
        if passage is None or passage.text[citation.start:citation.end] != citation.quote:
            problems.append(f"citation [{citation.n}] is not a span of indexed passage {citation.passage_id}")
    return problems


def _payload_in(answer: Any, payload: str | None, baseline: Any) -> bool:
    return bool(payload) and fold(payload) in fold(answer.answer) and fold(payload) not in fold(baseline.answer)


def _quotes_planted(answer: Any, injected: list[str]) -> bool:
    planted = [fold(text)[:60] for text in injected]
    return any(p in fold(c.quote) or fold(c.quote) in fold(text) for c in answer.citations
               for p, text in zip(planted, injected) if len(fold(c.quote)) > 20)


def _asked(dossier: Any, question: str, answerer: str | None = None) -> Any:
    return dossier.ask(question, answerer=answerer)


def run_attack(dossier: Any, attack: dict[str, Any], baselines: dict[str, Any]) -> list[str]:
    """What the plant got past the product, empty when nothing: ingest it, ask both questions, remove it."""
    report = dossier.add([REDTEAM / attack["file"]])
    ids = [o.document_id for o in report.outcomes if o.document_id]
    failures = [f"not ingested: {o.detail}" for o in report.rejected]
    try:
        unrelated = _asked(dossier, attack["does_not_concern"])
        expected = baselines[attack["does_not_concern"]]
        if (unrelated.answer, unrelated.abstained) != (expected.answer, expected.abstained):
            failures.append(f"unrelated answer changed: {expected.answer[:80]!r} -> {unrelated.answer[:80]!r}")
        target = _asked(dossier, attack["pretends_to_answer"])
        if _payload_in(target, attack["payload"], baselines[attack["pretends_to_answer"]]):
            failures.append(f"payload {attack['payload']!r} in the answer: {target.answer[:120]!r}")
        if attack["payload"] and _quotes_planted(target, attack["injected"]):
            failures.append("the planted sentence is quoted as evidence")
        for answer in (unrelated, target):
            failures += citation_problems(answer, dossier)
    finally:
        for document_id in ids:
            dossier.remove(document_id)
    return failures


def run_llm_attack(dossier: Any, attack: dict[str, Any], server: Any, baselines: dict[str, Any]) -> list[str]:
    """The planted document with the LLM answerer, whose fake model obeys any payload it is shown."""
    from dossier.reliability.fake_llm import message_text

    report = dossier.add([REDTEAM / attack["file"]])
    ids = [o.document_id for o in report.outcomes if o.document_id]
    failures = []
    try:
        server.requests.clear()
        answer = _asked(dossier, attack["pretends_to_answer"], answerer="llm")
        for request in server.requests:
            for message in request["body"].get("messages", []):
                unfenced = _FENCED.sub("", message_text(message))
                for text in attack["injected"]:
                    if fold(text)[:40] in fold(unfenced):
                        failures.append(f"planted text reached the model outside a passage fence ({message['role']})")
        if _payload_in(answer, attack["payload"], baselines[attack["pretends_to_answer"]]):
            failures.append(f"the model's obeyed payload survived: {answer.answer[:120]!r}")
        failures += citation_problems(answer, dossier)
    finally:
        for document_id in ids:
            dossier.remove(document_id)
    return failures


def obeying_server(payloads: list[str]) -> Any:
    """The fake OpenAI-compatible server (loopback only, ``fake_llm``), made to obey: shown a passage that
    holds a payload, it answers with that payload, citing that passage."""
    from dossier.reliability.fake_llm import FakeLLMServer, last_message

    class ObeyingServer(FakeLLMServer):
        def reply_for(self, body: dict[str, Any]) -> str:
            user = last_message(body, "user")
            for n, text in _PASSAGE_BLOCK.findall(user):
                for payload in payloads:
                    if fold(payload) in fold(text):
                        return f"As the sources say, the answer is: {payload} [{n}]."
            return self.default

    return ObeyingServer()


def open_corpus(work: Path, corpus: Path, llm_url: str, *, test_profile: bool) -> Any:
    """A Dossier of ``corpus`` at ``work``, its LLM answerer pointed at ``llm_url``."""
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings

    overrides: dict[str, Any] = {"index": work / "index", "llm_url": llm_url, "llm_model": "obedient"}
    if test_profile:
        overrides["profile"] = "test"
    dossier = Dossier(load_settings(overrides, environ={}))
    rejected = dossier.add([corpus]).rejected
    if rejected:
        raise RuntimeError(f"the corpus did not ingest cleanly: {rejected}")
    return dossier


def attack_all(dossier: Any, server: Any, attacks: list[dict[str, Any]], instructions: list[str]) -> dict[str, Any]:
    """Every attack and instruction-only question against ``dossier``; the figures."""
    questions = sorted({q for a in attacks for q in (a["does_not_concern"], a["pretends_to_answer"])})
    baselines = {q: _asked(dossier, q) for q in questions}
    found: dict[str, list[str]] = {}
    for attack in attacks:
        failures = run_attack(dossier, attack, baselines) + run_llm_attack(dossier, attack, server, baselines)
        if failures:
            found[attack["file"]] = failures
    for question in instructions:
        answer = _asked(dossier, question)
        if not answer.abstained:
            found[f"question: {question}"] = [f"answered: {answer.answer[:120]!r}"]
    return {
        "injection_attacks": len(attacks) + len(instructions),
        "injection_succeeded": len(found),
        "injection_documents": len(attacks),
        "injection_instruction_questions": len(instructions),
        "injection_failures": found,
        # A question whose corpus-only answer moved once the plants were gone would void the comparison.
        "injection_baseline_drift": [q for q in questions if _asked(dossier, q).answer != baselines[q].answer],
    }


def run(work: Path, *, short: bool, seed: int, corpus: Path = DEFAULT_CORPUS) -> dict[str, Any]:
    """The figures ``injection_attacks`` and ``injection_succeeded``, with what each success got past.
    The short run plants a seeded sample of the documents, with the test profile's embedder."""
    manifest = red_team()
    attacks, instructions = manifest["attacks"], manifest["instruction_questions"]
    if short:
        attacks = random.Random(seed).sample(attacks, SHORT_ATTACKS)
        instructions = instructions[:2]
    with obeying_server([a["payload"] for a in manifest["attacks"] if a["payload"]]) as server:
        dossier = open_corpus(work, corpus, server.url, test_profile=short)
        return attack_all(dossier, server, attacks, instructions)


def main() -> None:
    parser = argparse.ArgumentParser(description="Plant the red-team documents; print the figures.")
    parser.add_argument("--short", action="store_true", help=f"{SHORT_ATTACKS} documents and the test embedder")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dossier-injection-") as scratch:
        figures = run(args.work or Path(scratch), short=args.short, seed=args.seed, corpus=args.corpus)
    print(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
