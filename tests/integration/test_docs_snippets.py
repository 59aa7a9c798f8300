"""Every fenced code block in README.md and docs/*.md runs, or says why it does not.

Rules (docs/contributing.md, "Code blocks in the docs"):

- ```python blocks run in a fresh `sys.executable`, in a temporary folder, with KCZ_DATA
  pointing to a copy of data/. A line `expression  # -> text` checks that `repr(expression)`
  matches `text`.
- ```sh / ```bash / ```console blocks run with bash (`-e`, `-o pipefail`) in a temporary copy
  of the project (data/, notebooks/, reports.toml, Makefile, benchmarks/, pyproject.toml, with
  `.venv` linked), with `.venv/bin` first on PATH, KCZ_DATA and KCZ_REPORTS pointing into the copy.
- A ```text block right after a block that runs is that block's expected standard output:
  the whole output, or, if a line of it is just `...`, lines that must appear in this order.
  In any line, `...` stands for any text.
- A block that must not run (a cluster, certificates, systemd, minutes of building) is preceded
  by `<!-- not run: <reason> -->`; so is any other ```text block.
- ```toml blocks must parse; one with a `[[report]]` is loaded as a reports.toml over the
  project's notebooks (so a sweep shown in the docs is one kcz would accept).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DATA, REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
RUN_LANGS = {"python", "sh", "bash", "console"}
KNOWN_LANGS = RUN_LANGS | {"text", "toml"}
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[^`\s]*)\s*$")
NOT_RUN = re.compile(r"^<!--\s*not run:\s*(?P<reason>.*?)\s*-->$")
CHECK = re.compile(r"^(?P<expr>\S.*?)\s+# -> (?P<want>.+?)\s*$")
PROJECT_PARTS = ("data", "notebooks", "reports.toml", "Makefile", "benchmarks", "pyproject.toml")


@dataclass
class Block:
    """One fenced block of a doc: where it is, its language, its text, and how it is treated."""

    path: Path
    line: int  # line of the opening fence (1-based)
    lang: str
    code: str
    indent: str
    reason: str | None = None  # from a `<!-- not run: ... -->` line right before it
    output: Block | None = None  # the ```text block right after it, if it runs
    is_output: bool = False

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"

    @property
    def runs(self) -> bool:
        return self.lang in RUN_LANGS and self.reason is None


def parse_blocks(path: Path) -> list[Block]:
    """The fenced blocks of one Markdown file, with not-run reasons and outputs attached."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, body = i, []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise AssertionError(f"{path.relative_to(REPO)}:{start + 1}: code block never closed")
        previous = lines[start - 1].strip() if start else ""
        reason = NOT_RUN.match(previous)
        block = Block(path, start + 1, m["lang"], "\n".join(body) + "\n", m["indent"],
                      reason=reason["reason"] if reason else None)
        last = blocks[-1] if blocks else None
        if (block.lang == "text" and block.reason is None and last is not None and last.runs
                and last.output is None and lines[start - 1].strip() == "```"):
            last.output, block.is_output = block, True
        blocks.append(block)
        i += 1
    return blocks


BLOCKS = [b for doc in DOCS for b in parse_blocks(doc)]
RUNNABLE = [b for b in BLOCKS if b.runs]
NOT_RUN_BLOCKS = [b for b in BLOCKS if not b.runs and not b.is_output and b.lang != "toml"]


def matches(want: str, got: str) -> bool:
    """`got` matches the line pattern `want`, where `...` stands for any text."""
    pattern = ".*".join(re.escape(part) for part in want.split("..."))
    return re.fullmatch(pattern, got, re.S) is not None


def check_output(block: Block, stdout: str) -> None:
    """Compare a run's standard output with the ```text block shown after it."""
    assert block.output is not None
    want = [line.rstrip() for line in block.output.code.rstrip("\n").splitlines()]
    got = [line.rstrip() for line in stdout.rstrip("\n").splitlines()]
    shown = f"{block.where}: output differs from {block.output.where}\n--- shown\n" + "\n".join(want) + \
        "\n--- got\n" + "\n".join(got)
    if "..." not in want:
        assert len(want) == len(got) and all(matches(w, g) for w, g in zip(want, got, strict=True)), shown
        return
    pos = 0
    for w in (w for w in want if w != "..."):
        while pos < len(got) and not matches(w, got[pos]):
            pos += 1
        assert pos < len(got), f"{shown}\n--- missing, in order: {w}"
        pos += 1


