"""The harness's socket guard: every connection to anything but this machine is refused and counted.

Installed in the harness's own process (``install``), and in every Python process it starts through a
``sitecustomize`` module put first on their PYTHONPATH (``NetGuard.child_env``), so the engine and the
web server of ``dossier serve`` are guarded too. Attempts are appended to one log file, one line each;
``outbound_connections`` is the number of its lines.
"""
from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from typing import Any

_originals: dict[str, Any] = {}
_log: Path | None = None
_active: "NetGuard | None" = None


def _is_loopback(host: Any) -> bool:
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    if _log is not None:
        with open(_log, "a", encoding="utf-8") as log:
            log.write(f"pid {os.getpid()}: {what}\n")
    raise ConnectionRefusedError(f"reliability harness: {what} refused (no outbound traffic)")


def install(log: Path | str) -> None:
    """Guard this process: a non-loopback connect or name lookup is logged to ``log`` and refused."""
    global _log
    _log = Path(log)
    if _originals:
        return
    _originals.update(connect=socket.socket.connect, connect_ex=socket.socket.connect_ex,
                      getaddrinfo=socket.getaddrinfo)

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            _refuse(f"connect to {address!r}")
        return _originals["connect"](self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            _refuse(f"connect to {address!r}")
        return _originals["connect_ex"](self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host.decode() if isinstance(host, bytes) else host):
            _refuse(f"name lookup of {host!r}")
        return _originals["getaddrinfo"](host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def uninstall() -> None:
    global _log
    if _originals:
        socket.socket.connect = _originals.pop("connect")  # type: ignore[method-assign]
        socket.socket.connect_ex = _originals.pop("connect_ex")  # type: ignore[method-assign]
        socket.getaddrinfo = _originals.pop("getaddrinfo")  # type: ignore[assignment]
    _log = None


class NetGuard:
    """One run's guard: its log, and the PYTHONPATH folder that guards child processes."""

    def __init__(self, work: Path):
        self.folder = work / "netguard"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log = self.folder / "outbound.log"
        self.log.touch()
        (self.folder / "sitecustomize.py").write_text(
            "from dossier.reliability.netguard import install\n"
            f"install({str(self.log)!r})\n", encoding="utf-8")

    def __enter__(self) -> "NetGuard":
        global _active
        install(self.log)
        _active = self
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        uninstall()
        _active = None

    def child_env(self) -> dict[str, str]:
        """The environment for a guarded child process (offline, like the answering engine's)."""
        from dossier.core.settings import helper_process_env

        return helper_process_env(str(self.folder))

    def attempts(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


def child_env() -> dict[str, str]:
    """The environment of a child process started by a check: guarded like the harness itself."""
    if _active is None:
        raise RuntimeError("reliability checks run under a NetGuard (the runner and the tests enter one)")
    return _active.child_env()
