"""The `area` column of figures.csv: figures about another place than the case's city (issue 23).

Expected values are read by hand from the shipped texts:

- data/cases/jiaxing_2022 (jiaxing_2022.raw.txt): "2019年,嘉兴市创新指数为166.1,居全省第3位" and
  "2020年,嘉兴市创新指数为196.7,居全省第2位" are the city's; "嘉善县在2019年和2020年创新指数分别为
  165.4和204.7,全省位次从第8位提升到第5位" are a county's (area 嘉善县), mapped to the same
  indicators and periods.
- data/cases/fuzhou_2025: "全省10家优秀等级服务站中,福州占据5席" - the province's 10 (area 福建省)
  and the city's 5, both society_service_stations_excellent in 2025.
"""

import pytest

import kczlib
from kczlib.data.figures import is_city_row
from kczlib.data.validate import main as validate_main
from kczlib.errors import DataErrors, IndicatorNotReportedError

from conftest import edit_csv_cell


def line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(needle))


def validate_output(capsys, case):
    code = validate_main(case)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_county_figure_does_not_answer_for_the_city():
    # the city's index and rank, not Jiashan's 165.4 / 204.7 and 第8位 / 第5位
    assert kczlib.indicator("innovation_index", "jiaxing_2022", period="2019").value == 166.1
    assert kczlib.indicator("innovation_index", "jiaxing_2022", period="2020").value == 196.7
    assert kczlib.indicator("provincial_innovation_index_rank", "jiaxing_2022", period="2020").value == 2
    # the county's progress rank (首位) is the only figure of its indicator: the city does not report it
    assert not kczlib.reports_indicator("innovation_index_progress_rank", "jiaxing_2022")
    with pytest.raises(IndicatorNotReportedError):
        kczlib.indicator("innovation_index_progress_rank", "jiaxing_2022")


def test_a_province_figure_does_not_answer_for_the_city():
    assert kczlib.indicator("society_service_stations_excellent", "fuzhou_2025").value == 5  # not the province's 10
    assert kczlib.figure("stations_excellent_fujian_2025", "fuzhou_2025").area == "福建省"
    assert kczlib.figure("stations_excellent_fuzhou_2025", "fuzhou_2025").area == ""


def test_the_comparison_table_holds_the_city_rows_only():
    values = kczlib.load_indicator_values(["fuzhou_2025", "jiaxing_2022"])
    # fuzhou_2025 maps 17 figures, 5 of them the province's (8, 50, 10, 20, 16 stations): 12 are the city's;
    # jiaxing_2022 maps 16, 5 of them Jiashan's (two indices, two ranks, the progress rank): 11
    assert values.groupby("case").size().to_dict() == {"fuzhou_2025": 12, "jiaxing_2022": 11}
    others = {"stations_national_fujian_2025", "stations_provincial_fujian_2025", "stations_excellent_fujian_2025",
              "stations_good_fujian_2025", "stations_pass_fujian_2025", "jiashan_innovation_index_2019",
              "jiashan_innovation_index_2020", "jiashan_innovation_rank_2019", "jiashan_innovation_rank_2020",
              "jiashan_rank_gain_rank"}
    assert not others & set(values["figure_id"])
    excellent = values[values["indicator"] == "society_service_stations_excellent"]
    assert excellent["value"].tolist() == [5]


def test_is_city_row_reads_a_table_with_or_without_the_column():
    frame = kczlib.load_figures("jiaxing_2022")
    mask = is_city_row(frame)
    assert sorted(frame.index[~mask]) == sorted(["province_counties_ranked", "jiashan_innovation_index_2019",
                                                 "jiashan_innovation_index_2020", "jiashan_innovation_rank_2019",
                                                 "jiashan_innovation_rank_2020", "jiashan_rank_gain_years",
                                                 "jiashan_rank_gain_rank"])
    assert is_city_row(frame.drop(columns="area")).all()


def test_one_indicator_and_period_twice_in_one_area_names_both_lines(capsys, data_copy):
    path = data_copy / "cases" / "jiaxing_2022" / "figures.csv"
    edit_csv_cell(path, "jiashan_innovation_index_2019", "area", "")  # now the city's too: two 2019 indices
    code, out = validate_output(capsys, "jiaxing_2022")
    first, second = line_of(path, "innovation_index_2019,"), line_of(path, "jiashan_innovation_index_2019,")
    assert code != 0
    assert (f"figures.csv, line {second}, column 'indicator': indicator 'innovation_index' is already mapped for "
            f"period '2019' by figure 'innovation_index_2019' on line {first}") in out


