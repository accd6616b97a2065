"""Investigations (workspaces) for the interfaces: list, create, choose and delete them.

Paths and names are ``core.workspaces``'s; deleting goes through the index's removal claim, so a
workspace that a running dossier process has open (a server, a chat) is never deleted under it.
"""
from __future__ import annotations

import shutil
from typing import Any

from dossier.core import workspaces
from dossier.core.errors import ConfigError
from dossier.core.settings import Settings
from dossier.core.workspaces import DEFAULT_WORKSPACE, Workspace


def list_workspaces(settings: Settings) -> list[Workspace]:
    return workspaces.listed(settings.data_dir)


def create_workspace(settings: Settings, name: str, values: dict[str, Any] | None = None) -> Workspace:
    return workspaces.create(settings.data_dir, name, dict(values or {}))


def use_workspace(settings: Settings, name: str) -> None:
    workspaces.use(settings.data_dir, name)


def delete_workspace(settings: Settings, name: str) -> None:
    """Delete workspace ``name``, its index and settings; the others are left as they are."""
    from dossier.index import removal_claim

    workspaces.require(settings.data_dir, name)
    if name == DEFAULT_WORKSPACE:
        raise ConfigError("the default workspace cannot be deleted; remove its documents with `dossier docs remove`")
    folder = workspaces.workspace_dir(settings.data_dir, name)
    with removal_claim(workspaces.workspace_index(settings.data_dir, name), f"workspace {name!r}"):
        # The settings file goes first: from then on the workspace no longer exists for anyone listing.
        (folder / workspaces.SETTINGS_FILE).unlink()
        shutil.rmtree(folder)
    workspaces.forget_current(settings.data_dir, name)
