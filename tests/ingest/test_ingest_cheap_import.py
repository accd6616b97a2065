"""ingest stays at the bottom of the stack: no index, answerer, UI or model code, cheap to import."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dossier.ingest import SUPPORTED_EXTENSIONS
from dossier.ingest.articles import ARTICLE_EXTENSIONS

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"llama_index", "chromadb", "gradio", "torch"}
PARSERS = {"bs4", "pypdf", "docx", "langdetect", "charset_normalizer", "yaml"}


def test_importing_ingest_loads_no_heavy_or_parsing_packages() -> None:
    code = "import sys, dossier.ingest; print(','.join(sorted({m.split('.')[0] for m in sys.modules})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd='/', check=True)
    loaded = set(result.stdout.strip().split(","))
    assert loaded & (FORBIDDEN | PARSERS) == set()


def test_every_supported_extension_has_a_reader() -> None:
    assert set(SUPPORTED_EXTENSIONS) == ARTICLE_EXTENSIONS | {".csv"}
