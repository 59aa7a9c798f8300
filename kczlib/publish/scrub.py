"""Remove the build machine from everything a build shares.

Tracebacks, warnings and stray prints carry absolute paths (the repository, the
virtualenv, the home folder, a temporary data copy, the kernels' working folder); so do
banners built from exception text, papermill-style metadata (input and output paths)
and parameters. Reports are read on other machines, so these are replaced by stable
placeholders: the repository becomes `.`, home becomes `~`, the data folder `data` (or
`$KCZ_DATA` when that names another folder, so that an error points at the copy it was in). `scrub_notebook` covers a
notebook (and so both HTML pages made from it); `scrub_tree` covers the manifest and index.

Only whole paths are replaced (`scrub_text`): a machine path is a path in the text only
where it starts at a boundary and ends at one, so `/s` (a home folder) is replaced in
`cd /s/x` but not in `</span>`, `/root` not in `/rootcause` or `/root-archive`, and `/tmp`
not in `https://example.org/tmp/x`.
"""

from __future__ import annotations

import os
import re
import sys
import sysconfig
import tempfile
from pathlib import Path

from kczlib.paths import PACKAGE_ROOT, data_root

# Notebook metadata that only describes where the notebook was run.
MACHINE_METADATA = ("input_path", "output_path", "cwd")


_REGISTERED: dict[str, str] = {}  # other machines' paths, e.g. Dask workers' (register_paths)


def register_paths(pairs) -> None:
    """Add the paths of another machine that returned results to this build.

    `machine_paths` includes them from now on in this process, so the manifest and index
    are scrubbed of them too.

    Args:
        pairs: (path, placeholder) pairs: a Dask worker's repository, Python, home and temp
            folders.
    """
    for path, placeholder in pairs:
        if len(path) > 1:
            _REGISTERED.setdefault(path, placeholder)


def data_placeholder() -> str:
    """What the data folder is called in shared text: `data`, or `$KCZ_DATA` for another folder.

    A build on a copy of the data (`KCZ_DATA=/elsewhere`) names its files `$KCZ_DATA/cases/...`,
    not `data/cases/...`, which would send the reader to the project's own folder.
    """
    return "data" if data_root() == (PACKAGE_ROOT / "data").resolve() else "$KCZ_DATA"


def machine_paths() -> list[tuple[str, str]]:
    """The paths to scrub and their placeholders, longest path first so nested roots win.

    Returns:
        (path, placeholder) pairs of this machine, with the paths of other machines given
        to `register_paths`.
    """
    home = os.path.expanduser("~")
    pairs = {
        str(data_root()): data_placeholder(),
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
    pairs = {(p.rstrip("/") or "/"): ph for p, ph in pairs.items()}  # "/s/" and "/s" are one path
    return sorted(((p, ph) for p, ph in pairs.items() if len(p) > 1), key=lambda x: -len(x[0]))


def working_folders(*folders) -> list[tuple[str, str]]:
    """Scrub pairs for the folders a kernel works in that are outside the repository.

    Inside the repository `.` already covers them.

    Args:
        *folders: The notebooks folder of the config, a notebook's own folder.

    Returns:
        (path, "{notebooks}") for each such folder, and for its realpath
        (`os.getcwd()` in a notebook prints it).
    """
    pairs = []
    for folder in folders:
        if folder is None:
            continue
        for path in dict.fromkeys((str(Path(folder).absolute()), os.path.realpath(folder))):
            if not Path(path).is_relative_to(PACKAGE_ROOT) and len(path.rstrip("/")) > 1:
                pairs.append((path.rstrip("/"), "{notebooks}"))
    return pairs


# Where a machine path may start: the start of the text, or right after one of these
# (whitespace; quotes; `=`, `(`, `[`, `{`, `,`, `;` (also ending `&quot;`, `&#39;`), `:`,
# `|`, `>` (after an HTML tag)), after an ANSI colour code (`ESC[0;32m`, as IPython colours
# a traceback's file names), or after `file://`. Not after a letter, digit, `.`, `-`, `_`,
# `/`, `~`, `@` or `<`: there it is part of a word, a URL (`example.org/tmp`), a longer path
# (`/a/tmp`) or an HTML end tag (`</span>`). The boundary is matched and put back.
_BEFORE = r"""(\A|[\s"'`=(\[{,;:|>]|\x1b\[[0-9;]*m|file://)"""
# Where it must end: the end of the text, a `/` (a path inside it), or any character
# that cannot continue a file name (not a letter, digit, `_`, `-`, `~`, `+`, `%` or `.`);
# a `.` ends it only when no name character follows (`in /root.` ends a sentence,
# `/root.txt` is another file).
_AFTER = r"(?=$|/|[^\w.~+%-]|\.(?![\w~+%-]))"


def scrub_text(text: str, pairs: list[tuple[str, str]]) -> str:
    """`text` with every whole machine path of `pairs` [(path, placeholder)] replaced.

    A path matches only where it starts at a boundary and ends at one (`_BEFORE` and
    `_AFTER` above): `/s` becomes `~` in `cd /s/x`, `"/s"`, `(/s)`, `=/s` and `<td>/s</td>`,
    never inside `</span>`, `/sx`, `/s-old`, `/a/s` or `https://h/s`. Longer paths are
    tried first (pairs as `machine_paths` sorts them), so nested roots win; the text is
    scanned once, so a placeholder is never itself rewritten.
    """
    pairs = [(p, ph) for p, ph in pairs if p and p in text]
    if not pairs:
        return text
    placeholders = dict(pairs)
    alternatives = "|".join(re.escape(p) for p, _ in sorted(pairs, key=lambda x: -len(x[0])))
    pattern = re.compile(f"{_BEFORE}({alternatives}){_AFTER}")
    return pattern.sub(lambda m: m.group(1) + placeholders[m.group(2)], text)


def scrub_tree(value, pairs: list[tuple[str, str]]):
    """`value` with every string inside it scrubbed.

    Args:
        value: A JSON-like value; dicts and lists are walked (in place for mutable
            containers, which are also returned), other values returned as they are.
        pairs: (path, placeholder) pairs, as `machine_paths` gives them.

    Returns:
        The scrubbed value.
    """
    if isinstance(value, str):
        return scrub_text(value, pairs)
    if isinstance(value, dict):
        for key in list(value):
            value[key] = scrub_tree(value[key], pairs)
    elif isinstance(value, list):
        value[:] = [scrub_tree(v, pairs) for v in value]
    return value


def scrub_notebook(nb, extra_pairs=()) -> None:
    """Scrub paths in place from everything a shared notebook carries.

    That is every cell's source (the "execution stopped" banner is built from exception
    text), metadata, attachments and outputs (text, tracebacks, HTML, SVG, JSON), and the
    notebook's metadata. Base64 payloads (PNG, JPEG...) are left alone: they hold no text,
    and a replacement could corrupt them.

    Args:
        nb: The notebook.
        extra_pairs: (path, placeholder) pairs of this build, e.g. the kernels' working
            folder (`working_folders`).
    """
    pairs = sorted(dict([*extra_pairs, *machine_paths()]).items(), key=lambda x: -len(x[0]))
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
