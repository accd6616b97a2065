"""ingest stays at the bottom of the stack: no index, answerer, UI or model code, cheap to import."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from ingest import SUPPORTED_EXTENSIONS
from ingest.articles import ARTICLE_EXTENSIONS

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"llama_index", "chromadb", "gradio", "torch", "index", "answer", "eval", "app"}
PARSERS = {"bs4", "pypdf", "docx", "langdetect", "charset_normalizer", "yaml"}


def test_no_forbidden_import_anywhere_in_ingest() -> None:
    offenders = []
    for path in sorted((ROOT / "ingest").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_ingest_loads_no_heavy_or_parsing_packages() -> None:
    code = "import sys, ingest; print(','.join(sorted({m.split('.')[0] for m in sys.modules})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = set(result.stdout.strip().split(","))
    assert loaded & (FORBIDDEN | PARSERS) == set()


def test_every_supported_extension_has_a_reader() -> None:
    assert set(SUPPORTED_EXTENSIONS) == ARTICLE_EXTENSIONS | {".csv"}
