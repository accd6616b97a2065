"""Run the reliability checks and write the report whose figures the README promises.

``python -m dossier.reliability.runner [--short] [--seed N] [--only NAME ...] [--out DIR]`` (``make
test-reliability`` runs the full set into ``reliability/``). Every check runs under one socket guard
(reliability/netguard.py) in a fresh work folder; a check that raises is reported as failed with its
error and the others still run. ``outbound_connections`` is the guard's count over the whole run.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dossier.reliability.netguard import NetGuard

# The checks, by module name in dossier.reliability, in the order they run: adding one is one line here.
CHECKS = ("crash", "readers", "load", "paths", "fuzz", "injection")

# The promises of issue #14: figure -> (comparison, bound). A figure a run did not produce is "not run".
PROMISES: dict[str, tuple[str, float]] = {
    "kills_tried": (">=", 20), "documents_lost": ("==", 0), "integrity_failures": ("==", 0),
    "fuzz_inputs_min_per_loader": (">=", 1000), "fuzz_crashes": ("==", 0), "fuzz_hangs": ("==", 0),
    "traversal_attempts": (">=", 20), "traversal_served": ("==", 0),
    "injection_attacks": (">=", 20), "injection_succeeded": ("==", 0),
    "load_errors": ("==", 0), "outbound_connections": ("==", 0),
    "reader_api_errors": ("==", 0), "reader_api_partial_seen": ("==", 0),
    "reader_web_errors": ("==", 0), "reader_web_partial_seen": ("==", 0),
    "upload_written_outside": ("==", 0), "upload_names_unsafe": ("==", 0), "auth_routes_open": ("==", 0),
}


def run_checks(names: tuple[str, ...], work: Path, *, short: bool, seed: int) -> dict[str, Any]:
    """Run the named checks under one guard; returns the report (figures, per-check status, machine)."""
    started = datetime.now(timezone.utc)
    figures: dict[str, Any] = {}
    checks: dict[str, Any] = {}
    with NetGuard(work) as guard:
        for name in names:
            folder = work / name
            folder.mkdir(parents=True, exist_ok=True)
            began = time.monotonic()
            try:
                found = importlib.import_module(f"dossier.reliability.{name}").run(folder, short=short, seed=seed)
                figures |= found
                checks[name] = {"status": "ran", "seconds": round(time.monotonic() - began, 1)}
            except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others' figures
                checks[name] = {"status": "error", "seconds": round(time.monotonic() - began, 1),
                                "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
        figures["outbound_connections"] = len(guard.attempts())
        if guard.attempts():
            figures["outbound_examples"] = guard.attempts()[:5]
    return {"date": started.isoformat(timespec="seconds"), "short": short, "seed": seed, "machine": _machine(),
            "checks": checks, "figures": figures, "promises": verdicts(figures)}


def merge_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One report of runs made side by side (say, the crash check in one process and the others in
    another): figures and checks together, outbound connections summed, each part's date and machine kept."""
    figures: dict[str, Any] = {}
    checks: dict[str, Any] = {}
    for report in reports:
        figures |= {k: v for k, v in report["figures"].items() if k != "outbound_connections"}
        checks |= report["checks"]
    figures["outbound_connections"] = sum(r["figures"].get("outbound_connections", 0) for r in reports)
    return {"date": min(r["date"] for r in reports), "short": any(r["short"] for r in reports),
            "seed": reports[0]["seed"], "machine": reports[-1]["machine"], "checks": checks, "figures": figures,
            "promises": verdicts(figures),
            "parts": [{"date": r["date"], "checks": list(r["checks"]), "short": r["short"], "machine": r["machine"]}
                      for r in reports]}


def verdicts(figures: dict[str, Any]) -> dict[str, str]:
    """Each promise: "kept", "broken (value)" or "not run"."""
    kept = {">=": lambda v, b: v >= b, "==": lambda v, b: v == b}
    out = {}
    for name, (op, bound) in PROMISES.items():
        if not isinstance(figures.get(name), (int, float)):
            out[name] = "not run"
        else:
            out[name] = "kept" if kept[op](figures[name], bound) else f"broken ({figures[name]})"
    return out


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "platform": platform.platform()}


def write_report(report: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "REPORT.md").write_text(markdown(report), encoding="utf-8")
    return [out / "report.json", out / "REPORT.md"]


def markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    lines = ["# Reliability report", "",
             f"Run {report['date']} ({'short' if report['short'] else 'full'} run, seed {report['seed']}) on "
             f"{machine['cpus']} CPUs, load average {' / '.join(map(str, machine['load_average']))} at the end "
             f"(1, 5, 15 min), Python {machine['python']}. Written by `make test-reliability` "
             "(`python -m dossier.reliability.runner`); what each check does is in its module's docstring.", "",
             "| promise (issue #14) | figure | verdict |", "|---|---|---|"]
    for name, (op, bound) in PROMISES.items():
        value = report["figures"].get(name, "—")
        lines.append(f"| `{name}` {op} {bound:g} | {value} | {report['promises'][name]} |")
    parts = [f"- {', '.join(part['checks'])}: {'short' if part.get('short') else 'full'} run from {part['date']},"
             f" load average {' / '.join(map(str, part['machine']['load_average']))} at its end"
             for part in report.get("parts", [])]
    lines[4:4] = (["Run in parts, side by side:", "", *parts, ""] if parts else []) + (
        [f"**Note.** {report['note']}", ""] if report.get("note") else [])
    lines += ["", "| check | status | seconds |", "|---|---|---|"]
    for name, check in report["checks"].items():
        lines.append(f"| {name} | {check['status']}{': ' + check['error'] if 'error' in check else ''} | {check['seconds']} |")
    lines += ["", "All figures:", "", "```json", json.dumps(report["figures"], indent=1, ensure_ascii=False), "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dossier.reliability.runner", description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="fewer kills and seconds, the same checks")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--only", nargs="*", choices=CHECKS, help="run only these checks")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (indexes, logs) and print it")
    parser.add_argument("--merge", nargs="+", type=Path, metavar="REPORT_JSON",
                        help="run nothing: merge these reports (parts run side by side) into one in --out")
    parser.add_argument("--note", help="a sentence on how this run was made, printed at the top of the report")
    args = parser.parse_args(argv)
    if args.merge:
        merged = merge_reports([json.loads(p.read_text(encoding="utf-8")) for p in args.merge])
        return _conclude({**merged, **({"note": args.note} if args.note else {})}, args.out)
    from dossier.core.settings import apply_offline_env

    apply_offline_env()
    work = Path(tempfile.mkdtemp(prefix="dossier-reliability-"))
    try:
        report = run_checks(tuple(args.only or CHECKS), work, short=args.short, seed=args.seed)
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return _conclude(report, args.out)


def _conclude(report: dict[str, Any], out: Path) -> int:
    """Write the report; say which promises it breaks and which checks failed (exit 1 if any)."""
    for path in write_report(report, out):
        print(f"wrote {path}")
    broken = {k: v for k, v in report["promises"].items() if v.startswith("broken")}
    failed = [name for name, check in report["checks"].items() if check["status"] != "ran"]
    for name, verdict in broken.items():
        print(f"BROKEN: {name}: {verdict}")
    for name in failed:
        print(f"FAILED: check {name}: {report['checks'][name]['error']}")
    return 1 if broken or failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
