"""On an English page the embedded CJK face leaves General Punctuation to the Latin fonts: the
CJK face draws † and “ ” full width, so "2019†," read as "2019 † ," (seen in a screenshot)."""

from fontTools.ttLib import TTFont

from kczlib.publish.html.fonts import FONT_FACE_MARKER, embed_font, font_path


def test_the_cjk_face_draws_the_dagger_full_width():
    # why the rule exists: the dagger's advance is a full em in the CJK font, a letter's is not
    font = TTFont(str(font_path()), lazy=True)
    cmap, widths = font.getBestCmap(), font["hmtx"]
    assert widths[cmap[ord("†")]][0] == 1000 > widths[cmap[ord("a")]][0]


def test_an_english_page_scopes_the_face_away_from_general_punctuation_and_a_chinese_page_does_not():
    page = '<html lang="{}"><head><style>' + FONT_FACE_MARKER + "</style></head><body>成都 2019†, “x”</body></html>"
    english, chinese = embed_font(page.format("en")), embed_font(page.format("zh-CN"))
    assert "unicode-range:U+0-1FFF,U+2070-10FFFF;" in english  # U+2020 (†) and U+201C/D (“ ”) left out
    assert "unicode-range" not in chinese
