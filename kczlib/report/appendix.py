"""The appendix tables as a reader reads them, in the page's language.

They are the numbers ledger, Sources, external context and the glossary.

The ledger keeps code-level detail (`Ledger.frame`: formulas over internal ids); here a
derivation is written in words with each input's metric name ("loans divided by firms"),
kinds and places are words, cited texts show only the numbers they carry, and text in
the other language or quoted from a source is marked (`tables.Cell`) so a page states
which language each piece is in.
"""

from __future__ import annotations

import re

from kczlib.analysis.derivation_words import context_derivation, derivation_words
from kczlib.analysis.ledger import _plain, exact_text
from kczlib.analysis.metrics import years_span
from kczlib.analysis.num import ContextRef, FigureRef, Num, Parameter, Passage, Period, parameter_derivation
from kczlib.contract import HAN
from kczlib.data.figures import figure
from kczlib.data.numerals import cn_to_number
from kczlib.data.source import load_source
from kczlib.errors import QuantityParseError
from kczlib.report.charts import parameter_label
from kczlib.report.display import part_metadata
from kczlib.report.tables import Cell, display_table
from kczlib.words import word

LEDGER_SHOWN = ["printed", "exact", "kind", "derivation", "inputs", "where"]
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?%?")  # ends with a digit: "in 2023, 2021" gives 2023 and 2021
_HAN = re.compile(f"[{HAN}]")


def _cn_number(text: str) -> str:
    """一 -> 1, 十二 -> 12 (section markers, read by `cn_to_number`); anything else unchanged."""
    try:
        return str(cn_to_number(text))
    except QuantityParseError:
        return text


def section_words(path: str, title: str, report) -> Cell | str:
    """Where a figure stands in the source, in the page's language.

    zh "三/（三） 改革成效 / …" as a quotation; en "part 3, (3), item 2" (the Chinese
    headings stay out of the English page).
    """
    if not path:
        return report.text("appendix.title_block")
    if report.lang == "zh":
        return Cell(re.sub(r"\((.+?)\)", r"（\1）", f"{path} {title}".strip()), quote=True)
    words = []
    for i, part in enumerate(path.split("/")):
        m = re.fullmatch(r"\((.+)\)", part)
        if m:
            words.append(f"({_cn_number(m.group(1))})")
        elif part.endswith("是"):
            words.append(f"{report.text('appendix.section_item')} {_cn_number(part[:-1])}")
        else:
            words.append(f"{report.text('appendix.section_part')} {_cn_number(part)}" if i == 0 else _cn_number(part))
    return ", ".join(words)


def indicator_words(indicator: str, lang: str, glossary: dict | None = None) -> str:
    """A context row's indicator ("高新技术企业总数 high-tech enterprises") in one language.

    Args:
        indicator: context.csv's `indicator`: the Chinese name, a space, the English one.
        lang: "zh" or "en".
        glossary: the case's `glossary` (case.json: `{Chinese term: {"en": English name}}`):
            a Chinese term the English name writes (科创贷) is given its English name.

    Returns:
        The name in `lang`.
    """
    zh, _, en = indicator.partition(" ")
    if lang == "zh" or not en:
        return zh
    for term, names in (glossary or {}).items():
        en = en.replace(term, names["en"])
    return en


def leaf_name(leaf: Num, report) -> str:
    """An input of a derived number named in the page language."""
    from kczlib.data.context import context_value

    origin, refs = leaf.origin, leaf.refs
    if span := years_span(leaf):  # a count of years read from two rows' periods, not either row
        return word("numbers", "explore.years", report.lang).format(start=span[0], end=span[1])
    if isinstance(origin, Parameter):
        return parameter_label(origin.name, report.lang)
    if isinstance(origin, Passage):
        return report.text("appendix.leaves.quote_leaf")
    if isinstance(origin, Period) and origin.of is not None:
        from kczlib.report.narrative import templates

        return templates(report.lang)["appendix.leaves.period_of"].format(name=report.label(origin.of.figure_id))
    if isinstance(origin, Period) and not refs:
        return report.text("appendix.leaves.year_leaf")
    first = refs[0] if refs else None
    if isinstance(first, ContextRef):
        return indicator_words(context_value(first.context_id, report.case).indicator, report.lang,
                               report.meta.get("glossary"))
    if isinstance(first, FigureRef):
        return report.label(first.figure_id)
    return leaf.derivation


