"""Errors as a web client reads them: what went wrong, without the server's own paths.

A DossierError's message names folders for the terminal that ran the command (an index "another dossier
process is writing to", a workspace "built with" another model); through the web it would show a client
where the server keeps its data and whose home it runs in. No API output shows an absolute server path.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr


def client_error(exc: Exception, settings: Any) -> gr.Error:
    """``exc`` as a Gradio error whose message names the server's index, data directory and home folder
    instead of showing them."""
    message = str(exc)
    named = {"the index": settings.index, "the data directory": settings.data_dir, "~": Path.home()}
    shown = [(str(form), name) for name, folder in named.items() if folder
             for form in {Path(folder), Path(folder).resolve()}]
    for path, name in sorted(shown, key=lambda pair: -len(pair[0])):  # the innermost folder first
        message = message.replace(path, name)
    return gr.Error(message)
