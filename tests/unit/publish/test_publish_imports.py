"""No import circles inside kczlib/publish, counting imports made inside functions too.

A lazy import (`def f(): from kczlib.publish.pipeline import x`) still ties two modules
together: it only hides the circle from Python's import machinery, not from a reader. The
imports are read from the source with `ast` (module level and every function body), and
the graph of publish modules must have no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "kczlib"


def module_name(path: Path, package: Path) -> str:
    """`kczlib.publish.html.export` for `<package>/publish/html/export.py`."""
    parts = ["kczlib", *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, package: Path, known: set[str]) -> set[str]:
    """The modules of `known` that the module at `path` imports, anywhere in its source."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the module's own package
                base = module_name(path, package).split(".")
                base = base[: len(base) - node.level + (path.name == "__init__.py")]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:  # `from kczlib.publish import manifest`: the submodule
                found.add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module)
    return {m for m in found if m in known}


def import_graph(package: Path = PACKAGE, layer: str = "publish") -> dict[str, set[str]]:
    """{module: modules of the same layer it imports} for every module under `layer`."""
    paths = sorted((package / layer).rglob("*.py"))
    known = {module_name(p, package) for p in paths}
    return {module_name(p, package): imported_modules(p, package, known) - {module_name(p, package)}
            for p in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_publish_has_no_import_circle():
    found = cycles(import_graph())
    assert not found, "import circles in kczlib/publish (function-level imports count):\n" + "\n".join(
        " <-> ".join(group) for group in found)


def test_the_checker_sees_a_circle_made_by_a_lazy_import(tmp_path):
    # the checker itself must be able to fail: a -> b at module level, b -> a inside a function
    publish = tmp_path / "kczlib" / "publish"
    publish.mkdir(parents=True)
    (publish / "__init__.py").write_text("")
    (publish / "a.py").write_text("from kczlib.publish.b import f\n")
    (publish / "b.py").write_text("def f():\n    from kczlib.publish import a\n    return a\n")
    (publish / "c.py").write_text("from kczlib.publish import a, b\n")
    assert cycles(import_graph(tmp_path / "kczlib")) == [["kczlib.publish.a", "kczlib.publish.b"]]


def test_kczlib_has_no_import_circle_anywhere():
    # the same rule over the whole package: data, analysis, report, words and the top modules
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p, PACKAGE) for p in paths}
    graph = {module_name(p, PACKAGE): imported_modules(p, PACKAGE, known) - {module_name(p, PACKAGE)} for p in paths}
    found = cycles(graph)
    assert not found, "import circles in kczlib (function-level imports count):\n" + "\n".join(
        " <-> ".join(group) for group in found)
