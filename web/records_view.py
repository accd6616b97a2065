"""The Records tab: procurement records as table rows, filtered and sorted, and plotted.

matplotlib is loaded lazily and headless (``load_plotting``); ``serve`` loads it while the engine
warms up so the first request does not wait on it.
"""
from __future__ import annotations

from typing import Any

from dossier.core.quantities import format_compact_amount
from dossier.core.text import fold

RECORD_COLUMNS = ["record", "recipient", "office", "date", "amount", "description", "source"]
SORTS = {
    "amount, largest first": ("amount", False),
    "amount, smallest first": ("amount", True),
    "date, newest first": ("date", False),
    "date, oldest first": ("date", True),
    "recipient, A to Z": ("recipient", True),
}


def records_rows(records: list[tuple[Any, str]]) -> list[dict[str, Any]]:
    return [
        {"record": r.record_id, "recipient": r.recipient or "", "office": r.office or r.sub_agency or "",
         "date": r.action_date or "", "amount": r.amount, "description": r.description or r.product_or_service or "",
         "source": r.source_document or ""}
        for r, _passage_id in records
    ]


def write_csv(rows: list[dict[str, Any]], path: Any) -> Any:
    """The rows as a CSV a reader can open in a spreadsheet (the Records tab's download)."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=RECORD_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def filter_records(rows: list[dict[str, Any]], query: str, sort: str) -> list[dict[str, Any]]:
    terms = fold(query or "").split()
    if terms:
        rows = [r for r in rows if all(t in fold(" ".join(str(v) for v in r.values() if v is not None)) for t in terms)]
    key, ascending = SORTS.get(sort, SORTS["amount, largest first"])
    if key == "amount":
        present = [r for r in rows if r["amount"] is not None]
        present.sort(key=lambda r: r["amount"], reverse=not ascending)
        return present + [r for r in rows if r["amount"] is None]
    present = [r for r in rows if r[key]]
    present.sort(key=lambda r: fold(str(r[key])), reverse=not ascending)
    return present + [r for r in rows if not r[key]]


def records_figure(rows: list[dict[str, Any]]) -> Any:
    """Total amount by recipient (bars) and amounts by reported date."""
    load_plotting()
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    money = FuncFormatter(lambda v, _pos: format_compact_amount(v))
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    by_recipient, by_date = fig.subplots(1, 2, width_ratios=[1.15, 1])
    totals: dict[str, float] = {}
    dated: dict[str, float] = {}
    for r in rows:
        if r["amount"] is None:
            continue
        totals[r["recipient"] or "(unknown)"] = totals.get(r["recipient"] or "(unknown)", 0.0) + r["amount"]
        dated[r["date"] or "undated"] = dated.get(r["date"] or "undated", 0.0) + r["amount"]
    if not totals:
        for axes in (by_recipient, by_date):
            axes.text(0.5, 0.5, "no records", ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
        return fig
    names = sorted(totals, key=totals.get)
    by_recipient.barh(names, [totals[n] for n in names], color="#f97316")
    by_recipient.xaxis.set_major_formatter(money)
    by_recipient.set_title("Total amount by recipient", fontsize=11)
    by_recipient.tick_params(axis="y", labelsize=8)
    for y, name in enumerate(names):
        by_recipient.text(totals[name], y, " " + format_compact_amount(totals[name]), va="center", fontsize=7)
    by_recipient.margins(x=0.22)
    dates = sorted((d for d in dated if d != "undated")) + (["undated"] if "undated" in dated else [])
    by_date.bar(dates, [dated[d] for d in dates], color="#6366f1")
    by_date.yaxis.set_major_formatter(money)
    by_date.set_title("Amounts by reported date", fontsize=11)
    by_date.tick_params(axis="x", labelsize=8, rotation=30)
    return fig


def load_plotting() -> None:
    """matplotlib, headless (its import takes ~0.4 s: the records plot and Gradio both need it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure  # noqa: F401


def records_frame(rows: list[dict[str, Any]]) -> Any:
    """The rows as the Records table shows them: a pandas Styler, amounts displayed in dollars."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    # Numbers stay numbers (so the column sorts by value); the Styler only sets what is displayed.
    return frame.style.format({"amount": lambda v: "" if pd.isna(v) else f"${v:,.0f}"})

