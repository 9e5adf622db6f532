"""The shape of the package (ARCHITECTURE.md): no import cycle anywhere in carbonctl (imports
inside functions and under TYPE_CHECKING count), the core never imports the shells (cli, web) or
the demo, the demo never imports a shell, and no module reaches round that by importing through
a string (importlib, __import__)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

import carbonctl

SOURCE = Path(carbonctl.__file__).parent
SHELLS = ("carbonctl.cli", "carbonctl.web", "carbonctl.__main__")
DEMO = "carbonctl.demo"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("carbonctl", cache_dir=None, exclude_type_checking_imports=False)


def _within(module: str, packages: tuple[str, ...] | str) -> bool:
    packages = (packages,) if isinstance(packages, str) else packages
    return any(module == p or module.startswith(p + ".") for p in packages)


def _edges(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    return [
        (module, imported)
        for module in sorted(graph.modules)
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("carbonctl")
    ]


def _import_cycles(edges: list[tuple[str, str]], modules: list[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (each is a cycle)."""
    index = {m: i for i, m in enumerate(modules)}
    rows = [index[a] for a, b in edges if b in index]
    cols = [index[b] for a, b in edges if b in index]
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(modules), len(modules)))
    _, labels = connected_components(matrix, directed=True, connection="strong")
    groups = [[m for m in modules if labels[index[m]] == label] for label in set(labels)]
    return sorted(g for g in groups if len(g) > 1)


def test_the_graph_sees_imports_inside_functions(graph):
    # the CLI imports the demo history only when `--demo` is given: inside a function
    assert "carbonctl.demo.electricity" in graph.find_modules_directly_imported_by(
        "carbonctl.cli.electricity"
    )


def test_no_import_cycle(graph):
    modules = sorted(m for m in graph.modules if m.startswith("carbonctl"))
    assert _import_cycles(_edges(graph), modules) == []


def test_a_planted_cycle_is_found():
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]
    assert _import_cycles(edges, ["a", "b", "c", "d"]) == [["a", "b", "c"]]


def test_the_core_imports_no_shell_and_no_demo(graph):
    wrong = [
        (module, imported)
        for module, imported in _edges(graph)
        if not _within(module, (*SHELLS, DEMO)) and _within(imported, (*SHELLS, DEMO))
    ]
    assert wrong == []


def test_the_demo_imports_no_shell(graph):
    wrong = [
        (module, imported)
        for module, imported in _edges(graph)
        if _within(module, DEMO) and _within(imported, SHELLS)
    ]
    assert wrong == []


def test_no_module_imports_through_a_string():
    found = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            if name in {"importlib.import_module", "import_module", "__import__"}:
                found.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert found == []
