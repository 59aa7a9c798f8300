"""Sweeps in reports.toml: expansion, names, refusals (before any kernel), the index table.

No kernel runs here: grids are checked when reports.toml is loaded. Builds of a sweep
(on a Dask cluster, and cached per combination) are in test_cluster.py.
"""

from __future__ import annotations

import pytest

from conftest import REAL_NOTEBOOKS
from support.builds import real_notebooks_exist, run_kcz, write_config

pytestmark = pytest.mark.skipif(not real_notebooks_exist(), reason="report notebooks missing")
NB = "02_tech_finance_leverage"


def load(tmp_path, grid, **entry):
    from kczlib.publish.config import load_config

    return load_config(write_config(tmp_path, [{"notebook": NB, "grid": grid, **entry}],
                                    notebooks=REAL_NOTEBOOKS))


def test_a_grid_makes_one_report_per_combination_and_language_with_readable_names(tmp_path):
    config = load(tmp_path, {"loss_rate": [0.01, 0.02, 0.05], "compensation_share": [0.5, 0.8]})
    assert len(config.reports) == 3 * 2 * 2
    first = config.reports[0]
    assert first.name == f"{NB}-loss_rate-0p01-compensation_share-0p5-zh"
    # the grid value is the parameter's value; a number for a list parameter is a one-item list
    assert first.parameters == {"case": "chengdu", "loss_rate": [0.01], "compensation_share": [0.5], "lang": "zh"}
    assert first.sweep == {"group": NB, "values": {"loss_rate": 0.01, "compensation_share": 0.5}}
    assert config.reports[-1].name == f"{NB}-loss_rate-0p05-compensation_share-0p8-en"
    assert len({r.name for r in config.reports}) == 12
    # --only the sweep's name selects all of it
    assert len(config.select([NB])) == 12


def test_list_values_names_and_the_entry_name(tmp_path):
    config = load(tmp_path, {"risk_pool_yi": [[5, 10], [20]]}, name="pools", langs=["en"])
    assert [r.name for r in config.reports] == ["pools-risk_pool_yi-5_10-en", "pools-risk_pool_yi-20-en"]
    assert config.reports[0].parameters["risk_pool_yi"] == [5.0, 10.0]
    assert [r.name for r in config.select(["pools"])] == ["pools-risk_pool_yi-5_10-en", "pools-risk_pool_yi-20-en"]


@pytest.mark.parametrize("grid, says", [
    ({"loss": [0.01]}, "'loss' is not a parameter of 02_tech_finance_leverage.ipynb"),
    ({"loss_rate": []}, "'loss_rate' needs a non-empty list of values"),
    ({"loss_rate": 0.01}, "'loss_rate' needs a non-empty list of values"),
    ({"loss_rate": [0.01, 1.5]}, "loss_rate = 1.5: 1.5 is outside (0, 1]"),
    ({"risk_pool_yi": [0]}, "risk_pool_yi = 0: 0.0 is not > 0"),
    ({"loss_rate": ["high"]}, "loss_rate = 'high': 'high' is not a list[float]"),
    ({"case": ["chengdu", "atlantis"]}, "case = 'atlantis': unknown case 'atlantis'"),
    ({"lang": ["zh"]}, "cannot sweep 'lang'"),
    ({"loss_rate": [0.1, 0.10]}, "a name collision"),
])
def test_a_bad_grid_is_one_message_naming_the_entry(tmp_path, grid, says):
    from kczlib.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        load(tmp_path, grid)
    message = str(info.value)
    assert f"[[report]] #1 ({NB}): grid" in message
    assert says in message
    assert "\n" not in message


def test_a_swept_parameter_given_twice_is_refused(tmp_path):
    from kczlib.errors import ConfigError

    with pytest.raises(ConfigError, match="'loss_rate' is also in 'parameters'"):
        load(tmp_path, {"loss_rate": [0.01]}, parameters={"loss_rate": [0.02]})


