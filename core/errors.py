"""One small error hierarchy, so the CLI and the app show one clear line and tests assert on kinds."""
from __future__ import annotations


class DossierError(Exception):
    """Base of every error dossier raises on purpose."""


class RejectedInput(DossierError):
    """A file that cannot be ingested; ``reason`` is one human line."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # pickled whole, so it crosses from the answering engine unchanged
        return (type(self), (self.path, self.reason))


class IndexLocked(DossierError):
    """Another writer holds the index."""


class IndexCorrupt(DossierError):
    """The index on disk is unreadable or inconsistent."""


class BackendUnavailable(DossierError):
    """An optional backend (LLM server, Chroma server, model package) cannot be reached or loaded."""


class ConfigError(DossierError):
    """Settings that cannot work together."""
