"""`kcz build -p case=NAME --draft`: the reports of an uncurated draft, marked, never `latest`.

The draft is of tests/fixtures/new_case/demo.raw.txt (kcz new-case), built for the overview
report in both languages from a copy of the data folder.
"""

import json
import re
import shutil

import pytest

from conftest import DATA, FIXTURES, REAL_NOTEBOOKS
from support.builds import kcz_env, run_kcz, write_config


@pytest.fixture(scope="module")
def draft_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("draft_build")
    data = root / "data"
    shutil.copytree(DATA, data)
    env = kcz_env(KCZ_DATA=str(data))
    drafted = run_kcz("new-case", "demo", FIXTURES / "new_case" / "demo.raw.txt", env=env)
    assert drafted.returncode == 0, drafted.stderr
    config = write_config(root, [{"notebook": "00_overview"}], notebooks=REAL_NOTEBOOKS,
                          warm_imports=["pandas", "matplotlib.pyplot", "kczlib"])
    result = run_kcz("--config", config, "build", "-q", "--draft", "-p", "case=demo", env=env, timeout=1200)
    return root, data, result


def test_a_draft_builds_and_is_never_latest(draft_run):
    root, _, result = draft_run
    assert result.returncode == 0, result.stderr + result.stdout
    assert not (root / "out" / "latest").exists()
    (run,) = [p for p in (root / "out").iterdir() if not p.name.startswith(".")]
    names = sorted(p.name for p in run.glob("*.html") if not p.name.startswith("index"))
    assert len(names) == 4 and all("-custom-" in n for n in names)  # reader and analyst page, zh and en


@pytest.mark.parametrize("lang,note,mark", [
    ("zh", "草稿预览：本页的数字是自动解析的结果", "（草稿，未经核对）"),
    ("en", "Draft preview: the numbers on this page are the parser's readings", "(DRAFT, not curated)"),
])
def test_every_page_says_it_is_a_draft(draft_run, lang, note, mark):
    root, _, _ = draft_run
    (run,) = [p for p in (root / "out").iterdir() if not p.name.startswith(".")]
    pages = list(run.glob(f"00_overview-{lang}-*.html"))
    assert len(pages) == 2  # the reader and the analyst page
    for page in pages:
        html = page.read_text(encoding="utf-8")
        body = re.search(r"<body\b[^>]*>\s*<p class=\"kcz-draft\" role=\"note\"><strong>(.*?)</strong>", html, re.S)
        assert body and body.group(1).replace("&#x27;", "'").startswith(note), page.name
        assert mark in re.search(r"<title>(.*?)</title>", html, re.S).group(1)  # the city in the title


def test_the_data_folder_keeps_the_draft_as_drafted(draft_run):
    _, data, _ = draft_run
    meta = json.loads((data / "cases" / "demo" / "case.json").read_text(encoding="utf-8"))
    assert meta["city"] == {"zh": "", "en": ""}
    assert "draft_2" not in (data / "cases" / "demo" / "figures.csv").read_text(encoding="utf-8")


def test_draft_without_a_case_is_one_line(tmp_path):
    result = run_kcz("build", "--draft", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip() == "kcz: error: --draft needs the drafted case: add -p case=NAME"
