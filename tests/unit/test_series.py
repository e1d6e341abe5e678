"""KPI series across weeks: values in week order, change from the previous week, good/bad direction."""

from pathlib import Path

import pytest

from tui.index.load import load_library
from tui.index.formats import format_change, format_value
from tui.index.series import kpi_series

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

EXPECTED = {
    "入金有效成功率": [99.997, 99.997, 99.997, 99.987, 99.955],
    "出金有效成功率": [99.962, 99.984, 99.988, 99.980, 99.998],
    "年度可用性": [99.998, 99.994, 100, 100, 99.998],
    "CD级事故数": [1, 1.5, 0, 1, 0.5],
    "生产事件数": [2, 1, 1, 11, 7],
}


@pytest.fixture(scope="module")
def series():
    lib = load_library([str(SEEDS)])
    return lib, {s.name: s for s in kpi_series(lib)}


@pytest.mark.parametrize("name,values", EXPECTED.items())
def test_values_in_week_order(series, name, values):
    _, by_name = series
    assert by_name[name].values == values


@pytest.mark.parametrize(
    "name,change,verdict",
    [
        ("入金有效成功率", -0.032, -1),  # a success rate going down is bad
        ("出金有效成功率", 0.018, 1),
        ("生产事件数", -4, 1),  # fewer incidents is good
        ("CD级事故数", -0.5, 1),
        ("年度可用性", -0.002, -1),
    ],
)
def test_last_week_change_and_verdict(series, name, change, verdict):
    lib, by_name = series
    last = lib.reports[-1]
    assert by_name[name].change(last) == pytest.approx(change)
    assert by_name[name].verdict(last) == verdict


def test_first_week_has_no_change(series):
    lib, by_name = series
    assert by_name["入金有效成功率"].change(lib.reports[0]) is None
    assert by_name["入金有效成功率"].verdict(lib.reports[0]) == 0


def test_series_follow_canonical_order(series):
    _, by_name = series
    names = list(by_name)
    assert names.index("入金有效成功率") < names.index("生产事件数") < names.index("账户已沉淀金额")


@pytest.mark.parametrize(
    "value,unit,text",
    [(99.955, "%", "99.955%"), (100.0, "%", "100%"), (1.5, "次", "1.5次"), (99.99700000001, "", "99.997"), (None, "", "–")],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def test_format_change():
    assert format_change(-0.032) == "−0.032"
    assert format_change(4.0) == "+4"
    assert format_change(0.0) == "±0"
    assert format_change(None) == "–"
    assert format_change(None, missing="") == ""
