"""The optional LLM answerer: a language model writes the answer, code checks every sentence.

The model sees the top passages, numbered and fenced in ``<passage>`` tags, and is told to cite
``[n]`` after every sentence and to reply ``NOT IN SOURCES`` when the passages do not answer
(``llm_prompt``). Its reply is then verified, sentence by sentence, against the passages it cites
(``llm_checks``): a sentence with no citation, citing a passage it was not shown, or stating a number
or a name that its cited passages do not contain is dropped (and the drop noted). What survives
becomes the draft's lead, its markers renumbered to the evidence, each citation quoting the passage
sentence that best supports the model's sentence. Nothing survives: the answerer abstains.

The llama-index LLM is built explicitly from settings (never llama-index's global ``Settings``)
and imported lazily, so the default extractive path never loads it.
"""
from __future__ import annotations

import re
from typing import Any

from dossier.answer.corpus import CorpusView
from dossier.answer.draft import Draft, opening_spans
from dossier.answer.lexicon import Lexicon
from dossier.answer.llm_checks import check_sentence
from dossier.answer.llm_prompt import (NOT_IN_SOURCES, Checked, prompt_messages, renumber, says_not_in_sources,
                                       split_reply, strip_thinking, without_markers)
from dossier.answer.question import Question
from dossier.core.errors import BackendUnavailable
from dossier.core.types import ScoredPassage
from dossier.core.text import fold

MAX_PASSAGES = 6  # passages shown to the model
MAX_REPLY_TOKENS = 600
_LETTER = re.compile(r"[^\W\d_]")


class LLMAnswerer:
    """Answers with a llama-index LLM, keeping only the sentences its cited passages support."""

    name = "llm"

    def __init__(self, llm: Any, lexicon: Lexicon, *, url: str = "", model: str = "",
                 max_passages: int = MAX_PASSAGES):
        self.llm = llm
        self.lexicon = lexicon
        self.url = url
        self.model = model
        self.max_passages = max_passages

    # ---- the Answerer protocol ---------------------------------------------------------------
    def answer(self, question: Question, retrieved: list[ScoredPassage], corpus: CorpusView) -> Draft:
        if not retrieved:
            return Draft(True, reason="the index holds no passage to answer from")
        shown = retrieved[: self.max_passages]
        reply = self.complete(self.messages(question, shown))
        return self.verify(reply, shown, corpus)

    # ---- prompting ---------------------------------------------------------------------------
    def messages(self, question: Question, shown: list[ScoredPassage]) -> list[tuple[str, str]]:
        """(role, content) pairs: the system rules, then the fenced passages and the question."""
        return prompt_messages(question, shown)

    def complete(self, messages: list[tuple[str, str]]) -> str:
        from llama_index.core.llms import ChatMessage

        chat = [ChatMessage(role=role, content=content) for role, content in messages]
        try:
            response = self.llm.chat(chat)
        except Exception as exc:  # noqa: BLE001 - any failure of the backend is one clear line, never a traceback
            raise BackendUnavailable(_failure(exc, self.url, self.model)) from exc
        return (response.message.content or "").strip()

    # ---- verifying ---------------------------------------------------------------------------
    def verify(self, reply: str, shown: list[ScoredPassage], corpus: CorpusView) -> Draft:
        """Keep the reply's sentences that cite shown passages which state their numbers and names."""
        reply = strip_thinking(reply)
        considered = opening_spans(shown)
        if not reply:
            return Draft(True, reason="the language model returned an empty reply", considered=considered)
        if says_not_in_sources(reply):
            return Draft(True, reason="the language model found no answer in the passages", considered=considered)
        notes: list[str] = []
        kept: list[Checked] = []
        abstained_part = False
        for sentence in split_reply(reply):
            claim = without_markers(sentence)
            if NOT_IN_SOURCES.casefold() in fold(claim):
                abstained_part = True
                continue
            if not _LETTER.search(claim):
                continue  # a stray marker or list number, nothing said
            problem, checked = check_sentence(sentence, claim, shown, corpus, self.lexicon)
            if problem:
                # Without its markers: the reader's [n] are the renumbered citations, not the model's.
                notes.append(f"dropped unsupported sentence: {claim} ({problem})")
            else:
                kept.append(checked)
        if not kept:
            if abstained_part and not notes:
                reason = "the language model found no answer in the passages"
            else:
                reason = "no sentence of the language model's answer is supported by the passages it cites"
            return Draft(True, reason=reason, notes=notes, considered=considered)
        evidence, lead = renumber(kept)
        return Draft(False, evidence=evidence, lead=lead, notes=notes)


def build_llm_answerer(settings: Any, lexicon: Lexicon) -> LLMAnswerer:
    """The LLM answerer for ``settings.llm_backend`` ("openai-compatible" or "ollama")."""
    url = (settings.llm_url or "").strip()
    model = (settings.llm_model or "").strip()
    if not url or not model:
        missing = " and ".join(n for n, v in (("llm_url", url), ("llm_model", model)) if not v)
        raise BackendUnavailable(
            f"the LLM answerer needs {missing} (set DOSSIER_LLM_URL and DOSSIER_LLM_MODEL, "
            "e.g. http://127.0.0.1:8080/v1 for an OpenAI-compatible server)")
    if not re.match(r"https?://", url, re.IGNORECASE):
        raise BackendUnavailable(f"llm_url must be an http:// or https:// address, not {url!r}")
    backend = settings.llm_backend
    timeout = float(settings.llm_timeout_s)
    try:
        if backend == "openai-compatible":
            from llama_index.llms.openai_like import OpenAILike

            llm = OpenAILike(model=model, api_base=url, api_key=settings.llm_api_key or "not-needed",
                             is_chat_model=True, timeout=timeout, max_retries=0, temperature=0.0,
                             max_tokens=MAX_REPLY_TOKENS)
        elif backend == "ollama":
            from llama_index.llms.ollama import Ollama

            llm = Ollama(model=model, base_url=url, request_timeout=timeout, temperature=0.0,
                         additional_kwargs={"num_predict": MAX_REPLY_TOKENS})
        else:
            raise BackendUnavailable(f"unknown llm_backend {backend!r}; choose openai-compatible or ollama")
    except ImportError as exc:
        raise BackendUnavailable(f"the {backend} LLM backend is not installed ({exc.name or exc})") from exc
    return LLMAnswerer(llm, lexicon, url=url, model=model)


def _failure(exc: BaseException, url: str, model: str) -> str:
    kind = type(exc).__name__
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    detail = " ".join(str(exc).split())[:240] or kind
    if "Timeout" in kind or "timed out" in detail.lower():
        what = "did not answer in time"
    elif "Connect" in kind or "connection" in detail.lower():
        what = "cannot be reached"
    elif status:
        what = f"answered HTTP {status}"
    else:
        what = "failed"
    return f"the LLM server at {url} (model {model!r}) {what}: {detail}"
