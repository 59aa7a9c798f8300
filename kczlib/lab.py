"""JupyterLab as a reader of Chinese: the embedded CJK font for the page, the chart theme for charts.

On a machine without a CJK system font, Chromium draws the notebook's Chinese (Markdown
titles, HTML tables, findings text, stream output, the editor) as boxes, and matplotlib
draws boxes and warns "Glyph ... missing". `activate()` fixes both in a kernel:

- it displays once a `<style>` whose `@font-face` holds a subset of the project's CJK font
  (Noto Sans CJK SC from `mplfonts`, the reader pages' subsetter `publish.html.fonts`) as a
  `data:` URL: the characters of the word files, of the data folder and the 3755 characters
  of GB2312 level 1. Its `unicode-range` leaves Latin text to JupyterLab's own fonts; the
  lab's font variables put the face first (text) or last (code). No script, nothing fetched.
  The style lives in the output of the cell that activated it: when that cell runs again
  the style is shown again there (clearing that output by hand removes it until then).
- it applies the chart theme (`kczlib.report.theme.set_theme("zh")`), so a scratch chart
  draws Chinese without a call by hand and without a warning.

When: `import kczlib` in a kernel that a Jupyter server started (it sets `JPY_SESSION_NAME`),
unless the kernel runs for a build (`contract.BUILD_ENV`, set by `kcz build`; papermill sets
no `JPY_SESSION_NAME`), so report pages never get the extra output. Anywhere else: `%load_ext
kczlib`. Imported only then: `import kczlib` stays free of matplotlib outside a kernel.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from kczlib.contract import BUILD_ENV
from kczlib.paths import data_root

# what the face draws: CJK radicals to ideographs, compatibility ideographs, vertical and small
# forms, full-width forms (its CJK punctuation too); everything else stays with the lab's fonts
CJK_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE10, 0xFE1F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
UNICODE_RANGE = ",".join(f"U+{lo:X}-{hi:X}" for lo, hi in CJK_RANGES)
# JupyterLab 4's own font stacks (its themes' --jp-ui-font-family / --jp-content-font-family)
LAB_SANS = ('system-ui, -apple-system, blinkmacsystemfont, "Segoe UI", helvetica, arial, sans-serif, '
            '"Apple Color Emoji", "Segoe UI Emoji", "Segoe UI Symbol"')
TEXT_SUFFIXES = {".csv", ".json", ".toml", ".md", ".txt", ".yaml", ".yml"}
STYLE_MARKER = "kcz-lab-font"  # the id of the <style> element


def in_a_lab_kernel() -> bool:
    """True in an IPython kernel started by a Jupyter server, not for a build (see the module docstring)."""
    return ("ipykernel" in sys.modules and bool(os.environ.get("JPY_SESSION_NAME"))
            and not os.environ.get(BUILD_ENV))


def gb2312_level1() -> str:
    """The 3755 characters of GB2312 level 1 (rows 16-55, the common hanzi), in code order."""
    out = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            if high == 0xD7 and low > 0xF9:  # row 55 ends at 0xD7F9
                break
            out.append(bytes([high, low]).decode("gb2312"))
    return "".join(out)


def is_cjk(char: str) -> bool:
    """Whether `char` is drawn by the lab's face (CJK_RANGES)."""
    return any(lo <= ord(char) <= hi for lo, hi in CJK_RANGES)


def lab_characters() -> str:
    """The characters the lab's face holds: GB2312 level 1, the word files and the data folder's text.

    Only those in CJK_RANGES, sorted, once each. Unreadable files are skipped.
    """
    chars = set(gb2312_level1())
    files = sorted((Path(__file__).parent / "words").rglob("*.toml"))
    root = data_root()
    if root.is_dir():
        files += sorted(p for p in root.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES and p.is_file())
    for path in files:
        try:
            chars |= set(path.read_text(encoding="utf-8", errors="ignore"))
        except OSError:
            continue
    return "".join(sorted(c for c in chars if is_cjk(c)))


