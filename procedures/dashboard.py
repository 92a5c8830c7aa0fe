"""Dashboard panels of the procedures app: dossier figures for the latest year with dossiers."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc_portal.charts import bar_chart
from cchc_portal.dashboard import Panel
from procedures.models import Dossier
from procedures.selectors import dossier_stats
from units.models import AdministrativeUnit

HUNDRED = 100


def latest_dossier_year(user) -> int | None:
    """The calendar year of the latest dossier the user sees (imports lag behind), 1 query."""
    latest = Dossier.objects.visible_to(user).aggregate(latest=Max("received_at"))["latest"]
    return timezone.localtime(latest).year if latest else None


def _stats_link(year: int, unit: AdministrativeUnit | None = None) -> str:
    params = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    if unit is not None:
        params["unit"] = unit.pk
    return f"{reverse('procedures:stats')}?{urlencode(params)}"


def _percent(rate) -> float | None:
    return None if rate is None else float(rate * HUNDRED)


def district_rates(user, year: int):
    """(unit, figures) of each unit directly below the user's province that handled dossiers
    in `year`, its communes included: 3 queries."""
    units = list(AdministrativeUnit.objects.filter(parent=user.scope_unit).order_by("code"))
    figures = dossier_stats(
        units=units,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        include_descendants=True,
        dossiers=Dossier.objects.visible_to(user),
    )
    return [(u, figures[u.pk]) for u in units if figures[u.pk].handled]


def unit_figures(user, year: int):
    """The user's unit with its communes for `year` (2 queries)."""
    unit = user.scope_unit
    return dossier_stats(
        units=[unit],
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        include_descendants=True,
        dossiers=Dossier.objects.visible_to(user),
    )[unit.pk]


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or user.scope_unit is None:
        return []
    if user.is_provincial:
        year = latest_dossier_year(user)
        if year is None:
            return []
        rows = district_rates(user, year)
        bars = rows[::-1]  # pygal draws the first bar at the bottom
        chart = bar_chart(
            title=_("Tỷ lệ đúng hạn và trực tuyến theo đơn vị, năm %(year)s") % {"year": year},
            labels=[u.name for u, _s in bars],
            series={
                _("Đúng hạn (%)"): [_percent(s.on_time_rate) for _u, s in bars],
                _("Trực tuyến (%)"): [_percent(s.online_rate) for _u, s in bars],
            },
            horizontal=True,
            max_value=100,
            value_suffix=" %",
        )
        chart.rows.reverse()  # the table reads in unit code order
        return [
            Panel(
                title=_("Giải quyết hồ sơ năm %(year)s") % {"year": year},
                template="procedures/_dashboard_rates.html",
                context={"year": year, "chart": chart, "rows": rows},
                link=_stats_link(year),
            )
        ]
    if user.is_unit_staff:
        year = latest_dossier_year(user)
        if year is None:
            return []
        figures = unit_figures(user, year)
        return [
            Panel(
                title=_("Hồ sơ của đơn vị năm %(year)s") % {"year": year},
                template="procedures/_dashboard_unit.html",
                context={"year": year, "stats": figures, "unit": user.scope_unit},
                link=_stats_link(year, user.scope_unit),
            )
        ]
    return []
