"""The suggested citation of a reader page, and its BibTeX and CSL-JSON files.

A Chinese page is cited in the style of GB/T 7714-2015 (the national standard for
references, the rule for a part of a larger work online: `题名[R/OL]//总题名. 版本.
出版年(更新日期). 网址`); an English page in an APA-like style (APA 7, "report by a
group, no author": `Title (Version v) [Report]. (Year, Month Day). In Series. URL`).
Every value comes from the build: the report's title, the case's city and programme
(case.json), the series name (kczlib/words/page.toml `page.site`), the build date, the
version (a release tag, else the git commit; `manifest.git_tag` / `git_commit`) and the
address set in reports.toml `[publication] url` (the folder the pages are published in).
The words around them are in kczlib/words/page.toml `[page.cite]`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from kczlib.publish.html.words import MONTHS, chrome, date_in_words

STYLES = {"zh": "GB/T 7714-2015", "en": "APA"}
"""The citation style of a page in each language (named on the page)."""

CSL_LANG = {"zh": "zh-CN", "en": "en"}
BIBTEX_LANG = {"zh": "chinese", "en": "english"}
SHORT_COMMIT = 12  # hex digits of a commit shown as the version (git's own abbreviations are 7 to 12)


def version_of(entry: dict) -> str:
    """The version a page cites: its release tag, else its commit (shortened), else "".

    Args:
        entry: The report's manifest entry (`git_tag`, `git_commit` as the build recorded them).

    Returns:
        e.g. "v1.2", "3f2a1b9c0d12" or "3f2a1b9c0d12-dirty"; "" outside a git checkout.
    """
    tag = entry.get("git_tag")
    if isinstance(tag, str) and tag:
        return tag
    commit = entry.get("git_commit")
    if not isinstance(commit, str) or not commit:
        return ""
    head, _, mark = commit.partition("-")
    return head[:SHORT_COMMIT] + (f"-{mark}" if mark else "")


def page_url(base: str, name: str) -> str:
    """The published address of page `name` under `base` (reports.toml `[publication] url`); "" if unset."""
    if not base:
        return ""
    return base if base.endswith(".html") else f"{base.rstrip('/')}/{name}.html"


def citation_fields(title: str, case: dict, entry: dict, lang: str, base_url: str) -> dict:
    """What a citation of the page holds, each field from the build (see the module docstring).

    Args:
        title: The report's title (reader meta).
        case: `words.case_info` of the report's case in `lang` (city, programme, publisher...).
        entry: The report's manifest entry (name, built_at, git_tag, git_commit).
        lang: The page's language ("zh" or "en").
        base_url: reports.toml `[publication] url` ("" when unset).

    Returns:
        {"title", "subtitle", "series", "date" (ISO), "year", "version", "url", "name",
        "lang", "source", "publisher", "author"}.
    """
    words = chrome(lang)
    subtitle = ""
    if case.get("city") and case["city"] not in title:
        subtitle = words["cite.subtitle"].format(city=case["city"], programme=case.get("programme", "")).strip(" ,")
    date = (entry.get("built_at") or "")[:10]
    return {"title": title, "subtitle": subtitle, "series": words["site"], "date": date, "year": date[:4],
            "version": version_of(entry), "url": page_url(base_url, entry["name"]), "name": entry["name"],
            "lang": lang, "source": case.get("title", ""), "publisher": case.get("publisher", ""),
            "author": case.get("author", "")}


def full_title(fields: dict) -> str:
    """The title with its subtitle (city and programme) when the title does not name the city."""
    if not fields["subtitle"]:
        return fields["title"]
    return chrome(fields["lang"])["cite.title"].format(title=fields["title"], subtitle=fields["subtitle"])


def citation_text(fields: dict) -> str:
    """The suggested citation as plain text, in the style of the page's language (STYLES)."""
    words, lang = chrome(fields["lang"]), fields["lang"]
    version = words["cite.version"].format(version=fields["version"]) if fields["version"] else ""
    if lang == "zh":
        # GB/T 7714-2015 4.1, 8.8: [R] for a report, [R/OL] and the (update) date only when it is online
        series = words["cite.series"].format(series=fields["series"])
        kind = words["cite.report_type_online" if fields["url"] else "cite.report_type"]
        parts = [f"{full_title(fields)}[{kind}]{series}"]
        parts += [version] if version else []
        if fields["date"]:
            parts += [f"{fields['year']}({fields['date']})" if fields["url"] else fields["year"]]
        parts += [fields["url"]] if fields["url"] else []
        return ". ".join(parts) + "."
    head = full_title(fields) + (f" ({version})" if version else "") + f" [{words['cite.report_type']}]."
    parts = [head]
    if fields["date"]:
        d = datetime.strptime(fields["date"], "%Y-%m-%d")
        parts.append(f"({d.year}, {words[f'month.{MONTHS[d.month - 1]}']} {d.day}).")
    parts.append(words["cite.series"].format(series=fields["series"]))
    parts += [fields["url"]] if fields["url"] else []
    return " ".join(parts)


