"""Dashboard panels of the scoring app: the latest published ranking, assessments by state, and
a unit's own index, grade and rank."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Case, Count, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc_portal.charts import Chart, bar_chart, ends
from cchc_portal.dashboard import Panel
from cchc_portal.http import AuthedHttpRequest
from scoring import index
from scoring.choices import AssessmentState
from scoring.exports import unit_history_chart
from scoring.models import Assessment, CriteriaSet, PublishedRanking
from scoring.querysets import criteria_sets_visible
from scoring.selectors import Ranking, RankingRow, UnitHistory, ranking, unit_history
from units.choices import Level

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from units.models import User


def _ranking_label(row: RankingRow) -> str:
    return f"{row.rank}. {row.unit_name} ({row.grade})"


# Colours of the grades, best first (thresholds are read from the set, highest first).
GRADE_COLORS = ("#1a7f37", "#2da44e", "#1f6feb", "#bf8700", "#b3261e", "#57606a")


def grade_colors(criteria_set: CriteriaSet) -> dict[str, str]:
    """{grade label: colour} for a set's thresholds, best grade first."""
    ordered = sorted(
        ((index.to_decimal(m), label) for m, label in criteria_set.thresholds()),
        key=lambda t: t[0],
        reverse=True,
    )
    return {
        label: GRADE_COLORS[min(i, len(GRADE_COLORS) - 1)] for i, (_m, label) in enumerate(ordered)
    }


def departments_last(field: str = "level") -> Case:
    """An ordering key: the province's territorial units (districts before 2025, communes
    since) before its departments, whose ranking is the smaller one of the same year."""
    return Case(When(**{field: Level.DEPARTMENT}, then=Value(1)), default=Value(0))


def latest_publication(user) -> PublishedRanking | None:
    """The newest current publication of the user's province (district level first, then
    communes, then departments), 1 query."""
    return (
        PublishedRanking.objects.current()
        .visible_to(user)
        .select_related("criteria_set")
        .order_by(
            "-criteria_set__year",
            departments_last("criteria_set__level"),
            "-criteria_set__level",
            "-published_at",
        )
        .first()
    )


