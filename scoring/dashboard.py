"""Dashboard panels of the scoring app: the latest published ranking, assessments by state, and
a unit's own index, grade and rank."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc_portal.charts import bar_chart
from cchc_portal.dashboard import Panel
from scoring import index
from scoring.choices import AssessmentState
from scoring.models import Assessment, CriteriaSet, PublishedRanking, PublishedResult
from scoring.querysets import criteria_sets_visible
from scoring.selectors import Ranking, RankingRow, ranking

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


def latest_publication(user) -> PublishedRanking | None:
    """The newest current publication of the user's province (district level first), 1 query."""
    return (
        PublishedRanking.objects.current()
        .visible_to(user)
        .select_related("criteria_set")
        .order_by("-criteria_set__year", "-criteria_set__level", "-published_at")
        .first()
    )


def state_counts(user, criteria_set: CriteriaSet) -> list[tuple[str, str, int]]:
    """(state, label, count) of the set's assessments the user sees, in workflow order; 1 query."""
    counts = dict(
        Assessment.objects.visible_to(user)
        .filter(criteria_set=criteria_set)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return [(value, label, counts.get(value, 0)) for value, label in AssessmentState.choices]


def own_ranking(user) -> tuple[Ranking, RankingRow] | None:
    """The latest published ranking that includes the user's unit, and the unit's row
    (3 queries). Only published snapshots: never another unit's unpublished scores."""
    result = (
        PublishedResult.objects.filter(
            unit=user.scope_unit,
            ranking__withdrawn_at__isnull=True,
            ranking__criteria_set__in=criteria_sets_visible(user),
        )
        .select_related("ranking__criteria_set__province")
        .order_by("-ranking__criteria_set__year", "-ranking__published_at")
        .first()
    )
    if result is None:
        return None
    published = ranking(criteria_set=result.ranking.criteria_set)
    row = next((r for r in published.rows if r.unit_id == user.scope_unit.pk), None)
    return (published, row) if row is not None else None


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


def _provincial_panels(user) -> list[Panel]:
    out = []
    publication = latest_publication(user)
    latest_set = criteria_sets_visible(user).order_by("-year", "-level").first()
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
        rows = result.rows[::-1]  # pygal draws the first bar at the bottom: rank 1 on top
        chart = bar_chart(
            title=_("Chỉ số CCHC %(year)s") % {"year": criteria_set.year},
            labels=[f"{r.rank}. {r.unit_name} ({r.grade})" for r in rows],
            series={_("Chỉ số"): [r.index for r in rows]},
            horizontal=True,
            max_value=100,
            bar_colors=[colors.get(r.grade, GRADE_COLORS[-1]) for r in rows],
        )
        chart.rows.reverse()  # the table reads in rank order
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
                    "list_url": f"{reverse('scoring:assessment_list')}?year={latest_set.year}",
                },
                link=f"{reverse('scoring:assessment_list')}?year={latest_set.year}",
            )
        )
    return out


def _unit_panels(user) -> list[Panel]:
    own = own_ranking(user)
    assessment = open_assessment(user)
    if own is None and assessment is None:
        return []
    context = {"unit": user.scope_unit, "assessment": assessment}
    link = None
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
    return [
        Panel(
            title=_("Chỉ số, xếp loại và thứ hạng của đơn vị"),
            template="scoring/_dashboard_unit.html",
            context=context,
            link=link,
        )
    ]


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or user.scope_unit is None:
        return []
    if user.is_provincial:
        return _provincial_panels(user)
    if user.is_unit_staff:
        return _unit_panels(user)
    return []