def test_a_sweep_name_colliding_with_another_report_is_refused(tmp_path):
    from kczlib.errors import ConfigError
    from kczlib.publish.config import load_config

    path = write_config(tmp_path, [{"notebook": NB, "grid": {"loss_rate": [0.01]}},
                                   {"notebook": NB, "name": f"{NB}-loss_rate-0p01"}], notebooks=REAL_NOTEBOOKS)
    with pytest.raises(ConfigError, match=r"\[\[report\]\] #2: two reports are named"):
        load_config(path)


def test_kcz_build_refuses_a_bad_grid_before_anything_is_written(tmp_path):
    path = write_config(tmp_path, [{"notebook": NB, "grid": {"loss_rate": [2]}}], notebooks=REAL_NOTEBOOKS)
    result = run_kcz("--config", path, "build")
    assert result.returncode == 2
    assert result.stderr.startswith("kcz: error: ") and "loss_rate = 2: 2.0 is outside (0, 1]" in result.stderr
    assert not (tmp_path / "out").exists()


def test_p_cannot_replace_a_swept_parameter(tmp_path):
    path = write_config(tmp_path, [{"notebook": NB, "grid": {"loss_rate": [0.01, 0.02]}}], notebooks=REAL_NOTEBOOKS)
    result = run_kcz("--config", path, "build", "-p", "loss_rate=[0.03]")
    assert result.returncode == 2
    assert "swept by the grid of 02_tech_finance_leverage" in result.stderr
    assert not (tmp_path / "out").exists()


def test_kcz_list_shows_every_combination(tmp_path):
    path = write_config(tmp_path, [{"notebook": NB, "grid": {"compensation_share": [0.5, 0.8]}, "langs": ["en"]}],
                        notebooks=REAL_NOTEBOOKS)
    result = run_kcz("--config", path, "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [f"{NB}-compensation_share-0p5-en", f"{NB}-compensation_share-0p8-en"]
    assert "compensation_share=[0.5]" in lines[0] and "compensation_share=[0.8]" in lines[1]


def test_the_index_groups_a_sweep_per_language_in_one_table():
    from bs4 import BeautifulSoup

    from kczlib.publish.html.index_page import render_index

    def entry(name, lang, rate, status="ok"):
        e = {"name": name, "parameters": {"case": "chengdu", "lang": lang, "loss_rate": [rate]},
             "status": status, "seconds": 1.0, "data_version": "abc",
             "sweep": {"group": "s", "values": {"loss_rate": rate}},
             "reader": {"title": f"T {lang}", "key_numbers": [{"label": "Expected loss", "value": f"CNY {rate} bn"}]}}
        if status == "failed":
            e["error"] = {"head": "ValueError: x"}
        return e

    reports = [entry("s-a-zh", "zh", 0.01), entry("s-a-en", "en", 0.01), entry("s-b-zh", "zh", 0.05),
               entry("s-b-en", "en", 0.05, "failed"),
               {"name": "plain-en", "parameters": {"case": "chengdu", "lang": "en"}, "status": "ok", "seconds": 1.0,
                "data_version": "abc", "reader": {"title": "Plain"}}]
    manifest = {"run": "r", "started_at": "2026-11-30T00:00:00Z", "seconds": 2.0,
                "counts": {"ok": 4, "cached": 0, "failed": 1}, "reports": reports}
    page = BeautifulSoup(render_index(manifest, "en"), "html.parser")
    tables = page.select("#sweep-s table")
    assert len(tables) == 1
    assert [th.get_text(strip=True) for th in tables[0].select("thead th")] == ["loss_rate", "Report", "Expected loss"]
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in tables[0].select("tbody tr")]
    assert rows == [["0.01", "s-a-en", "CNY 0.01 bn"], ["0.05", "s-b-en FAILED", "CNY 0.05 bn"]]
    # the sweep's reports are not also cards of their own; the plain report is
    cards = page.select("article.kcz-card")
    assert [c.select_one("h3").get_text() for c in cards] == ["Plain", "T en"]
    zh = BeautifulSoup(render_index(manifest, "zh"), "html.parser")
    assert [a["href"] for a in zh.select("#sweep-s tbody a")] == ["s-a-zh.html", "s-b-zh.html"]