def parameter_plus(num: Num) -> str:
    """The span a year set by a parameter adds to it, or "" for any other number.

    "window" for a year whose derivation is `parameter baseline_year + window`
    (`labels.parameter_year`'s `plus`): the end year of the pledge's window.
    """
    if not (num.is_leaf and isinstance(num.origin, Parameter)):
        return ""
    plus = (num.derivation or "").removeprefix(parameter_derivation(num.origin.name) + " + ")
    return "" if plus == num.derivation else plus


def leaf_namer(num: Num, report):
    """A function naming `num`'s inputs as `leaf_name` does, with period and place where needed.

    2023 high-tech enterprises less 2022 high-tech enterprises must not read "high-tech
    enterprises less high-tech enterprises": inputs sharing a name are named with their period
    (`shared.dated_leaf`; a figure's period, or a context row's). A context row of another
    place than the case's city (a province, the nation, a peer city), and inputs of one name and
    one period, are named with their place too (`shared.placed_leaf`, `shared.placed_leaf_undated`):
    a city's 2022 R&D intensity over the nation's must not read "R&D intensity (2022) divided
    by R&D intensity (2022)", nor a city's spending over its province's as over its own.

    Args:
        num: a printed number (a leaf has no inputs: named as `leaf_name` names it).
        report: the notebook's `Report`.

    Returns:
        A callable from an input `Num` to its name in the page language.
    """
    from collections import Counter

    from kczlib.data.context import context_value, format_period, geo_label
    from kczlib.report.narrative import templates

    leaves = [] if num.is_leaf else list({leaf.key: leaf for leaf in num.inputs()}.values())
    counts = Counter(leaf_name(leaf, report) for leaf in leaves)
    city = str(report.meta["city"][report.lang])

    def describe(leaf: Num) -> tuple[str, str, str]:
        """(name, period in words or "", place or "" when it is the case's city) of an input."""
        base, first = leaf_name(leaf, report), (leaf.refs[0] if leaf.refs else None)
        if isinstance(leaf.origin, Period) or first is None:
            return base, "", ""
        if isinstance(first, FigureRef):
            period, place = figure(first.figure_id, report.case).period, ""
        elif isinstance(first, ContextRef):
            row = context_value(first.context_id, report.case)
            period, place = row.period, geo_label(row.geo, report.lang)
        else:
            return base, "", ""
        dated = format_period(period, report.lang) if period and period[:4].isdigit() else ""
        return base, dated, "" if place == city else place

    described = {leaf.key: describe(leaf) for leaf in leaves}
    same_period = Counter((base, period) for base, period, _ in described.values() if period)

    def name(leaf: Num) -> str:
        base, period, place = described.get(leaf.key) or describe(leaf)
        words = templates(report.lang)
        if counts[base] > 1 and same_period[(base, period)] > 1 and not place:
            place = city  # one name, one period: the place tells them apart
        if place and period:
            return words["shared.placed_leaf"].format(name=base, period=period, place=place)
        if place:
            return words["shared.placed_leaf_undated"].format(name=base, place=place)
        if counts[base] > 1 and period:
            return words["shared.dated_leaf"].format(name=base, period=period)
        return base

    return name


def _where(where: str) -> str:
    if where.startswith("chart:") or where == "scenario heatmap":
        return "chart"
    if where in ("scenario table", "other figures"):  # other figures: kczlib/report/others.py
        return "table"
    if where == "key numbers":
        return "key"
    return "text"


def ledger_rows(report) -> list[dict]:
    """One row per printed number (text and derivation), in the page language."""
    lang, rows, seen = report.lang, [], set()
    for e in report.ledger.entries:
        key = (e.text, e.num.derivation)
        if key in seen:
            continue
        seen.add(key)
        cited = e.where == "cited text" or isinstance(e.num.origin, Passage)  # a passage: only its numbers
        named = leaf_namer(e.num, report)
        derivation = "" if cited else derivation_words(e.num, lang, named)
        inputs = "" if e.num.is_leaf else report.list_separator().join(
            f"{named(leaf)} = {exact_text(leaf)}" for leaf in e.num.inputs())
        rows.append({
            "printed": "; ".join(_NUMBER.findall(_plain(e.text))) if cited else _plain(e.text),
            "exact": exact_text(e.num),
            "kind": report.text("appendix.cited_text") if cited else report.text(f"appendix.kinds.{e.num.kind}"),
            "derivation": derivation, "inputs": inputs,
            "where": report.text(f"appendix.where.{_where(e.where)}"),
        })
    return [r for r in rows if r["printed"]]


