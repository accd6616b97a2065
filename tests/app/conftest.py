"""One real app for the app tests: the demo corpus indexed with MiniLM, served by Gradio on loopback."""
from __future__ import annotations

import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
MAX_UPLOAD_BYTES = 200_000
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@dataclass
class Served:
    url: str
    dossier: Any
    settings: Any
    demo: Any
    corpus: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless chromium driven by Playwright (its own browser download is not available)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium, or `make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """The real app over a fresh index of the demo corpus, launched without blocking; yields its URL."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared demo corpus is not beside the checkout ({CORPUS})")
    from dossier.core.settings import apply_offline_env, load_settings

    apply_offline_env()
    upload_dir = tmp_path_factory.mktemp("gradio-uploads")
    upload_dir.chmod(0o700)
    previous_temp = os.environ.get("GRADIO_TEMP_DIR")
    os.environ["GRADIO_TEMP_DIR"] = str(upload_dir)

    from dossier.answer import get_dossier
    from dossier.app import build_app
    from dossier.web.serve import launch

    port = free_port()
    settings = load_settings(
        {"profile": "test", "index": tmp_path_factory.mktemp("app-index"), "embedder": "minilm",
         "data_dir": tmp_path_factory.mktemp("app-data"),
         "host": "127.0.0.1", "port": port, "max_upload_bytes": MAX_UPLOAD_BYTES,
         "queue_max_size": 64, "concurrency_limit": 8},
        environ={},
    )
    dossier = get_dossier(settings)
    report = dossier.add([CORPUS])
    assert not report.rejected, report.rejected
    demo = build_app(dossier)
    url = launch(demo, settings, prevent_thread_lock=True)
    assert url.startswith(f"http://127.0.0.1:{port}")
    try:
        yield Served(url=url, dossier=dossier, settings=settings, demo=demo, corpus=CORPUS)
    finally:
        demo.close()
        if previous_temp is None:
            os.environ.pop("GRADIO_TEMP_DIR", None)
        else:
            os.environ["GRADIO_TEMP_DIR"] = previous_temp


ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "answer"
# Two investigations beside the server's own index, one article each (the question about each is
# written for these tests from its article).
INVESTIGATIONS = {"ports": ("tidewater.en.txt", "Since when have Gulf coast port authorities bought access to Tidewater Data?"),
                  "tolls": ("velden-tolls.en.txt", "How much did the Port Velden authority collect in harbour tolls in 2019?")}


@pytest.fixture(scope="session")
def investigations(served: Served) -> dict[str, tuple[str, str]]:
    """Workspaces "ports" and "tolls" in the server's data directory, each with its one article indexed."""
    from dossier.answer import create_workspace

    for name, (article, _) in INVESTIGATIONS.items():
        create_workspace(served.settings, name)
        assert not served.dossier.in_workspace(name).add([ARTICLES / article]).rejected
    return INVESTIGATIONS


@pytest.fixture(scope="session")
def client(served: Served):
    from gradio_client import Client

    return Client(served.url, verbose=False, download_files=False)
