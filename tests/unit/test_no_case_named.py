"""No code, word file or notebook names a case (issue 23): every case is first-class.

The names checked are each case's city in both languages, read from the case.json of every
shipped and fixture case, and the folder names of the shipped cases (the fixtures' folder names
"mini" and "blank" are English words), so a case added later is checked too.
"""

from __future__ import annotations

import json

from conftest import DATA, FIXTURES, REPO


def case_names() -> set[str]:
    names: set[str] = set()
    for case_json in [*(DATA / "cases").glob("*/case.json"), *(FIXTURES / "cases").glob("*/case.json")]:
        meta = json.loads(case_json.read_text(encoding="utf-8"))
        names |= {meta["city"]["zh"], meta["city"]["en"]}
        if case_json.is_relative_to(DATA):
            names.add(case_json.parent.name)
    return names


def test_the_names_are_read():
    assert {"chengdu", "成都", "Chengdu", "Jiangcheng", "江城市", "Kongbai City"} <= case_names()


def test_no_code_word_file_or_notebook_names_a_case():
    files = [*(REPO / "kczlib").rglob("*.py"), *(REPO / "kczlib" / "words").glob("*.toml"),
             *(REPO / "notebooks").glob("*.ipynb")]
    assert len(files) > 50
    found = [(str(p.relative_to(REPO)), name) for p in files
             for name in case_names() if name.lower() in p.read_text(encoding="utf-8").lower()]
    assert found == []


def test_the_shared_word_files_carry_no_framing_of_one_case():
    # words every page may print, whatever the case reports: one text's doubling pledge, leading
    # group, "four chains" and its slogan 建圈强链 belong in gated sections of a report's own word file, not here
    for name in ("common", "page"):
        text = (REPO / "kczlib" / "words" / f"{name}.toml").read_text(encoding="utf-8")
        for words in ("倍增", "领导小组", "四链", "建圈强链", "four chains", "doubling", "leading group"):
            assert words not in text, (name, words)
