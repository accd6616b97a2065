"""Workspaces as paths and settings: names that cannot escape the data directory, where each index lives,
which index a command reads, and whose settings win."""
from __future__ import annotations

from pathlib import Path

import pytest

from dossier.core import workspaces
from dossier.core.errors import ConfigError
from dossier.core.settings import for_workspace, load_settings


@pytest.mark.parametrize("name", ["../evil", "..", ".", "a/b", "/abs", "with space", "", "Upper", "-dash",
                                  "a" * 49, "a\x00b", "é"])
def test_a_name_that_could_leave_its_folder_or_clash_is_refused_with_the_reason(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match="lowercase letters, digits"):
        workspaces.create(tmp_path, name, {})
    assert not (tmp_path / "workspaces").exists() or not any((tmp_path / "workspaces").iterdir())


def test_the_default_workspace_is_the_index_dossier_always_used_and_others_sit_beside_it(tmp_path: Path) -> None:
    settings = load_settings({"data_dir": tmp_path}, environ={})
    assert settings.workspace == "default" and settings.index == tmp_path / "index"
    workspaces.create(tmp_path, "ports", {"top_k": 3})
    chosen = load_settings({"data_dir": tmp_path, "workspace": "ports"}, environ={})
    assert chosen.index == tmp_path / "workspaces" / "ports" / "index" and chosen.top_k == 3
    assert [w.name for w in workspaces.listed(tmp_path)] == ["default", "ports"]


def test_which_index_a_command_reads(tmp_path: Path) -> None:
    workspaces.create(tmp_path, "ports", {})
    workspaces.create(tmp_path, "tolls", {})
    env = {"DOSSIER_DATA_DIR": str(tmp_path)}
    assert load_settings(environ=env).workspace == "default"
    workspaces.use(tmp_path, "tolls")
    assert load_settings(environ=env).workspace == "tolls"  # `workspace use` is remembered
    assert load_settings(environ={**env, "DOSSIER_WORKSPACE": "ports"}).workspace == "ports"
    assert load_settings({"workspace": "ports"}, environ=env).index.parent.name == "ports"
    direct = load_settings({"index": tmp_path / "elsewhere"}, environ=env)  # --index names an index directly
    assert direct.index == tmp_path / "elsewhere" and direct.workspace is None
    assert load_settings(environ={**env, "DOSSIER_INDEX": str(tmp_path / "x")}).index == tmp_path / "x"
    with pytest.raises(ConfigError, match="give one of them"):
        load_settings({"index": tmp_path / "x", "workspace": "ports"}, environ=env)
    with pytest.raises(ConfigError, match="no workspace 'gone'.*dossier workspace create gone"):
        load_settings({"workspace": "gone"}, environ=env)


def test_a_workspace_own_settings_sit_under_the_environment_and_the_command_line(tmp_path: Path) -> None:
    workspaces.create(tmp_path, "ports", {"top_k": 3, "answerer": "llm"})
    env = {"DOSSIER_DATA_DIR": str(tmp_path), "DOSSIER_ANSWERER": "extractive"}
    settings = load_settings({"workspace": "ports", "profile": "test"}, environ=env)
    assert (settings.top_k, settings.answerer, settings.embedder) == (3, "extractive", "minilm")
    assert load_settings({"workspace": "ports", "top_k": 5}, environ=env).top_k == 5
    # Switching (the web chat's sessions): the other workspace's own settings, not the first one's.
    switched = for_workspace(settings, "default")
    assert (switched.workspace, switched.top_k, switched.embedder) == ("default", 8, "minilm")
    assert for_workspace(switched, "ports").top_k == 3


def test_a_current_workspace_that_is_gone_says_how_to_choose_another(tmp_path: Path) -> None:
    (tmp_path / workspaces.CURRENT_FILE).write_text("vanished\n")
    with pytest.raises(ConfigError, match="dossier workspace use default"):
        load_settings({"data_dir": tmp_path}, environ={})


def test_a_settings_file_with_foreign_keys_is_refused_naming_the_file(tmp_path: Path) -> None:
    workspaces.create(tmp_path, "ports", {})
    path = tmp_path / "workspaces" / "ports" / workspaces.SETTINGS_FILE
    path.write_text('{"index": "/etc"}')
    with pytest.raises(ConfigError, match=f"{path}: a workspace may set only"):
        load_settings({"data_dir": tmp_path, "workspace": "ports"}, environ={})
