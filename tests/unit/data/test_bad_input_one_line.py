"""Bad input is one message: a wrong-typed or path-like `case`, a lone surrogate, argv bytes
that are not UTF-8, a linked data file, a grid too large, a raw file that is a device, a
FIFO or huge. Each gives exit status 2 and one readable line naming the parameter, file or
field (or, where it is one report's fault, a failed report), never a traceback, and what
was published (`latest`) stays as it was. Also: the path scrubber replaces whole paths only.

Inputs are our own; a few are the review's strings (copied here, nothing read from it).
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kczlib.errors import DataError

from conftest import REAL_NOTEBOOKS, REPO
from support.builds import (
    kcz_env,
    real_notebooks_exist,
)

KCZ = [sys.executable, "-m", "kczlib"]


def kcz(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    """A real `kcz` process; args may be bytes (argv that is not UTF-8)."""
    return subprocess.run([*KCZ, *args], env=env or kcz_env(), capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (links followed) with its bytes: 'nothing published lost'."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the path scrubber: whole paths only ---------------------------------------------------

from kczlib.publish.scrub import machine_paths, scrub_text, working_folders  # noqa: E402

PAIRS = [("/w/kcz/data", "data"), ("/w/kcz", "."), ("/w", "{w}"), ("/s", "~"), ("/t", "{tmp}"),
         ("/h", "~"), ("/d", "data")]


@pytest.mark.parametrize("text,expected", [
    # a short home folder (SCRUB1) never eats HTML: `</span>` holds `/s`, `</div>` holds `/d`
    ("<span>x</span>", "<span>x</span>"),
    ("&lt;span&gt;a&lt;/span&gt; </div>", "&lt;span&gt;a&lt;/span&gt; </div>"),
    ("<td>/s/notes.txt</td>", "<td>~/notes.txt</td>"),
    ("<code>/d</code>", "<code>data</code>"),
    # not inside a URL, nor inside a longer word or path
    ("https://example.org/t/x and https://www.gov.cn/t/notice.html", None),
    ("https://example.org/hcause", None),
    ("/hcause /h-archive/x.csv /h_old /a/t/b /h.txt ~/h", None),
    # whole paths at every boundary: start, space, quote, =, (, [, {, ',', ;, :, >, ANSI, file://
    ("/h/x", "~/x"),
    ("cd /s && ls '/s/a' \"/t\" (/t/q) [/h] {/s}", "cd ~ && ls '~/a' \"{tmp}\" ({tmp}/q) [~] {~}"),
    ("HOME=/h,TMP=/t;PATH=/w/kcz:/s", "HOME=~,TMP={tmp};PATH=.:~"),
    ("&quot;/h/x&quot; &#39;/t&#39;", "&quot;~/x&quot; &#39;{tmp}&#39;"),
    ("File \x1b[0;32m/w/kcz/kczlib/a.py:3\x1b[0m", "File \x1b[0;32m./kczlib/a.py:3\x1b[0m"),
    ("file:///t/a.png", "file://{tmp}/a.png"),
    # a sentence may end after a path; a file name may not continue it
    ("saved in /h.", "saved in ~."), ("in /h.\nnext", "in ~.\nnext"),
    # longest first: nested roots win, and a longer candidate that is not whole falls back
    ("/w/kcz/data/x.csv /w/kcz/y /w/kczx /w/other", "data/x.csv ./y {w}/kczx {w}/other"),
    # one pass: a placeholder is never rewritten by a later pair
    ("/s /h", "~ ~"),
])
def test_the_scrubber_replaces_whole_paths_only(text, expected):
    assert scrub_text(text, PAIRS) == (text if expected is None else expected)


def test_a_placeholder_that_looks_like_a_path_is_not_scrubbed_again():
    assert scrub_text("/a and /b", [("/a", "/b"), ("/b", "B")]) == "/b and B"


def test_a_home_folder_given_with_a_trailing_slash_is_still_a_whole_path(monkeypatch):
    monkeypatch.setenv("HOME", "/s/")
    pairs = machine_paths()
    assert ("/s", "~") in pairs
    assert scrub_text("</span> /s/x", pairs) == "</span> ~/x"


def test_a_data_copy_is_named_by_its_variable_not_as_the_projects_data_folder(monkeypatch, tmp_path):
    copy = tmp_path / "mydata"
    monkeypatch.setenv("KCZ_DATA", str(copy))
    assert scrub_text(f"{copy}/cases/x/figures.csv, line 3", machine_paths()) == "$KCZ_DATA/cases/x/figures.csv, line 3"
    monkeypatch.setenv("KCZ_DATA", str(REPO / "data"))
    assert scrub_text(f"{REPO}/data/cases/x/figures.csv", machine_paths()) == "data/cases/x/figures.csv"


def test_working_folders_outside_the_checkout_get_a_placeholder(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    assert (str(nbs), "{notebooks}") in working_folders(nbs)
    assert working_folders(REPO / "notebooks") == []  # `.` covers it already
    assert working_folders(None) == []


# --- data files: one reader, regular files, bounded, no lone surrogates ----------------------

from kczlib.textfile import MAX_FILE_BYTES, read_file_bytes, read_json  # noqa: E402


def test_a_fifo_a_device_a_folder_and_a_huge_file_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:  # sparse: no disk used
        f.truncate(MAX_FILE_BYTES + 1)
    for path, words in ((fifo, "FIFO"), (Path("/dev/zero"), "character device"), (tmp_path, "folder"),
                        (huge, "larger than 20,971,520 bytes")):
        with pytest.raises(DataError, match=words) as err:
            read_file_bytes(path)
        assert str(path) in str(err.value) and "\n" not in str(err.value)
    small = tmp_path / "ok.txt"
    small.write_bytes(b"\xef\xbb\xbfok")
    assert read_file_bytes(small) == b"\xef\xbb\xbfok"


@pytest.mark.parametrize("text,field", [
    ('{"title": {"zh": "x", "en": "Jiangcheng \\ud800 summary"}}', "title.en"),
    ('{"source": {"debris_lines": ["a", "b \\udcff"]}}', "source.debris_lines[1]"),
    ('{"city": {"\\udc80": "x"}}', "city.\\udc80"),
    ('"\\udfff"', None),
])
def test_a_lone_surrogate_in_json_is_refused_naming_the_field(tmp_path, text, field):
    path = tmp_path / "case.json"
    path.write_text(text, encoding="ascii")
    with pytest.raises(DataError, match="lone surrogate") as err:
        read_json(path)
    message = str(err.value)
    message.encode("utf-8")  # the message itself is printable
    assert str(path) in message and "\n" not in message
    if field:
        assert f"column {field!r}" in message


def test_a_surrogate_pair_written_as_escapes_is_one_character_and_fine(tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{"title": "\\ud83d\\ude00"}', encoding="ascii")
    assert read_json(path) == {"title": "\U0001F600"}


# --- the page frame reads a case only through the data layer --------------------------------

from kczlib.publish.html.words import case_info  # noqa: E402


@pytest.mark.parametrize("case", [None, 5, [1], True, {"a": [1, {"b": None}]}, "", "../cases/chengdu", "nosuch"])
def test_case_info_of_anything_but_a_case_name_is_blank(data_copy, case):
    info = case_info(case, "en")
    assert set(info.values()) == {""}


def test_case_info_never_reads_a_case_json_outside_the_data_folder(data_copy, tmp_path):
    outside = tmp_path / "evil" / "evilcase"
    shutil.copytree(data_copy / "cases" / "chengdu", outside)
    meta = json.loads((outside / "case.json").read_text(encoding="utf-8"))
    meta["city"]["en"] = "OUTSIDE-CITY"
    (outside / "case.json").write_text(json.dumps(meta), encoding="utf-8")
    rel = os.path.relpath(outside, data_copy / "cases")
    assert "OUTSIDE-CITY" not in json.dumps(case_info(rel, "en"))
    assert "OUTSIDE-CITY" not in json.dumps(case_info(str(outside), "en"))


def test_a_case_json_with_a_byte_order_mark_shows_its_title(data_copy):
    path = data_copy / "cases" / "chengdu" / "case.json"
    title = json.loads(path.read_text(encoding="utf-8"))["title"]["en"]
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    assert case_info("chengdu", "en")["title"] == title and title


# --- a case folder's data files are its own: no links ----------------------------------------


def test_a_link_to_a_file_of_the_same_case_folder_is_refused_too(data_copy):
    """One rule, no exceptions: even a link that stays inside the folder."""
    from kczlib.data.context import load_context

    folder = data_copy / "cases" / "chengdu"
    shutil.move(folder / "context.csv", folder / "context-real.csv")
    (folder / "context.csv").symlink_to("context-real.csv")
    with pytest.raises(DataError, match="context.csv: is a symbolic link"):
        load_context("chengdu")


# --- kcz new-case on something that is not a text file ---------------------------------------


# --- argv that is not UTF-8, and grids too large: refused before anything runs ----------------


def grid_config(folder: Path, grid: dict, build: str = "") -> Path:
    lines = ['[defaults]', 'case = "chengdu"', 'langs = ["zh", "en"]', '', '[[report]]',
             'notebook = "02_tech_finance_leverage"', 'name = "stress"',
             "grid = { " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in grid.items()) + " }", '',
             '[build]', f'notebooks_dir = {json.dumps(str(REAL_NOTEBOOKS))}', 'out = "out"', build]
    path = folder / "reports.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


RATES = [round(0.001 * i, 3) for i in range(1, 31)]  # 30 values in [0, 1]


@pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")
@pytest.mark.parametrize("setting,ok", [("max_reports = 2000", True), ("max_reports = 1799", False),
                                        ("max_reports = 0", False), ('max_reports = "many"', False)])
def test_max_reports_is_read_from_reports_toml(tmp_path, setting, ok):
    from kczlib.errors import ConfigError
    from kczlib.publish.config import load_config

    config = grid_config(tmp_path, {"loss_rate": RATES, "compensation_share": RATES}, setting)
    if ok:
        assert len(load_config(config).reports) == 1800
    else:
        with pytest.raises(ConfigError, match="max_reports"):
            load_config(config)


@pytest.mark.skipif(not real_notebooks_exist(), reason="notebooks/*.ipynb not written yet")
def test_a_grid_of_millions_is_refused_before_it_is_expanded(tmp_path):
    """100 × 100 × 100 (S1): counted, not made; the message says the count."""
    from kczlib.errors import ConfigError
    from kczlib.publish.config import load_config

    hundred = [round(0.001 * i, 3) for i in range(1, 101)]
    config = grid_config(tmp_path, {"risk_pool_yi": [float(i) for i in range(1, 101)], "loss_rate": hundred,
                                    "compensation_share": hundred})
    with pytest.raises(ConfigError, match=r"makes 2,000,000 reports \(100 × 100 × 100 combinations × 2 languages\)"):
        load_config(config)


# --- builds: a bad case fails its report only; the build and `latest` survive ----------------

def published(tmp_path, config) -> tuple[Path, dict]:
    """Build `config` once (all ok) and return `latest`'s target and its files."""
    result = kcz("--config", config, "build", "-q")
    assert result.returncode == 0, result.stderr
    latest = tmp_path / "out" / "latest"
    return latest.resolve(), snapshot(latest)


# --- the kernel's working folder and short paths in a real build (LEAK1, SCRUB1) -------------


# --- JSON and TOML nested beyond Python's parser (a fresh tester's attacks) ------------------


