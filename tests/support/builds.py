"""Helpers for the builder's tests: configs pointing at fixture notebooks, running `kcz`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.paths import FIXTURE_NOTEBOOKS, REPO, REPORT_NOTEBOOKS


def real_notebooks_exist() -> bool:
    return bool(REPORT_NOTEBOOKS) and all(p.is_file() for p in REPORT_NOTEBOOKS)


def write_config(folder: Path, reports: list[dict], notebooks=FIXTURE_NOTEBOOKS,
                 langs=("zh", "en"), warm_imports=("matplotlib.pyplot",)) -> Path:
    """A reports.toml in `folder` whose runs go to `folder/out`."""
    lines = ["[defaults]", 'case = "chengdu"', f"langs = {json.dumps(list(langs))}", ""]
    for r in reports:
        lines.append("[[report]]")
        lines += [f"{k} = {_toml(v)}" for k, v in r.items()]
        lines.append("")
    lines += ["[build]", f"notebooks_dir = {json.dumps(str(notebooks))}", 'out = "out"',
              f"warm_imports = {json.dumps(list(warm_imports))}"]
    path = folder / "reports.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value, ensure_ascii=False)


def kcz_env(**extra) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def kcz_command(*args) -> list[str]:
    return [sys.executable, "-m", "kczlib", *map(str, args)]


def run_kcz(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run(kcz_command(*args), env=env or kcz_env(), capture_output=True,
                          text=True, timeout=timeout, cwd=REPO)


def manifest(run: Path) -> dict:
    return json.loads((run / "manifest.json").read_text(encoding="utf-8"))


def statuses(run: Path) -> dict[str, str]:
    return {e["name"]: e["status"] for e in manifest(run)["reports"]}


def run_folders(out: Path) -> list[Path]:
    from kczlib.publish.run_folder import runs

    return runs(out)


def shared_files(run: Path):
    """Every file of a run that a reader might receive."""
    return sorted(p for p in run.iterdir() if p.is_file())


def shared_text(path: Path) -> str:
    """What a reader can read in a shared file, as text: an XLSX's XML parts (it is a zip), a
    PDF's text layer, any other file decoded as UTF-8."""
    if path.suffix == ".xlsx":
        import zipfile

        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(n).decode("utf-8") for n in book.namelist())
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return path.read_text(encoding="utf-8")


def without_embedded_data(text: str) -> str:
    """Drop base64 payloads (images): random base64 can spell anything, e.g. a user name."""
    import re

    text = re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=\s]+", "data:", text)
    return re.sub(r'"image/(png|jpeg|gif)": "[^"]*"', '"image": ""', text)
