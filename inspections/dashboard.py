"""Dashboard panels of the inspections app: plans with progress and recommendations to follow up."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc_portal.dashboard import Panel
from cchc_portal.http import AuthedHttpRequest
from inspections.models import InspectionPlan, Recommendation
from inspections.selectors import dashboard_counts, plans_with_progress

WORST_UNITS = 5
OWN_RECOMMENDATIONS = 10


def latest_plans(user):
    """(year, plans annotated with planned / inspected) of the latest year with plans the user
    sees: 2 queries."""
    visible = InspectionPlan.objects.visible_to(user)
    year = visible.aggregate(year=Max("year"))["year"]
    if year is None:
        return None, []
    plans = list(plans_with_progress(visible.filter(year=year)).order_by("issued_on", "pk"))
    return year, plans


def worst_units(user, today: dt.date, limit: int = WORST_UNITS) -> list[dict]:
    """Units with open recommendations, most overdue first, then most open: 1 query."""
    return list(
        Recommendation.objects.visible_to(user)
        .open()
        .order_by()
        .values("responsible_unit_id", "responsible_unit__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("-overdue", "-open", "responsible_unit__name")[:limit]
    )


def own_recommendations(user, today: dt.date, limit: int = OWN_RECOMMENDATIONS):
    """The user's open recommendations, overdue first then by due date: 1 query."""
    return list(
        Recommendation.objects.visible_to(user)
        .open()
        .for_tracker(today)
        .order_by("-overdue_flag", "due_on", "pk")[:limit]
    )


def panels(request: AuthedHttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or user.scope_unit is None:
        return []
    today = timezone.localdate()
    tracker = reverse("inspections:recommendation_list")
    if user.is_provincial:
        year, plans = latest_plans(user)
        planned = sum(p.planned for p in plans)
        inspected = sum(p.inspected for p in plans)
        out = []
        if year is not None:
            out.append(
                Panel(
                    title=_("Kế hoạch kiểm tra năm %(year)s") % {"year": year},
                    template="inspections/_dashboard_plans.html",
                    context={
                        "year": year,
                        "plans": plans,
                        "planned": planned,
                        "inspected": inspected,
                        "progress": inspected / planned if planned else None,
                    },
                    link=f"{reverse('inspections:plan_list')}?year={year}",
                )
            )
        out.append(
            Panel(
                title=_("Kiến nghị chưa hoàn thành"),
                template="inspections/_dashboard_recommendations.html",
                context={
                    "counts": dashboard_counts(user, today),
                    "units": worst_units(user, today),
                },
                link=tracker,
            )
        )
        return out
    if user.is_unit_staff:
        return [
            Panel(
                title=_("Kiến nghị cần khắc phục"),
                template="inspections/_dashboard_own.html",
                context={
                    "counts": dashboard_counts(user, today),
                    "recommendations": own_recommendations(user, today),
                    "today": today,
                },
                link=tracker,
            )
        ]
    return []
