"""Dashboard panels of the procedures app: dossier figures of the latest quarter with dossiers.

"This quarter" is the calendar quarter of the latest dossier the user sees, not today's: imports
lag behind (the demo's dossiers stop in 2024), and an empty panel for today's quarter tells
nobody anything. The panels name the quarter they show and say when it is not today's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc_portal.charts import MAX_BARS, bar_chart
from cchc_portal.dashboard import Panel
from cchc_portal.http import AuthedHttpRequest
from procedures.models import Dossier
from procedures.selectors import DossierStats, dossier_stats, dossier_stats_total
from units.models import AdministrativeUnit

HUNDRED = 100


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1…4

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        following = self.next()
        return following.start - dt.timedelta(days=1)

    @property
    def so_far(self) -> dt.date:
        """The quarter's last day, or today while it runs: a dossier due next week is not
        overdue yet, however the quarter ends."""
        return min(self.end, timezone.localdate())

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def __str__(self) -> str:
        roman = ("I", "II", "III", "IV")[self.number - 1]
        return _("Quý %(quarter)s/%(year)s") % {"quarter": roman, "year": self.year}


def latest_dossier_day(user) -> dt.date | None:
    """The day the latest dossier the user sees was received, 1 query.

    Asked unit by unit (one backward step on the (unit, received_at) index each) rather than
    as one MAX over the province's dossiers, which reads them all.
    """
    latest = Dossier.objects.filter(unit=OuterRef("pk")).order_by("-received_at")
    value = (
        AdministrativeUnit.objects.visible_to(user)
        .annotate(last_received=Subquery(latest.values("received_at")[:1]))
        .aggregate(latest=Max("last_received"))["latest"]
    )
    return timezone.localtime(value).date() if value else None


def weakest_for_chart(rows: list[tuple[Any, DossierStats]]) -> list[tuple[Any, DossierStats]]:
    """What a chart of units' on-time rates draws: every row up to MAX_BARS; past that (a
    province of 100+ units) the MAX_BARS needing attention, the lowest on-time rates, kept in
    the rows' order. The chart's table keeps every row."""
    if len(rows) <= MAX_BARS:
        return rows
    order = sorted(
        range(len(rows)),
        key=lambda i: (rows[i][1].on_time_rate is None, rows[i][1].on_time_rate or 0),
    )
    return [rows[i] for i in sorted(order[:MAX_BARS])]


def default_stats_period(user, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period the statistics page shows without one: the year to date when the latest
    dossier the user sees is from this year, otherwise the calendar quarter of that dossier
    (imports lag; an empty period tells nobody anything); this year to date with no dossiers."""
    latest = latest_dossier_day(user)
    if latest is None or latest.year >= today.year:
        return dt.date(today.year, 1, 1), today
    quarter = Quarter.of(latest)
    return quarter.start, quarter.end


# Figures of a period stay cached until the dossier table changes (an import, an edit), and
# at most this long, so a change in the unit tree shows within minutes.
STATS_CACHE_SECONDS = 15 * 60


def dossier_data_version() -> str:
    """A value that changes whenever dossiers are inserted, updated or deleted, 1 cheap query.

    Imports write with COPY and upserts (no model signals), so the version comes from the
    database. PostgreSQL: its running count of the table's row changes (committed ones, plus
    the current transaction's own), with the time statistics were last reset; a statistics
    read, not a scan. Elsewhere (development SQLite): the highest id and the row count, which
    miss in-place updates, hence also the cache's time limit.
    """
    table = Dossier._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT s.n_tup_ins + s.n_tup_upd + s.n_tup_del"
                " + pg_stat_get_xact_tuples_inserted(s.relid)"
                " + pg_stat_get_xact_tuples_updated(s.relid)"
                " + pg_stat_get_xact_tuples_deleted(s.relid), d.stats_reset"
                " FROM pg_stat_user_tables s, pg_stat_database d"
                " WHERE s.relid = %s::regclass AND d.datname = current_database()",
                [table],
            )
        else:
            cursor.execute(f"SELECT MAX(id), COUNT(*) FROM {table}")
        return ":".join(str(v) for v in cursor.fetchone() or ())


