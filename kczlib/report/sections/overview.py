"""The overview report (notebooks/00_overview).

Its sections: title and introduction, the leading group, chain headlines, the pilot evaluation,
cross-checks, data quality, key findings and caveats across the chains. A section that rests on
what one case's text tells (a leading group, a programme evaluation) is shown only when the case
has figures carrying it, and then with its heading; otherwise nothing, not even the heading.
The framing (city, programme) comes from case.json.

Each public function takes the notebook's `Report` and shows one section or returns its
key-finding sentences.
"""

from __future__ import annotations

from kczlib.analysis import metrics
from kczlib.analysis.num import ContextRef, FigureRef
from kczlib.data.figures import is_city_row
from kczlib.report.narrative import Safe
from kczlib.report.sections.available import case_findings, figure_items, series
from kczlib.report.sections.finance import as_of
from kczlib.report.sections.shared import (
    hightech_points,
    population_steps,
    programme_stocks,
    rd_peers,
)
from kczlib.report.sections.talent import PROGRAMME, tally_words


def overview_title(report) -> None:
    """The report's title: the city with its programme (case.json `programme`) when the case names one.

    `overview.title` ("{city}{programme}建设：概览") or, without a programme, `overview.title_plain`.
    """
    programme = report.meta.get("programme")
    if isinstance(programme, dict) and programme.get(report.lang):
        report.heading("overview.title", level=1, programme=programme[report.lang])
    else:
        report.heading("overview.title_plain", level=1)


def overview_intro(report, batch_ref: str) -> None:
    """The introduction under its heading: what the case is (its programme, if named) and how many figures.

    The notebook shows it after the key findings and before the caveats (a heading of its
    own: it is not a caveat).

    Args:
        report: the notebook's `Report`.
        batch_ref: the ref (see `Report.has`) of the size of the programme's batch the city was
            chosen in; when the case reports it, the intro says so (`overview.intro`).

    Nothing for a case without figures: the key findings already say it reports none.
    """
    if not report.reports_figures():
        return
    report.heading("overview.intro_heading")
    # how many rows, not what they say: renaming a figure does not rebuild the overview
    n_figures = report.count(len(report.figure_columns()), "overview.derivation.figure_rows")
    programme = report.meta.get("programme")
    named = isinstance(programme, dict) and bool(programme.get(report.lang))
    if named and report.has(batch_ref):
        report.say("overview.intro", programme=programme[report.lang], pilot_cities=report.get(batch_ref),
                   n_figures=n_figures)
    elif named:
        report.say("overview.intro_programme", programme=programme[report.lang], n_figures=n_figures)
    else:
        report.say("overview.intro_plain", n_figures=n_figures)


def governance(report, group: list[str]) -> None:
    """The leading group: its member units by kind, in words and as a chart.

    Args:
        report: the notebook's `Report`.
        group: refs of the member counts (municipal departments, districts, units of the
            national body), as in `Report.has`.

    Shown, with its heading, only when the case reports every count; otherwise nothing (a
    leading group is one text's framing, not something every case has or lacks).
    """
    if not all(report.has(r) for r in group):
        return
    report.heading("overview.governance_heading")
    members = [report.get(r) for r in group]
    report.say("overview.governance", departments=members[0], districts=members[1], cast_units=members[2],
               members=metrics.total(members))
    report.bars("governance", [(report.label(m.ids[0]), m) for m in members], "overview.governance_chart",
                "overview.unit_members")


def evaluation(report, rank_ref: str, *other_refs: str) -> None:
    """The programme's evaluation of the city: its overall rank, then the other ranks it reports.

    Args:
        report: the notebook's `Report`.
        rank_ref: the overall rank; the section (and its heading) shows only when the case has it.
        *other_refs: further ranks of the same evaluation (among the city's peers, on one
            criterion); each the case reports is listed under its own metric name, since
            only the case's row says which group or criterion it ranks on.
    """
    if not report.has(rank_ref):
        return
    report.heading("overview.outcomes_heading")
    rank = report.get(rank_ref)
    report.say("overview.evaluation_rank", year_label=report.period(rank.ids[0]), rank=rank)
    others = [report.get(r) for r in other_refs if report.has(r)]
    if others:
        figure_items(report, others)


