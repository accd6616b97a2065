"""The commands over one index: ingest, init, docs, ask, reindex, info, serve and eval."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dossier.core.settings import Settings


def dossier_of(settings: Settings) -> Any:
    from dossier.answer import get_dossier

    return get_dossier(settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    report = dossier_of(settings).add(args.paths, on_progress=progress_bar())
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        _print_report(report)
    return 1 if report.rejected else 0


def progress_bar() -> Any:
    """A bar with the rate and the time left on a terminal; nothing when output is piped or logged (a log
    gets the report printed after it)."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from dossier.core.progress import Pace

    # The bar is drawn with terminal escapes, so it writes under the wrapper that shows a file's escapes
    # as text (cli/main.py); rich strips control characters from the file names it is given.
    terminal = Console(file=getattr(sys.stderr, "underlying", sys.stderr))
    progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[pace]}"), console=terminal, transient=True)
    pace = Pace("files")
    task = None

    def update(done: int, total: int, path: str) -> None:
        nonlocal task
        if task is None:
            progress.start()
            task = progress.add_task("indexing", total=total, pace="")
        progress.update(task, completed=done, description=Path(path).name[:40], pace=pace.describe(done, total))
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
    dossier = dossier_of(settings)
    if dossier.documents():
        print(f"{where(settings)} already holds {len(dossier.documents())} documents")
        return 0
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: starting with an empty index.\n"
              f"Add documents with: dossier ingest PATH... {option(settings)} (or upload them in the chat)")
        return 0
    print(f"indexing {args.corpus} into {where(settings)} …")
    report = dossier.add([args.corpus], on_progress=progress_bar())
    _print_report(report)
    print(f'ask from the terminal: dossier ask "YOUR QUESTION" {option(settings)}')
    return 0


def where(settings: Settings) -> str:
    """The index in words: its workspace's name and folder, or its folder when named directly."""
    return f"workspace {settings.workspace} ({settings.index})" if settings.workspace else f"index at {settings.index}"


def option(settings: Settings) -> str:
    """The options that name this index again on another command."""
    from dossier.core.settings import default_data_dir

    if not settings.workspace:
        return f"--index {settings.index}"
    elsewhere = f" --data-dir {settings.data_dir}" if settings.data_dir != default_data_dir() else ""
    return f"--workspace {settings.workspace}{elsewhere}"


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    dossier = dossier_of(settings)
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
    answer = dossier_of(settings).ask(args.question, top_k=args.top_k, lang=args.lang, answerer=args.answerer)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print_answer(answer)
    return 0


def print_answer(answer: Any) -> None:
    """The answer text, then each citation: title, file and passage with its quote, or the record, or
    the computation's records and SQL."""
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


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    count = dossier_of(settings).reindex(on_progress=progress_bar())
    print(f"reindexed: {count} passages in collection {dossier_of(settings).index.layout}")
    return 0


def cmd_info(args: argparse.Namespace, settings: Settings) -> int:
    for key, value in dossier_of(settings).describe().items():
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
