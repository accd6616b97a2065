"""Investigations (workspaces): one index and its own settings per investigation, under the data directory.

Layout of the data directory (``Settings.data_dir``, set by ``DOSSIER_DATA_DIR``)::

    index/                         the "default" workspace's index (where dossier always kept it)
    workspaces/NAME/index/         another workspace's index
    workspaces/NAME/settings.json  the settings it was created with (embedder, top_k, ...)
    current-workspace              the name `dossier workspace use` chose

Only paths and names live here; opening, holding and deleting an index belong to ``index``/``answer``.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.core.errors import ConfigError

DEFAULT_WORKSPACE = "default"
CURRENT_FILE = "current-workspace"
SETTINGS_FILE = "settings.json"
# What a workspace may set for itself: what shapes its index and how it answers.
WORKSPACE_SETTINGS = ("embedder", "embedder_path", "chunk_tokens", "embed_records", "top_k", "answerer",
                      "llm_backend", "llm_url", "llm_model")
# Lowercase only: two names differing in case would be one folder on a case-insensitive disk.
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,47}")


@dataclass(frozen=True)
class Workspace:
    name: str
    index: Path
    settings: dict[str, Any]
    current: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "index": str(self.index), "settings": self.settings, "current": self.current}


def check_name(name: str) -> str:
    """The name itself, or a ConfigError saying why it cannot name a workspace (it becomes a folder name)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(f"workspace name {name!r}: use 1-48 lowercase letters, digits, '-' or '_', "
                          "starting with a letter or digit (it names a folder: no '/', '..' or spaces)")
    return name


def workspace_dir(data_dir: Path, name: str) -> Path:
    return Path(data_dir) / "workspaces" / check_name(name)


def workspace_index(data_dir: Path, name: str) -> Path:
    """Where a workspace's index lives; the default one's is where dossier kept its one index before."""
    if check_name(name) == DEFAULT_WORKSPACE:
        return Path(data_dir) / "index"
    return workspace_dir(data_dir, name) / "index"


def exists(data_dir: Path, name: str) -> bool:
    return name == DEFAULT_WORKSPACE or (workspace_dir(data_dir, name) / SETTINGS_FILE).is_file()


def workspace_settings(data_dir: Path, name: str) -> dict[str, Any]:
    """The settings a workspace was created with ({} for the default one, or one created without any)."""
    path = workspace_dir(data_dir, name) / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a readable workspace settings file ({exc})") from exc
    if not isinstance(values, dict) or set(values) - set(WORKSPACE_SETTINGS):
        raise ConfigError(f"{path}: a workspace may set only {', '.join(WORKSPACE_SETTINGS)}")
    return values


def require(data_dir: Path, name: str) -> str:
    if not exists(data_dir, check_name(name)):
        raise ConfigError(f"no workspace {name!r} in {data_dir}; create it with: dossier workspace create {name}")
    return name


def current(data_dir: Path) -> str:
    """The workspace `dossier workspace use` chose, or the default one."""
    try:
        name = (Path(data_dir) / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return DEFAULT_WORKSPACE
    except OSError as exc:
        raise ConfigError(f"{Path(data_dir) / CURRENT_FILE}: cannot read the current workspace ({exc.strerror})") from exc
    if not name:
        return DEFAULT_WORKSPACE
    try:
        return require(data_dir, name)
    except ConfigError as exc:
        raise ConfigError(f"the current workspace is gone: {exc}; or choose another with: "
                          "dossier workspace use default") from exc


def use(data_dir: Path, name: str) -> None:
    require(data_dir, name)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    _write_atomically(Path(data_dir) / CURRENT_FILE, name + "\n")


def create(data_dir: Path, name: str, settings: dict[str, Any]) -> Workspace:
    """A new workspace with these settings (an empty index is made on first use)."""
    if exists(data_dir, check_name(name)):
        raise ConfigError(f"workspace {name!r} already exists in {data_dir}")
    unknown = set(settings) - set(WORKSPACE_SETTINGS)
    if unknown:
        raise ConfigError(f"a workspace may set only {', '.join(WORKSPACE_SETTINGS)}, not {', '.join(sorted(unknown))}")
    folder = workspace_dir(data_dir, name)
    folder.mkdir(parents=True, exist_ok=True)
    values = {k: str(v) if isinstance(v, Path) else v for k, v in settings.items() if v is not None}
    _write_atomically(folder / SETTINGS_FILE, json.dumps(values, indent=2) + "\n")
    return Workspace(name, workspace_index(data_dir, name), values)


def listed(data_dir: Path) -> list[Workspace]:
    """Every workspace, the default one first, then by name."""
    root = Path(data_dir) / "workspaces"
    names = sorted(p.name for p in root.iterdir() if _NAME.fullmatch(p.name) and p.name != DEFAULT_WORKSPACE
                   and (p / SETTINGS_FILE).is_file()) if root.is_dir() else []
    try:
        chosen = current(data_dir)
    except ConfigError:
        chosen = ""
    return [Workspace(n, workspace_index(data_dir, n), workspace_settings(data_dir, n), n == chosen)
            for n in [DEFAULT_WORKSPACE, *names]]


def forget_current(data_dir: Path, name: str) -> None:
    """After ``name`` is deleted: the default workspace becomes current if ``name`` was."""
    path = Path(data_dir) / CURRENT_FILE
    if path.is_file() and path.read_text(encoding="utf-8").strip() == name:
        path.unlink()


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
