"""The Dossier in a process of its own, for the web server: ``start_engine(settings)``.

Why a second process (``dossier serve`` only; the CLI and the eval answer in-process):
- start-up: the web process spends ~2.5 s importing Gradio while the engine imports llama-index
  and Chroma and loads the models on the other core, so the app is ready in the longer of the
  two instead of their sum;
- answering's Python work does not compete with Gradio's event loop for one GIL;
- the embedded Chroma client lives in exactly one process, whatever the web server does.

The engine is multiprocessing's object server (one thread per connection, pickled calls) on a
Unix socket in a private 0700 directory, with a random key that never appears on a command
line. It exits when the web process's pipe to it closes, so a killed server leaves no engine.
``RemoteDossier`` has the surface the app uses (ask, add, remove, documents, records, describe);
what crosses the socket is the project's own records (Answer, IngestReport, Record, ...).
"""
from __future__ import annotations

import atexit
import copy
import json
import os
import pickle
import secrets
import shutil
import subprocess
import sys
import threading
import time
import uuid
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any, Callable

from dossier.core import errors
from dossier.core.errors import BackendUnavailable, DossierError
from dossier.core.settings import Settings, helper_process_env
from dossier.core.tempdirs import ENGINE_TEMP_PREFIX, owned_temp_dir

EXPOSED = ("ask", "add", "progress", "remove", "documents", "records", "plan_records", "describe")
# Every call but ``progress`` takes ``workspace``: a browser session's own investigation (None: the server's).
PROGRESS_POLL_S = 0.2


class EngineService:
    """What the engine process serves: the Dossier's surface, plus upload progress kept per job."""

    def __init__(self, dossier: Any):
        self.dossier = dossier
        self._steps: dict[str, list[tuple[int, int, str]]] = {}
        self._lock = threading.Lock()

    def ask(self, question: str, top_k: int | None = None, lang: str | None = None,
            answerer: str | None = None, workspace: str | None = None) -> Any:
        return self._serving(workspace).ask(question, top_k=top_k, lang=lang, answerer=answerer)

    def add(self, paths: list[str], job: str | None = None, workspace: str | None = None) -> Any:
        def note(done: int, total: int, path: str) -> None:
            with self._lock:
                self._steps.setdefault(job, []).append((done, total, str(path)))

        return self._serving(workspace).add(paths, on_progress=note if job else None)

    def _serving(self, workspace: str | None) -> Any:
        """The Dossier of ``workspace``, held for serving like the engine's own index, so that a CLI writer
        into a workspace this process has open is refused at once instead of going unseen."""
        dossier = self.dossier.in_workspace(workspace)
        if dossier is not self.dossier:
            dossier.index.hold_for_serving()
        return dossier

    def progress(self, job: str, since: int = 0, final: bool = False) -> list[tuple[int, int, str]]:
        """The progress steps of an ingest job after the first ``since``; ``final`` forgets the job."""
        with self._lock:
            steps = self._steps.pop(job, []) if final else self._steps.get(job, [])
            return steps[since:]

    def remove(self, id_or_path: str, workspace: str | None = None) -> list[str]:
        return self._serving(workspace).remove(id_or_path)

    def documents(self, workspace: str | None = None) -> list[Any]:
        return self._serving(workspace).documents()

    def records(self, workspace: str | None = None) -> list[Any]:
        return self._serving(workspace).records()

    def plan_records(self, plan: dict[str, Any], workspace: str | None = None) -> tuple[list[Any], int]:
        return self._serving(workspace).plan_records(plan)

    def describe(self, workspace: str | None = None) -> dict[str, Any]:
        return self._serving(workspace).describe()


class _ServerManager(BaseManager):
    """The engine side of multiprocessing's object server."""


class _ClientManager(BaseManager):
    """The web side: connects to the engine and hands out a proxy of its EngineService."""


_ClientManager.register("engine", exposed=EXPOSED)


