""""Other reported figures": every curated figure of a case appears in some reader page (issue 23).

The sections of a report print what their questions need; a case reports more than that
(a loan balance, a ranking, a count no section asks for). Each figure has a home report,
chosen by its chain (`figures.csv` `chain`, one of the schema's ten): `CHAIN_HOMES` maps the
chains the subject reports treat to their notebook, and the overview (`REST`) takes every other
chain, and any chain added to the schema later. A topic that shares its chain with another
report's has its indicators listed in `INDICATOR_HOMES` (fiscal S&T spending and R&D: the
fiscal report's, though their chain is capital). Just before its appendix, a report shows the
figures of its home chains that it has not printed itself (its ledger's `figure_ids`), in
one table per chain, in the page's language: metric, value (as the project prints
quantities: a qualified figure as its range), period and the evidence quoted from the source.
The values go through the ledger, so the numbers ledger and the Sources appendix list them.

Why by chain and the report's own ledger, not "printed by no report": a report cannot see
what the others print without running them. So a figure of chain X that another report
prints but X's home report does not is shown twice (in the other report's section and in the
home's table); none is shown nowhere, which is the rule the reader needs (every figure of the
source can be found). A build of some reports only (`kcz build --only`) shows the other
figures of those reports' chains only.
"""

from __future__ import annotations

from kczlib.analysis.num import figure_num
from kczlib.data.figures import figure
from kczlib.report.tables import Cell, display_table

# The report notebook that is home to the figures of each chain (kczlib/data schema
# figures.schema.json `chain`); chains listed nowhere go to REST.
CHAIN_HOMES = {
    "capital": "02_tech_finance_leverage",
    "talent": "03_talent_inflows",
    "outcome_talent": "03_talent_inflows",
    "innovation": "04_platforms_and_industry",
    "industry": "04_platforms_and_industry",
    "outcome_platforms": "04_platforms_and_industry",
    "outcome_industry": "04_platforms_and_industry",
}
# A topic whose figures share a chain with another report's: the indicators (data/indicators.csv)
# whose home is a report other than their chain's. Fiscal S&T spending and R&D are capital-chain
# indicators, but the fiscal report is the one whose sections treat them: an R&D figure its
# section does not print belongs in its table, not on the tech-finance page.
FISCAL_HOME = "01_fiscal_investment"
INDICATOR_HOMES = {ind: FISCAL_HOME for ind in (
    "fiscal_st_spending", "fiscal_st_growth_target", "fiscal_st_growth_target_years", "fiscal_project_grant",
    "fiscal_st_share", "fiscal_st_growth", "rd_intensity", "rd_spending", "rd_spending_growth",
    "rd_spending_multiple", "rd_intensity_change", "rd_intensity_expected", "rd_intensity_above_province",
    "rd_intensity_above_national", "rd_tax_deduction")}
REST = "00_overview"  # home to the overview, evaluation and outcome_services chains, and any other
WHERE = "other figures"  # the ledger's `where` of the values printed here


def home_report(chain: str, indicator: str = "") -> str:
    """The notebook name of the report whose "other reported figures" hold a figure of `chain`.

    Args:
        chain: a figures.csv `chain` value.
        indicator: the figure's `indicator` (empty or NaN-as-text when it maps to none).

    Returns:
        `INDICATOR_HOMES[indicator]` for an indicator listed there, else `CHAIN_HOMES[chain]`,
        or `REST` (the overview) for a chain it does not list.
    """
    return INDICATOR_HOMES.get(indicator) or CHAIN_HOMES.get(chain, REST)


def unprinted_figures(report) -> dict[str, list[str]]:
    """The figure ids of the report's home chains that its ledger has not printed, by chain.

    Args:
        report: the notebook's `Report`, configured (its `figures`, `ledger`, `notebook`).

    Returns:
        {chain: [figure id, ...]} in the order of figures.csv, chains in order of first
        appearance; empty when the report is home to no chain or printed every figure of them.
    """
    if not report.configured or report.ledger is None:
        return {}
    printed = set(report.ledger.figure_ids())
    out: dict[str, list[str]] = {}
    chains = report.figure_columns("chain", "indicator")  # which figures are whose: not the rest of each row
    for fid, chain, ind in zip(chains.index, chains["chain"], chains["indicator"], strict=True):
        if home_report(str(chain), str(ind)) == report.notebook and fid not in printed:
            out.setdefault(str(chain), []).append(str(fid))
    return out


def other_figures(report) -> None:
    """Show the "other reported figures" section: `unprinted_figures`, one table per chain.

    A heading and one sentence, then per chain a subheading (the chain's name,
    words/common.toml `common.chains`) and a table: metric (page language), value (ledgered,
    as `Num.format` prints it: 300余家, "at least ..."), period (a year ledgered as a label,
    else `others.period.<period>`) and the evidence quoted from the source (on an English page
    with the metric as its gloss). Nothing when every figure of the report's chains was printed.

    Args:
        report: the notebook's `Report`, after its sections and before its appendix.
    """
    import pandas as pd

    groups = unprinted_figures(report)
    if not groups:
        return
    report.heading("others.heading")
    report.say("others.intro")
    for chain, ids in groups.items():
        report.heading(f"common.chains.{chain}", level=3)
        rows = []
        for fid in ids:
            f = figure(fid, report.case)
            label = report.label(fid)
            value = report.ledger.format(figure_num(fid, report.case), WHERE)
            period = (str(report.period(fid)) if f.period.isdigit()
                      else str(report.text(f"others.period.{f.period}")))
            rows.append({"metric": label, "value": value, "period": period,
                         "evidence": Cell(f.evidence, lang="zh", quote=True,
                                          gloss=label if report.lang != "zh" else "")})
        columns = {k: str(report.text(f"others.columns.{k}")) for k in ("metric", "value", "period", "evidence")}
        display_table(pd.DataFrame(rows, columns=list(columns)).rename(columns=columns))