@cache
def lab_css() -> str:
    """The `<style>`: the `@font-face` with the subset as a `data:` URL, and the lab's font stacks.

    Made once per kernel (the subset itself is cached on disk by `fonts.woff2_subset`).
    """
    import base64

    from kczlib.publish.html.fonts import FAMILY, woff2_subset

    data = base64.b64encode(woff2_subset(lab_characters())).decode("ascii")
    face = (f'@font-face{{font-family:"{FAMILY}";font-style:normal;font-weight:400;unicode-range:{UNICODE_RANGE};'
            f'font-display:block;src:url(data:font/woff2;base64,{data}) format("woff2")}}')
    stacks = (f':root:root{{--jp-ui-font-family:"{FAMILY}", {LAB_SANS};'
              f'--jp-content-font-family:"{FAMILY}", {LAB_SANS};'
              f'--jp-code-font-family:var(--jp-code-font-family-default), "{FAMILY}"}}')
    return f'<style id="{STYLE_MARKER}">{face}{stacks}</style>'


class _Lab:
    """What `activate` set up in one shell: the cell showing the style, the hook re-showing it."""

    def __init__(self, shell):
        self.shell = shell
        self.cell_id: str | None = None

    def show(self) -> None:
        from IPython.display import display

        display({"text/html": lab_css(), "text/plain": ""}, raw=True)
        self.cell_id = _current_cell_id(self.shell)

    def pre_run_cell(self, info) -> None:
        if self.cell_id is not None and getattr(info, "cell_id", None) == self.cell_id:
            self.show()  # the style's cell runs again: its old output (and the style) is cleared


_active: dict[int, _Lab] = {}  # by id of the shell


def activate(shell=None) -> bool:
    """Show the lab's font style and apply the chart theme in the running IPython kernel.

    Called by `import kczlib` in a lab kernel and by `%load_ext kczlib`; a second call
    shows the style again in the current cell. Returns False outside IPython (nothing done).
    Raises FileNotFoundError if the `mplfonts` font file is missing.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    from kczlib.report import theme

    theme.set_theme("zh")
    lab = _active.get(id(shell))
    if lab is None:
        lab = _active[id(shell)] = _Lab(shell)
        shell.events.register("pre_run_cell", lab.pre_run_cell)
    lab.show()
    return True


def _current_cell_id(shell) -> str | None:
    """The JupyterLab cell id of the execute request being run, if the frontend sent one."""
    kernel = getattr(shell, "kernel", None)
    try:
        return kernel.get_parent()["metadata"].get("cellId") if kernel is not None else None
    except (AttributeError, KeyError, TypeError):
        return None


def refresh_git_after_save(model=None, os_path: str = "", contents_manager=None, **_) -> None:
    """JupyterLab's post-save hook (`make lab` sets it): a saved notebook git stores unchanged is not "modified".

    git's stat cache takes a file whose size changed for a changed file without running the
    nbstripout filter, so a notebook saved with outputs (or with JupyterLab's language_info)
    shows as ` M` in `git status` although what git would store is the committed blob. When the
    filtered file is exactly the blob in the index, `git add` of it stores nothing new and only
    refreshes the cache. A notebook with real changes, or one git does not track, is left alone.
    Never raises: a failed git call (no git, no clone, a lock) leaves the file as it was.
    """
    import subprocess

    path = Path(os_path)
    if path.suffix != ".ipynb" or not path.is_file():
        return

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=path.parent, capture_output=True, text=True, timeout=60,
                              check=True).stdout.strip()

    try:
        staged = git("ls-files", "--stage", "--", path.name).split()
        if len(staged) < 2 or staged[2:3] != ["0"]:  # untracked, or in a merge
            return
        if git("hash-object", f"--path={path.name}", "--", path.name) == staged[1]:
            git("add", "--", path.name)
    except (OSError, subprocess.SubprocessError):
        return
