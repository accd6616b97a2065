"""`dossier chat`: a conversation in the terminal, or one answer per line of piped input.

On a terminal: a prompt, answers with citations as `dossier ask` prints them, and commands /new (a new
conversation), /export FILE (the session as Markdown), /help and /quit (or Ctrl-D). When standard
input is not a terminal, each line is a question (or one of those commands) and each answer is
printed as it comes: as text, or with --json one Answer JSON a line, with the question as understood.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from dossier.core.errors import DossierError
from dossier.core.settings import Settings

HELP = ("Ask a question, in English or French. /new starts a new conversation, /export FILE.md writes this "
        "session as Markdown, /quit (or Ctrl-D) ends.")


def add_chat_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("chat", help="a conversation: a prompt on a terminal, one question a line when piped")
    p.add_argument("--json", action="store_true", help="one Answer JSON a line (with the question as understood)")
    p.add_argument("--export", type=Path, metavar="FILE.md", help="write the session as Markdown when it ends")
    p.add_argument("--top-k", type=int)
    p.add_argument("--lang", choices=["en", "fr"])
    p.add_argument("--answerer", choices=["extractive", "llm"])
    common(p)


class ChatSession:
    """The conversation being held, and every turn of the session for its export."""

    def __init__(self, dossier: Any, args: argparse.Namespace, settings: Settings):
        from dossier.answer import Conversation

        self.dossier, self.args, self.settings = dossier, args, settings
        self.conversation = Conversation()
        self.session: list[Any] = []
        self.failures = 0

    def ask(self, question: str) -> Any:
        args = self.args
        turn = self.conversation.ask(question, lambda q: self.dossier.ask(q, top_k=args.top_k, lang=args.lang,
                                                                          answerer=args.answerer))
        self.session.append(turn)
        return turn

    def export(self, path: Path) -> Path:
        from dossier.answer import conversation_markdown, write_markdown

        return write_markdown(conversation_markdown(self.session, workspace=self.settings.workspace), path)

    def handle(self, line: str, interactive: bool) -> bool:
        """Act on one line; False when the session should end."""
        line = line.strip()
        if not line:
            return True
        command, _, rest = line.partition(" ")
        if command in ("/quit", "/exit"):
            return False
        if command == "/new":
            self.conversation.new()
            _say("new conversation", interactive)
        elif command == "/export":
            if not rest.strip():
                _say("usage: /export FILE.md", True)
            else:
                self._guarded(lambda: _say(f"wrote {self.export(Path(rest.strip()).expanduser())}", interactive))
        elif command == "/help":
            _say(HELP, True)
        elif line.startswith("/") and " " not in command and command[1:].isalpha():
            _say(f"unknown command {command}; {HELP}", True)
        else:
            self._guarded(lambda: self._answer(line))
        return True

    def _answer(self, question: str) -> None:
        from dossier.cli.commands import print_answer

        turn = self.ask(question)
        if self.args.json:
            print(json.dumps(turn.to_dict(), ensure_ascii=False), flush=True)
            return
        if turn.understood != turn.question:
            print(f"(understood as: {turn.understood})")
        print_answer(turn.answer)
        print(flush=True)

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except DossierError as exc:  # one bad question or file does not end the conversation
            self.failures += 1
            print(f"dossier: error: {exc}", file=sys.stderr, flush=True)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from dossier.cli.commands import dossier_of

    session = ChatSession(dossier_of(settings), args, settings)
    interactive = sys.stdin.isatty()
    try:
        if interactive:
            _interactive(session)
        else:
            for line in sys.stdin:
                if not session.handle(line, interactive=False):
                    break
    finally:
        if args.export:
            _say(f"wrote {session.export(args.export)}", interactive)
    return 1 if session.failures else 0


def _interactive(session: ChatSession) -> None:
    try:
        import readline  # noqa: F401 - line editing and history at the prompt
    except ImportError:  # pragma: no cover
        pass
    where = f"workspace {session.settings.workspace}" if session.settings.workspace else str(session.settings.index)
    print(f"dossier chat: {where}, {len(session.dossier.documents())} documents. {HELP}")
    while True:
        try:
            line = _prompt("> ")
        except EOFError:
            print()
            return
        except KeyboardInterrupt:  # Ctrl-C clears the line, as in a shell
            print()
            continue
        if not session.handle(line, interactive=True):
            return


def _prompt(prompt: str) -> str:
    """input() on the terminal's own stream, so that readline's line editing and history work there."""
    shown = sys.stdout
    sys.stdout = getattr(shown, "underlying", shown)
    try:
        return input(prompt)
    finally:
        sys.stdout = shown


def _say(message: str, interactive: bool) -> None:
    """A session message: on stdout at a prompt, on stderr when output is a stream of answers."""
    print(message, file=sys.stdout if interactive else sys.stderr, flush=True)
