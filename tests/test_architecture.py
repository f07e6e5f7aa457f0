"""The layers of docs/concepts.md#layers hold: the import-linter contracts in pyproject.toml, no import
circle, and no import hidden inside a function outside the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

import labourwatch

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(labourwatch.__file__).parent


def test_every_layer_contract_is_kept():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("labourwatch")
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                circles.append((module, imported))
    assert circles == []


def test_no_import_of_labourwatch_inside_a_function():
    """Except in the command line, the top layer that no module imports: its commands import what they
    run when they run, so that it starts without the heavy libraries (tests/cli/test_startup.py)."""
    hidden = []
    for path in sorted(p for p in PACKAGE.rglob("*.py") if p.parent.name != "cli"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                names = []
                if isinstance(inner, ast.ImportFrom):
                    names = [inner.module or ""] if inner.level == 0 else ["."]
                elif isinstance(inner, ast.Import):
                    names = [a.name for a in inner.names]
                hidden += [
                    f"{path.relative_to(PACKAGE)}:{inner.lineno}" for n in names if n.startswith(("labourwatch", "."))
                ]
    assert hidden == []


def test_the_contracts_see_every_module():
    """grimp builds its graph from the package's files: a folder without __init__.py would be missed."""
    graph = grimp.build_graph("labourwatch")
    files = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts) for p in PACKAGE.rglob("*.py")}
    modules = {f.removesuffix(".__init__") for f in files}
    assert modules - graph.modules == set()