def state_counts(user: User, criteria_set: CriteriaSet) -> list[tuple[str, StrOrPromise, int]]:
    """(state, label, count) of the set's assessments the user sees, in workflow order; 1 query."""
    counts = dict(
        Assessment.objects.visible_to(user)
        .filter(criteria_set=criteria_set)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return [(value, label, counts.get(value, 0)) for value, label in AssessmentState.choices]


def own_ranking(history: UnitHistory, unit_id: int) -> tuple[Ranking, RankingRow] | None:
    """The latest published ranking that includes the unit, and its row (2 queries). Only
    published snapshots: never another unit's unpublished scores."""
    latest = history.latest
    if latest is None:
        return None
    published = ranking(criteria_set=latest.criteria_set)
    row = next((r for r in published.rows if r.unit_id == unit_id), None)
    return (published, row) if row is not None else None


def areas_against_province(published: Ranking, row: RankingRow) -> Chart | None:
    """Points the unit lost per area beside the average of all units of the same ranking."""
    if not row.areas:
        return None
    lost: dict[str, list[Decimal]] = {}
    for other in published.rows:
        for code, value in other.lost_per_area:
            lost.setdefault(code, []).append(value)
    areas = row.areas[::-1]  # pygal draws the first bar at the bottom
    chart = bar_chart(
        title=_("Điểm bị mất theo lĩnh vực so với bình quân tỉnh, năm %(year)s")
        % {"year": published.criteria_set.year},
        labels=[f"{code}. {title}" for code, title, _p, _m in areas],
        series={
            row.unit_name: [index.round2(mx - pts) for _c, _t, pts, mx in areas],
            _("Bình quân các đơn vị"): [
                index.round2(sum(lost[code], index.ZERO) / len(lost[code]))
                for code, _t, _p, _m in areas
            ],
        },
        horizontal=True,
        colors=("#b3261e", "#8c959f"),
    )
    chart.rows.reverse()  # the table reads in area order
    return chart


def open_assessment(user) -> Assessment | None:
    """The unit's newest assessment not yet published, 1 query."""
    return (
        Assessment.objects.visible_to(user)
        .filter(unit=user.scope_unit)
        .exclude(state=AssessmentState.PUBLISHED)
        .select_related("criteria_set")
        .order_by("-criteria_set__year")
        .first()
    )


# Shares of an area's maximum lost that change the cell colour (heat-0 … heat-5).
HEAT_STEPS = (Decimal("0"), Decimal("0.05"), Decimal("0.10"), Decimal("0.20"), Decimal("0.35"))


def heat_level(share: Decimal) -> int:
    """0 for nothing lost, then one step per threshold passed (5: over 35 % of the maximum)."""
    return sum(1 for step in HEAT_STEPS if share > step)


@dataclass
class HeatCell:
    lost: Decimal
    share: Decimal  # of the area's maximum

    @property
    def level(self) -> int:
        return heat_level(self.share)


@dataclass
class HeatTable:
    """Points lost per area (columns) by each unit (rows) of a published ranking, and the
    area the province as a whole loses the largest share of (the weakest)."""

    areas: list[tuple[str, str]]
    rows: list[tuple[RankingRow, list[HeatCell | None]]]
    totals: list[HeatCell | None]
    weakest: int | None  # column index

    @property
    def weakest_area(self) -> tuple[str, str] | None:
        return None if self.weakest is None else self.areas[self.weakest]

    @property
    def weakest_total(self) -> HeatCell | None:
        return None if self.weakest is None else self.totals[self.weakest]


def _share(lost: Decimal, maximum: Decimal) -> Decimal:
    """lost / maximum, half up to 0.1 % (the template's number filter cuts, never rounds)."""
    return (lost / maximum).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def heat_table(result: Ranking) -> HeatTable:
    """From the ranking's own rows: no query."""
    codes = [code for code, _title in result.area_titles]
    lost = {code: index.ZERO for code in codes}
    maximum = {code: index.ZERO for code in codes}
    rows = []
    for row in result.rows:
        by_code = {code: (pts, mx) for code, _t, pts, mx in row.areas}
        cells: list[HeatCell | None] = []
        for code in codes:
            if code not in by_code or not by_code[code][1]:
                cells.append(None)
                continue
            pts, mx = by_code[code]
            cells.append(HeatCell(index.round2(mx - pts), _share(mx - pts, mx)))
            lost[code] += mx - pts
            maximum[code] += mx
        rows.append((row, cells))
    totals: list[HeatCell | None] = [
        HeatCell(index.round2(lost[c] / len(rows)), _share(lost[c], maximum[c]))
        if maximum[c]
        else None
        for c in codes
    ]
    shares = [(t.share, i) for i, t in enumerate(totals) if t is not None and t.share > 0]
    weakest = max(shares)[1] if shares else None
    return HeatTable(list(result.area_titles), rows, totals, weakest)


def _provincial_panels(user) -> list[Panel]:
    out = []
    publication = latest_publication(user)
    latest_set = criteria_sets_visible(user).order_by("-year", departments_last(), "-level").first()
    if publication is None and latest_set is not None:
        out.append(
            Panel(
                title=_("Xếp hạng đã công bố"),
                template="scoring/_dashboard_ranking.html",
                context={"chart": None, "criteria_set": latest_set},
                link=reverse("scoring:ranking_detail", args=[latest_set.pk]),
            )
        )
    if publication is not None:
        criteria_set = publication.criteria_set
        result = ranking(criteria_set=criteria_set)
        colors = grade_colors(criteria_set)
        shown = ends(result.rows)
        rows = shown[::-1]  # pygal draws the first bar at the bottom: rank 1 on top
        chart = bar_chart(
            title=_("Chỉ số CCHC %(year)s") % {"year": criteria_set.year},
            labels=[_ranking_label(r) for r in rows],
            series={_("Chỉ số đã công bố"): [r.index for r in rows]},
            horizontal=True,
            max_value=100,
            bar_colors=[colors.get(r.grade, GRADE_COLORS[-1]) for r in rows],
        )
        chart.rows = [[_ranking_label(r), r.index] for r in result.rows]  # rank order, all
        if len(shown) < len(result.rows):
            chart.note = _(
                "Biểu đồ: %(n)s đơn vị đứng đầu và %(n)s đơn vị cuối bảng; đủ %(all)s đơn vị "
                "trong số liệu của biểu đồ."
            ) % {"n": len(shown) // 2, "all": len(result.rows)}
        out.append(
            Panel(
                title=_("Xếp hạng đã công bố năm %(year)s") % {"year": criteria_set.year},
                template="scoring/_dashboard_ranking.html",
                context={
                    "chart": chart,
                    "criteria_set": criteria_set,
                    "legend": list(colors.items()),
                    "units": len(result.rows),
                },
                link=reverse("scoring:ranking_detail", args=[criteria_set.pk]),
            )
        )
        out.append(
            Panel(
                title=_("Điểm bị mất theo lĩnh vực, năm %(year)s") % {"year": criteria_set.year},
                template="scoring/_dashboard_heat.html",
                context={"heat": heat_table(result), "criteria_set": criteria_set},
                link=reverse("scoring:ranking_detail", args=[criteria_set.pk]) + "#lost-points",
                width=12,
            )
        )
    if latest_set is not None:
        states = state_counts(user, latest_set)
        out.append(
            Panel(
                title=_("Đánh giá năm %(year)s theo trạng thái") % {"year": latest_set.year},
                template="scoring/_dashboard_states.html",
                context={
                    "states": states,
                    "criteria_set": latest_set,
                    "total": sum(n for _s, _l, n in states),
                    "deadline": latest_set.self_assessment_deadline(timezone.localdate()),
                    # The countdown matters while some unit is still self-assessing.
                    "counting_down": any(
                        n for state, _l, n in states if state == AssessmentState.OPEN
                    ),
                    "list_url": f"{reverse('scoring:assessment_list')}?year={latest_set.year}",
                },
                link=f"{reverse('scoring:assessment_list')}?year={latest_set.year}",
            )
        )
    return out


def _unit_panels(user) -> list[Panel]:
    unit = user.scope_unit
    past = unit_history(unit=unit, user=user)
    own = own_ranking(past, unit.pk)
    assessment = open_assessment(user)
    if own is None and assessment is None and not past.years:
        return []
    history_link = reverse("scoring:unit_history", args=[unit.code])
    deadline = None
    if assessment is not None:
        # The deadline of the phase the unit is in: explaining, the explanation's.
        today = timezone.localdate()
        cs = assessment.criteria_set
        deadline = (
            cs.explanation_deadline(today)
            if assessment.state == AssessmentState.EXPLANATION
            else cs.self_assessment_deadline(today)
        )
    context = {
        "unit": unit,
        "assessment": assessment,
        "deadline": deadline,
        "history_link": history_link,
    }
    link = None
    out = []
    if own is not None:
        published, row = own
        context.update(
            {
                "row": row,
                "year": published.criteria_set.year,
                "units": len(published.rows),
                "change": index.format_rank_change(row.change, new_label=_("mới")),
                "percentage_form": published.percentage_form,
            }
        )
        link = reverse("scoring:ranking_detail", args=[published.criteria_set.pk])
    elif assessment is not None:
        link = reverse("scoring:assessment_detail", args=[assessment.pk])
    out.append(
        Panel(
            title=_("Chỉ số, xếp loại và thứ hạng của đơn vị"),
            template="scoring/_dashboard_unit.html",
            context=context,
            link=link,
        )
    )
    if past.years:
        # Also before the unit's first own publication: a commune formed on 01/07/2025 shows
        # its predecessors' published years, labelled with their names (selectors.unit_history).
        out.append(
            Panel(
                title=_("Chỉ số và thứ hạng qua các năm"),
                template="scoring/_dashboard_trend.html",
                context={"chart": unit_history_chart(unit.name, past), "history": past},
                link=history_link,
            )
        )
    if own is not None:
        published, row = own
        chart = areas_against_province(published, row)
        if chart is not None:
            out.append(
                Panel(
                    title=_("Điểm bị mất theo lĩnh vực, năm %(year)s")
                    % {"year": published.criteria_set.year},
                    template="scoring/_dashboard_areas.html",
                    context={"chart": chart, "units": len(published.rows)},
                    link=f"{link}?unit={unit.code}#lost-points",
                )
            )
    return out


def panels(request: AuthedHttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or user.scope_unit is None:
        return []
    if user.is_provincial:
        return _provincial_panels(user)
    if user.is_unit_staff:
        return _unit_panels(user)
    return []