def test_two_figures_of_one_other_area_collide_too(capsys, data_copy):
    path = data_copy / "cases" / "jiaxing_2022" / "figures.csv"
    edit_csv_cell(path, "jiashan_innovation_index_2020", "period", "2019")
    code, out = validate_output(capsys, "jiaxing_2022")
    assert code != 0
    assert (f"line {line_of(path, 'jiashan_innovation_index_2020,')}, column 'indicator': indicator "
            "'innovation_index' is already mapped for period '2019' and area '嘉善县' by figure "
            f"'jiashan_innovation_index_2019' on line {line_of(path, 'jiashan_innovation_index_2019,')}") in out


@pytest.mark.parametrize("bad", ["Jiashan", "嘉善县 ", "2号区"])
def test_an_area_that_is_no_place_name_is_a_data_error_naming_its_line(capsys, data_copy, bad):
    path = data_copy / "cases" / "jiaxing_2022" / "figures.csv"
    edit_csv_cell(path, "jiashan_innovation_index_2019", "area", bad)
    code, out = validate_output(capsys, "jiaxing_2022")
    assert code != 0
    assert (f"figures.csv, line {line_of(path, 'jiashan_innovation_index_2019,')}, column 'area': area {bad!r} "
            "is not a place's name as the Chinese text writes it") in out
    with pytest.raises(DataErrors):
        kczlib.load_figures("jiaxing_2022")


@pytest.mark.parametrize("own", ["嘉兴市", "嘉兴"])
def test_the_case_s_own_city_as_an_area_is_refused(capsys, data_copy, own):
    path = data_copy / "cases" / "jiaxing_2022" / "figures.csv"
    edit_csv_cell(path, "institutes_brought_in", "area", own)
    code, out = validate_output(capsys, "jiaxing_2022")
    assert code != 0
    assert (f"line {line_of(path, 'institutes_brought_in,')}, column 'area': area {own!r} is the case's own city: "
            "leave the cell empty") in out


def test_every_shipped_area_is_named_in_its_metric():
    # a reader page lists such figures under their metric, so the metric must say whose they are
    # (the area without its 省/市/县 suffix: 福建全省..., 嘉善县创新指数, 邦普循环...)
    for case in kczlib.list_cases():
        frame = kczlib.load_figures(case)
        others = frame[~is_city_row(frame)]
        for fid, row in others.iterrows():
            place = str(row["area"]).removesuffix("省").removesuffix("县").removesuffix("市")
            assert place in str(row["metric_zh"]), (case, fid, row["area"], row["metric_zh"])


def test_a_report_s_series_and_findings_read_the_city_s_rows_only():
    from kczlib.report.sections import available

    from support.report_setup import bare_report

    r = bare_report("00_overview", "jiaxing_2022")
    # the city's 166.1 (2019) and 196.7 (2020); Jiashan's 165.4 and 204.7 of the same years are left out
    assert [(year, num.value_base) for year, num in available.series(r, "innovation_index")] == [(2019, 166.1),
                                                                                            (2020, 196.7)]
    assert available.series(r, "innovation_index_progress_rank") == []  # the county's only
    assert available.series_change(r, "innovation_index")
    # 196.7 / 166.1 - 1 = 0.1842... -> 18.4%
    assert "166.1" in r.shown[0] and "196.7" in r.shown[0] and "18.4%" in r.shown[0]
    assert "165.4" not in r.shown[0] and "204.7" not in r.shown[0]


def test_kcz_validate_counts_the_figures_of_other_places(capsys):
    # jiaxing_2022: one row of 浙江省 (90 counties ranked), six of 嘉善县 (two indices, two ranks,
    # years first and the progress rank); chengdu has no area column, so no such line
    code, out = validate_output(capsys, "jiaxing_2022")
    assert code == 0
    assert ("  figures about another place than the city (column area; never read as the city's): "
            "浙江省 1, 嘉善县 6") in out.splitlines()
    code, out = validate_output(capsys, "chengdu")
    assert code == 0 and "another place" not in out
