"""`CompareReport`: a report about several cases at once (notebooks/05_compare_cases).

A per-case `Report` knows one case; this one knows the list its `cases` parameter gives
(empty: every case in the data folder). Its numbers carry qualified ids
(`<case>/<row id>`, `kczlib.analysis.compare`), so the ledger, the Sources appendix, the
chart source lines and the data download each find a figure or context row in its own
case. Words: kczlib/words/compare.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kczlib.analysis.compare import split_ref
from kczlib.analysis.ledger import exact_text, publisher_of
from kczlib.analysis.num import ContextRef, FigureRef, Num, Period
from kczlib.data.cases import get_case, list_cases
from kczlib.data.context import context_value, format_period, load_context
from kczlib.data.datatext import DataText
from kczlib.data.figures import figure
from kczlib.data.periods import period_end
from kczlib.data.validate import require_valid
from kczlib.report.appendix import indicator_words
from kczlib.report.display import part_metadata
from kczlib.report.labels import typeset
from kczlib.report.narrative import Safe, require_ledger, templates
from kczlib.report.reader import plain
from kczlib.report.report import Report
from kczlib.report.tables import Cell, display_table
from kczlib.words import word

CONTEXT_COLUMNS = ("indicator", "year", "confidence", "source", "excerpt")  # keys of `appendix.columns`


@dataclass
class CompareReport(Report):
    """A report over `cases` (see the module docstring); `case` stays "" (no one case frames it)."""

    cases: list[str] = field(default_factory=list)

    def configure(self, namespace: dict) -> dict:
        """Check the parameters (`cases`, `lang`), then set language, cases, ledger and theme.

        Raises ParameterError (one line) for an unknown parameter or case name.
        """
        from kczlib.analysis.ledger import Ledger
        from kczlib.report.parameters import apply_parameters

        self.params, self.ledger, self.shown = {}, None, []
        self.charts, self.title, self.group, self.key, self.part = [], "", "", [], None
        self.findings = []
        self.new_page()
        self.params = apply_parameters(self.notebook, namespace)
        self.lang, self.case = self.params["lang"], ""
        self.cases = list(dict.fromkeys(self.params["cases"])) or list_cases()
        for case in self.cases:  # a figure row `kcz validate` refuses is never compared
            require_valid(case)
        self.ledger = Ledger(self.lang)
        self.configured, self.meta = False, {}
        from kczlib.report import theme

        theme.set_theme(self.lang)
        return self.params

    # -- what the cases are called -----------------------------------------------------
    def city(self, case: str) -> DataText:
        """The city of `case` in the page language (case.json `city`), printed as written.

        Two compared cases of one city (two texts of different years) are told apart by their
        `case_tag` (`compare.city_and_case`: 某市（2018-2021年案例）/ a city (2018-2021 case)), so
        no table column or sentence merges them; a lone city is its name alone.
        """
        name = _city_name(case, self.lang)
        tag = self.case_tag(case)
        if tag is None:
            return DataText(name)
        # plain: the label is data text again wherever it goes (escaped there, not twice)
        return DataText(plain(self.text("compare.city_and_case", city=DataText(name), tag=tag)))

    def case_tag(self, case: str) -> Safe | None:
        """What tells `case` apart from another compared case of its city; None when no other shares its city.

        The case.json `period` (a year or years, 2018-2021: `compare.case_years`); the case's
        folder name as well (`compare.case_folder`) where another case of the city has the same
        period (a copied case), or where the period is missing or not years. Labels are thus
        distinct, and a city compared once keeps its bare name.
        """
        name = _city_name(case, self.lang)
        others = [c for c in self.cases if c != case and _city_name(c, self.lang) == name]
        if not others:
            return None
        period = _case_years(case)
        if period and all(_case_years(c) != period for c in others):
            return self.text("compare.case_years", period=DataText(period))
        if not period:
            return self.text("compare.case_folder", case=DataText(case))
        return self.text("compare.case_years_and_folder", period=DataText(period), case=DataText(case))

    def value_label(self, case: str, period: Safe) -> str:
        """A city and the period of its value in one bracket, as plain text (a chart's bar).

        某市（2021年）; with the case's `case_tag` where another compared case shares the city:
        某市（2020-2023年案例；2022年）, never a bracket for each.
        """
        tag = self.case_tag(case)
        name = DataText(_city_name(case, self.lang))
        if tag is None:
            return plain(self.text("compare.chart_label", city=name, period=period))
        return plain(self.text("compare.chart_label_case", city=name, tag=tag, period=period))

    def label(self, figure_id: str) -> str:
        """A figure's metric in the page language, from its qualified id (`<case>/<id>`)."""
        case, fid = split_ref(figure_id)
        return typeset(figure(fid, case).metric(self.lang), self.lang)

    def figure_period(self, num: Num) -> Safe:
        """The period of the case figure behind `num`, as printed and ledgered.

        A year or month is a label (2021年 / 2021, 2023年11月 / Nov 2023); "cumulative" and
        "target" are words (`compare.period.*`).
        """
        ref = next(r for r in num.refs if isinstance(r, FigureRef))
        case, fid = split_ref(ref.figure_id)
        period = figure(fid, case).period
        if not period[:4].isdigit():
            key = f"compare.period.{period}" if f"compare.period.{period}" in templates(self.lang) else \
                "compare.period.other"
            return self.text(key)
        text = format_period(period, self.lang)
        label = Num(None, None, "years", origin=Period(of=ref), refs=(ref,), derivation=f"period of {ref.figure_id}")
        require_ledger(self.ledger).record(label, "year", text)
        return Safe(text)

    # -- what the page's appendix, charts and downloads read ---------------------------
    def chart_source(self, nums: list[Num]) -> str:
        """A chart's source line: the source document of each case drawn (`compare.chart_source`)."""
        cases = list(dict.fromkeys(split_ref(r.id)[0] for n in nums for r in n.refs))
        titles = self.text("common.name_separator").join(
            str(self.text("compare.source_item", city=self.city(c),
                          title=DataText(get_case(c).meta["title"][self.lang]))) for c in cases)
        return plain(self.text("compare.chart_source", titles=Safe(titles)))

    def reader_meta(self) -> dict:
        """What the reader page header and the index card show, with the data date over every case."""
        tpl = self.text
        about = [tpl("compare.about_sources"), tpl("reader.about_ranges"), tpl("reader.about_no_assumptions"),
                 tpl("reader.about_appendix")]
        return {**self.page_meta(plain(tpl("compare.summary")), about, self.data_as_of()), "cases": list(self.cases)}

    def data_as_of(self) -> str:
        """The latest period among the rows the printed numbers rest on, over every case ("" if none).

        A dated figure or context row counts by its period; a cumulative figure ("to date") is
        as of its text's publication (case.json `source.published`, as a month), so a page
        showing a count a 2025 text gives to date is not dated by its older dated figures.
        Targets are not data and do not count. Periods compare by their last month
        (`kczlib.data.periods.period_end`).
        """
        best, best_end = "", -1
        for e in require_ledger(self.ledger).entries:
            for r in e.num.refs:
                case, rid = split_ref(r.id)
                period = figure(rid, case).period if isinstance(r, FigureRef) else context_value(rid, case).period
                if period == "cumulative":
                    period = published_month(case)
                end = period_end(period) if period else None
                if end is not None and end > best_end:
                    best, best_end = period, end
        return best

    def numbers(self) -> list[dict]:
        """One dict per printed number for the data download (the keys of `ReaderMethods.numbers`).

        Each row's label names the city; source_id (qualified ids), evidence, publisher and url
        are read from the case each of its rows belongs to (`sources_of`).
        """
        from kczlib.analysis.derivation_words import derivation_words
        from kczlib.analysis.ledger import kind_name
        from kczlib.report.appendix import _NUMBER
        from kczlib.report.reader import _is_cited, _round, _unit_words, _value

        rows = []
        for e in require_ledger(self.ledger).printed():
            num, cited = e.num, _is_cited(e)
            text = "; ".join(_NUMBER.findall(plain(e.text))) if cited else plain(e.text)
            if not text:
                continue
            quantity = not cited and not isinstance(num.origin, Period)
            label = derivation_words(num, self.lang, self._leaf_name)
            if isinstance(num.origin, Period):  # a figure's period, named so
                label = templates(self.lang)["appendix.leaves.period_of"].format(name=label)
            rows.append({
                "label": plain(label), "text": text,
                "value": _round(_value(num)) if quantity else None,
                "lower": _round(num.lower) if quantity else None, "upper": _round(num.upper) if quantity else None,
                "unit": _unit_words(num, self.lang) if quantity else "",
                "kind": kind_name(num), **sources_of(num),
                "derivation": "" if num.is_leaf else self.list_separator().join(
                    f"{self._leaf_name(leaf)} = {exact_text(leaf)}" for leaf in num.inputs()),
            })
        return rows

    def appendix(self) -> None:
        """The numbers ledger and the sources of every case, as the appendix part, then the reader meta."""
        import pandas as pd

        from kczlib.report.display import drop_held

        drop_held()  # a body heading with nothing under it (the footnotes are not under it)
        self.footnotes()
        self.part = "appendix"
        try:
            metadata = part_metadata("appendix")
            self.heading("common.ledger_heading")
            self.say("common.ledger_intro")
            display_table(pd.DataFrame(self._ledger_rows()).rename(columns=self._columns()), metadata)
            self.heading("common.sources_heading")
            for case in self.cases:
                fids = [split_ref(i)[1] for i in require_ledger(self.ledger).figure_ids() if split_ref(i)[0] == case]
                if not fids:
                    continue
                self.say("compare.sources_of", city=self.city(case),
                         title=DataText(get_case(case).meta["title"][self.lang]))
                rows = [{"metric": typeset(figure(f, case).metric(self.lang), self.lang),
                         "evidence": Cell(figure(f, case).evidence, lang="zh", quote=True,
                                          gloss="" if self.lang == "zh" else figure(f, case).metric(self.lang))}
                        for f in fids]
                display_table(pd.DataFrame(rows).rename(columns={
                    "metric": self.text("common.columns.metric"), "evidence": self.text("common.columns.evidence")}),
                    metadata)
            contexts = require_ledger(self.ledger).context_ids()
            if contexts:
                self.heading("common.context_heading")
                display_table(pd.DataFrame(self._context_rows(contexts)).rename(
                    columns={k: self.text(f"appendix.columns.{k}") for k in CONTEXT_COLUMNS}),
                    metadata, link_columns=(self.text("appendix.columns.source"),))
            self.heading("appendix.glossary_heading")
            self.say("appendix.glossary_intro")
            order = ["term", "other", "meaning"] if self.lang == "zh" else ["other", "term", "meaning"]
            display_table(pd.DataFrame(self._glossary_rows(), columns=order).rename(
                columns={k: self.text(f"appendix.columns.{k}") for k in order}), metadata)
        finally:
            self.part = None
        self._publish_reader_meta()

    def _context_rows(self, contexts: list[str]) -> list[dict]:
        """The external rows the page used (qualified ids), as `appendix.context_rows` shows them, city first."""
        from kczlib.data.source import strip_pinyin_glosses, to_simplified
        from kczlib.report.appendix import _source_cell

        rows = []
        for q in contexts:
            case, cid = split_ref(q)
            c = context_value(cid, case)
            indicator = indicator_words(c.indicator, self.lang, get_case(case).meta.get("glossary"))
            excerpt = strip_pinyin_glosses(to_simplified(c.excerpt))[0]
            rows.append({"indicator": f"{self.city(case)} {indicator}" if self.lang == "en"
                         else f"{self.city(case)}{indicator}",
                         "year": format_period(c.period, self.lang), "confidence": c.confidence_label(self.lang),
                         "source": _source_cell(c, self.lang),
                         "excerpt": Cell(excerpt, lang="zh", quote=True, gloss=indicator if self.lang != "zh" else "")
                         if excerpt else ""})
        return rows

    def _glossary_rows(self) -> list[dict]:
        """The terms the page uses, as `appendix.glossary_rows` gives them, over every case's glossary."""
        zh, en = templates("zh"), templates("en")
        ids = require_ledger(self.ledger).figure_ids()
        evidence = {i: f"{self.label(i)} {figure(split_ref(i)[1], split_ref(i)[0]).evidence}" for i in ids}
        # the page header names the programme (words/page.toml `page.site`), whatever the body says
        shown = " ".join([*(str(s) for s in self.shown), *evidence.values(), word("page", "page.site", self.lang)])

        def cities(*names: str) -> Safe:  # the cities whose printed figures use a term (a meaning's {city})
            using = [c for c in self.cases if any(n in evidence[i] for i in ids if split_ref(i)[0] == c for n in names)]
            return Safe(str(self.text("common.name_separator")).join(str(self.city(c)) for c in using or self.cases))

        terms: list[tuple[str, str, str]] = []
        for k in (key.rsplit(".", 1)[1] for key in zh if key.startswith("appendix.glossary.term.")):
            term_zh, term_en = zh[f"appendix.glossary.term.{k}"], en[f"appendix.glossary.term.{k}"]
            terms.append((term_zh, term_en, str(self.text(f"appendix.glossary.meaning.{k}",
                                                          city=cities(term_zh, term_en)))))
        for case in self.cases:
            terms += [(term, names["en"], names[f"meaning_{self.lang}"])
                      for term, names in (get_case(case).meta.get("glossary") or {}).items()
                      if f"meaning_{self.lang}" in names]
        rows, seen = [], set()
        for term_zh, term_en, meaning in terms:
            if term_zh in seen or (term_zh not in shown and term_en not in shown):
                continue
            seen.add(term_zh)
            if self.lang == "zh":
                rows.append({"term": term_zh, "other": Cell(term_en, lang="en"), "meaning": meaning})
            else:
                rows.append({"other": Cell(term_zh, lang="zh"), "term": term_en, "meaning": meaning})
        return rows

    def _ledger_rows(self) -> list[dict]:
        from kczlib.analysis.derivation_words import derivation_words

        rows = []
        for e in require_ledger(self.ledger).printed():
            text = plain(e.text)
            if not text:
                continue
            rows.append({"printed": text, "exact": exact_text(e.num),
                         "kind": self.text(f"appendix.kinds.{e.num.kind}"),
                         "derivation": derivation_words(e.num, self.lang, self._leaf_name),
                         "inputs": "" if e.num.is_leaf else self.list_separator().join(
                             f"{self._leaf_name(leaf)} = {exact_text(leaf)}" for leaf in e.num.inputs())})
        return rows

    def _leaf_name(self, leaf: Num) -> str:
        first = leaf.refs[0] if leaf.refs else None
        if isinstance(first, FigureRef):
            case = split_ref(first.figure_id)[0]
            return f"{self.city(case)} {self.label(first.figure_id)}" if self.lang == "en" else \
                f"{self.city(case)}{self.label(first.figure_id)}"
        if isinstance(first, ContextRef):
            case, cid = split_ref(first.context_id)
            words = indicator_words(context_value(cid, case).indicator, self.lang, get_case(case).meta.get("glossary"))
            return f"{self.city(case)} {words}" if self.lang == "en" else f"{self.city(case)}{words}"
        return leaf.derivation

    def _columns(self) -> dict:
        keys = ["printed", "exact", "kind", "derivation", "inputs"]
        return {k: self.text(f"common.columns.{k}") for k in keys}


def _city_name(case: str, lang: str) -> str:
    """The city of `case` in `lang`, as its case.json writes it."""
    return str(get_case(case).meta["city"][lang])


_YEARS = re.compile(r"\d{4}(-\d{4})?")


def _case_years(case: str) -> str:
    """The case.json `period` of `case` where it is a year or years (2025, 2018-2021), else ""."""
    period = str(get_case(case).meta.get("period") or "")
    return period if _YEARS.fullmatch(period) else ""


def published_month(case: str) -> str:
    """The month the case's text was published ("2025-12", from case.json `source.published`), or ""."""
    published = str((get_case(case).meta.get("source") or {}).get("published") or "")
    return published[:7] if len(published) >= 7 and published[:4].isdigit() else ""


def sources_of(num: Num) -> dict[str, str]:
    """Where a printed number of a comparison comes from: qualified ids, evidence, publishers, URLs.

    As `kczlib.analysis.ledger.sources`, each row looked up in its own case (`split_ref`).
    """
    ids, evidence, publishers, urls = [], [], [], []
    for r in num.refs:
        ids.append(r.id)
        case, rid = split_ref(r.id)
        if isinstance(r, FigureRef):
            evidence.append(figure(rid, case).evidence)
            continue
        c = context_value(rid, case)
        frame = load_context(case)
        evidence.append(c.excerpt)
        publishers.append(publisher_of(frame.loc[rid].to_dict() if rid in frame.index else None, c.source_url))
        urls.append(c.source_url)

    def join(items: list[str]) -> str:
        return "; ".join(dict.fromkeys(i for i in items if i))

    return {"source_id": join(ids), "evidence": join(evidence), "publisher": join(publishers), "url": join(urls)}
