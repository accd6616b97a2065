"""Parsing that a crafted file cannot turn into minutes or gigabytes: a reader run in a child process
under a memory cap (``RLIMIT_AS``) and a deadline.

Markdown, HTML, PDF and DOCX parsers are large pure-Python and lxml code paths that a few hundred crafted bytes can send
into cycles of object references or huge allocations; a cap checked before parsing cannot foresee all of
them. The child is forked from a forkserver (a clean process that imported the parsers once), so each
file costs a fork and a pickle, not an interpreter start. Whatever the child does, the caller gets the
parsed article or a RejectedInput naming the file and the limit it hit.
"""
from __future__ import annotations

import multiprocessing
import resource
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from dossier.core.errors import RejectedInput
from dossier.ingest.limits import IngestLimits, human_cap

Parsed = TypeVar("Parsed")
# Imported once by the forkserver, so every forked child starts with the parsers loaded.
_PRELOAD = ["dossier.ingest.articles", "markdown_it", "bs4", "pypdf", "docx", "lxml.etree"]
_context_lock = threading.Lock()
_context: Any = None


def parse_contained(reader: Callable[[bytes, Path, IngestLimits], Parsed], data: bytes, path: Path,
                    limits: IngestLimits) -> Parsed:
    """``reader(data, path, limits)`` in a child process limited to ``limits.parse_memory_bytes`` of
    address space and ``limits.parse_seconds`` of wall time; its RejectedInput passes through."""
    receiver, sender = _forkserver().Pipe(duplex=False)
    child = _forkserver().Process(target=_parse_in_child, args=(reader, data, path, limits, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(limits.parse_seconds):
            raise RejectedInput(path, f"took over {limits.parse_seconds:g} s to parse; stopped")
        try:
            outcome, value = receiver.recv()
        except EOFError:  # killed by its limits (CPU time) or crashed in native code
            raise RejectedInput(path, "its parser stopped without a result (over its time or memory cap?)") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome == "parsed":
        return value
    if outcome == "memory":
        raise RejectedInput(path, f"needs over {human_cap(limits.parse_memory_bytes)} of memory to parse; stopped")
    raise value


def _parse_in_child(reader: Callable[[bytes, Path, IngestLimits], Any], data: bytes, path: Path,
                    limits: IngestLimits, sender: Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.parse_memory_bytes, limits.parse_memory_bytes))
    # A backstop for the parent's deadline, should the parent itself die first.
    cpu = int(limits.parse_seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        result: tuple[str, Any] = ("parsed", reader(data, path, limits))
    except MemoryError:
        result = ("memory", None)
    except RejectedInput as exc:
        result = ("rejected", exc)
    except RecursionError:
        result = ("rejected", RejectedInput(path, "is nested too deeply to parse"))
    try:
        sender.send(result)
    except MemoryError:
        sender.send(("memory", None))
    finally:
        sender.close()


def _forkserver() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            _context = context
    return _context