def source_rows(report) -> list[dict]:
    """The evidence of every case figure the report printed, quoted, with its place.

    A figure an analyst corrected (its `correction` filled) says so after its name.
    """
    doc = load_source(report.case)
    rows = []
    for fid in report.ledger.figure_ids():
        f = figure(fid, report.case)
        sec = doc.section_at(f.offset)
        gloss = report.label(fid) if report.lang != "zh" else ""  # the figure's name translates its evidence
        metric = report.label(fid)
        if f.is_corrected:  # the analyst's reading replaces the parser's (figures.csv `correction`)
            from kczlib.report.narrative import templates

            metric = templates(report.lang)["appendix.corrected_metric"].format(metric=metric)
        rows.append({"metric": metric, "evidence": Cell(f.evidence, lang="zh", quote=True, gloss=gloss),
                     "section": section_words(sec.path, sec.title, report), "offset": f.offset})
    return rows


def context_rows(report) -> list[dict]:
    """External statistics the report used, one row each.

    Columns: indicator, year, confidence, source, excerpt (converted to Simplified characters
    for display; the data keeps the original).
    """
    from kczlib.data.context import context_value, format_period
    from kczlib.data.source import strip_pinyin_glosses, to_simplified

    rows = []
    for cid in report.ledger.context_ids():
        c = context_value(cid, report.case)
        words = context_derivation(c, report.case, report.lang)
        derivation: Cell | str | list = words
        if report.lang == "zh" and words and words == c.derivation:  # no Chinese words for it: marked as English
            derivation = Cell(words, lang="en")
        elif report.lang != "zh":
            derivation = chinese_cells(words)
        indicator = indicator_words(c.indicator, report.lang, report.meta.get("glossary"))
        excerpt = strip_pinyin_glosses(to_simplified(c.excerpt))[0]
        rows.append({"indicator": indicator, "year": format_period(c.period, report.lang),
                     "confidence": c.confidence_label(report.lang), "source": _source_cell(c, report.lang),
                     "excerpt": Cell(excerpt, lang="zh", quote=True,
                                     gloss=indicator if report.lang != "zh" else "") if excerpt else "",
                     "derivation": derivation})
    return rows


def _source_cell(c, lang: str) -> str | list:
    """An external row's source: its original publisher, then the page read (a link) as the access route.

    An English page names the publisher in English with the Chinese name after it in brackets
    (context.csv `publisher_en`, then `publisher`).
    """
    from kczlib.words import word

    publisher = c.publisher if lang == "zh" or not c.publisher_en else f"{c.publisher_en} ({c.publisher})"
    if not c.source_url:
        return publisher
    before, _, after = word("appendix", "appendix.source_via", lang).partition("{url}")
    return [before.format(publisher=publisher), c.source_url, after]  # the URL alone, so it renders as a link


_HAN_RUN = re.compile(f"[{HAN}\u3000-\u303f\uff00-\uffef“”‘’]*[{HAN}][{HAN}\u3000-\u303f\uff00-\uffef“”‘’0-9.%]*")


def chinese_cells(text: str) -> list:
    """An English text with Chinese quoted in it, as pieces: the Chinese runs as lang="zh" cells."""
    pieces, at = [], 0
    for m in _HAN_RUN.finditer(text):
        pieces += [text[at:m.start()], Cell(m.group(), lang="zh", quote=True)]
        at = m.end()
    return pieces + [text[at:]]


