"""Aimed kills for the reliability harness (reliability/crash.py): inert unless its writer process arms them.

A random ``kill -9`` from outside rarely lands inside the short writes that matter most: the Chroma
write, the BM25 persist and the registry commit. Armed with ``"phase:n:delay_ms"``, the n-th arrival
at ``phase`` sends this process SIGKILL ``delay_ms`` later from a timer thread (0: at once), so the
kill lands inside the write that follows the arrival, as an outside kill would.
"""
from __future__ import annotations

import os
import signal
import threading

WRITE_PHASES = ("chroma-write", "bm25-persist", "registry-commit")

_aim: tuple[str, int, float] | None = None
_arrivals: dict[str, int] = {}


def arm(spec: str | None) -> None:
    """Aim at ``"phase:n:delay_ms"`` (None disarms). A malformed spec is an error, never ignored."""
    global _aim
    _arrivals.clear()
    if not spec:
        _aim = None
        return
    phase, arrival, delay_ms = spec.split(":")
    if phase not in WRITE_PHASES:
        raise ValueError(f"kill_at {spec!r}: phase must be one of {', '.join(WRITE_PHASES)}")
    _aim = (phase, int(arrival), float(delay_ms))


def reached(phase: str) -> None:
    """Called by the writers just before each write phase; kills this process when aimed there."""
    if _aim is None or _aim[0] != phase:
        return
    _arrivals[phase] = _arrivals.get(phase, 0) + 1
    if _arrivals[phase] != _aim[1]:
        return
    if _aim[2] <= 0:
        os.kill(os.getpid(), signal.SIGKILL)
    threading.Timer(_aim[2] / 1000, os.kill, (os.getpid(), signal.SIGKILL)).start()
