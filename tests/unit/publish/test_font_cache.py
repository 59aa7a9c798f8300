"""The font-subset cache (attack log FS1): a cached file is embedded only if it is a subset
of the CJK font for the page's characters; anything else is made again."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from kczlib.publish.html import fonts


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    fonts.woff2_subset.cache_clear()
    yield tmp_path
    fonts.woff2_subset.cache_clear()


def cached_files(home: Path) -> list[Path]:
    return sorted((home / ".cache" / "kcz" / "font-subsets").glob("*.woff2"))


@pytest.mark.parametrize("planted", [b"NOTAFONT", b"wOF2" + b"\0" * 60, b""])
def test_a_planted_cache_file_is_not_embedded(home, planted):
    characters = fonts.page_characters("<p>科创 test</p>")
    genuine = fonts.woff2_subset(characters)
    [cached] = cached_files(home)
    assert cached.read_bytes() == genuine
    cached.write_bytes(planted)
    fonts.woff2_subset.cache_clear()
    css = fonts.font_face_css(characters)
    assert f"base64,{base64.b64encode(planted).decode()})" not in css
    assert base64.b64encode(genuine).decode() in css
    assert cached.read_bytes() == genuine  # replaced by a good subset


def test_a_subset_for_other_characters_is_not_taken_for_this_page(home):
    small = fonts.page_characters("<p>一</p>")
    large = fonts.page_characters("<p>一二三四五六七八九十</p>")
    subset_large = fonts._make_subset(large)
    assert fonts.is_subset_of_font(subset_large, large)
    # a subset mapping characters the page does not show is not the page's subset
    assert not fonts.is_subset_of_font(subset_large, small)
    assert fonts.is_subset_of_font(fonts._make_subset(small), small)
