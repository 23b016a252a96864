"""The package's import graph has no circle: each module can be read knowing only those below it.

The graph is read from the source with :mod:`ast`: every ``import`` and ``from … import`` of a
module of ``bdt_docx``, at the top or inside a function, is an edge. ``from bdt_docx.checker
import kinds`` is an edge to the package ``bdt_docx.checker`` (its ``__init__`` runs first) and
to ``bdt_docx.checker.kinds``. Imports under ``if TYPE_CHECKING:`` are not edges: they never
run, and only name types for annotations (a paragraph knows its cell, a cell its
paragraphs).
"""

from __future__ import annotations

import ast
from pathlib import Path

import bdt_docx

PACKAGE = Path(bdt_docx.__file__).parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = [PACKAGE.name, *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    """Each module of the package → the modules of the package it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                edges.add(base)
                edges.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {e for e in edges if e in modules and e != name}
    return graph


def find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports (``[a, b, a]``), or None when the graph has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                return [*path[path.index(imported) :], imported]
            if imported not in state and (circle := visit(imported)):
                return circle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (circle := visit(module)):
            return circle
    return None


def test_the_package_imports_without_a_circle() -> None:
    graph = import_graph()
    assert "bdt_docx.checker.header" in graph["bdt_docx.checker"]  # the graph is read
    circle = find_circle(graph)
    assert circle is None, "import circle: " + " → ".join(circle or [])


def test_a_circle_is_found() -> None:
    """The search is not blind: the circle the checker had (header → checker → header)."""
    graph = {"checker": {"checker.header"}, "checker.header": {"checker"}, "x": set()}
    assert find_circle(graph) == ["checker", "checker.header", "checker"]
    assert find_circle({"a": {"b"}, "b": set()}) is None