def chain_headlines(report, headlines: dict[str, list[str]]) -> None:
    """A heading, one line per chain with its headline figures, then the counts among them as one chart.

    Refs are as in `Report.has` (indicator ids or `case:<figure id>`). Figures the case does not
    report are left out; a chain with none gets the "not reported" sentence. A case with no
    headline figure in any chain gets nothing, not even the heading.
    """
    if not any(report.has(r) for refs in headlines.values() for r in refs):
        return
    report.heading("overview.chains_heading")
    counts, chains = [], []
    for chain, refs in headlines.items():
        nums = [report.get(r) for r in refs if report.has(r)]
        if not nums:
            report.needs(f"common.chains.{chain}", *refs)
            continue
        pairs = [report.text("overview.chain_pair", label=report.label(n.ids[0]), value=n) for n in nums]
        report.say("overview.chain_item", chain=report.text(f"common.chains.{chain}"),
                   items=Safe(report.list_separator().join(pairs)))
        counts += [(report.label(n.ids[0]), n) for n in nums if n.base_unit == "count"]
        chains += [chain for n in nums if n.base_unit == "count"]
    if counts:  # grouped by the chain each line names (issue 22, M9)
        report.bars("chain_headlines", counts, "overview.chains_chart", "overview.unit_mixed", groups=chains)


def crosschecks(report) -> None:
    """A "cross-checks" section: each check of the case's figures against external context.

    Each check (`kczlib.analysis.crosschecks.run_crosschecks`) is shown with its outcome and
    explanation; nothing when the case has no context to check against.
    """
    from kczlib.analysis.crosschecks import run_crosschecks

    checks = run_crosschecks(report.case)
    if not checks:
        return
    report.heading("overview.crosscheck_heading")
    if not report.needs("crosschecks", context=True):
        return
    made = [c for c in checks if c.outcome != "cannot_tell"]
    for c in made:
        refs = tuple(FigureRef(i) for i in (c.case_side.figure_ids if c.case_side else [])) + tuple(
            ContextRef(i) for i in (c.context_side.context_ids if c.context_side else []))
        explanation = c.explanation(report.lang)
        report.say("overview.crosscheck_item", title=report.cite(c.title(report.lang), "common.derivation.crosscheck",
                                                                 refs, id=c.id),
                 outcome=report.text(f"overview.outcome_{c.outcome}"),
                 explanation=report.cite(explanation, "common.derivation.crosscheck", refs, id=c.id))
    # A check the case has no inputs for is named once, in words: its missing inputs are ids of
    # the vocabulary and of context roles, which say nothing to a reader (the analyst page's data
    # and kczlib.analysis.crosschecks.run_crosschecks keep them)
    not_made = [c.title(report.lang) for c in checks if c.outcome == "cannot_tell"]
    if not_made:
        report.say("overview.crosscheck_not_made" if made else "overview.crosscheck_none_made",
                   titles=report.text("common.name_separator").join(not_made))


def _validation(report):
    """The case's data checks: those `Report.configure` made, else made now (a report not configured)."""
    from kczlib.data.validate import validate_case

    return report.validation if report.validation is not None else validate_case(report.case)


