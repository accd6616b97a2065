"""eval: grounding evaluation. Pure scoring functions, dataset loading, the run and its report."""
from dossier.eval.dataset import EvalItem, load_dataset
from dossier.eval.run import check_bars, parse_bars, run_eval, write_results
from dossier.eval.scoring import SUMMARY_KEYS, score_item, summarize

__all__ = ["EvalItem", "SUMMARY_KEYS", "check_bars", "load_dataset", "parse_bars", "run_eval", "score_item",
           "summarize", "write_results"]
