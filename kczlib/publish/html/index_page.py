"""The landing pages of a run: `index.html` (Chinese) and `index.en.html` (English).

Each page is the publication's front page: the case's source document (title, period,
origin), one paragraph on the programme (case.json prose, no digits), then a card per
report in the page's language with its real title, its first key finding (with its
number), its headline numbers, its publication date (the build's date) and data-as-of
date, and links to the reader page, the analyst page, the PDF (when printed) and the
page's data (CSV, XLSX); then the whole run's data (data.csv, data.xlsx). These come from
the executed notebook (`metadata.kcz.reader`, copied into the manifest entry as `reader`):
findings and numbers are ledger text, never typed here. A link is written only to a file
that is in the run folder. Build details (parameters, status, timings, data version,
notebooks, manifest) are folded in the footer, below the reports.

Plain HTML with the reader stylesheet and the embedded font: it opens offline like the
reports. Everything written into it is escaped (parameters and errors may hold anything),
and its Content-Security-Policy (`sanitize.CSP_META`) allows no script and no network load.
"""

from __future__ import annotations

import json
from html import escape

from kczlib.publish.cache import files_of
from kczlib.publish.html.downloads import RUN_FILES, page_files
from kczlib.publish.html.fonts import FONT_FACE_MARKER, embed_font
from kczlib.publish.html.reader_page import TEMPLATES, reader_css
from kczlib.publish.html.sanitize import CSP_META
from kczlib.publish.html.words import INDEX_FILES, LANG_NAMES, case_info, case_key, chrome, date_in_words
from kczlib.words import word


def render_indexes(manifest: dict, files: set[str] | None = None) -> dict[str, str]:
    """{file name: HTML} for every index language (INDEX_FILES), each with its font subset.

    Args:
        manifest: the run's manifest.
        files: the names of the files in the run folder: only these are linked (None:
            every file a report writes, no PDF).

    Returns:
        The pages by file name.
    """
    from kczlib.publish.html.lang_marks import mark_chinese

    return {filename: embed_font(mark_chinese(page) if lang == "en" else page)
            for lang, filename in INDEX_FILES.items() for page in [render_index(manifest, lang, files)]}


def index_css() -> str:
    """The front page's own rules (templates/index.css), after the reader stylesheet."""
    return (TEMPLATES / "index.css").read_text(encoding="utf-8")


def _lang_of(entry: dict) -> str:
    return entry["parameters"].get("lang") or "en"


def _present(manifest: dict, files: set[str] | None) -> set[str]:
    """The files that may be linked: `files`, or (no folder given) every file a report and a run write."""
    if files is not None:
        return set(files)
    listed = {f for e in manifest["reports"] for f in files_of(e["name"])}
    return listed | set(RUN_FILES) | {"manifest.json"}


def render_index(manifest: dict, lang: str = "zh", files: set[str] | None = None) -> str:
    """The index page of `manifest`'s run in `lang` (its font marker not yet filled).

    Args:
        manifest: the run's manifest.
        lang: the page's language.
        files: the names of the files in the run folder (see `render_indexes`).

    Returns:
        The page's HTML.
    """
    words = chrome(lang)
    present = _present(manifest, files)
    entries = [e for e in manifest["reports"] if _lang_of(e) == lang]
    others = "".join(f'<a class="kcz-lang" href="{INDEX_FILES[o]}" hreflang="{o}" lang="{o}">{LANG_NAMES[o]}</a>'
                     for o in INDEX_FILES if o != lang)
    built = date_in_words(manifest["started_at"], lang)
    built_at = f'<time datetime="{escape(manifest["started_at"][:10])}">{escape(built)}</time>'
    # a failed report's `case` may be any JSON-like value (-p case=None): grouped by its text
    by_case: dict[str, list[dict]] = {}
    across = [e for e in entries if _across_cases(e)]
    for e in entries:
        if not _across_cases(e):
            by_case.setdefault(case_key(e["parameters"].get("case", "")), []).append(e)
    sections = [_case_section(case, group, lang, present, manifest) for case, group in by_case.items()]
    if across:  # first when it compares more than one case, else after the cases
        section = _across_section(across, lang, present, manifest)
        sections = [section, *sections] if _case_count(across) > 1 else [*sections, section]
    body = ("\n".join(sections) or f"<p>{escape(words['no_reports'])}</p>") + _footnote(body_marks(entries), lang)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8">{CSP_META}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(words['site'])}</title>
<style>{FONT_FACE_MARKER}
{reader_css()}
{index_css()}</style></head>
<body class="kcz-index">
<header class="kcz-header">
<nav class="kcz-nav" aria-label="{escape(words['reports'])}"><span></span>{others}</nav>
<h1 class="kcz-title">{escape(words['site'])}</h1>
<p class="kcz-date">{escape(words['front.published'])} {built_at}</p>
</header>
<main class="kcz-page">
{body}
{_run_data(lang, present)}
</main>
<footer class="kcz-page kcz-footer">
{_build_details(manifest, lang, present)}
</footer>
</body>
</html>
"""


def _case_section(case: str, entries: list[dict], lang: str, present: set[str], manifest: dict) -> str:
    words, info = chrome(lang), case_info(case, lang)
    # a case whose case.json could not be read has no title: no empty 《》 line on the index
    source = escape(f"《{info['title']}》" if lang == "zh" else f"“{info['title']}”") if info["title"] else ""
    if source and lang != "zh" and info["title_zh"]:  # the original title beside its translation
        source += f' <span lang="zh">《{escape(info["title_zh"])}》</span>'
    facts = [(words["source"], source), (words["period"], escape(info["period"])),
             (words["origin"], escape(info["publication"]))]
    facts_html = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in facts if v)
    summary = (f'<h3>{escape(words["about_programme"])}</h3><p class="kcz-summary">{escape(info["summary"])}</p>'
               if info["summary"] else "")
    cards = "\n".join(_card(e, lang, present, manifest) for e in entries if not e.get("sweep"))
    cards += "".join("\n" + _sweep_group(group, lang, present) for group in _sweeps(entries))
    heading = " · ".join(x for x in (info["city"], info["programme"]) if x)
    return f"""<section class="kcz-case" id="case-{escape(case)}">
<h2>{escape(heading)}</h2>
<dl class="kcz-facts">{facts_html}</dl>
{summary}
<h3>{escape(words['reports'])}</h3>
<div class="kcz-cards">
{cards}
</div>
</section>"""


def _across_cases(entry: dict) -> bool:
    """Whether a report is about several cases: its notebook declares `cases` and no `case`.

    Its parameters hold no `case` (reports.toml's [defaults] case goes only to notebooks
    declaring it) and its reader meta lists the `cases` it compared (or the parameters do).
    """
    params = entry.get("parameters") or {}
    meta = entry.get("reader") or {}
    return "case" not in params and ("cases" in params or isinstance(meta.get("cases"), list))


def _case_count(entries: list[dict]) -> int:
    """How many cases the cross-case reports compared (reader meta `cases`), else how many the data folder holds."""
    counts = [len(m["cases"]) for e in entries if isinstance(m := (e.get("reader") or {}), dict)
              and isinstance(m.get("cases"), list)]
    if counts:
        return max(counts)
    from kczlib.publish.cases import known_cases

    return len(known_cases())


def _across_section(entries: list[dict], lang: str, present: set[str], manifest: dict) -> str:
    """The section of reports about several cases (the comparison), headed by words/compare.toml `compare.index.*`."""
    cards = "\n".join(_card(e, lang, present, manifest) for e in entries)
    return f"""<section class="kcz-case kcz-across" id="across-cases">
<h2>{escape(word("compare", "compare.index.heading", lang))}</h2>
<p class="kcz-summary">{escape(word("compare", "compare.index.intro", lang))}</p>
<div class="kcz-cards">
{cards}
</div>
</section>"""


def body_marks(entries: list[dict]) -> str:
    """The text of every card's first finding (where a footnote mark may stand)."""
    return " ".join(f for e in entries for f in ((e.get("reader") or {}).get("findings") or [])[:1]
                    if isinstance(f, str))


def _footnote(text: str, lang: str) -> str:
    """The reports' footnote (`context.footnote.low`) when a card's finding carries its mark (†).

    A finding copied from a report keeps the mark its page explains; the front page explains it once.
    """
    mark = word("context", "footnote.mark", lang)
    if mark not in text:
        return ""
    return f'<p class="kcz-footnotes">{escape(word("context", "footnote.low", lang).format(mark=mark))}</p>'


def _card(entry: dict, lang: str, present: set[str], manifest: dict) -> str:
    words, meta = chrome(lang), entry.get("reader") or {}
    name = escape(entry["name"])
    title = escape(meta.get("title") or entry["name"])
    heading = (f'<a href="{name}.html">{title}</a>' if f'{entry["name"]}.html' in present else title)
    if entry["status"] == "failed":
        return (f'<article class="kcz-card failed"><h3>{heading}</h3>'
                f'<p>{escape(words["failed"].format(kind=_kind_note(entry, words)))}</p>'
                f'<pre class="kcz-error">{escape(entry["error"]["head"])}</pre></article>')
    findings = [f for f in meta.get("findings") or [] if isinstance(f, str) and f]
    lead = findings[0] if findings else meta.get("summary") or ""
    lead_html = f'<p class="kcz-finding">{escape(lead)}</p>' if lead else ""
    keys = "".join(f'<div><dt>{escape(k["label"])}</dt><dd>{escape(k["value"])}</dd></div>'
                   for k in meta.get("key_numbers", []))
    keys_html = f'<dl class="kcz-keys" aria-label="{escape(words["key_numbers"])}">{keys}</dl>' if keys else ""
    return (f'<article class="kcz-card"><h3>{heading}</h3>{lead_html}{keys_html}'
            f'{_dates(entry, meta, lang, manifest)}{_links(entry["name"], lang, present)}</article>')


def _dates(entry: dict, meta: dict, lang: str, manifest: dict) -> str:
    """Publication date (the report's build date) and data-as-of date, as a small list."""
    words = chrome(lang)
    built = entry.get("built_at") or manifest.get("started_at") or ""
    items = []
    if built:
        items.append((words["front.published"],
                      f'<time datetime="{escape(built[:10])}">{escape(date_in_words(built, lang))}</time>'))
    as_of = meta.get("data_as_of_text") or meta.get("data_as_of") or ""
    if isinstance(as_of, str) and as_of:
        items.append((words["front.data_as_of"], escape(as_of)))
    cells = "".join(f"<div><dt>{escape(k)}</dt><dd>{v}</dd></div>" for k, v in items)
    return f'<dl class="kcz-dates">{cells}</dl>' if cells else ""


def _links(name: str, lang: str, present: set[str]) -> str:
    """The report's files: reader page, analyst page, PDF, data (each only if in the run folder)."""
    words = chrome(lang)
    csv_name, xlsx_name = page_files(name)
    wanted = [(f"{name}.html", words["front.read"]), (f"{name}.analyst.html", words["front.analyst"]),
              (f"{name}.pdf", words["front.pdf"])]
    links = [f'<a href="{escape(f)}">{escape(label)}</a>' for f, label in wanted if f in present]
    data = [f'<a href="{escape(f)}" download>{escape(label)}</a>'
            for f, label in ((csv_name, words["front.csv"]), (xlsx_name, words["front.xlsx"])) if f in present]
    if data:
        links.append(f'<span class="kcz-data-links">{escape(words["front.data"])} {" ".join(data)}</span>')
    return f'<p class="kcz-links">{" · ".join(links)}</p>' if links else ""


def _run_data(lang: str, present: set[str]) -> str:
    """The whole run's numbers to download (data.csv, data.xlsx), if written."""
    words = chrome(lang)
    links = [f'<a href="{f}" download>{escape(words["front." + f.rsplit(".", 1)[1]])}</a>'
             for f in RUN_FILES if f in present]
    if not links:
        return ""
    return (f'<section class="kcz-run-data" id="data"><h2>{escape(words["front.all_data"])}</h2>'
            f'<p>{escape(words["front.all_data_intro"])} {" · ".join(links)}</p></section>')


def _sweeps(entries: list[dict]) -> list[list[dict]]:
    """The sweeps' reports in this page's language, grouped, in reports.toml order.

    One group per sweep: its base name names one notebook.
    """
    groups: dict[str, list[dict]] = {}
    for e in entries:
        if e.get("sweep"):
            groups.setdefault(e["sweep"]["group"], []).append(e)
    return list(groups.values())


def _sweep_group(entries: list[dict], lang: str, present: set[str]) -> str:
    """One card for a whole sweep: a table with a row per combination.

    Each row has its swept values (as written in reports.toml), a link to its report and
    its headline numbers.
    """
    words = chrome(lang)
    group = entries[0]["sweep"]["group"]
    names = list(entries[0]["sweep"]["values"])
    labels = list(dict.fromkeys(k["label"] for e in entries for k in (e.get("reader") or {}).get("key_numbers", [])))
    titles = [(e.get("reader") or {}).get("title") for e in entries]
    title: str = next((t for t in titles if t), group)
    head = "".join(f"<th><code>{escape(n)}</code></th>" for n in names)
    head += f"<th>{escape(words['report'])}</th>" + "".join(f"<th>{escape(k)}</th>" for k in labels)
    rows = []
    for e in entries:
        values = "".join(f"<td>{escape(json.dumps(e['sweep']['values'][n], ensure_ascii=False))}</td>" for n in names)
        keys: dict[str, str] = {k["label"]: k["value"] for k in (e.get("reader") or {}).get("key_numbers", [])}
        link = (f'<a href="{escape(e["name"])}.html">{escape(e["name"])}</a>' if f'{e["name"]}.html' in present
                else escape(e["name"]))
        if e["status"] == "failed":
            link += f' <span class="failed-status">{escape(words["status_failed"])}</span>'
        cells = "".join(f"<td>{escape(keys.get(k, ''))}</td>" for k in labels)
        rows.append(f"<tr>{values}<td>{link}</td>{cells}</tr>")
    return (f'<article class="kcz-card kcz-sweep" id="sweep-{escape(group)}"><h3>{escape(title)}</h3>'
            f'<p>{escape(words["sweep"])}</p><div class="jp-RenderedHTMLCommon"><table>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></article>')


def _build_details(manifest: dict, lang: str, present: set[str]) -> str:
    words = chrome(lang)
    rows = "\n".join(_row(e, lang, present) for e in manifest["reports"])
    counts = ", ".join(f"{n} {words['status_' + s]}" for s, n in manifest["counts"].items() if n)
    commit = escape(manifest.get("git_commit") or "unknown")
    return f"""<details class="kcz-build" id="build">
<summary>{escape(words['build_details'])}</summary>
<div class="kcz-folded" translate="no">
<p>{escape(words['run'])} <code>{escape(manifest['run'])}</code> · {escape(manifest['started_at'])} UTC ·
{manifest['seconds']:.1f} {escape(words['seconds'])} · {escape(counts)} · {escape(words['git'])} <code>{commit}</code>
{_manifest_link(present)}</p>
<div class="jp-RenderedHTMLCommon"><table>
<thead><tr><th>{escape(words['report'])}</th><th>{escape(words['parameters'])}</th><th>{escape(words['status'])}</th>
<th>{escape(words['run_time'])}</th><th>{escape(words['data_version'])}</th></tr></thead>
<tbody>
{rows}
</tbody>
</table></div>
</div>
</details>"""


def _manifest_link(present: set[str]) -> str:
    return '· <a href="manifest.json">manifest.json</a>' if "manifest.json" in present else ""


def _row(entry: dict, lang: str, present: set[str]) -> str:
    words = chrome(lang)

    def link(filename: str, label: str) -> str:
        return f'<a href="{escape(filename)}">{escape(label)}</a>' if filename in present else escape(label)

    links = (f'{link(entry["name"] + ".html", entry["name"])}<br><small>'
             f'{link(entry["name"] + ".analyst.html", words["analyst_view"])} · '
             f'{link(entry["name"] + ".ipynb", words["notebook"])}</small>')
    params = "<br>".join(
        f"<code>{escape(k)}={escape(json.dumps(v, ensure_ascii=False))}</code>"
        for k, v in entry["parameters"].items())
    status = entry["status"]
    css = "failed-status" if status == "failed" else status
    cell = f'<span class="{css}">{escape(words["status_" + status])}</span>'
    if status == "failed":
        cell += f' <span class="kcz-kind">{escape(_kind_note(entry, words))}</span>'
        cell += f'<pre class="kcz-error">{escape(entry["error"]["head"])}</pre>'
    if status == "cached":
        cell += f"<br><small>{escape(words['from_run'])} {escape(entry['cached_from'])}</small>"
    return (f"<tr><td>{links}</td><td>{params}</td><td>{cell}</td>"
            f"<td>{entry['seconds']:.1f} {escape(words['seconds'])}</td>"
            f"<td><code>{escape(entry['data_version'])}</code></td></tr>")


def _kind_note(entry: dict, words: dict) -> str:
    """The kind of a failure in words and in the page's brackets: （超时） / (timeout) (execute.KINDS)."""
    kind = entry["error"].get("kind", "error")
    return words["kind_note"].format(kind=words.get(f"kind_{kind}", kind))
