"""A new case written in the genre's other forms validates with no hand-written non-figures.

The raw text uses a full-width percent, percentage points, a physical unit with 万, a
scale class (千亿级), a full-width range and 翻番; its names and markers (十四五, 一、, 二、)
are left to the parser's own rules. Every figure row below is read by hand from the text.
"""

import csv
import hashlib
import io
import json
import shutil

import pytest

from kczlib.data.validate import validate_case

from conftest import DATA

RAW = (
    "示范省科技工作报告\n"
    "一、总体情况\n"
    "“十四五”以来，全省研发投入增长12.5％，研发投入强度提高0.3个百分点。新增装机500万千瓦，打造千亿级产业集群。\n"
    "二、下一步\n"
    "力争用3～5年时间，高新技术企业数量翻番。\n"
)
HEADER = ["id", "chain", "section", "metric_zh", "metric_en", "value", "unit", "value_base", "base_unit",
          "qualifier", "lower", "upper", "period", "evidence", "offset", "note"]
# id, section, value, unit, value_base, base_unit, qualifier, lower, upper, evidence
ROWS = [
    ("rd_growth", "一", "12.5", "%", "12.5", "percent", "exact", "12.5", "12.5", "增长12.5％"),
    ("rd_intensity_change", "一", "0.3", "个百分点", "0.3", "percentage_point", "exact", "0.3", "0.3",
     "提高0.3个百分点"),
    ("new_capacity", "一", "500", "万千瓦", "5000000", "kW", "exact", "5000000", "5000000", "新增装机500万千瓦"),
    ("cluster_scale", "一", "", "亿级", "", "count", "以上", "100000000000", "", "打造千亿级产业集群"),
    ("years_to_double", "二", "", "年", "", "years", "至", "3", "5", "力争用3～5年时间"),
    ("firms_doubling", "二", "1", "番", "2", "multiplier", "exact", "2", "2", "企业数量翻番"),
]


def write_case(root, rows=ROWS):
    folder = root / "cases" / "genre"
    folder.mkdir(parents=True)
    raw = RAW.encode("utf-8")
    (folder / "genre.raw.txt").write_bytes(raw)
    meta = {"case": "genre", "city": {"zh": "示范省", "en": "Demo Province"},
            "title": {"zh": "示范省科技工作报告", "en": "Demo province S&T report"}, "period": "2024",
            "source": {"file": "genre.raw.txt", "origin": "synthetic test case", "accessed": "2026-11-29",
                       "sha256": hashlib.sha256(raw).hexdigest(), "debris_lines": []}}
    (folder / "case.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(HEADER)
    for rid, section, value, unit, vb, base, qual, lo, hi, evidence in rows:
        out.writerow([rid, "overview", section, rid, rid, value, unit, vb, base, qual, lo, hi, "2024", evidence,
                      RAW.find(evidence), ""])
    (folder / "figures.csv").write_text(buf.getvalue(), encoding="utf-8")
    (folder / "non_figures.csv").write_text("text,offset,kind,reason\n", encoding="utf-8")
    return folder


@pytest.fixture
def root(tmp_path, monkeypatch):
    target = tmp_path / "data"
    shutil.copytree(DATA / "schema", target / "schema")
    shutil.copy(DATA / "indicators.csv", target / "indicators.csv")
    monkeypatch.setenv("KCZ_DATA", str(target))
    return target


def test_a_genre_case_validates_with_its_names_left_to_the_parser(root):
    write_case(root)
    report = validate_case("genre")
    assert report.ok, [str(e) for e in report.errors] + [m.text for m in report.unaccounted]
    # 6 figures; 十四五 and the markers 一、 二、 are recognised: 9 mentions in all
    assert (report.figures, report.parse_ok, report.mentions) == (6, 6, 9)
    assert (report.claimed_by_figures, report.claimed_by_non_figures, report.recognised_non_figures) == (6, 0, 3)


def test_a_figure_row_that_disagrees_with_the_new_reading_is_named(root):
    rows = [r if r[0] != "new_capacity" else r[:4] + ("500", "count", "exact", "500", "500", r[9]) for r in ROWS]
    write_case(root, rows)
    report = validate_case("genre")
    assert not report.ok
    assert any("figures.csv" in e.path and e.line == 4 and "value_base" in e.reason for e in report.errors)


def test_only_a_range_or_a_scale_class_may_omit_value_base(root):
    rows = [r if r[0] != "new_capacity" else r[:4] + ("",) + r[5:] for r in ROWS]
    write_case(root, rows)
    report = validate_case("genre")
    assert any(e.line == 4 and e.column == "value_base" and "only a 至 range or a scale class" in e.reason
               for e in report.errors)
