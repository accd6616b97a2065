"""The `dossier` command: argument parsing and printing only, over the library APIs (``cli.main``)."""
from __future__ import annotations

from dossier.cli.main import main

__all__ = ["main"]
