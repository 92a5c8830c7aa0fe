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


def _bar_ends_and_values(svg: str):
    """(bar rect, printed value text) of each bar, as pygal writes them: the rects in
    <g class="bar">, the printed values in the text overlay, both in series order."""
    import re

    rects = [
        {k: float(v) for k, v in re.findall(r'\b(x|y|width|height)="(-?[\d.]+)"', attrs)}
        for attrs in re.findall(r"<rect ([^>]*class=\"rect reactive tooltip-trigger\")", svg)
    ]
    texts = [
        (anchor, float(x), float(y), label)
        for anchor, x, y, label in re.findall(
            r'<text text-anchor="(\w+)" x="(-?[\d.]+)" y="(-?[\d.]+)" class="value">([^<]*)</text>',
            svg,
        )
    ]
    return rects, texts


def test_horizontal_bar_values_start_past_the_bar_end():
    chart = bar_chart(
        title="Tỷ lệ đúng hạn",
        labels=["Xã Cư M’gar", "Xã Ea KPam"],
        series={"%": [100, 45.5]},
        horizontal=True,
        max_value=100,
        value_suffix=" %",
    )
    rects, texts = _bar_ends_and_values(chart.svg)
    assert [t[3] for t in texts] == ["100,00 %", "45,50 %"]
    for rect, (anchor, x, _y, _label) in zip(rects, texts, strict=True):
        assert anchor == "start"  # the text runs away from the bar, not over its end
        assert x > rect["x"] + rect["width"]
    assert chart.horizontal


def test_vertical_bar_values_sit_above_the_bar():
    chart = bar_chart(title="Chỉ số", labels=["2019", "2020"], series={"Chỉ số": [86.38, 91]})
    rects, texts = _bar_ends_and_values(chart.svg)
    assert [t[3] for t in texts] == ["86,38", "91,00"]
    for rect, (_anchor, _x, y, _label) in zip(rects, texts, strict=True):
        # the baseline clears the bar's top by more than the comma's descender (~3 px at 13)
        assert rect["y"] - y >= 6


def test_chart_text_is_legible_on_a_phone():
    """Drawn 800 wide and kept at least 620 px on a phone (portal.css), so each size here
    shows at 620/800 of it: at least 10 px. pygal's 11/10 showed at 4-5 px at 390 px."""
    import re

    chart = bar_chart(title="Tỷ lệ", labels=["A"], series={"%": [50]}, horizontal=True)
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", chart.svg)]
    assert sizes and min(sizes) * 620 / 800 >= 10