def data_quality(report) -> None:
    """A "data quality" section from the case's data checks (`validate_case`, made by `Report.configure`).

    It shows figure rows, the qualified share, how the source's numeric mentions are accounted
    for, and a bar chart of figures per chain. Nothing for a case with no figure rows (the key
    findings already say it reports none; a share of nothing has no value).
    """
    if not report.reports_figures():
        return
    r = _validation(report)
    report.heading("overview.quality_heading")
    n = report.count(r.figures, "overview.derivation.figure_rows")
    q = report.count(r.qualified, "overview.derivation.qualified_rows")
    mentions = {"mentions": report.count(r.mentions, "overview.derivation.mentions"),
                "claimed_figures": report.count(r.claimed_by_figures, "overview.derivation.claimed_by_figures"),
                "claimed_non": report.count(r.claimed_by_non_figures, "overview.derivation.non_figure_rows"),
                "unaccounted": report.count(len(r.unaccounted), "overview.derivation.unclaimed")}
    if r.qualified:
        report.say("overview.quality", n_figures=n, n_qualified=q, share_qualified=metrics.share(q, n),
                   qualifiers=qualifier_list(report, r), **mentions)
    else:  # none qualified: said plainly, no share of nothing and no empty list of qualifiers
        report.say("overview.quality_exact", n_figures=n, **mentions)
    _unclaimed_figures(report, r)
    items = [(report.text(f"common.chains.{chain}"),
              report.count(v, "overview.derivation.chain_rows", chain=chain,
                           chain_name=report.text(f"common.chains.{chain}")))
             for chain, v in r.per_chain.items()]
    report.bars("per_chain", items, "overview.quality_chart", "overview.unit_count")


def _unclaimed_figures(report, r) -> None:
    """Why the dataset holds more figures than the mentions figure rows claim, one sentence each.

    A row may share its mention with another (one phrase states two figures: 均排名第一), and
    a row may have no mention the parser reads (an analyst's added figure, `correction`): the
    figures count = claimed mentions + shared + the rest. Nothing when the counts agree.
    """
    shared = r.shared_mentions
    rest = r.figures - r.claimed_by_figures - shared
    if shared > 0:
        report.say("overview.quality_shared", shared=report.count(shared, "overview.derivation.shared_mentions"))
    if rest > 0:
        report.say("overview.quality_unparsed", rest=report.count(rest, "overview.derivation.unparsed_figures"))


# Figures of no series listed in the overview's findings of a case with few takeaways
OTHER_FINDINGS = 4


def overview_findings(report) -> list:
    """One takeaway per chain, each with its numbers.

    They are fiscal input against the province and R&D against the nation, tech-loan growth,
    talent inflows against the programme's stocks, and the high-tech enterprise series. A chain
    whose context is missing is left out. With fewer than three of these, the findings are
    completed from the case's own figures (`available.case_findings`: the change of each
    indicator it gives for two or more years, then up to `OTHER_FINDINGS` other figures).
    """
    out = []
    spending = report.maybe("fiscal_st_spending")
    prow, province = report.ctx_role("fiscal_st_province")
    found = rd_peers(report)
    if spending is not None and province is not None and found is not None and found[3] is not None:
        row, mine, nrow, nation, _ = found
        from kczlib.data.geo import geo_name

        out.append(report.text("overview.kf_fiscal", province_name=geo_name(prow.geo, report.lang),
                               spending=spending, year=report.period(spending.ids[0]),
                               ratio=metrics.share(spending, province), province_confidence=report.confidence(prow),
                               rd=mine, rd_year=report.when(row), vs_china=metrics.ratio(mine, nation, "multiplier")))
    lrow, later = report.ctx_role("kechuangdai_loans_latest")
    frow, later_firms = report.ctx_role("kechuangdai_firms_latest")
    loans, firms = report.maybe("tech_loan_volume"), report.maybe("tech_loan_firms")
    if later is not None and later_firms is not None and loans is not None and firms is not None:
        out.append(report.text("overview.kf_finance", loans=loans, firms=firms,
                               period=as_of(report, lrow), later=later, later_firms=later_firms,
                               confidence=report.confidence(lrow)))
    steps = [s for s in population_steps(report) if not s["break"]]
    grow, gshare = report.ctx_role("grad_inflow_share")
    stocks = programme_stocks(report)
    if steps and gshare is not None and stocks.population is not None and stocks.people is not None:
        out.append(report.text("overview.kf_talent", rate=steps[-1]["rate"], year=report.when(steps[-1]["later"]),
                               share=gshare, grad_year=report.when(grow), people=stocks.people,
                               kind=tally_words(report, list(PROGRAMME))))
    points = hightech_points(report, report.maybe("hightech_enterprises"))
    if len(points) >= 2:
        first, last = points[0], points[-1]
        out.append(report.text("overview.kf_industry", first=first[1],
                               start=report.year(first[0], "common.derivation.series_year", first[1].refs),
                               last=last[1], end=report.year(last[0], "common.derivation.series_year", last[1].refs),
                               multiple=metrics.growth(last[1], first[1])))
    if len(out) < 3 and report.reports_figures():
        # Too few of the takeaways above for this case: findings from what it reports itself,
        # each indicator it gives for two or more years first, then a few of its other figures
        city = report.figures[is_city_row(report.figures)]  # a province's or county's figure is not the city's
        mapped = list(dict.fromkeys(str(i) for i in city["indicator"].dropna()))
        dated = [r for r in mapped if len(series(report, r)) >= 2]
        out = case_findings(report, out, (*dated, *[r for r in mapped if r not in dated][:OTHER_FINDINGS]))
    return out


