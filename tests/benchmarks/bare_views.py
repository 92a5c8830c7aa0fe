"""Bare views for the throughput benchmark (tests/benchmarks/bench_throughput.py): each runs the
same queries as a portal page, through the same selectors, and renders the same rows with a
plain template: no base layout, navigation, charts, django-tables2 or filter form, and only the
session and authentication middleware (tests/benchmarks/wsgi.py). Never in production URLs.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone

from cchc_portal.permissions import get_visible_or_404
from inspections import dashboard as inspections_dashboard
from inspections.selectors import dashboard_counts
from procedures import dashboard as procedures_dashboard
from procedures.models import Dossier
from procedures.selectors import dossier_stats, dossier_stats_total
from scoring import dashboard as scoring_dashboard
from scoring import selectors
from scoring.models import CriteriaSet
from scoring.querysets import criteria_sets_visible


def _user(request: HttpRequest):
    user = request.user
    return user if user.is_authenticated and user.scope_unit is not None else None


def dashboard(request: HttpRequest) -> HttpResponse:
    """The data of the role dashboard's panels (cchc_portal/dashboard.py), as plain tables."""
    user = _user(request)
    if user is None:
        return HttpResponseForbidden()
    today = timezone.localdate()
    context = {"user": user, "recommendations": dashboard_counts(user, today)}
    day = procedures_dashboard.latest_dossier_day(user)
    quarter = procedures_dashboard.Quarter.of(day) if day else None
    if user.is_provincial:
        if quarter is not None:
            context["unit_rates"] = procedures_dashboard.unit_rates(user, quarter)
        publication = scoring_dashboard.latest_publication(user)
        latest_set = criteria_sets_visible(user).order_by("-year", "-level").first()
        if publication is not None:
            result = selectors.ranking(criteria_set=publication.criteria_set)
            context["ranking"] = result
            context["heat"] = scoring_dashboard.heat_table(result)
        if latest_set is not None:
            context["states"] = scoring_dashboard.state_counts(user, latest_set)
        context["plan_year"], context["plans"] = inspections_dashboard.latest_plans(user)
        context["worst_units"] = inspections_dashboard.worst_units(user, today)
    elif user.is_unit_staff:
        if quarter is not None:
            comparison = procedures_dashboard.unit_comparison(user, quarter)
            context["comparison"] = comparison
            context["comparisons"] = [comparison.current, comparison.previous, comparison.province]
        unit = user.scope_unit
        past = selectors.unit_history(unit=unit, user=user)
        own = scoring_dashboard.own_ranking(past, unit.pk)
        context["own_row"] = own[1] if own else None
        context["past"] = past
        context["open_assessment"] = scoring_dashboard.open_assessment(user)
        context["own_recommendations"] = inspections_dashboard.own_recommendations(user, today)
    context["quarter"] = quarter
    return render(request, "bare/dashboard.html", context)


def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking table of scoring.views.ranking_detail (provincial roles: the live ranking)."""
    user = _user(request)
    if user is None or not user.is_provincial:
        return HttpResponseForbidden()
    criteria_set = get_visible_or_404(CriteriaSet.objects.select_related("province"), user, pk=pk)
    result = selectors.ranking(criteria_set=criteria_set)
    return render(request, "bare/ranking.html", {"ranking": result, "cs": criteria_set})


def stats(request: HttpRequest) -> HttpResponse:
    """procedures.views.stats without a filter: the year of the latest dossier, the user's
    unit and each unit below it, and the total row."""
    user = _user(request)
    if user is None:
        return HttpResponseForbidden()
    visible = Dossier.objects.visible_to(user)
    today = timezone.localdate()
    latest = visible.aggregate(latest=Max("received_at"))["latest"]
    year = timezone.localtime(latest).year if latest else today.year
    start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    root = user.scope_unit
    units = [root, *root.children.order_by("code")]
    figures = dossier_stats(
        units=units, start=start, end=end, include_descendants=True, dossiers=visible
    )
    lines = [(u.name, figures[u.pk]) for u in units]
    total = dossier_stats_total(figures.values())
    return render(
        request, "bare/stats.html", {"lines": lines, "total": total, "start": start, "end": end}
    )
