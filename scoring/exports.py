"""Ranking exports (Excel, CSV, PDF) over the shared plumbing; figures from the selectors,
which take them from `scoring.index`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cchc_portal.charts import Chart, bar_chart
from cchc_portal.pdf import render_pdf
from cchc_portal.tabular import write_csv
from cchc_portal.xlsx import write_xlsx
from scoring.selectors import Ranking, RankingRow, UnitHistory, not_appraised_label

CSV_HEADERS = [
    "rank",
    "unit_code",
    "unit_name",
    "appraisal",
    "survey",
    "bonus",
    "penalty",
    "index",
    "grade",
    "rank_change",
]


def ranking_headers() -> list[str]:
    return [
        _("Xếp hạng"),
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Điểm thẩm định"),
        _("Điểm điều tra XHH"),
        _("Điểm thưởng"),
        _("Điểm trừ"),
        _("Chỉ số CCHC"),  # the title rows say whether it is provisional or published
        _("Xếp loại"),
        _("Thay đổi so với năm trước"),
    ]


def ranking_values(ranking: Ranking) -> Iterator[list[Any]]:
    for row in ranking.rows:
        if not row.appraised:
            # Listed, never ranked: its blank appraisal is not a 0,00.
            yield ["", row.unit_code, row.unit_name, not_appraised_label(), None, None, None]
            continue
        yield [
            row.rank,
            row.unit_code,
            row.unit_name,
            row.appraisal,
            row.survey,
            row.bonus,
            row.penalty,
            row.index,
            row.grade,
            row.change_label,
        ]


def provisional_mark() -> str:
    """What a provisional ranking's every page and spreadsheet title says: a draft, not a result."""
    return _("DỰ THẢO – KẾT QUẢ TẠM TÍNH")


def ranking_title(ranking: Ranking) -> list[str]:
    cs = ranking.criteria_set
    status = provisional_mark() if ranking.provisional else _("Kết quả đã công bố")
    return [
        _("Xếp hạng chỉ số CCHC năm %(year)s") % {"year": cs.year},
        f"{cs.name} ({cs.legal_basis})" if cs.legal_basis else cs.name,
        status,
    ]


def ranking_xlsx(stream: Any, ranking: Ranking) -> None:
    write_xlsx(
        stream,
        sheets=[(_("Xếp hạng"), ranking_headers(), ranking_values(ranking))],
        title_rows=ranking_title(ranking),
    )


def ranking_csv(stream: Any, ranking: Ranking) -> None:
    write_csv(stream, CSV_HEADERS, ranking_values(ranking))


def ranking_chart(ranking: Ranking) -> Chart:
    rows = ranking.ranked_rows[::-1]  # pygal draws the first bar at the bottom: rank 1 on top
    chart = bar_chart(
        title=_("Chỉ số CCHC năm %(year)s") % {"year": ranking.criteria_set.year},
        labels=[row.unit_name for row in rows],
        series={_("Chỉ số CCHC"): [row.index for row in rows]},
        horizontal=True,
        max_value=100,
    )
    chart.rows.reverse()  # the table reads in rank order
    return chart


def lost_points_chart(ranking: Ranking, row: RankingRow | None) -> Chart | None:
    """Points one unit lost per area (area maximum minus its points)."""
    if row is None or not row.areas:
        return None
    areas, lost = row.areas[::-1], row.lost_per_area[::-1]  # area 1 on top
    chart = bar_chart(
        title=_("Điểm bị mất theo lĩnh vực — %(unit)s") % {"unit": row.unit_name},
        labels=[f"{code}. {title}" for code, title, _p, _m in areas],
        series={_("Điểm bị mất"): [points for _code, points in lost]},
        horizontal=True,
    )
    chart.rows.reverse()  # the table reads in area order
    return chart


def selected_row(ranking: Ranking, unit_code: str | None, default_unit_id: int | None):
    """The unit whose lost points are charted: the one asked for, else the user's, else first."""
    by_code = {row.unit_code: row for row in ranking.rows}
    if unit_code in by_code:
        return by_code[unit_code]
    for row in ranking.rows:
        if row.unit_id == default_unit_id:
            return row
    return ranking.rows[0] if ranking.rows else None


def ranking_pdf(ranking: Ranking) -> bytes:
    cs = ranking.criteria_set
    today = timezone.localdate() if timezone.is_aware(timezone.now()) else dt.date.today()
    context = {
        "ranking": ranking,
        "rows": list(ranking_values(ranking)),
        "headers": ranking_headers(),
        "chart": ranking_chart(ranking),
        "titles": ranking_title(ranking),
        "mark": provisional_mark() if ranking.provisional else "",
        "issuer_parent": f"UBND {cs.province.name.upper()}",
        "issuer": "SỞ NỘI VỤ",
        "doc_place_date": f"{cs.province.name.replace('Tỉnh ', '')}, ngày {today.day:02d} "
        f"tháng {today.month:02d} năm {today.year}",
    }
    return render_pdf("scoring/pdf/ranking.html", context)


def unit_history_chart(unit_name: str, history: UnitHistory) -> Chart | None:
    """A unit's index year by year, each year labelled with its rank (page, dashboard, PDF);
    a predecessor's year (before a merger) also with the predecessor's name.

    Columns rather than a line: a province has a handful of years on record, and a line's end
    labels run off the chart's edges."""
    if not history.years:
        return None
    return bar_chart(
        title=_("Chỉ số CCHC và thứ hạng qua các năm — %(unit)s") % {"unit": unit_name},
        labels=[
            (
                _("%(year)s, %(unit)s (hạng %(rank)s/%(units)s)")
                % {
                    "year": y.year,
                    "unit": y.predecessor.name,
                    "rank": y.result.rank,
                    "units": y.units,
                }
                if y.predecessor is not None
                else _("%(year)s (hạng %(rank)s/%(units)s)")
                % {"year": y.year, "rank": y.result.rank, "units": y.units}
            )
            for y in history.years
        ],
        series={_("Chỉ số CCHC"): [y.result.index for y in history.years]},
        max_value=100,
        height=300,
    )
