"""``dossier serve`` as a user starts it, in a guarded child process on a free loopback port, for the
checks that talk to the running web app (readers, load, paths)."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from dossier.reliability import netguard

START_TIMEOUT_S = 600  # a machine shared with other test runs can take minutes to import and load models


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``with Server(index, log) as server:`` serves ``index``; ``server.url`` once it prints "serving"."""

    def __init__(self, index: Path, log: Path, auth: str | None = None, max_upload_bytes: int | None = None):
        self.index, self.log, self.auth = index, log, auth
        self.max_upload_bytes = max_upload_bytes
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        command = [sys.executable, "-m", "dossier.cli", "serve", "--index", str(self.index), "--port", str(self.port),
                   "--profile", "test", *(["--auth", self.auth] if self.auth else [])]
        env = netguard.child_env()
        if self.max_upload_bytes:
            env["DOSSIER_MAX_UPLOAD_BYTES"] = str(self.max_upload_bytes)
        self._log = open(self.log, "a", encoding="utf-8")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._log, text=True, env=env)
        if not self._wait_serving():
            self.__exit__()
            raise RuntimeError(f"dossier serve did not start; see {self.log}")
        return self

    def _wait_serving(self) -> bool:
        assert self.process is not None and self.process.stdout is not None
        seen: list[str] = []

        def read() -> None:
            for line in self.process.stdout:  # type: ignore[union-attr]
                self._log.write(line)
                self._log.flush()
                if line.startswith("dossier: serving"):
                    seen.append(line)
                    break
            threading.Thread(target=lambda: [self._log.write(rest) for rest in self.process.stdout],  # type: ignore
                             daemon=True).start()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        return bool(seen)

    def client(self, **kwargs: Any) -> Any:
        from gradio_client import Client

        from dossier.core.settings import apply_offline_env

        # ssl_verify=False: plain http on loopback; the default builds a CA bundle per request (README, bench).
        # gradio_client's telemetry thread calls huggingface.co unless the offline environment says no.
        apply_offline_env()
        return Client(self.url, verbose=False, download_files=False, ssl_verify=False, **kwargs)

    def rss_mb(self) -> float:
        """Resident memory of the web process and its answering engine, in MB."""
        assert self.process is not None
        return round(sum(_rss_kb(pid) for pid in [self.process.pid, *_children(self.process.pid)]) / 1024, 1)

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        time.sleep(0.2)
        self._log.close()


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