def python_program(block: Block) -> str:
    """The block's code, with each `expression  # -> text` line turned into a check."""
    out = ["from _doc_checks import check as __doc_check"]
    for n, line in enumerate(block.code.splitlines(), start=block.line + 1):
        m = CHECK.match(line)
        if m:
            line = f"__doc_check({m['expr']}, {m['want']!r}, {str(block.path.name)!r}, {n})"
        out.append(line)
    return "\n".join(out) + "\n"


CHECK_MODULE = '''
import re

def check(value, want, doc, line):
    got = repr(value)
    pattern = ".*".join(re.escape(part) for part in want.split("..."))
    if re.fullmatch(pattern, got, re.S) is None:
        raise AssertionError(f"{doc}:{line}: shown {want}, got {got}")
'''


def project_copy(root: Path) -> Path:
    """A temporary copy of the project's data, notebooks and config, with .venv linked."""
    for part in PROJECT_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, root / part, ignore=shutil.ignore_patterns("out", "__pycache__", "scratch"))
        elif src.exists():
            shutil.copy2(src, root / part)
    (root / ".venv").symlink_to(REPO / ".venv")
    return root


def run_block(block: Block, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCZ_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if block.lang == "python":
        shutil.copytree(DATA, tmp_path / "data")
        env["KCZ_DATA"] = str(tmp_path / "data")
        (tmp_path / "_doc_checks.py").write_text(CHECK_MODULE, encoding="utf-8")
        (tmp_path / "snippet.py").write_text(python_program(block), encoding="utf-8")
        cmd = [sys.executable, "snippet.py"]
    else:
        project_copy(tmp_path)
        env["KCZ_DATA"] = str(tmp_path / "data")
        env["KCZ_REPORTS"] = str(tmp_path / "reports.toml")
        env["PATH"] = f"{REPO / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        cmd = ["bash", "-e", "-o", "pipefail", "-c", block.code]
    return subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)


def test_docs_exist_and_have_blocks():
    assert (REPO / "docs").is_dir()
    assert len(DOCS) > 1 and RUNNABLE


def test_every_block_has_a_known_language_and_is_not_indented():
    bad = [f"{b.where}: ```{b.lang}" for b in BLOCKS if b.lang not in KNOWN_LANGS or b.indent]
    assert bad == [], f"blocks this test cannot treat (language or indentation): {bad}"


def test_blocks_that_do_not_run_say_why():
    listed = "\n".join(f"  {b.where} ```{b.lang}: {b.reason}" for b in NOT_RUN_BLOCKS)
    print(f"blocks not run ({len(NOT_RUN_BLOCKS)}):\n{listed}")
    missing = [b.where for b in NOT_RUN_BLOCKS if not (b.reason or "").strip()]
    assert missing == [], f"not run and no `<!-- not run: reason -->` before them: {missing}"


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.lang == "toml"], ids=lambda b: b.where)
def test_toml_block_parses(block, tmp_path):
    tomllib.loads(block.code)
    if "[[report]]" in block.code:
        from kczlib.publish.config import load_config

        config = tmp_path / "reports.toml"
        config.write_text(f"{block.code}\n[build]\nnotebooks_dir = {str(REPO / 'notebooks')!r}\n", encoding="utf-8")
        assert load_config(config).reports, f"{block.where}: makes no report"


def test_readme_blocks_that_can_run_do_run():
    readme = [b for b in BLOCKS if b.path.name == "README.md" and b.lang in RUN_LANGS]
    ran = {b.lang for b in readme if b.runs}
    assert {"python", "sh"} <= ran, "README shows a runnable python and sh example"
    # The only README block not run is the quick start (every report, then the whole suite).
    skipped = [b for b in readme if not b.runs]
    assert [b.code.split()[:2] for b in skipped] == [["make", "reports"]], [b.where for b in skipped]


def test_readme_test_command_is_what_ci_runs():
    quick = next(b for b in BLOCKS if b.path.name == "README.md" and b.code.startswith("make reports"))
    commands = [line.split("#")[0].strip() for line in quick.code.splitlines()]
    ci = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()
          if line.strip().startswith("make ")]
    assert commands == ["make reports", "make test"]
    # CI lints and type-checks first, then runs exactly the README's test command, last
    assert ci == ["make lint", "make typecheck", "make test"]


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda b: b.where)
def test_block_runs(block, tmp_path):
    result = run_block(block, tmp_path)
    assert result.returncode == 0, (
        f"{block.where} failed (exit {result.returncode})\n{block.code}\n--- stdout\n{result.stdout}"
        f"\n--- stderr\n{result.stderr}")
    if block.output is not None:
        check_output(block, result.stdout)
