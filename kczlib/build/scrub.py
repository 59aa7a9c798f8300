"""Remove the build machine from everything a build shares.

Tracebacks, warnings and stray prints carry absolute paths (the repository, the
virtualenv, the home folder, a temporary data copy); so do banners built from
exception text, papermill-style metadata (input and output paths) and parameters.
Reports are read on other machines, so these are replaced by stable placeholders:
the repository becomes `.`, home becomes `~`. `scrub_notebook` covers a notebook
(and so both HTML pages made from it); `scrub_tree` covers the manifest and index.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import tempfile
from pathlib import Path

from ..paths import PACKAGE_ROOT, data_root

# Notebook metadata that only describes where the notebook was run.
MACHINE_METADATA = ("input_path", "output_path", "cwd")


_REGISTERED: dict[str, str] = {}  # other machines' paths, e.g. Dask workers' (register_paths)


def register_paths(pairs) -> None:
    """Add (path, placeholder) pairs of another machine that returned results to this build
    (a Dask worker's repository, Python, home and temp folders): `machine_paths` includes
    them from now on in this process, so the manifest and index are scrubbed of them too."""
    for path, placeholder in pairs:
        if len(path) > 1:
            _REGISTERED.setdefault(path, placeholder)


def machine_paths() -> list[tuple[str, str]]:
    """(path, placeholder) pairs, longest path first so nested roots win; with the paths of
    other machines given to `register_paths`."""
    home = os.path.expanduser("~")
    pairs = {
        str(data_root()): "data",
        str(PACKAGE_ROOT): ".",
        str(Path(sys.prefix)): "{python}",
        str(Path(sys.base_prefix)): "{python}",
        sysconfig.get_paths()["stdlib"]: "{python-stdlib}",
        tempfile.gettempdir(): "{tmp}",
    }
    if home not in ("", "/"):
        pairs[home] = "~"
    for path, ph in _REGISTERED.items():
        pairs.setdefault(path, ph)
    for extra in os.environ.get("KCZ_SCRUB_PATHS", "").split(os.pathsep):
        if extra:
            pairs[extra] = "{path}"
    # realpath variants too: /tmp may be a symlink, and tracebacks print resolved paths
    for path, ph in list(pairs.items()):
        pairs.setdefault(os.path.realpath(path), ph)
    return sorted(((p, ph) for p, ph in pairs.items() if len(p) > 1), key=lambda x: -len(x[0]))


def scrub_text(text: str, pairs: list[tuple[str, str]]) -> str:
    for path, placeholder in pairs:
        if path in text:
            text = text.replace(path, placeholder)
    return text


def scrub_tree(value, pairs: list[tuple[str, str]]):
    """`value` with every string inside it scrubbed: dicts and lists are walked (in place
    for mutable containers, which are also returned), other values returned as they are."""
    if isinstance(value, str):
        return scrub_text(value, pairs)
    if isinstance(value, dict):
        for key in list(value):
            value[key] = scrub_tree(value[key], pairs)
    elif isinstance(value, list):
        value[:] = [scrub_tree(v, pairs) for v in value]
    return value


def scrub_notebook(nb) -> None:
    """Scrub paths in place from everything a shared notebook carries: every cell's
    source (the "execution stopped" banner is built from exception text), metadata,
    attachments and outputs (text, tracebacks, HTML, SVG, JSON), and the notebook's
    metadata. Base64 payloads (PNG, JPEG...) are left alone: they hold no text, and a
    replacement could corrupt them."""
    pairs = machine_paths()
    pm = nb.metadata.get("papermill", {})
    for key in MACHINE_METADATA:
        pm.pop(key, None)
    scrub_tree(nb.metadata, pairs)
    for cell in nb.cells:
        cell["source"] = scrub_text(_joined(cell.get("source", "")), pairs)
        scrub_tree(cell.get("metadata", {}), pairs)
        for attachment in cell.get("attachments", {}).values():
            _scrub_bundle(attachment, pairs)
        for output in cell.get("outputs", []):
            _scrub_output(output, pairs)


def _scrub_output(output, pairs) -> None:
    for key in ("text", "traceback", "evalue", "ename"):
        if key in output:
            value = output[key]
            output[key] = ([scrub_text(line, pairs) for line in value] if key == "traceback"
                           else scrub_text(_joined(value), pairs))
    _scrub_bundle(output.get("data", {}), pairs)
    scrub_tree(output.get("metadata", {}), pairs)


def _scrub_bundle(bundle: dict, pairs) -> None:
    """A mime bundle: text-like values scrubbed, base64 binaries left intact."""
    for mime, value in bundle.items():
        if _is_text_mime(mime):
            bundle[mime] = scrub_tree(_joined(value) if isinstance(value, list) else value, pairs)


def _is_text_mime(mime: str) -> bool:
    return (mime.startswith("text/") or mime == "image/svg+xml" or mime.endswith("json")
            or mime.endswith("+xml") or mime == "application/javascript")


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value
