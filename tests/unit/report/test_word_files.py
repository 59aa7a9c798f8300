"""The word files (kczlib/words/*.toml): every key has every language, every key is used by
code or a notebook, and no number is typed into a word (numbers come through slots)."""

import ast
import json
import re
import shutil

import pytest

import kczlib.words as words_module
from kczlib.contract import LANGS
from kczlib.errors import WordsError
from kczlib.paths import PACKAGE_ROOT
from kczlib.report import narrative
from kczlib.words import load, word_files


@pytest.fixture
def words_dir(tmp_path, monkeypatch):
    """A scratch kczlib/words holding copies of the real word files; caches cleared around it."""
    for path in words_module.WORDS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    caches = (words_module.load, words_module.words, narrative.templates)
    for fn in caches:
        fn.cache_clear()
    monkeypatch.setattr(words_module, "WORDS_DIR", tmp_path)
    yield tmp_path
    monkeypatch.undo()
    for fn in caches:
        fn.cache_clear()


def test_every_key_of_every_word_file_has_every_language():
    assert {"page", *words_module.prose_files()} <= set(word_files())
    for file in word_files():
        for key, texts in load(file).items():
            assert sorted(texts) == sorted(LANGS), f"{file}.toml: {key}"
            assert all(texts[lang].strip() for lang in LANGS), f"{file}.toml: {key} has an empty text"


def test_a_key_lacking_a_language_is_refused_naming_file_and_key(words_dir):
    (words_dir / "probe.toml").write_text('[probe]\nshort = { zh = "短" }\n', encoding="utf-8")
    with pytest.raises(WordsError, match=r"probe\.toml: key 'probe\.short' has no en text"):
        load("probe")
    with open(words_dir / "fiscal.toml", "a", encoding="utf-8") as f:
        f.write('\n[fiscal.probe]\nzh = "只有中文"\n')
    with pytest.raises(WordsError, match=r"fiscal\.toml: key 'fiscal\.probe' has no en text"):
        narrative.templates("zh")


def test_a_digit_typed_into_a_word_is_refused(words_dir):
    (words_dir / "probe.toml").write_text('[probe]\ncount = { zh = "共3家", en = "{n} firms" }\n', encoding="utf-8")
    with pytest.raises(WordsError, match=r"probe\.toml: key 'probe\.count' \(zh\) has a digit typed in"):
        load("probe")


def test_kcz_validate_checks_the_word_files_and_names_the_broken_key(words_dir):
    # a fresh user: `kcz validate` said OK while a word file a report reads was broken
    import io

    from kczlib.data import validate

    shipped = len(list(words_dir.glob("*.toml")))
    out = io.StringIO()
    assert validate.main("chengdu", out=out) == 0
    assert f"words: {shipped} word files in kczlib/words, OK" in out.getvalue()
    lines = _validate_with_probe(words_dir, '[fiscal.probe]\nzh = "只有中文"\n')
    assert "  error: fiscal.toml: key 'fiscal.probe' has no en text" in lines


def _validate_with_probe(words_dir, probe: str) -> list[str]:
    """`kcz validate chengdu`'s lines after `probe` is appended to fiscal.toml; it must fail on the words."""
    import io

    from kczlib.data import validate

    with open(words_dir / "fiscal.toml", "a", encoding="utf-8") as f:
        f.write("\n" + probe)
    out = io.StringIO()
    assert validate.main("chengdu", out=out) == 1
    lines = out.getvalue().splitlines()
    assert "words: kczlib/words FAILED" in lines
    return lines


def test_a_chinese_quantity_typed_into_report_prose_is_refused(words_dir):
    # no digit, so kczlib.words lets it through; the report layer's own rule (literal_numbers) refuses it
    with open(words_dir / "talent.toml", "a", encoding="utf-8") as f:
        f.write('\n[talent.probe]\nzh = "引进三个团队"\nen = "brought in {teams} teams"\n')
    expected = r"talent\.toml: template 'talent\.probe' \(zh\) has numbers typed in \(三个\)"
    with pytest.raises(narrative.TemplateError, match=expected):
        narrative.templates("zh")


