"""eval: grounding evaluation. Pure scoring functions, dataset loading, the run and its report."""
from eval.dataset import EvalItem, load_dataset
from eval.scoring import SUMMARY_KEYS, score_item, summarize

__all__ = ["EvalItem", "SUMMARY_KEYS", "load_dataset", "score_item", "summarize"]
