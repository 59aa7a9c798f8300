"""Report sections: one module per report, named after its notebook's subject, plus `shared`.

    overview   notebooks/00_overview           fiscal     notebooks/01_fiscal_investment
    finance    notebooks/02_tech_finance_leverage   talent  notebooks/03_talent_inflows
    platforms  notebooks/04_platforms_and_industry  shared  code two reports share
    compare    notebooks/05_compare_cases (its `CompareReport`: kczlib/report/compare_report.py)

Each function takes the notebook's `Report` and shows one section (or returns key-finding
sentences); they live here, not in the notebooks, so that the notebooks stay an outline
and the logic is tested. The five first reports' names are re-exported here (their
notebooks call `sections.<name>(report, ...)`); a new report's notebook imports its own
module (`from kczlib.report.sections import <module>`), so adding one edits nothing here.
"""

from kczlib.report.sections.finance import (
    finance_findings,
    kechuangdai_growth,
    leverage_scenarios,
    loan_dynamics,
    pool_scenario,
)
from kczlib.report.sections.fiscal import (
    fiscal_against_budget,
    fiscal_benchmarks,
    fiscal_findings,
    pledge_end_point,
    pledge_scenarios,
    pledge_target,
    rd_peer_comparison,
    spending_statement,
)
from kczlib.report.sections.overview import (
    chain_headlines,
    crosschecks,
    data_quality,
    evaluation,
    governance,
    overview_caveats,
    overview_findings,
    overview_intro,
    overview_title,
)
from kczlib.report.sections.platforms import (
    carriers_side_by_side,
    hightech_series,
    platforms_findings,
    star_against_listed,
)
from kczlib.report.sections.shared import (
    ProgrammeStocks,
    context_bars,
    hightech_points,
    population_steps,
    programme_stocks,
    rd_peers,
    rd_rows,
)
from kczlib.report.sections.talent import programme_counts, talent_findings, talent_inflows, talent_measures

__all__ = [
    "ProgrammeStocks",
    "carriers_side_by_side",
    "chain_headlines",
    "context_bars",
    "crosschecks",
    "data_quality",
    "evaluation",
    "finance_findings",
    "fiscal_against_budget",
    "fiscal_benchmarks",
    "fiscal_findings",
    "governance",
    "hightech_points",
    "hightech_series",
    "kechuangdai_growth",
    "leverage_scenarios",
    "loan_dynamics",
    "overview_caveats",
    "overview_findings",
    "overview_intro",
    "overview_title",
    "platforms_findings",
    "pledge_end_point",
    "pledge_scenarios",
    "pledge_target",
    "pool_scenario",
    "population_steps",
    "programme_counts",
    "programme_stocks",
    "rd_peer_comparison",
    "rd_peers",
    "rd_rows",
    "spending_statement",
    "star_against_listed",
    "talent_findings",
    "talent_inflows",
    "talent_measures",
]