def cached_stats(
    *, units: list[AdministrativeUnit], start: dt.date, end: dt.date, version: str
) -> dict[int, DossierStats]:
    """`dossier_stats` with descendants for a period, cached per data version: the dashboard's
    quarters are read far more often than dossiers are imported."""
    described = f"{version}|{start}|{end}|" + ",".join(f"{u.pk}{u.path}" for u in units)
    # Hashed: any cache backend takes it (memcached refuses long keys and spaces).
    key = "dashboard:dossiers:" + hashlib.sha256(described.encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        figures = dossier_stats(units=units, start=start, end=end, include_descendants=True)
        cache.set(key, figures, STATS_CACHE_SECONDS)
    return figures


def stats_link(start: dt.date, end: dt.date) -> str:
    """The statistics page for a period (it starts from the user's own unit)."""
    return f"{reverse('procedures:stats')}?{urlencode({'start': start, 'end': end})}"


def _percent(rate) -> float | None:
    return None if rate is None else float(rate * HUNDRED)


def unit_rates(user, quarter: Quarter) -> list[tuple[AdministrativeUnit, DossierStats]]:
    """(unit, figures) of each unit directly below the user's province that handled dossiers
    in the quarter, its communes included, in code order: 3 queries.

    The units are the user's own province's, so the dossiers need no `visible_to` join: the
    unit ids already keep the count inside the province.
    """
    units = list(AdministrativeUnit.objects.filter(parent=user.scope_unit).order_by("code"))
    figures = cached_stats(
        units=units, start=quarter.start, end=quarter.so_far, version=dossier_data_version()
    )
    return [(u, figures[u.pk]) for u in units if figures[u.pk].handled]


@dataclass
class UnitComparison:
    """A unit's figures (its communes included) this quarter and last, and its province's."""

    unit: AdministrativeUnit
    quarter: Quarter
    current: DossierStats
    previous: DossierStats
    province: DossierStats


def unit_comparison(user, quarter: Quarter) -> UnitComparison:
    """5 queries: the province, two (units, aggregate) pairs."""
    unit = user.scope_unit
    province = AdministrativeUnit.objects.get(pk=unit.province_id)
    version = dossier_data_version()
    # One aggregate gives both: the unit's subtree apart and the rest of the province.
    now = cached_stats(
        units=[province, unit], start=quarter.start, end=quarter.so_far, version=version
    )
    before = quarter.previous()
    previous = cached_stats(units=[unit], start=before.start, end=before.end, version=version)[
        unit.pk
    ]
    return UnitComparison(
        unit=unit,
        quarter=quarter,
        current=now[unit.pk],
        previous=previous,
        province=dossier_stats_total(now.values()),
    )


def _quarter_context(day: dt.date) -> dict:
    quarter = Quarter.of(day)
    today = Quarter.of(timezone.localdate())
    return {"quarter": quarter, "today_quarter": today, "stale": quarter != today}


def panels(request: AuthedHttpRequest) -> list[Panel]:
    user = request.user
    if not user.is_authenticated or user.scope_unit is None:
        return []
    if not (user.is_provincial or user.is_unit_staff):
        return []
    day = latest_dossier_day(user)
    if day is None:
        return []
    context = _quarter_context(day)
    quarter = context["quarter"]
    link = stats_link(quarter.start, quarter.so_far)
    if user.is_provincial:
        rows = unit_rates(user, quarter)
        drawn = weakest_for_chart(rows)
        bars = drawn[::-1]  # pygal draws the first bar at the bottom
        chart = bar_chart(
            title=_("Tỷ lệ đúng hạn và trực tuyến theo đơn vị, %(quarter)s") % {"quarter": quarter},
            labels=[u.name for u, _s in bars],
            series={
                _("Đúng hạn (%)"): [_percent(s.on_time_rate) for _u, s in bars],
                _("Trực tuyến (%)"): [_percent(s.online_rate) for _u, s in bars],
            },
            horizontal=True,
            max_value=100,
            value_suffix=" %",
        )
        chart.rows = [
            [u.name, _percent(s.on_time_rate), _percent(s.online_rate)] for u, s in rows
        ]  # the table reads in unit code order, every unit
        if len(drawn) < len(rows):
            chart.note = _(
                "Biểu đồ: %(n)s đơn vị có tỷ lệ đúng hạn thấp nhất; đủ %(all)s đơn vị trong số "
                "liệu của biểu đồ."
            ) % {"n": len(drawn), "all": len(rows)}
        return [
            Panel(
                title=_("Giải quyết hồ sơ %(quarter)s") % {"quarter": quarter},
                template="procedures/_dashboard_rates.html",
                context={**context, "chart": chart, "rows": rows},
                link=link,
            )
        ]
    comparison = unit_comparison(user, quarter)
    return [
        Panel(
            title=_("Hồ sơ của đơn vị %(quarter)s") % {"quarter": quarter},
            template="procedures/_dashboard_unit.html",
            context={
                **context,
                "comparison": comparison,
                "previous_link": stats_link(quarter.previous().start, quarter.previous().end),
            },
            link=link,
        )
    ]