def _about(fields: dict) -> str:
    if not (fields["source"] and fields["publisher"] and fields["author"]):
        return ""
    return chrome(fields["lang"])["cite.about"].format(source=fields["source"], publisher=fields["publisher"],
                                                       author=fields["author"])


def csl_json(fields: dict) -> list[dict]:
    """The citation as CSL-JSON (Citation Style Language 1.0.2 schema): a list of one item."""
    item: dict = {"id": _key(fields), "type": "report", "title": full_title(fields),
                  "collection-title": fields["series"], "genre": chrome(fields["lang"])["cite.genre"],
                  "language": CSL_LANG.get(fields["lang"], fields["lang"])}
    if fields["date"]:
        y, m, d = (int(x) for x in fields["date"].split("-"))
        item["issued"] = {"date-parts": [[y, m, d]]}
    if fields["version"]:
        item["version"] = fields["version"]
    if fields["url"]:
        item["URL"] = fields["url"]
    if note := _about(fields):
        item["note"] = note
    return [item]


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def bibtex_value(text: str) -> str:
    """`text` safe inside a BibTeX field's braces: LaTeX's special characters escaped."""
    text = text.replace("\\", "\\textbackslash ").replace("~", "\\textasciitilde ").replace("^", "\\textasciicircum ")
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex(fields: dict) -> str:
    """The citation as one BibTeX `@misc` entry (biblatex reads `version`, `date` and `url` too)."""
    rows = [("title", "{" + bibtex_value(full_title(fields)) + "}"), ("howpublished", bibtex_value(fields["series"]))]
    if fields["date"]:
        rows += [("year", fields["year"]), ("date", fields["date"])]
    if fields["version"]:
        rows.append(("version", bibtex_value(fields["version"])))
    if fields["url"]:
        rows.append(("url", fields["url"]))  # the url field is verbatim (url/hyperref packages)
    if note := _about(fields):
        rows.append(("note", bibtex_value(note)))
    rows.append(("language", BIBTEX_LANG.get(fields["lang"], fields["lang"])))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in rows)
    return f"@misc{{{_key(fields)},\n{body}\n}}\n"


def _key(fields: dict) -> str:
    """A citation key from the page name and year, in the characters BibTeX keys allow."""
    return re.sub(r"[^A-Za-z0-9_:-]", "_", f"kcz:{fields['name']}:{fields['year'] or 'nd'}")


def citation_files(fields: dict) -> dict[str, str]:
    """{file name: text} of the page's citation files: `<name>.bib` and `<name>.csl.json`."""
    name = fields["name"]
    return {f"{name}.bib": bibtex(fields),
            f"{name}.csl.json": json.dumps(csl_json(fields), ensure_ascii=False, indent=2) + "\n"}


def page_citation(fields: dict) -> dict:
    """The template's "Cite this report" block: style label, citation text and file links.

    The style label comes as (text before, style name, text after): the name is marked as not
    to be translated on the page.
    """
    words = chrome(fields["lang"])
    before, _, after = words["cite.style"].partition("{style}")
    return {"heading": words["cite.heading"], "style": (before, STYLES[fields["lang"]], after),
            "text": citation_text(fields), "files_label": words["cite.files"],
            "bib": f"{fields['name']}.bib", "csl": f"{fields['name']}.csl.json",
            "published": date_in_words(fields["date"], fields["lang"]) if fields["date"] else ""}
