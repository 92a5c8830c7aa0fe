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
        label_font_size=11,
        major_label_font_size=11,
        value_font_size=10,
        value_label_font_size=10,
        legend_font_size=11,
        title_font_size=13,
        colors=tuple(colors),
    )


def _svg(chart) -> SafeString:
    raw = chart.render(is_unicode=True, disable_xml_declaration=True)
    # pygal always writes a config <script>; pages run no inline scripts (CSP), so drop it.
    raw = _SCRIPT.sub("", raw)
    return mark_safe(raw)  # pygal escapes labels; values are numbers


CHART_CACHE_SECONDS = 24 * 3600


def _rendered(inputs: tuple, build: Callable[[], object]) -> SafeString:
    """The SVG of a chart, drawn once per distinct input: pygal takes 50–100 ms a chart, and the
    same ranking or trend is viewed by many users. The key is every input and the language
    (numbers are formatted in it), so a cached chart is never stale."""
    digest = hashlib.sha256(repr((_plain(inputs), get_language())).encode()).hexdigest()
    key = f"chart:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = str(_svg(build()))
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
    )  # fmt: skip
    return Chart(title=title, svg=svg, headers=headers, rows=rows)


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
        height=height or max(260, 26 * len(labels) + 90 if horizontal else 360),
        margin=10,
        truncate_label=-1,
        x_label_rotation=0 if horizontal or len(labels) < 9 else 30,
        value_formatter=lambda v: _number(v, value_suffix),
    )
    chart.x_labels = list(labels)
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
