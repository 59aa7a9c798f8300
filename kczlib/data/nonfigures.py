"""Numbers that are names, not figures: the built-in table of non-figure rules.

The scanner of `kczlib.data.quantities` must see every numeral (coverage counts them), but
some numerals name things rather than state figures: list markers (一、, (二), 三是), five-year
plans (十四五), party congresses and plenums (二十大, 三中全会), metro lines (15号线), prize
grades (一等奖), ranking lists (世界500强), project phases (二期), Latin codes (G60, 5G),
versions (3.0版), idioms (一带一路, 之一, 一站式, 新一轮, 值得一提) and quoted slogans (“四链”);
and what texts of the genre carry around their figures: a web page's chrome (热线12345, 999+,
12 页, 2024-05-20, 前一天), a day of a month (5日), names and grades (第一财经, 一级调研员), a
ranking's name (全球百强创新集群) and physical classes (6000米级). Each rule here names one such
form with its `kind` and the reason the mention's `note` carries.

This module imports nothing from kczlib: `quantities` builds its mentions from the spans
`non_figure_spans` returns.
"""

from __future__ import annotations

import re

CN_SMALL = "一二三四五六七八九十"

_N = f"[{CN_SMALL}]+"
# what a ranking list ranks, between 强 and the list's noun: 全球百强创新集群, 中国百强科技园区
_RANKED = "创新集群|集群|科技园区|园区|城市|高校|大学|品牌|民营|科技|创新"
# 一体化, 一把手, 一批 ... are masked as words before any rule (quantities.LEXICAL_WORDS).
# Set phrases of the genre whose numerals count nothing (新一轮 "a new round", 值得一提 "worth
# mentioning", 一席之地 "a place among"); each numeral run in them is an idiom mention.
IDIOMS = ("新一轮", "又一轮", "上一轮", "值得一提", "一席之地", "一马当先", "一张蓝图", "一以贯之", "一号工程",
          "一张网", "一区多园", "一城多园", "一核多极", "一手抓", "一体推进", "一体部署", "一脉相承",
          "一视同仁", "一锤定音", "一臂之力", "一项一策", "一企一策", "一事一议", "一链一策", "一对一",
          "不一而足", "一个时期", "一段时期", "一段时间")
