"""The package layout is layered, and the imports keep it so.

data <- analysis <- report; publish imports none of them (it runs notebooks, which import the
report layer in their own kernels), at module level or inside a function, with one exception:
publish/cases.py, the one module of publish that reads case data, imports `kczlib.data.cases`
and `kczlib.data.validate` at run time. The top-level modules `errors`, `paths`, `reads`,
`textfile`, `units`, `contract` and `declarations` may be imported by anyone. Rules are read
from the source with `ast`, so a stray import fails here before it makes the layout a lie.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "kczlib"
LAYERS = ("data", "analysis", "report", "publish")
ALLOWED = {
    "data": set(),
    "analysis": {"data"},
    "report": {"analysis", "data"},
    "publish": set(),
}


def imported_layers(path: Path, *, top_level_only: bool, package: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, layer) for each import of another kczlib layer in the module at `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = path.relative_to(package).parts[0]
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = []
    for node in nodes:
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                targets.append(node.module)
            elif node.level >= 1:
                # resolve relative to the module's own package
                base = ["kczlib", *path.relative_to(package).parts[:-1]]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
                targets.append(module)
                if not node.module:  # from .. import data
                    targets.extend(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            targets.extend(alias.name for alias in node.names)
        for target in targets:
            parts = target.split(".")
            if parts[0] == "kczlib" and len(parts) > 1 and parts[1] in LAYERS and parts[1] != own:
                found.append((node.lineno, parts[1]))
    return found


def layer_modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_only_the_layers_below(layer):
    # anywhere in a module: at module level or inside a function (publish: see the next test)
    bad = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports kczlib.{other}"
        for path in layer_modules(layer)
        for line, other in imported_layers(path, top_level_only=False)
        if other not in ALLOWED[layer] and not (layer == "publish" and other == "data")
    ]
    assert not bad, "layer rule broken:\n" + "\n".join(bad)


# publish may import kczlib.data in these modules only, and only these modules of it
PUBLISH_DATA_READERS = {"publish/cases.py": {"kczlib.data.cases", "kczlib.data.validate"}}


def imported_names(path: Path, package: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, dotted name) for each absolute import anywhere in the module at `path`.

    `from kczlib.data import cases` gives `kczlib.data.cases`, `from kczlib.data.cases import
    get_case` gives `kczlib.data.cases.get_case`: a name is allowed if it is an allowed module
    or inside one. Relative imports are resolved against the module's package.
    """
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ["kczlib", *path.relative_to(package).parts[:-1]]
            module = (node.module or "") if node.level == 0 else ".".join(
                base[: len(base) - (node.level - 1)] + ([node.module] if node.module else []))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def publish_layer_breaks(package: Path = PACKAGE) -> list[str]:
    """Each import of another layer by a publish module, at module level or in a function,
    except a `PUBLISH_DATA_READERS` module importing its allowed data modules."""
    bad = []
    for path in sorted((package / "publish").rglob("*.py")):
        allowed = PUBLISH_DATA_READERS.get(path.relative_to(package).as_posix(), set())
        for line, name in imported_names(path, package):
            parts = name.split(".")
            if parts[0] != "kczlib" or len(parts) < 2 or parts[1] not in LAYERS or parts[1] == "publish":
                continue
            if not any(name == a or name.startswith(a + ".") for a in allowed):
                bad.append(f"{path.relative_to(package.parent)}:{line} imports {name}")
    return bad


def test_publish_imports_no_other_layer_but_case_data_in_one_module():
    assert not publish_layer_breaks(), "layer rule broken:\n" + "\n".join(publish_layer_breaks())


def test_publish_rule_sees_function_level_imports(tmp_path):
    # the rule must fail on what it was written against: sweep.py's old run-time import of
    # the report layer, and html/words.py's old run-time import of the data layer
    fake = tmp_path / "kczlib"
    (fake / "publish" / "html").mkdir(parents=True)
    (fake / "publish" / "sweep.py").write_text(
        "def _declared(notebook):\n"
        "    from kczlib.report.parameters import coerce, parse_declarations  # run-time only\n")
    (fake / "publish" / "html" / "words.py").write_text(
        "def case_info(case, lang):\n    from kczlib.data.cases import get_case\n")
    (fake / "publish" / "cases.py").write_text(
        "def known_cases():\n    from kczlib.data.cases import list_cases\n\n"
        "def figures():\n    from kczlib.data import figures\n")
    assert publish_layer_breaks(fake) == [
        "kczlib/publish/cases.py:5 imports kczlib.data.figures",
        "kczlib/publish/html/words.py:2 imports kczlib.data.cases.get_case",
        "kczlib/publish/sweep.py:2 imports kczlib.report.parameters.coerce",
        "kczlib/publish/sweep.py:2 imports kczlib.report.parameters.parse_declarations",
    ]


def test_every_module_is_in_a_layer_or_a_known_top_module():
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top == {"__init__.py", "__main__.py", "_testing.py", "cli.py", "contract.py", "declarations.py",
                   "errors.py", "lab.py", "paths.py", "reads.py", "textfile.py", "units.py"}
    for layer in LAYERS:
        assert (PACKAGE / layer / "__init__.py").is_file()
        assert layer_modules(layer), layer


def test_the_unit_table_imports_nothing_of_kczlib():
    tree = ast.parse((PACKAGE / "units.py").read_text(encoding="utf-8"))
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in modules if m.split(".")[0] == "kczlib"]


@pytest.mark.parametrize("layer", ["data", "analysis"])
def test_exceptions_live_in_errors(layer):
    # one place to read what can fail: kczlib/errors.py (no exception class in a layer module)
    bad = [f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}"
           for path in layer_modules(layer)
           for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
           if isinstance(node, ast.ClassDef)
           and any(getattr(b, "id", getattr(b, "attr", "")).endswith(("Error", "Exception")) for b in node.bases)]
    assert not bad, "exception classes outside kczlib/errors.py:\n" + "\n".join(bad)


def test_rule_checker_sees_an_upward_import(tmp_path):
    # the checker itself must be able to fail: a data module importing the report layer
    fake = tmp_path / "kczlib"
    (fake / "data").mkdir(parents=True)
    for line in ("from ..report import theme", "from kczlib.report.theme import apply",
                 "from ..report.facade import Report"):
        (fake / "data" / "bad.py").write_text(line + "\n")
        assert imported_layers(fake / "data" / "bad.py", top_level_only=False,
                               package=fake) == [(1, "report")], line


def test_top_level_modules_import_no_layer_at_import_time():
    for name in ("contract.py", "declarations.py", "errors.py", "paths.py", "reads.py", "textfile.py"):
        assert imported_layers(PACKAGE / name, top_level_only=True) == [], name


def test_cli_imports_only_the_signal_handlers_at_import_time():
    # `kcz` installs its start-up signal handlers (publish/signals.py) while it is imported;
    # everything else it dispatches to is imported by the command that needs it
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    modules = [node.module for node in tree.body if isinstance(node, ast.ImportFrom)]
    modules += [alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names]
    assert [m for m in modules if m.startswith("kczlib.") and m.split(".")[1] in LAYERS] == ["kczlib.publish.signals"]


def test_word_files_package_imports_no_layer():
    # kczlib/words is read by every layer (report prose, page frame), so it imports none
    for path in sorted((PACKAGE / "words").glob("*.py")):
        assert imported_layers(path, top_level_only=False) == [], path.name