def qualifier_list(report, r) -> Safe:
    """The qualifiers a count of qualified figures counts, as the page lists them (余、多、超 ...).

    Generated from `ValidationResult.qualifiers`, the set `ValidationResult.qualified` counts, so
    the list printed beside the count can never name fewer or other qualifiers than it counts.
    """
    from kczlib.report.narrative import escape

    return Safe(escape(report.text("overview.qualifier_separator").join(r.qualifiers)))


def overview_caveats(report) -> None:
    """The biggest caveats: a self-reported source, qualified figures as ranges, missing series.

    Nothing for a case with no figure rows: there is no figure to caution about.
    """
    from kczlib.data.cases import source_kind
    from kczlib.data.context import context_gaps, load_context

    if not report.reports_figures():
        return
    r = _validation(report)
    n = report.count(r.figures, "overview.derivation.figure_rows")
    q = report.count(r.qualified, "overview.derivation.qualified_rows")
    frame = load_context(report.case)
    weak = report.count(int(frame["confidence"].isin(["low", "derived"]).sum()),
                        "overview.derivation.weak_context_rows")
    rows = report.count(len(frame), "overview.derivation.context_rows")
    recorded = context_gaps(report.case)
    gaps = report.count(len(recorded), "overview.derivation.gaps")
    # what was searched for and not found, as the case's context notes say it (cited data text),
    # one sub-item each under the caveat that counts them
    gap_items = "".join("\n  - " + str(report.cite(g["zh"] if report.lang == "zh" else g["en"],
                                                   "common.derivation.context_gap", (),
                                                   topic=g["label"][report.lang]))
                        for g in recorded)
    report.heading("overview.caveats_heading")
    one = "_one_gap" if len(recorded) == 1 else ""  # "1 data gap": the noun agrees with the count
    series = (f"overview.caveat_series{one}", {"gaps": gaps, "weak": weak, "rows": rows}) \
        if report.has_context() and recorded else \
        ("overview.caveat_weak", {"weak": weak, "rows": rows}) if report.has_context() else \
        ("missing.no_context", {"topic": Safe(report.text("missing.topics.caveat_context"))})
    report.show(Safe("\n".join("- " + report.text(k, **s) for k, s in (
        (f"any_case.caveat_source.{source_kind(report.meta)}", {"n_figures": n,
                                                                "city": report.meta["city"][report.lang]}),
        ("overview.caveat_ranges", {"n_qualified": q, "n_figures": n, "share": metrics.share(q, n),
                                    "qualifiers": qualifier_list(report, r)}) if r.qualified else
        ("overview.caveat_exact", {"n_figures": n}),
        series)) + (gap_items if series[0].startswith("overview.caveat_series") else "")))