def test_kcz_validate_refuses_a_chinese_quantity_typed_into_report_prose(words_dir):
    # a fresh user: 一个 in a template broke every report while `kcz validate` said the words were OK
    lines = _validate_with_probe(words_dir, '[fiscal.probe]\nzh = "设立一个基金{fund}"\nen = "set up {fund}"\n')
    assert ("  error: fiscal.toml: template 'fiscal.probe' (zh) has numbers typed in (一个); "
            "pass them as slots") in lines


def test_a_key_in_two_prose_files_is_refused(words_dir):
    with open(words_dir / "appendix.toml", "a", encoding="utf-8") as f:
        f.write('\n[fiscal.title]\nzh = "重复"\nen = "twice"\n')
    with pytest.raises(narrative.TemplateError, match=r"'fiscal\.title' is in both appendix\.toml and fiscal\.toml"):
        narrative.templates("en")


def _code_sources() -> list[str]:
    """Python source of kczlib and of the report notebooks' code cells (magics dropped)."""
    sources = [p.read_text(encoding="utf-8") for p in (PACKAGE_ROOT / "kczlib").rglob("*.py")]
    for nb in sorted((PACKAGE_ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                lines = "".join(cell["source"]).splitlines(keepends=True)
                sources.append("".join(line for line in lines if not line.lstrip().startswith(("%", "!"))))
    return sources


def used_keys(keys: set[str]) -> set[str]:
    """The keys among `keys` that code or a notebook uses, read from string literals:
    - a literal that is a key (`report.say("fiscal.peers", ...)`);
    - an f-string or `"prefix" + x` that starts with a key's table (`f"missing.topics.{topic}"`,
      `f"finance.col_{c}"`): the keys it can build (its variable parts match anything);
    - a literal naming a table, ending in "." (`"appendix.measure."`, `removeprefix("page.")`):
      the code reads that table whole, so all its keys;
    - an f-string whose first part is a variable (`f"{check}.title"`): the keys it can build
      in the tables some literal names (`"rd_intensity"`).
    """
    tables = {key.split(".")[0] for key in keys}
    literals, patterns = set(), set()
    for source in _code_sources():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                patterns.add("".join(re.escape(part.value) if isinstance(part, ast.Constant) else ".+"
                                     for part in node.values))
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)
                  and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
                patterns.add(re.escape(node.left.value) + ".+")
    # an f-string whose table part is a variable (`f"{check}.title"`) builds keys of the tables
    # named by a literal elsewhere in the code (`_title("rd_intensity")`)
    named = tables & literals
    patterns = {p.replace(".+", "(?:" + "|".join(map(re.escape, named)) + ")", 1) if p.startswith(".+") else p
                for p in patterns}
    patterns = {p for p in patterns
                if p.startswith("(?:") or ((m := re.match(r"([a-z_]+)\\\.", p)) and m.group(1) in tables)}
    prefixes = {lit for lit in literals if lit.endswith(".") and lit.split(".")[0] in tables}
    return {key for key in keys
            if key in literals or any(re.fullmatch(p, key) for p in patterns) or key.startswith(tuple(prefixes))}


def test_every_key_of_every_word_file_is_used_by_code_or_a_notebook():
    home = {key: file for file in word_files() for key in load(file)}
    unused = sorted(set(home) - used_keys(set(home)))
    assert not unused, "keys no code or notebook uses:\n" + "\n".join(f"{home[k]}.toml: {k}" for k in unused)


def test_the_usage_finder_sees_literals_prefixes_and_whole_tables():
    # the finder itself, on keys whose use is known: a literal, an f-string prefix, a table read whole
    assert used_keys({"fiscal.peers", "missing.topics.jiebang", "finance.col_pool", "page.site", "fiscal.nowhere"}) \
        == {"fiscal.peers", "missing.topics.jiebang", "finance.col_pool", "page.site"}
