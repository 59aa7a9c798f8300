"""The reader edition's own words: navigation, labels, dates, and the case as a reader sees it.

Report prose comes from the narrative templates (run in the kernel); these are the few
words of the page frame around it. Like the templates they hold no digits: dates and
counts are formatted here from values.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from kczlib.errors import DataError, KczError

from kczlib.contract import LANGS
LANG_NAMES = {"zh": "中文", "en": "English"}
INDEX_FILES = {"zh": "index.html", "en": "index.en.html"}  # index.html is the Chinese landing page

CHROME = {
    "zh": {
        "site": "“科创中国”试点城市案例分析",
        "all_reports": "全部报告",
        "built": "生成日期",
        "source": "原文",
        "period": "时期",
        "origin": "来源",
        "about_programme": "关于这个项目",
        "reports": "报告",
        "key_numbers": "关键数字",
        "failed": "本报告这次未能生成",
        "no_reports": "本次运行没有中文报告。",
        "build_details": "构建详情（面向分析人员）",
        "report": "报告", "parameters": "参数", "status": "状态", "run_time": "用时",
        "data_version": "数据版本", "analyst_view": "分析视图（含代码）", "notebook": "笔记本",
        "run": "运行", "git": "代码版本", "seconds": "秒",
        "status_ok": "完成", "status_cached": "缓存", "status_failed": "失败", "from_run": "取自",
        "status_cancelled": "已取消",
        "kind_error": "出错", "kind_dead kernel": "内核终止", "kind_timeout": "超时",
        "sweep": "参数扫描：同一报告在下列每组假设下各生成一份。",
        "output_not_shown": "（未显示类型为 {mime} 的输出）",
    },
    "en": {
        "site": "Science and Technology Innovation China pilot cities: case analysis",
        "all_reports": "All reports",
        "built": "Built on",
        "source": "Source document",
        "period": "Period",
        "origin": "Origin",
        "about_programme": "About the programme",
        "reports": "Reports",
        "key_numbers": "Key numbers",
        "failed": "This report could not be built in this run",
        "no_reports": "This run has no English reports.",
        "build_details": "Build details (for analysts)",
        "report": "Report", "parameters": "Parameters", "status": "Status", "run_time": "Run time",
        "data_version": "Data version", "analyst_view": "analyst view (with code)", "notebook": "notebook",
        "run": "Run", "git": "Code version", "seconds": "s",
        "status_ok": "ok", "status_cached": "cached", "status_failed": "FAILED", "from_run": "from",
        "status_cancelled": "cancelled",
        "kind_error": "error", "kind_dead kernel": "dead kernel", "kind_timeout": "timeout",
        "sweep": "A parameter sweep: the same report, built once for each set of assumptions below.",
        "output_not_shown": "(output of type {mime} not shown)",
    },
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def chrome(lang: str) -> dict[str, str]:
    return CHROME.get(lang, CHROME["en"])


def date_in_words(stamp: str, lang: str) -> str:
    """'2026-11-29T23:51:08Z' -> '2026年11月29日' (zh) or '29 November 2026' (en)."""
    d = datetime.strptime(stamp[:10], "%Y-%m-%d")
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def period_text(period: str) -> str:
    """'2020-2023' -> '2020–2023' (an en dash between years)."""
    return re.sub(r"(\d)-(\d)", "\\1–\\2", period or "")


def case_info(case, lang: str) -> dict[str, str]:
    """The case as the index and page header show it, from `data/cases/<case>/case.json`.

    Returns city, programme, title, period, summary and publication in `lang` (empty
    strings where case.json has none), and title_zh, the source's own title. case.json
    is read by the data layer (`kczlib.data.cases.get_case`: a case is a name, never a
    path; UTF-8 with or without a BOM): anything that is not a readable case (a path such
    as `../x`, None, a number, a list, a broken case.json) gives all fields empty, as its
    report has failed with its own message. Raises DataError (naming case.json and the
    field) when `summary` or `publication` has digits typed in: numbers come from figures only.
    """
    from kczlib.data.cases import get_case  # the one reader of case.json (build imports data at run time)

    try:
        found = get_case(case)
    except KczError:
        return dict.fromkeys(("city", "programme", "title", "title_zh", "period", "summary", "publication"), "")
    meta, path = found.meta, found.path("case.json")
    info = {k: _text((meta.get(k) or {}).get(lang, "") if isinstance(meta.get(k), dict) else "")
            for k in ("city", "programme", "title", "summary", "publication")}
    for field in ("summary", "publication"):
        if re.search(r"\d", info[field]):
            raise DataError(path, f"{field}.{lang} has digits typed in; prose about the case carries no numbers",
                            column=f"{field}.{lang}")
    info["title_zh"] = _text((meta.get("title") or {}).get("zh", ""))  # the original, quoted beside a translation
    info["period"] = period_text(_text(meta.get("period", "")))
    return info


def case_key(case) -> str:
    """A report's `case` parameter as text, to group reports by (any JSON-like value)."""
    return case if isinstance(case, str) else json.dumps(case, ensure_ascii=False, sort_keys=True, default=str)


def _text(value) -> str:
    return value if isinstance(value, str) else ""