def glossary_rows(report) -> list[dict]:
    """Names used in this report, with the other language's name beside each.

    The terms are the shared ones (`appendix.glossary.term.*`) and the case's own (case.json
    `glossary`: a Chinese term with its `en` name and, to be listed, `meaning_zh` and
    `meaning_en`). A term counts as used when the report's text, or the names or evidence of the
    figures it prints (the appendix shows them), name it in either language; a term the report
    never uses is left out, so a case without, say, a Kechuangdai product gets no entry for it. An English page puts the
    Chinese first and its English name after it (a quotation followed by its translation).
    """
    from kczlib.report.narrative import templates

    zh, en = templates("zh"), templates("en")
    shown = " ".join([*(str(s) for s in report.shown), *(report.label(fid) for fid in report.ledger.figure_ids()),
                      *(figure(fid, report.case).evidence for fid in report.ledger.figure_ids())])
    terms = [(zh[f"appendix.glossary.term.{k}"], en[f"appendix.glossary.term.{k}"],
              report.text(f"appendix.glossary.meaning.{k}"))
             for k in (key.rsplit(".", 1)[1] for key in zh if key.startswith("appendix.glossary.term."))]
    terms += [(term, names["en"], names[f"meaning_{report.lang}"])
              for term, names in (report.meta.get("glossary") or {}).items() if f"meaning_{report.lang}" in names]
    rows = []
    for term_zh, term_en, meaning in terms:
        if term_zh in shown or term_en in shown:
            if report.lang == "zh":
                rows.append({"term": term_zh, "other": Cell(term_en, lang="en"), "meaning": meaning})
            else:
                rows.append({"other": Cell(term_zh, lang="zh"), "term": term_en, "meaning": meaning})
    return rows


def assumption_rows(report) -> list[dict[str, str]]:
    """The Assumptions table: one row per parameter, its values as printed, each once.

    A year printed as a parameter plus a window (a pledge's end year) is not a value of its own:
    it closes the window its start opened, shown as one pair ("2020年至2023年"), review L10.

    Args:
        report: the notebook's `Report`.

    Returns:
        Rows {"parameter": label, "values": the values joined by the list separator}.
    """
    to = word("numbers", "interval.to", report.lang)
    seen: dict[str, list[str]] = {}
    for e in report.ledger.assumptions():
        values = seen.setdefault(leaf_name(e.num, report), [])
        if e.num.derivation.endswith(" + window"):
            if values and to not in values[-1]:
                values[-1] += to + e.text
            continue
        values.append(e.text)
    return [{"parameter": k, "values": report.list_separator().join(dict.fromkeys(v))} for k, v in seen.items() if v]


def show_appendix(report) -> None:
    """Show the appendix tables, each under its heading, as output part "appendix".

    The tables: numbers ledger, Sources, external context (if used), assumptions and glossary.

    Args:
        report: the notebook's `Report` (its lang, case, ledger, meta, text, heading, say),
            with `part` set to "appendix" so its headings and sentences go there too.
    """
    import pandas as pd

    metadata = part_metadata("appendix")
    report.heading("common.ledger_heading")
    report.say("common.ledger_intro")
    display_table(pd.DataFrame(ledger_rows(report)).rename(columns=_columns(report, "ledger")), metadata)
    report.heading("common.sources_heading")
    report.say("common.sources_intro", title=report.meta["title"][report.lang])
    display_table(pd.DataFrame(source_rows(report), columns=["metric", "evidence", "section", "offset"])
                  .rename(columns=_columns(report, "sources")), metadata)
    if report.ledger.context_ids():
        report.heading("common.context_heading")
        display_table(pd.DataFrame(context_rows(report)).rename(columns=_columns(report, "context")),
                      metadata, link_columns=(report.text("appendix.columns.source"),))
    assumptions = report.ledger.assumptions()
    report.heading("common.assumptions_heading")
    if assumptions:
        report.say("common.assumptions_intro")
        display_table(pd.DataFrame(assumption_rows(report))
                      .rename(columns=_columns(report, "assumptions")), metadata)
    else:
        report.say("common.no_assumptions")
    report.heading("appendix.glossary_heading")
    report.say("appendix.glossary_intro")
    order = ["term", "other", "meaning"] if report.lang == "zh" else ["other", "term", "meaning"]
    display_table(pd.DataFrame(glossary_rows(report), columns=order).rename(columns=_columns(report, "glossary")),
                  metadata)


def _columns(report, table: str) -> dict:
    keys = {"ledger": [f"common.columns.{k}" for k in LEDGER_SHOWN],
            "sources": [f"common.columns.{k}" for k in ["metric", "evidence", "section", "offset"]],
            "context": [f"appendix.columns.{k}" for k in ["indicator", "year", "confidence", "source", "excerpt"]]
            + ["common.columns.derivation"],
            "assumptions": ["common.columns.parameter", "common.columns.values"],
            "glossary": [f"appendix.columns.{k}" for k in ["term", "other", "meaning"]]}[table]
    return {k.rsplit(".", 1)[1]: report.text(k) for k in keys}
