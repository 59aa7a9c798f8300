"""English sentences open with a capital whatever number's words open the template (review: a
key finding printed "just over 100,000 graduates ..." in lower case)."""

from kczlib.report.narrative import Safe, sentence_start


def test_an_english_paragraph_or_list_item_opens_with_a_capital():
    text = Safe("- just over 100,000 graduates settled\n- **about** 7 in 10 firms\nnearly half of them")
    assert sentence_start(text, "en") == ("- Just over 100,000 graduates settled\n- **About** 7 in 10 firms\n"
                                          "Nearly half of them")


def test_chinese_and_already_capitalised_text_is_unchanged():
    assert sentence_start(Safe("10万余名人才落户"), "zh") == "10万余名人才落户"
    assert sentence_start(Safe("CNY 19.9 bn by 2024"), "en") == "CNY 19.9 bn by 2024"
    assert sentence_start(Safe("2023: up 267,000"), "en") == "2023: up 267,000"