class RemoteDossier:
    """The answering engine running in its own process, seen through the Dossier's surface."""

    def __init__(self, settings: Settings, process: subprocess.Popen, address: str, authkey: bytes,
                 workdir: Path):
        self.settings = settings
        self._process = process
        self._address = address
        self._authkey = authkey
        self._workdir = workdir
        self._ready = threading.Event()
        self._ready_lock = threading.Lock()
        self._failure: DossierError | None = None
        self._proxy: Any = None
        self._root = self  # a workspace's view (``in_workspace``) shares the engine, its proxy and state
        self._workspace: str | None = None

    # -- start-up ---------------------------------------------------------------------------------
    def wait_ready(self, timeout_s: float = 300.0) -> None:
        """Block until the engine has opened the index and loaded its models; raise what it hit."""
        with self._ready_lock:
            if self._failure is not None:
                raise self._failure
            if self._ready.is_set():
                return
            line = _read_line(self._process, timeout_s)
            message = json.loads(line) if line.strip().startswith("{") else {}
            if not message.get("ready"):
                self._failure = _startup_failure(message, self._process)
                self.close()
                raise self._failure
            manager = _ClientManager(address=self._address, authkey=self._authkey)
            manager.connect()
            self._proxy = manager.engine()
            self._ready.set()

    warm_up = wait_ready  # the app warms a Dossier up before serving; the engine did it at start

    def in_workspace(self, name: str | None) -> "RemoteDossier":
        """This engine answering from workspace ``name`` (None or "": the server's own)."""
        if not name or name == self._root.settings.workspace:
            return self._root
        from dossier.core.settings import for_workspace

        view = copy.copy(self._root)
        view.settings, view._workspace = for_workspace(self._root.settings, name), name
        return view

    def workspaces(self) -> list[Any]:
        from dossier.answer.workspaces import list_workspaces

        return list_workspaces(self.settings)

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        self._root.wait_ready()
        if method != "progress":
            kwargs["workspace"] = self._workspace
        try:
            return getattr(self._root._proxy, method)(*args, **kwargs)
        except (EOFError, ConnectionError) as exc:
            if self._process.poll() is None:
                raise  # raised by the engine's own work, not by a lost connection
            raise BackendUnavailable(f"the answering engine stopped ({type(exc).__name__}); "
                                     "restart `dossier serve`") from exc

    # -- the Dossier's surface --------------------------------------------------------------------
    def ask(self, question: str, top_k: int | None = None, lang: str | None = None,
            answerer: str | None = None) -> Any:
        return self._call("ask", question, top_k=top_k, lang=lang, answerer=answerer)

    def add(self, paths: list[Any], on_progress: Callable[[int, int, str], None] | None = None) -> Any:
        """Ingest in the engine; ``on_progress`` is called here, from this thread, as files are done."""
        paths = [str(p) for p in paths]
        if on_progress is None:
            return self._call("add", paths)
        job = uuid.uuid4().hex
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["report"] = self._call("add", paths, job)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread below
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="dossier-engine-add", daemon=True)
        worker.start()
        seen = 0
        while True:
            worker.join(PROGRESS_POLL_S)
            finished = not worker.is_alive()
            for step in self._call("progress", job, seen, final=finished):
                seen += 1
                on_progress(*step)
            if finished:
                break
        if "error" in outcome:
            raise outcome["error"]
        return outcome["report"]

    def remove(self, id_or_path: str) -> list[str]:
        return self._call("remove", id_or_path)

    def documents(self) -> list[Any]:
        return self._call("documents")

    def records(self) -> list[Any]:
        return self._call("records")

    def plan_records(self, plan: dict[str, Any]) -> tuple[list[Any], int]:
        return self._call("plan_records", plan)

    def describe(self) -> dict[str, Any]:
        return {**self._call("describe"), "answering process": f"pid {self._process.pid}"}

    # -- shutting down ----------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the engine (closing its pipe is enough; it is killed if it lingers)."""
        if self._process.stdin and not self._process.stdin.closed:
            try:
                self._process.stdin.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        if self._process.stdout:
            self._process.stdout.close()
        shutil.rmtree(self._workdir, ignore_errors=True)


def start_engine(settings: Settings) -> RemoteDossier:
    """Start the engine process and return at once; it opens the index and warms up meanwhile."""
    workdir = owned_temp_dir(ENGINE_TEMP_PREFIX)  # owned by this (the web) process, whose death ends the engine
    address = str(workdir / "sock")  # short: a Unix socket path holds at most 107 bytes
    authkey = secrets.token_bytes(32)
    # Same working directory as the web process: relative paths in settings mean the same place.
    process = subprocess.Popen([sys.executable, "-m", "dossier.answer.engine"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE,
                               env=helper_process_env(str(Path(__file__).resolve().parents[1])))
    assert process.stdin is not None
    process.stdin.write(pickle.dumps({"settings": settings, "address": address, "authkey": authkey}))
    process.stdin.flush()
    engine = RemoteDossier(settings, process, address, authkey, workdir)
    atexit.register(engine.close)
    return engine


def _read_line(process: subprocess.Popen, timeout_s: float) -> str:
    """The engine's one status line (or "" if it exits or stays silent past the timeout)."""
    assert process.stdout is not None
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout_s)
    return line[0].decode("utf-8", "replace") if line else ""


def _startup_failure(message: dict[str, Any], process: subprocess.Popen) -> DossierError:
    if message.get("error"):
        kind = getattr(errors, str(message.get("kind")), None)
        if isinstance(kind, type) and issubclass(kind, DossierError) and kind is not errors.RejectedInput:
            return kind(message["error"])
        return DossierError(message["error"])
    code = process.poll()
    state = f"exited with code {code}" if code is not None else "did not start in time"
    return BackendUnavailable(f"the answering engine {state}; see the messages above")


# ---- the engine process -------------------------------------------------------------------------

def _engine_main() -> int:
    config = pickle.load(sys.stdin.buffer)
    status = os.fdopen(os.dup(1), "w", encoding="utf-8")  # the status line goes to the web process...
    os.dup2(2, 1)  # ...and anything a library prints goes to stderr, not into that channel
    sys.stdout = sys.stderr
    threading.Thread(target=_exit_when_web_process_goes, name="dossier-engine-watch", daemon=True).start()
    try:
        from dossier.answer.service import get_dossier

        dossier = get_dossier(config["settings"])
        dossier.index.hold_for_serving()  # a CLI writer would go unseen by this process's store: refused
        dossier.warm_up()
    except DossierError as exc:
        _report(status, {"error": str(exc), "kind": type(exc).__name__})
        return 1
    service = EngineService(dossier)
    _ServerManager.register("engine", callable=lambda: service, exposed=EXPOSED)
    server = _ServerManager(address=config["address"], authkey=config["authkey"]).get_server()
    os.chmod(config["address"], 0o600)
    _report(status, {"ready": True, "pid": os.getpid(), "started_s": round(time.process_time(), 2)})
    server.serve_forever()
    return 0


def _report(status: Any, message: dict[str, Any]) -> None:
    status.write(json.dumps(message) + "\n")
    status.flush()


def _exit_when_web_process_goes() -> None:
    sys.stdin.buffer.read()  # returns at EOF: the web process closed the pipe or died
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(_engine_main())
