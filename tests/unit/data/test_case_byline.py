"""case.json `publisher` and `author`: who published the case's source and who wrote it.

Every reader page prints them in its title block and citation (issue 22 §2), so every case
that is published carries both, and a wrong one is refused naming the file and the field.
"""

from __future__ import annotations

import json

import pytest

from kczlib.data.cases import get_case, list_cases
from kczlib.errors import DataErrors

from conftest import DATA, FIXTURES

# every folder of data/cases/ with a case.json (a shipped case), read from the disk, not by list_cases
SHIPPED = sorted(p for p in (DATA / "cases").iterdir() if (p / "case.json").is_file())


@pytest.mark.parametrize("folder", SHIPPED + sorted((FIXTURES / "cases").iterdir()), ids=lambda p: p.name)
def test_every_case_names_its_publisher_and_author_in_both_languages(folder):
    meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    for key in ("publisher", "author"):
        assert set(meta[key]) == {"zh", "en"} and all(meta[key][lang].strip() for lang in ("zh", "en")), key


def test_every_shipped_case_is_covered_above():
    # a new case folder adds itself to the parametrisation above; list_cases() sees the same set
    assert "chengdu" in [p.name for p in SHIPPED]
    assert list_cases() == [p.name for p in SHIPPED]


def test_the_first_case_says_its_author_is_not_stated():
    # the source document names no author and no publishing body (its text read by hand: no
    # 作者/来源/发布 line; shared source README: "a published government case write-up")
    meta = get_case("chengdu").meta
    assert meta["author"] == {"zh": "未署名", "en": "not stated"}
    assert "未注明" in meta["publisher"]["zh"] and "does not name" in meta["publisher"]["en"]


@pytest.mark.parametrize(("value", "field", "says"), [
    ("政府", "publisher", "publisher must be an object"),
    ({"zh": "某局"}, "publisher.en", "publisher.en is missing or blank"),
    ({"zh": "  ", "en": "x"}, "publisher.zh", "publisher.zh is missing or blank"),
    ({"zh": "某局", "en": "a\ue000"}, "publisher.en", "U+E000"),
])
def test_a_wrong_publisher_is_refused_naming_the_file_and_field(data_copy, value, field, says):
    path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["publisher"] = value
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        get_case("chengdu")
    message = str(caught.value)
    assert "case.json" in message and f"column '{field}'" in message and says in message, message


def test_a_missing_author_is_allowed_for_a_draft_and_then_not_shown(data_copy):
    path = data_copy / "cases" / "chengdu" / "case.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    del meta["author"]
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    assert "author" not in get_case("chengdu").meta
