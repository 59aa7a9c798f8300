"""The analyst's side: a copy of the project that make can set up or serve JupyterLab from,
and a live kernel driven cell by cell, as JupyterLab drives one (the edit-and-re-run tests)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from support.paths import REPO

VENV = Path(sys.executable).parent.parent  # the environment running these tests (make's VENV)
# make is told to take that environment as it is (`-o` its stamp): never rebuilt from a copy
MAKE_WITH_THIS_VENV = [f"VENV={VENV}", "-o", str(VENV / ".installed")]
COPIED = ["kczlib", "tests", "notebooks", "data", "reports.toml", "pyproject.toml", "environment.yml",
          "README.md", "Makefile", ".gitignore", ".gitattributes", ".ci"]


def project_copy(target: Path) -> Path:
    """The project's files in `target`, modification times kept (make sees .venv as up to date)."""
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "test-artifacts", "scratch")
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=ignore, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, target / name)
    return target


@dataclass
class Outcome:
    """What one executed cell produced: its status and, for an error, name, value, traceback."""

    status: str
    ename: str = ""
    evalue: str = ""
    traceback: list[str] = field(default_factory=list)
    stdout: str = ""


class LiveKernel:
    """A real python3 kernel started in the notebooks folder, as JupyterLab starts one."""

    def __init__(self, cwd: Path = REPO / "notebooks"):
        self.km, self.kc = start_new_kernel(kernel_name="python3", cwd=str(cwd))

    def run(self, code: str, timeout: int = 300) -> Outcome:
        out = Outcome("ok")

        def hook(msg):
            kind, content = msg["msg_type"], msg["content"]
            if kind == "error":
                out.ename, out.evalue, out.traceback = content["ename"], content["evalue"], content["traceback"]
            elif kind == "stream" and content["name"] == "stdout":
                out.stdout += content["text"]

        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook, allow_stdin=False)
        out.status = reply["content"]["status"]
        return out

    def run_all(self, cells: list[str]) -> tuple[int | None, Outcome | None]:
        """Run cells in order, stopping at the first error, as Run All does: (index, outcome) of it."""
        for i, code in enumerate(cells):
            outcome = self.run(code)
            if outcome.status != "ok":
                return i, outcome
        return None, None

    def value(self, expression: str):
        """A JSON-able value from the kernel's globals (or the error name if it raises)."""
        out = self.run(f"import json as _j; print(_j.dumps({expression}))")
        return json.loads(out.stdout) if out.status == "ok" else out.ename

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def code_cells(notebook: str) -> list[str]:
    nb = json.loads((REPO / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def parameters_index(notebook: str) -> int:
    nb = json.loads((REPO / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return next(i for i, c in enumerate(code) if "parameters" in c.get("metadata", {}).get("tags", []))


def set_line(source: str, name: str, new_line: str) -> str:
    """The parameters cell with the declaration of `name` replaced by `new_line`."""
    pattern = re.compile(rf"^{re.escape(name)}\s*:.*$", re.M)
    assert pattern.search(source), f"no declaration of {name} in the parameters cell"
    return pattern.sub(new_line, source, count=1)
