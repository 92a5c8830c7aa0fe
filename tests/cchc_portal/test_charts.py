from decimal import Decimal

from cchc_portal.charts import bar_chart, line_chart


def test_bar_chart_is_inline_svg_without_scripts_with_a_data_table():
    chart = bar_chart(
        title="Tỷ lệ đúng hạn",
        labels=["Huyện Cư M'gar", "Huyện Nậm Nhùn"],
        series={"%": [Decimal("99.36"), Decimal("98.80")]},
        max_value=100,
        bar_colors=["#2da44e", "#bf8700"],
    )
    assert chart.svg.startswith("<svg")
    assert "<script" not in chart.svg
    assert "Nậm Nhùn" in chart.svg
    assert "99,36" in chart.svg
    assert chart.rows == [
        ["Huyện Cư M'gar", Decimal("99.36")],
        ["Huyện Nậm Nhùn", Decimal("98.80")],
    ]


def test_line_chart_series_and_rows():
    chart = line_chart(
        title="Chỉ số qua các năm",
        labels=["2022", "2023"],
        series={"Chỉ số": [80.1, 82.5], "Hạng": [5, 7]},
    )
    assert "<script" not in chart.svg
    assert chart.headers == ["", "Chỉ số", "Hạng"]
    assert chart.rows[1] == ["2023", 82.5, 7]


def test_a_chart_is_drawn_once_per_distinct_input_and_language(monkeypatch):
    from django.utils import translation

    from cchc_portal import charts

    drawn = []
    real = charts._bar
    monkeypatch.setattr(charts, "_bar", lambda *a: drawn.append(a) or real(*a))

    def draw(values):
        return charts.bar_chart(title="Chỉ số", labels=["A", "B"], series={"Chỉ số": values})

    with translation.override("vi"):
        first = draw([86.375, 79.52])
        assert draw([86.375, 79.52]).svg == first.svg
        assert len(drawn) == 1
        assert "86,38" in first.svg  # numbers rounded and written the Vietnamese way
        changed = draw([86.375, 79.53])
        assert len(drawn) == 2 and "79,53" in changed.svg
    with translation.override("en"):
        english = draw([86.375, 79.52])
    assert len(drawn) == 3 and "86.38" in english.svg


def test_a_long_ranking_draws_its_best_and_worst_ten():
    from cchc_portal.charts import ends

    assert ends(range(20)) == list(range(20))  # up to 20 bars: all of them
    assert ends(range(102)) == [*range(10), *range(92, 102)]
    assert ends(range(5), keep=2) == [0, 1, 3, 4]
