"""Places are data: data/geo.csv gives each its English name and its order in a comparison."""

from __future__ import annotations

import pytest

from kczlib.data.context import geo_label
from kczlib.data.geo import geo_name, geo_order, load_geo
from kczlib.errors import DataErrors


def test_the_shipped_table():
    geo = load_geo()
    assert geo["四川省"] == ("Sichuan", 2) and geo["全国"] == ("China", 3)
    assert geo_name("西安", "en") == "Xi'an" and geo_name("西安", "zh") == "西安"
    assert geo_order("成都") == 1 and geo_order("重庆") == 1


def test_a_place_not_in_the_table_prints_as_written_with_the_peers():
    assert geo_name("拉萨", "en") == "拉萨" and geo_order("拉萨") == 1


def test_names_and_order_come_from_the_data_folder(data_copy):
    with open(data_copy / "geo.csv", "a", encoding="utf-8") as f:
        f.write("拉萨,Lhasa,4\n")
    assert geo_name("拉萨", "en") == "Lhasa" and geo_order("拉萨") == 4
    assert geo_label("拉萨", "en") == "Lhasa"  # the report layer's name for it


def test_a_bad_row_is_refused(data_copy):
    with open(data_copy / "geo.csv", "a", encoding="utf-8") as f:
        f.write("拉萨,Lhasa,first\n")
    with pytest.raises(DataErrors, match="order"):
        load_geo()


def test_a_data_folder_without_the_table(data_copy):
    (data_copy / "geo.csv").unlink()
    assert geo_name("全国", "en") == "全国" and geo_order("全国") == 1


def test_kcz_validate_names_file_and_row_of_a_broken_geo_row(data_copy, capsys):
    from kczlib.data.validate import main as validate_main

    lines = (data_copy / "geo.csv").read_text(encoding="utf-8").splitlines()
    with open(data_copy / "geo.csv", "a", encoding="utf-8") as f:
        f.write("拉萨,Lhasa,first\n")
    code = validate_main("chengdu")
    out = capsys.readouterr().out
    bad_line = len(lines) + 1
    errors = [line for line in out.splitlines() if "geo.csv" in line and "error" in line]
    assert code == 1 and "geo: geo.csv FAILED" in out
    assert len(errors) == 1, out  # one clear message for the one broken row
    assert f"geo.csv, line {bad_line}, column 'order'" in errors[0] and "'first' is not a whole number" in errors[0]


def test_kcz_validate_reports_a_valid_geo_table(data_copy, capsys):
    from kczlib.data.validate import main as validate_main

    rows = len((data_copy / "geo.csv").read_text(encoding="utf-8").splitlines()) - 1  # less the header
    assert validate_main("chengdu") == 0
    assert f"geo: {rows} places in geo.csv, schema OK" in capsys.readouterr().out
