"""The library's one façade: ``Dossier`` (and ``ask()``), used alike by the web chat, the CLI and the eval.

Behind it, two services over one opened index: ``QuestionService`` answers, ``Library`` adds, removes
and reindexes. No llama-index or Chroma type crosses this module's door.
"""
from __future__ import annotations

import threading
from typing import Any

from dossier.answer.library import Library
from dossier.answer.questions import QuestionService
from dossier.core.settings import Settings, for_workspace, load_settings
from dossier.core.types import Answer


class Dossier:
    """An opened index with its question service and its library. Cheap to build; models load on first use."""

    def __init__(self, settings: Settings, index: Any = None):
        from dossier.index import open_index

        self.index = index if index is not None else open_index(settings)
        self.questions = QuestionService(settings, self.index)
        self.library = Library(settings, self.index)
        self._settings = settings

    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = self.questions.settings = self.library.settings = settings

    def in_workspace(self, name: str | None) -> "Dossier":
        """The Dossier of workspace ``name`` (None or "": this one), with the settings this one was given
        on the command line or in the environment over that workspace's own."""
        if not name or name == self.settings.workspace:
            return self
        return get_dossier(for_workspace(self.settings, name))

    def workspaces(self) -> list[Any]:
        from dossier.answer.workspaces import list_workspaces

        return list_workspaces(self.settings)

    def ask(self, question: str, top_k: int | None = None, lang: str | None = None,
            answerer: str | None = None) -> Answer:
        return self.questions.ask(question, top_k=top_k, lang=lang, answerer=answerer)

    def add(self, paths: list[Any], on_progress: Any = None) -> Any:
        return self.library.add(paths, on_progress=on_progress)

    def remove(self, id_or_path: str) -> list[str]:
        return self.library.remove(id_or_path)

    def reindex(self, on_progress: Any = None) -> int:
        return self.library.reindex(on_progress=on_progress)

    def documents(self) -> list[Any]:
        return self.library.documents()

    def records(self) -> list[Any]:
        return self.library.records()

    def plan_records(self, plan: dict[str, Any]) -> tuple[list[Any], int]:
        return self.library.plan_records(plan)

    def describe(self) -> dict[str, Any]:
        return self.library.describe()

    def close(self) -> None:
        """Let go of the index (its workspace may then be deleted); ``get_dossier`` opens it afresh."""
        with _DOSSIERS_LOCK:
            for key in [k for k, d in _DOSSIERS.items() if d is self]:
                del _DOSSIERS[key]
        self.index.close()

    def warm_up(self) -> None:
        self.index.warm_up()
        self.questions.corpus()
        self.ask("warm up")


_DOSSIERS: dict[tuple, Dossier] = {}
_DOSSIERS_LOCK = threading.Lock()


def get_dossier(settings: Settings | None = None) -> Dossier:
    """One Dossier per index location and embedder in a process (Chroma's embedded client wants one)."""
    settings = settings or load_settings()
    key = (str(settings.index), settings.chroma_url, settings.embedder, str(settings.embedder_path),
           settings.chunk_tokens)
    with _DOSSIERS_LOCK:
        if key not in _DOSSIERS:
            _DOSSIERS[key] = Dossier(settings)
        dossier = _DOSSIERS[key]
        dossier.settings = settings
        return dossier


def ask(question: str, *, settings: Settings | None = None, top_k: int | None = None, lang: str | None = None,
        answerer: str | None = None) -> Answer:
    """Answer a question from the indexed sources, citing each claim, or abstain."""
    return get_dossier(settings).ask(question, top_k=top_k, lang=lang, answerer=answerer)
