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
from conftest import FIXTURES, REAL_NOTEBOOKS, REPO
from support.builds import (
    kcz_env,
    real_notebooks_exist,
    write_config,
)

from kczlib.errors import DataError

KCZ = [sys.executable, "-m", "kczlib"]


def kcz(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    """A real `kcz` process; args may be bytes (argv that is not UTF-8)."""
    return subprocess.run([*KCZ, *args], env=env or kcz_env(), capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line(result, code: int, *named: str) -> str:
    """`result` exited with `code` and said exactly one line on stderr naming every `named`."""
    lines = error_lines(result)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert len(lines) == 1, result.stderr
    for word in named:
        assert word in lines[0], (word, lines[0])
    return lines[0]


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

SECRET = "secret-token-Q7Z,x,y"


@pytest.mark.parametrize("name,code", [("context.csv", 1), ("figures.csv", 1), ("case.json", 2)])
def test_a_linked_data_file_is_refused_by_validate_in_one_line(data_copy, tmp_path, name, code):
    """A linked table is a data problem of the case (exit 1, listed with the others); a
    linked case.json means the case cannot be read at all (exit 2, one line on stderr)."""
    target = data_copy / "cases" / "chengdu" / name
    elsewhere = tmp_path / f"outside-{name}"
    elsewhere.write_text(SECRET + "\n", encoding="utf-8")
    target.unlink()
    target.symlink_to(elsewhere)
    result = kcz("validate", "chengdu", env=kcz_env(KCZ_DATA=str(data_copy)))
    output = result.stdout + result.stderr
    assert result.returncode == code and "Traceback" not in output
    said = [line for line in output.splitlines() if "symbolic link" in line]
    assert len(said) == 1 and name in said[0], output
    if code == 2:
        assert_one_line(result, 2, name)
    assert "secret-token" not in output


def test_a_link_to_a_file_of_the_same_case_folder_is_refused_too(data_copy):
    """One rule, no exceptions: even a link that stays inside the folder."""
    from kczlib.data.context import load_context

    folder = data_copy / "cases" / "chengdu"
    shutil.move(folder / "context.csv", folder / "context-real.csv")
    (folder / "context.csv").symlink_to("context-real.csv")
    with pytest.raises(DataError, match="context.csv: is a symbolic link"):
        load_context("chengdu")


def test_a_case_folder_that_is_a_link_is_refused(data_copy):
    (data_copy / "cases" / "evil").symlink_to(FIXTURES / "cases" / "mini")
    result = kcz("validate", "evil", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert_one_line(result, 2, "cases/evil", "case folder is a symbolic link")
    result = kcz("validate", env=kcz_env(KCZ_DATA=str(data_copy)))  # all cases: chengdu still checked
    assert result.returncode == 2 and "chengdu" in result.stdout and "Traceback" not in result.stderr
    assert [line for line in error_lines(result) if "evil" in line] == error_lines(result)


# --- kcz new-case on something that is not a text file ---------------------------------------

@pytest.fixture
def raw_inputs(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "two-gigabytes.txt"
    with open(huge, "wb") as f:
        f.truncate(2 * 1024 ** 3)  # sparse
    return {"fifo": (fifo, "FIFO"), "device": (Path("/dev/zero"), "character device"),
            "folder": (tmp_path, "folder"), "huge": (huge, "larger than")}


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "huge"])
def test_new_case_on_a_non_text_file_is_one_line_and_writes_nothing(data_copy, raw_inputs, kind):
    path, words = raw_inputs[kind]
    before = sorted(os.listdir(data_copy / "cases"))
    result = kcz("new-case", "wuhan", path, env=kcz_env(KCZ_DATA=str(data_copy)), timeout=120)
    assert_one_line(result, 2, str(path), words)
    assert sorted(os.listdir(data_copy / "cases")) == before  # no folder, no hidden temp folder


def test_new_case_onto_a_dangling_link_is_refused(data_copy, tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text("二、成效\n累计帮助2700余家企业。\n", encoding="utf-8")
    (data_copy / "cases" / "dang").symlink_to(tmp_path / "nowhere")
    result = kcz("new-case", "dang", raw, env=kcz_env(KCZ_DATA=str(data_copy)))
    assert_one_line(result, 2, "'dang'", "already exists")
    assert not (tmp_path / "nowhere").exists()


def test_new_case_where_the_cases_folder_cannot_be_written_is_one_line(data_copy, tmp_path):
    """N12 (a read-only data/cases; as root permissions do not stop us, so a file stands in
    its way): one line, nothing written."""
    raw = tmp_path / "raw.txt"
    raw.write_text("二、成效\n累计帮助2700余家企业。\n", encoding="utf-8")
    shutil.rmtree(data_copy / "cases")
    (data_copy / "cases").write_text("not a folder", encoding="utf-8")
    result = kcz("new-case", "wuhan", raw, env=kcz_env(KCZ_DATA=str(data_copy)))
    assert_one_line(result, 2, "cannot write", "cases")
    assert (data_copy / "cases").read_text(encoding="utf-8") == "not a folder"


# --- argv that is not UTF-8, and grids too large: refused before anything runs ----------------

@pytest.fixture
def tiny_config(tmp_path):
    return write_config(tmp_path, [{"notebook": "tiny_report"}], langs=["en"])


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


@pytest.mark.parametrize("title, named", [
    ("用\u0301户", "U+0301 (COMBINING ACUTE ACCENT)"),  # the review's: a mark after a Han character
    ("成都\ue000试点", "U+E000 (unnamed)"),  # private use
    ("试点\u0378", "U+0378 (unnamed)"),  # unassigned
])
def test_a_title_the_charts_cannot_draw_is_named_by_validate(data_copy, title, named):
    """Attack log CF2: such a title passed validate, then the Chinese reports failed."""
    path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["title"]["zh"] = title
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    result = kcz("validate", "chengdu", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert result.returncode != 0
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "title.zh" in line]
    assert len(errors) == 1 and named in errors[0] and "cannot draw" in errors[0]


def test_an_accent_written_as_letter_and_mark_is_composed_and_fine(data_copy):
    path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["city"]["en"] = "Chengdu (Che\u0301ngdu\u0300)"  # é and u-grave as letter + mark: NFC composes them
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    result = kcz("validate", "chengdu", env=kcz_env(KCZ_DATA=str(data_copy)))
    assert "city.en" not in result.stdout + result.stderr


# --- the kernel's working folder and short paths in a real build (LEAK1, SCRUB1) -------------


# --- JSON and TOML nested beyond Python's parser (a fresh tester's attacks) ------------------

DEEP = 100_000  # far past the recursion limit of Python's json and tomllib parsers


def test_a_reports_toml_nested_beyond_reason_is_one_line(tmp_path, tiny_config):
    tiny_config.write_text(tiny_config.read_text(encoding="utf-8") + "deep = " + "[" * DEEP + "]" * DEEP + "\n",
                           encoding="utf-8")
    assert_one_line(kcz("--config", tiny_config, "list"), 2, "reports.toml", "nested deeper")


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo"])
def test_validate_of_every_case_reports_a_case_folder_it_cannot_read(data_copy, kind):
    """A fresh tester's attack: a case folder whose case.json is missing, a folder or a FIFO
    was skipped by `kcz validate` (no argument), which then said OK with exit 0."""
    folder = data_copy / "cases" / "broken"
    folder.mkdir()
    if kind == "folder":
        (folder / "case.json").mkdir()
    elif kind == "fifo":
        os.mkfifo(folder / "case.json")
    result = kcz("validate", env=kcz_env(KCZ_DATA=str(data_copy)), timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if "broken" in line]
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "case chengdu:" in result.stdout  # the readable case is still validated
