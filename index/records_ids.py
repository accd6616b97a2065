"""Every record id of the awards table, read into Python once per table generation.

A computation cites every record it ran over: a count over 700,000 awards hands 700,000 ids to the answer.
Made anew from DuckDB per question, those strings cost more than the query (about 130 ms for 700,000);
held here, a question only sends the matching award numbers (integers) and picks their ids.
"""
from __future__ import annotations

from typing import Any

import numpy as np


class CitedIds:
    """The record ids of the awards in ``award_no`` order (each award's in its own list order)."""

    def __init__(self, ids: np.ndarray, ends: np.ndarray, stamp: str | None):
        self.stamp = stamp  # the table generation they were read at
        self._ids = ids  # object array of str
        self._starts = np.concatenate(([0], ends[:-1])).astype(np.int64)  # award_no n starts at _starts[n - 1]
        self._ends = ends.astype(np.int64)

    @classmethod
    def read(cls, db: Any) -> CitedIds:
        # As numpy columns (a list aggregate of every id held ~3x the memory while it was read).
        counts = db.execute("SELECT len(record_ids) AS n FROM awards ORDER BY award_no").fetchnumpy()["n"]
        ids = db.execute("SELECT award_no, generate_subscripts(record_ids, 1) AS i, unnest(record_ids) AS r"
                         " FROM awards ORDER BY award_no, i").fetchnumpy()["r"]
        return cls(np.asarray(ids, dtype=object), np.cumsum(np.asarray(counts, dtype=np.int64)), table_stamp(db))

    def of(self, award_nos: np.ndarray) -> tuple[str, ...]:
        """The ids of these awards, in award order."""
        rows = np.asarray(award_nos, dtype=np.int64) - 1
        if rows.size > 1 and not (rows[1:] >= rows[:-1]).all():  # DuckDB's scan usually gives them in order
            rows = np.sort(rows)
        starts, lengths = self._starts[rows], self._ends[rows] - self._starts[rows]
        if lengths.size and (lengths == 1).all():  # award summaries: one record per award
            return tuple(self._ids.take(starts))
        # Each award's run of ids: its start repeated over its length, plus the position within it.
        within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return tuple(self._ids.take(np.repeat(starts, lengths) + within))


def table_stamp(db: Any) -> str | None:
    """The generation written with the awards table, read without the catalogue (which costs ~10 ms cold)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return row[0] if row else None
