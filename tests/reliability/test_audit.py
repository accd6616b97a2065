"""``make audit`` (``reliability/audit.py``): an audit that cannot reach its vulnerability service says so at
once, and every known exception carries its reason."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dossier.reliability import audit


class _NotFound(BaseHTTPRequestHandler):
    """A package index without per-release JSON, as a mirror or a proxy answers."""

    def do_GET(self) -> None:  # noqa: N802
        self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def index_without_json():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pypi"
    server.shutdown()
    server.server_close()


def _audit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dossier.reliability.audit", *args], capture_output=True,
                          text=True, timeout=60)


def test_an_audit_without_its_vulnerability_service_stops_at_once_saying_none_was_made(index_without_json) -> None:
    began = time.monotonic()
    done = _audit("--service", index_without_json)
    assert done.returncode == 2, done
    assert "no audit was made" in done.stderr and "answered HTTP 404" in done.stderr, done.stderr
    assert "Dependency not found" not in done.stderr + done.stdout  # pip-audit was never started
    assert time.monotonic() - began < 30


def test_an_unreachable_service_is_named() -> None:
    with socket.socket() as probe:  # a loopback port bound, then closed: nobody listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    problem = audit.service_problem(f"http://127.0.0.1:{port}/pypi", timeout_s=5)
    assert problem is not None and "unreachable" in problem, problem


def test_an_exception_without_its_reason_is_refused_naming_the_line(tmp_path: Path, index_without_json) -> None:
    listed = tmp_path / "audit-exceptions.txt"
    listed.write_text("# known advisories\nPYSEC-2024-1 the vulnerable function is never called\nGHSA-xxxx-yyyy-zzzz\n")
    with pytest.raises(audit.AuditError, match=r"audit-exceptions.txt:3: GHSA-xxxx-yyyy-zzzz has no reason"):
        audit.known_exceptions(listed)
    done = _audit("--exceptions", str(listed), "--service", index_without_json)
    assert done.returncode == 2 and "audit-exceptions.txt:3" in done.stderr, done.stderr
    listed.write_text("PYSEC-2024-1 the vulnerable function is never called\n")
    assert audit.known_exceptions(listed) == ["PYSEC-2024-1"]
    audit.known_exceptions(audit.EXCEPTIONS)  # the shipped list: raises if a line lacks its reason