_IDIOMS = "|".join(sorted(IDIOMS, key=len, reverse=True))
# civil-service, academic and professional grades written with a numeral (一级调研员, 二级教授)
_GRADES = "调研员|巡视员|主任科员|科员|教授|研究员|学科|建造师|工程师|医院|资质|响应|应急响应|保护"
# a physical class: a numeral with a physical unit and 级 names a class of equipment
# (6000米级载人潜水器, 万吨级, 千瓦级), not a measured amount; 千亿级 (money) stays a scale class
_PHYSICAL_CLASS = "米|公里|千米|吨|万吨|千瓦|兆瓦|瓦|纳米|英寸|公斤|千克|伏|千伏"
# (pattern, kind, reason). The group `n` is the mention's span (the numeral, as the
# scanner would otherwise find it); the whole match is hidden from the scanner.
NON_FIGURE_RULES: list[tuple[re.Pattern[str], str, str]] = [(re.compile(p, re.M), k, r) for p, k, r in [
    (rf"^(?P<n>{_N}|\d{{1,2}})(?=、)", "list_marker", "section marker N、 (一、, 1、)"),
    (rf"(?:^|(?<=[。;；]))\((?P<n>{_N})\)", "list_marker", "subsection marker (N)"),
    (rf"(?:^|(?<=[。;；,，:：]))(?P<n>{_N})(?=是)", "list_marker", "measure marker N是"),
    (rf"(?P<n>十[{CN_SMALL}]五)(?=规划|时期|期间|”|’|末|以来|开局|$|[,，。、])", "name", "five-year plan (十四五)"),
    (rf"(?:(?<=党的)(?P<n>{_N})大|(?P<n2>{_N})大(?=精神|报告|代表|以来|召开|胜利))", "name",
     "party congress (二十大)"),
    (rf"(?P<n>{_N}届)(?=[{CN_SMALL}]+[中次]全会)", "name", "term of a party committee (十四届)"),
    (rf"(?P<n>{_N}次)(?=全会)", "name", "plenary session number (二次全会)"),
    (rf"(?P<n>{_N})(?=中全会)", "name", "plenary session number (三中全会)"),
    (rf"(?P<n>\d+|{_N})(?=号线)", "name", "metro line number (15号线)"),
    (r"(?P<n>[一二三四五六七八九十]+)(?=等奖)", "name", "grade of a prize (一等奖)"),
    (rf"(?P<n>\d+|[{CN_SMALL}百千]+)(?=强(?:{_RANKED})?(?:企业|榜|县|市|区|名单|$|[,，。、”]))", "name",
     "a ranking list's name (世界500强, 百强县, 全球百强创新集群)"),
    # page chrome: contact lines, navigation links, counters and dates around the text of a web page
    (r"(?P<n>(?:19|20)\d\d-[01]?\d-[0-3]?\d)(?![\d-])", "date", "a date written 2024-05-20"),
    (r"^(?P<n>\d+(?:\.\d+)?)[ \t]?(?:\+|页|次浏览|次阅读)$", "code",
     "a counter or page count alone on a line of the page (999+, 12 页)"),
    (r"(?:热线|电话|传真|邮编|邮政编码|联系方式|咨询电话|举报电话)[:：]?[ \t]?(?P<n>[\d\-—()（）]{5,})", "code",
     "a telephone number or postcode of the page (热线12345)"),
    (r"[前后上下](?P<n>一)(?=天|篇|条|页|张|章)", "idiom", "page navigation (前一天, 下一篇)"),
    # a day of the month on its own (5日, as in 12月4日至5日 or a dateline 5日，); N日内 is a duration
    (r"(?<![\d.月 ])(?P<n>[12]\d|3[01]|0?[1-9])日(?![内以之前后])", "date", "a day of the month (5日)"),
    (r"(?P<n>第一)(?=财经|书记|时间|责任人|生产力|动力|要务|资源)", "name",
     "part of a name or set phrase (第一财经, 第一书记, 第一生产力)"),
    (rf"(?P<n>{_N})级(?={_GRADES})", "name", "a grade in a title (一级调研员, 二级教授)"),
    (rf"(?P<n>\d+(?:\.\d+)?|[{CN_SMALL}百千万]+)(?:{_PHYSICAL_CLASS})级", "name",
     "a physical class (6000米级, 万吨级) names a class of equipment, not a measured amount"),
    (rf"(?P<q>{_IDIOMS})", "idiom", "a set phrase counting nothing (新一轮, 值得一提)"),
    (rf"(?P<n>\d+|{_N})期(?!培训|班|课|活动|论坛|讲座|沙龙)", "ordinal", "phase of a project (二期)"),
    (r"(?<=[A-Za-z])(?P<n>\d+(?:\.\d+)?)|(?P<n2>\d+(?:\.\d+)?)(?=[A-Za-z])", "code",
     "part of a code or name (G60, 5G)"),
    (r"(?P<n>\d+\.\d+版)|(?<=[“\"])(?P<n2>\d+\.\d+)(?=[”\"]版本)", "version", "version number (3.0版)"),
    (r"(?P<n>一)带(?P<n2>一)路", "idiom", "一带一路 (Belt and Road)"),
    (r"最[初后](?P<n>一)公里", "idiom", "最初/最后一公里 ('first/last mile' idiom)"),
    (r"(?<=[^分]之)(?P<n>一)", "idiom", "之一 = 'one of' (not the 一 of 三分之一)"),
    (r"(?P<n>一)站式", "idiom", "一站式 'one-stop'"),
    (r"(?P<n>百)县(?P<n2>千)村", "name", "百县千村 programme name"),
    (r"(?P<n>百人)会", "name", "百人会: an organisation's name"),
    # every numeral in a short quoted phrase without digits or ranks: “四链”, “一核两翼三带”,
    # “三个一批” (but “第四城” is a rank)
    (r"[“‘](?P<q>[^“”‘’\n\d%第首]{1,10})[”’]", "name", "numeral of a quoted slogan (“四链”, “一核两翼三带”)"),
]]
SLOGAN_NUMERAL = re.compile(r"[一二两三四五六七八九十百千]+")


def non_figure_spans(scan: str) -> tuple[list[tuple[int, int, str, str]], list[tuple[int, int]]]:
    """Built-in non-figure mentions in `scan` and the spans to hide from the scanner.

    The rules of `NON_FIGURE_RULES` apply in table order; a match overlapping text an
    earlier rule already took is skipped.

    Args:
        scan: the text as the scanner reads it (full-width forms as ASCII, lexical words
            masked; see `kczlib.data.quantities`).

    Returns:
        `(found, hidden)`: `found` holds `(start, end, kind, reason)` per mention (the
        numeral's span; each numeral run of a quoted slogan); `hidden` the `(start, end)`
        spans the scanner must not read again (the whole match, context words included).
    """
    found: list[tuple[int, int, str, str]] = []
    hidden: list[tuple[int, int]] = []
    taken = [False] * len(scan)
    for rx, kind, reason in NON_FIGURE_RULES:
        for m in rx.finditer(scan):
            if any(taken[m.start():m.end()]):
                continue
            if "q" in rx.groupindex:  # a quoted phrase or an idiom: each numeral run in it, and only those
                spans = [(m.start("q") + r.start(), m.start("q") + r.end())
                         for r in SLOGAN_NUMERAL.finditer(m.group("q"))]
                hide = spans
            else:
                spans = [(m.start(g), m.end(g)) for g in ("n", "n2") if g in rx.groupindex and m.group(g)]
                hide = [(m.start(), m.end())]  # the whole match, context words included
            found.extend((a, b, kind, reason) for a, b in spans)
            for a, b in hide:
                for i in range(a, b):
                    taken[i] = True
                hidden.append((a, b))
    return found, hidden
