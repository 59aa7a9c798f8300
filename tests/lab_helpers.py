"""A live kernel driven cell by cell, as JupyterLab drives one: for the edit-and-re-run tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from conftest import REPO


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
