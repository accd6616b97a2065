"""Suite-wide fixtures: no network but loopback, offline models, the shared corpus beside the checkout."""
from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from dossier.core.settings import OFFLINE_ENV

for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(address: object) -> bool:
    if isinstance(address, (tuple, list)) and address:
        host = address[0]
    else:  # AF_UNIX paths and the like never leave the machine
        return True
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


class OutboundConnection(AssertionError):
    pass


def _guarded_connect(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise OutboundConnection(f"test tried to connect to {address!r}: only loopback is allowed")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise OutboundConnection(f"test tried to connect to {address!r}: only loopback is allowed")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    if host not in (None, "localhost") and not _is_loopback((host,)):
        raise OutboundConnection(f"test tried to resolve {host!r}: only loopback is allowed")
    return _real_getaddrinfo(host, *args, **kwargs)


# Installed at import, before any test or fixture runs: every test of the suite is guarded.
socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]

# And every Python process the suite starts (`dossier serve` and its engine, the CLI, `chroma run`): the
# harness's guard (reliability/netguard.py), through a sitecustomize module first on their PYTHONPATH, logs
# each attempt to one file, which fails the run at its end when it is not empty.
_CHILD_GUARD = Path(tempfile.mkdtemp(prefix="dossier-test-netguard-"))
_CHILD_ATTEMPTS = _CHILD_GUARD / "outbound.log"
_CHILD_ATTEMPTS.touch()
(_CHILD_GUARD / "sitecustomize.py").write_text(
    f"from dossier.reliability.netguard import install\ninstall({str(_CHILD_ATTEMPTS)!r})\n", encoding="utf-8")
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(_CHILD_GUARD), os.environ.get("PYTHONPATH", "")) if p)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    attempts = _CHILD_ATTEMPTS.read_text(encoding="utf-8").splitlines()
    shutil.rmtree(_CHILD_GUARD, ignore_errors=True)
    if attempts:
        print(f"\noutbound connections attempted by processes the tests started: {attempts[:5]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    # A missing ../shared fails the suite: the eval gates must never pass by being skipped.
    assert CORPUS.is_dir(), f"the shared demo corpus is not beside the checkout ({CORPUS})"
    return CORPUS


@pytest.fixture(scope="session")
def demo_dossier(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    """A real index of the demo corpus (embedded Chroma, the packaged MiniLM), shared by read-only tests."""
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings

    settings = load_settings({"index": tmp_path_factory.mktemp("demo-index"), "profile": "test"}, environ={})
    dossier = Dossier(settings)
    report = dossier.add([corpus_dir])
    assert not report.rejected, report.rejected
    return dossier
