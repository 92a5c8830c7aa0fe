"""Charts as server-side SVG (pygal), so the same chart shows in the page and in the PDF.

No JavaScript and no CDN: the SVG is inlined in the HTML. Every chart comes with its data as a
table (`chart.rows`) for screen readers and print; templates show it via
`templates/cchc_portal/_chart.html`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
PALETTE = ("#b3261e", "#1f6feb", "#2da44e", "#bf8700", "#8250df", "#57606a")


@dataclass
class Chart:
    """An SVG chart and the table of the numbers behind it."""

    title: str
    svg: SafeString
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # Said under the chart when it draws only part of its table (a province of 100+ communes).
    note: str = ""
    # A horizontal bar chart grows with its bars: the page gives it its height (portal.css).
    horizontal: bool = False


# A dashboard chart of more bars than this is a wall of colour on a phone: it draws a part and
# says which, and its table keeps every row.
MAX_BARS = 20


def ends(items: Sequence[Any], *, keep: int = MAX_BARS // 2) -> list[Any]:
    """The first and the last `keep` items (all of them when there are no more than 2 × keep):
    what a chart of a long ranking draws, best and worst."""
    items = list(items)
    return items if len(items) <= 2 * keep else [*items[:keep], *items[-keep:]]


def _style(colors: Sequence[str]):
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        foreground="#333",
        foreground_strong="#111",
        foreground_subtle="#888",
        font_family="Liberation Sans, Arial, sans-serif",
        # Drawn 800 wide: at 390 px (a phone, where the chart keeps 620 px and scrolls, see
        # portal.css) 14 reads as 11 px; at 11 the text was 4-5 px.
        label_font_size=14,
        major_label_font_size=14,
        value_font_size=13,
        value_label_font_size=13,
        legend_font_size=14,
        title_font_size=16,
        colors=tuple(colors),
    )


def _svg(chart) -> SafeString:
    raw = chart.render(is_unicode=True, disable_xml_declaration=True)
    # pygal always writes a config <script>; pages run no inline scripts (CSP), so drop it.
    raw = _SCRIPT.sub("", raw)
    return mark_safe(raw)  # pygal escapes labels; values are numbers


CHART_CACHE_SECONDS = 24 * 3600


def _rendered(
    inputs: tuple, build: Callable[[], object], after: Callable[[str], str] | None = None
) -> SafeString:
    """The SVG of a chart, drawn once per distinct input: pygal takes 50–100 ms a chart, and the
    same ranking or trend is viewed by many users. The key is every input and the language
    (numbers are formatted in it), so a cached chart is never stale."""
    digest = hashlib.sha256(repr((_plain(inputs), get_language())).encode()).hexdigest()
    key = f"chart:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = str(_svg(build()))
        if after is not None:
            svg = after(svg)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return mark_safe(svg)  # produced by _svg above


def _plain(value):
    """Inputs as plain values for the cache key (lazy translations become their text)."""
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    if value is None or isinstance(value, (int, float, Decimal, bool)):
        return value
    return str(value)


def _number(value: float, suffix: str = "") -> str:
    from cchc_portal.templatetags.portal import num

    return f"{num(value)}{suffix}"


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | Decimal | None]],
    horizontal: bool = False,
    max_value: float | None = None,
    value_suffix: str = "",
    colors: Sequence[str] = PALETTE,
    bar_colors: Sequence[str] | None = None,
    height: int | None = None,
) -> Chart:
    """A (horizontal) bar chart; `bar_colors` colours single-series bars one by one (grades)."""
    inputs = (
        "bar", title, tuple(labels), tuple((k, tuple(v)) for k, v in series.items()),
        horizontal, max_value, value_suffix, tuple(colors), tuple(bar_colors or ()), height,
    )  # fmt: skip
    headers = ["", *series.keys()]
    rows = [[label, *(values[i] for values in series.values())] for i, label in enumerate(labels)]
    svg = _rendered(
        inputs,
        lambda: _bar(title, labels, series, horizontal, max_value, value_suffix, colors,
                     bar_colors, height),
        after=lambda raw: value_labels_clear_of_bars(raw, horizontal=horizontal),
    )  # fmt: skip
    return Chart(title=title, svg=svg, headers=headers, rows=rows, horizontal=horizontal)


_VALUE_TEXT = re.compile(
    r'<text text-anchor="middle" x="(?P<x>-?[\d.]+)" y="(?P<y>-?[\d.]+)" class="value">'
)
VALUE_GAP = 6  # px between a bar's end and its value


def value_labels_clear_of_bars(svg: str, *, horizontal: bool) -> str:
    """pygal centres a printed value on the bar's end, so half of it covers the bar: move it
    past the end (right of a horizontal bar, starting there; above a vertical one)."""

    def move(match: re.Match[str]) -> str:
        x, y = float(match["x"]), float(match["y"])
        if horizontal:
            return f'<text text-anchor="start" x="{x + VALUE_GAP:.2f}" y="{y:.2f}" class="value">'
        return f'<text text-anchor="middle" x="{x:.2f}" y="{y - VALUE_GAP:.2f}" class="value">'

    return _VALUE_TEXT.sub(move, svg)


def _bar(title, labels, series, horizontal, max_value, value_suffix, colors, bar_colors, height):
    import pygal

    cls = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = cls(
        style=_style(colors),
        title=title,
        js=(),  # no scripts: CSP-clean and printable
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        print_values=True,
        print_values_position="top",
        range=(0, max_value) if max_value is not None else None,
        width=800,
        # a horizontal bar keeps ~22 px of 800 per bar and series, however many units
        height=height or (max(280, 22 * len(labels) * len(series) + 120) if horizontal else 380),
        margin=10,
        # room right of a full horizontal bar for its value ("100,00 %"), above a vertical one
        margin_right=90 if horizontal else 10,
        margin_top=10 if horizontal else 24,
        truncate_label=-1,
        x_label_rotation=0 if horizontal or len(labels) < 9 else 30,
        value_formatter=lambda v: _number(v, value_suffix),
    )
    chart.x_labels = list(labels)
    if horizontal and max_value is not None:
        # five ticks along the bars: eleven ("0,00 %" … "100,00 %") ran into each other
        chart.y_labels = [max_value * i / 4 for i in range(5)]
    for name, values in series.items():
        data: list[float | dict[str, Any] | None] = []
        for i, value in enumerate(values):
            v = None if value is None else float(value)
            if bar_colors and len(series) == 1:
                data.append({"value": v, "color": bar_colors[i % len(bar_colors)]})
            else:
                data.append(v)
        chart.add(name, data)
    return chart


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float | Decimal | None]],
    max_value: float | None = None,
    colors: Sequence[str] = PALETTE,
) -> Chart:
    """A line chart over labels such as years."""
    inputs = (
        "line", title, tuple(labels), tuple((k, tuple(v)) for k, v in series.items()),
        max_value, tuple(colors),
    )  # fmt: skip
    headers = ["", *series.keys()]
    rows = [[label, *(values[i] for values in series.values())] for i, label in enumerate(labels)]
    svg = _rendered(inputs, lambda: _line(title, labels, series, max_value, colors))
    return Chart(title=title, svg=svg, headers=headers, rows=rows)


def _line(title, labels, series, max_value, colors):
    import pygal

    chart = pygal.Line(
        style=_style(colors),
        title=title,
        js=(),
        legend_at_bottom=True,
        print_values=True,
        range=(0, max_value) if max_value is not None else None,
        width=800,
        height=320,
        margin=10,
        value_formatter=_number,
    )
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return chart
