"""Launching the web chat safely: loopback by default, never shared, optional sign-in, a private
upload directory removed at exit, a bounded queue, and a clean stop on Ctrl+C or SIGTERM.

``serve(settings, build_app)`` starts the answering engine, launches the Blocks that ``build_app``
lays out over it, and blocks until interrupted; ``dossier.app.serve`` is that call with the app's
own layout, the one the CLI runs.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import Any, Callable

import gradio as gr
from starlette.middleware import Middleware

from dossier.core.errors import ConfigError
from dossier.core.settings import Settings, apply_offline_env
from dossier.core.tempdirs import UPLOADS_TEMP_PREFIX, owned_temp_dir, remove_stale_temp_dirs
from dossier.web.labels import i18n
from dossier.web.login_throttle import LoginThrottle, LoginThrottleMiddleware
from dossier.web.records_view import load_plotting
from dossier.web.render import CSS, HEAD

def parse_auth(value: str | None) -> list[tuple[str, str]] | None:
    """``user:pass``, or a path to a file of such lines (blank lines and # comments skipped)."""
    if not value:
        return None
    path = Path(os.path.expanduser(value))
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else [value]
    pairs = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            raise ConfigError("auth must be 'user:pass' or a file of 'user:pass' lines")
        pairs.append((user, password))
    if not pairs:
        raise ConfigError(f"auth file {path} holds no 'user:pass' line")
    return pairs


def private_temp_dir() -> Path:
    """A mode-0700 directory for Gradio's uploads (GRADIO_TEMP_DIR), removed at exit, and by the next
    start when this process is killed before its exit handlers run."""
    directory = owned_temp_dir(UPLOADS_TEMP_PREFIX)
    os.environ["GRADIO_TEMP_DIR"] = str(directory)
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def launch(demo: gr.Blocks, settings: Settings, *, host: str | None = None, port: int | None = None,
           prevent_thread_lock: bool = False, quiet: bool = True) -> str:
    """Queue and launch with the safe defaults; returns the local URL."""
    demo.queue(max_size=settings.queue_max_size, default_concurrency_limit=settings.concurrency_limit)
    auth = parse_auth(settings.auth)
    # Gradio checks passwords as fast as they come; the throttle makes guessing slow (issue #14).
    throttled = [Middleware(LoginThrottleMiddleware, throttle=LoginThrottle())] if auth else []
    demo.launch(
        server_name=host or settings.host,
        server_port=port if port is not None else settings.port,
        share=False,
        auth=auth,
        app_kwargs={"middleware": throttled},
        auth_message="dossier: sign in" if settings.auth else None,
        max_file_size=settings.max_upload_bytes,
        prevent_thread_lock=prevent_thread_lock,
        show_error=False,
        quiet=quiet,
        ssr_mode=False,
        mcp_server=False,
        run_history=False,  # its page can send runs to a remote bucket; answers stay on this machine
        enable_monitoring=False,
        blocked_paths=[str(Path(p).expanduser().resolve()) for p in (settings.index, settings.data_dir)],
        css=CSS,
        head=HEAD,
        i18n=i18n(),  # French labels for a French browser, English otherwise (web/labels.py)
        theme=gr.themes.Soft(primary_hue="orange", neutral_hue="slate"),
    )
    return demo.local_url


def serve(settings: Settings, build_app: Callable[[Any], gr.Blocks], dossier: Any = None) -> None:
    """Build the app over ``dossier`` with ``build_app`` and serve until interrupted.

    Without one, the answering engine is started in its own process (``answer.start_engine``): it
    opens the index and loads the models while this process lays out and launches the app. "Serving"
    is printed once it is warm, so the first answer waits on nothing that start-up could have done;
    if the engine cannot start, the server is closed and its reason raised.
    """
    apply_offline_env()
    for stale in remove_stale_temp_dirs():  # left by a server killed with kill -9
        print(f"dossier: removed {stale}, left by a server that was killed", flush=True)
    private_temp_dir()
    if dossier is None:
        from dossier.answer import start_engine

        dossier = start_engine(settings)
    demo = build_app(dossier)
    url = launch(demo, settings, prevent_thread_lock=True)
    try:
        load_plotting()  # while the engine warms up: Gradio's first request would import it otherwise
        dossier.warm_up()
    except BaseException:
        demo.close()
        raise
    print(f"dossier: serving {settings.index} at {url}  (Ctrl+C to stop)", flush=True)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # a stop by the service manager cleans up like Ctrl+C
    try:
        demo.block_thread()
    finally:
        demo.close()


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt

