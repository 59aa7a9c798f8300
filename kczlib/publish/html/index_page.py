"""The landing pages of a run: `index.html` (Chinese) and `index.en.html` (English).

Each page is for a reader first: the case's source document (title, period, origin),
one paragraph on the programme (case.json prose, no digits), then a card per report in
the page's language with its real title, its summary and its headline numbers. These
come from the executed notebook (`metadata.kcz.reader`, copied into the manifest entry
as `reader`): the numbers are ledger text, never typed here. Build details (parameters,
status, timings, data version, notebooks, analyst views) follow in a folded section.

Plain HTML with the reader stylesheet and the embedded font: it opens offline like the
reports. Everything written into it is escaped (parameters and errors may hold anything),
and its Content-Security-Policy (`sanitize.CSP_META`) allows no script and no network load.
"""

from __future__ import annotations

import json
from html import escape

from kczlib.publish.html.fonts import FONT_FACE_MARKER, embed_font
from kczlib.publish.html.reader_page import reader_css
from kczlib.publish.html.sanitize import CSP_META
from kczlib.publish.html.words import INDEX_FILES, LANG_NAMES, case_info, case_key, chrome, date_in_words


def render_indexes(manifest: dict) -> dict[str, str]:
    """{file name: HTML} for every index language (INDEX_FILES), each with its font subset."""
    from kczlib.publish.html.lang_marks import mark_chinese

    return {filename: embed_font(mark_chinese(page) if lang == "en" else page)
            for lang, filename in INDEX_FILES.items() for page in [render_index(manifest, lang)]}


def _lang_of(entry: dict) -> str:
    return entry["parameters"].get("lang") or "en"


def render_index(manifest: dict, lang: str = "zh") -> str:
    """The index page of `manifest`'s run in `lang` (its font marker not yet filled)."""
    words = chrome(lang)
    entries = [e for e in manifest["reports"] if _lang_of(e) == lang]
    others = "".join(f'<a class="kcz-lang" href="{INDEX_FILES[o]}" hreflang="{o}" lang="{o}">{LANG_NAMES[o]}</a>'
                     for o in INDEX_FILES if o != lang)
    built = date_in_words(manifest["started_at"], lang)
    built_at = f'<time datetime="{escape(manifest["started_at"][:10])}">{escape(built)}</time>'
    # a failed report's `case` may be any JSON-like value (-p case=None): grouped by its text
    by_case: dict[str, list[dict]] = {}
    for e in entries:
        by_case.setdefault(case_key(e["parameters"].get("case", "")), []).append(e)
    body = ("\n".join(_case_section(case, group, lang) for case, group in by_case.items())
            or f"<p>{escape(words['no_reports'])}</p>")
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8">{CSP_META}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(words['site'])}</title>
<style>{FONT_FACE_MARKER}
{reader_css()}</style></head>
<body class="kcz-index">
<header class="kcz-header">
<nav class="kcz-nav" aria-label="{escape(words['reports'])}"><span></span>{others}</nav>
<h1 class="kcz-title">{escape(words['site'])}</h1>
<p class="kcz-date">{escape(words['built'])} {built_at}</p>
</header>
<main class="kcz-page">
{body}
{_build_details(manifest, lang)}
</main>
</body>
</html>
"""


def _case_section(case: str, entries: list[dict], lang: str) -> str:
    words, info = chrome(lang), case_info(case, lang)
    source = escape(f"《{info['title']}》" if lang == "zh" else f"“{info['title']}”")
    if lang != "zh" and info["title_zh"]:  # the original title beside its translation
        source += f' <span lang="zh">《{escape(info["title_zh"])}》</span>'
    facts = [(words["source"], source), (words["period"], escape(info["period"])),
             (words["origin"], escape(info["publication"]))]
    facts_html = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in facts if v)
    summary = (f'<h3>{escape(words["about_programme"])}</h3><p class="kcz-summary">{escape(info["summary"])}</p>'
               if info["summary"] else "")
    cards = "\n".join(_card(e, lang) for e in entries if not e.get("sweep"))
    cards += "".join("\n" + _sweep_group(group, lang) for group in _sweeps(entries))
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


def _card(entry: dict, lang: str) -> str:
    words, meta = chrome(lang), entry.get("reader") or {}
    name = escape(entry["name"])
    title = escape(meta.get("title") or entry["name"])
    if entry["status"] == "failed":
        return (f'<article class="kcz-card failed"><h3><a href="{name}.html">{title}</a></h3>'
                f'<p>{escape(words["failed"])} ({escape(_kind(entry, words))})</p>'
                f'<pre class="kcz-error">{escape(entry["error"]["head"])}</pre></article>')
    summary = f'<p>{escape(meta["summary"])}</p>' if meta.get("summary") else ""
    keys = "".join(f'<div><dt>{escape(k["label"])}</dt><dd>{escape(k["value"])}</dd></div>'
                   for k in meta.get("key_numbers", []))
    keys_html = f'<dl class="kcz-keys" aria-label="{escape(words["key_numbers"])}">{keys}</dl>' if keys else ""
    return f'<article class="kcz-card"><h3><a href="{name}.html">{title}</a></h3>{summary}{keys_html}</article>'


def _sweeps(entries: list[dict]) -> list[list[dict]]:
    """The sweeps' reports in this page's language, grouped, in reports.toml order.

    One group per sweep: its base name names one notebook.
    """
    groups: dict[str, list[dict]] = {}
    for e in entries:
        if e.get("sweep"):
            groups.setdefault(e["sweep"]["group"], []).append(e)
    return list(groups.values())


def _sweep_group(entries: list[dict], lang: str) -> str:
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
        link = f'<a href="{escape(e["name"])}.html">{escape(e["name"])}</a>'
        if e["status"] == "failed":
            link += f' <span class="failed-status">{escape(words["status_failed"])}</span>'
        cells = "".join(f"<td>{escape(keys.get(k, ''))}</td>" for k in labels)
        rows.append(f"<tr>{values}<td>{link}</td>{cells}</tr>")
    return (f'<article class="kcz-card kcz-sweep" id="sweep-{escape(group)}"><h3>{escape(title)}</h3>'
            f'<p>{escape(words["sweep"])}</p><div class="jp-RenderedHTMLCommon"><table>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></article>')


def _build_details(manifest: dict, lang: str) -> str:
    words = chrome(lang)
    rows = "\n".join(_row(e, lang) for e in manifest["reports"])
    counts = ", ".join(f"{n} {words['status_' + s]}" for s, n in manifest["counts"].items() if n)
    commit = escape(manifest.get("git_commit") or "unknown")
    return f"""<details class="kcz-build" id="build">
<summary>{escape(words['build_details'])}</summary>
<div class="kcz-folded" translate="no">
<p>{escape(words['run'])} <code>{escape(manifest['run'])}</code> · {escape(manifest['started_at'])} UTC ·
{manifest['seconds']:.1f} {escape(words['seconds'])} · {escape(counts)} · {escape(words['git'])} <code>{commit}</code>
· <a href="manifest.json">manifest.json</a></p>
<div class="jp-RenderedHTMLCommon"><table>
<thead><tr><th>{escape(words['report'])}</th><th>{escape(words['parameters'])}</th><th>{escape(words['status'])}</th>
<th>{escape(words['run_time'])}</th><th>{escape(words['data_version'])}</th></tr></thead>
<tbody>
{rows}
</tbody>
</table></div>
</div>
</details>"""


def _row(entry: dict, lang: str) -> str:
    words = chrome(lang)
    name = escape(entry["name"])
    links = (f'<a href="{name}.html">{name}</a><br><small>'
             f'<a href="{name}.analyst.html">{escape(words["analyst_view"])}</a> · '
             f'<a href="{name}.ipynb">{escape(words["notebook"])}</a></small>')
    params = "<br>".join(
        f"<code>{escape(k)}={escape(json.dumps(v, ensure_ascii=False))}</code>"
        for k, v in entry["parameters"].items())
    status = entry["status"]
    css = "failed-status" if status == "failed" else status
    cell = f'<span class="{css}">{escape(words["status_" + status])}</span>'
    if status == "failed":
        cell += f' <span class="kcz-kind">({escape(_kind(entry, words))})</span>'
        cell += f'<pre class="kcz-error">{escape(entry["error"]["head"])}</pre>'
    if status == "cached":
        cell += f"<br><small>{escape(words['from_run'])} {escape(entry['cached_from'])}</small>"
    return (f"<tr><td>{links}</td><td>{params}</td><td>{cell}</td>"
            f"<td>{entry['seconds']:.1f} {escape(words['seconds'])}</td>"
            f"<td><code>{escape(entry['data_version'])}</code></td></tr>")


def _kind(entry: dict, words: dict) -> str:
    """The kind of a failure in words: error, dead kernel or timeout (execute.KINDS)."""
    kind = entry["error"].get("kind", "error")
    return words.get(f"kind_{kind}", kind)
