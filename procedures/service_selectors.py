"""Reads for the Decision 766/QĐ-TTg service index: one unit's index per month, with its groups
and indicators, for the page, its Excel file and the `service_index` command.

The dossier rates come from `procedures.selectors.dossier_stats` (the same definitions as the
statistics page); the arithmetic is `procedures.service_index` (pure). Formulas and sources:
docs/domain.md, "Decision 766 service index".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from procedures.choices import Channel, OnlineService, ServiceFormula
from procedures.models import Dossier, Procedure, ServiceIndicator, ServiceIndicatorValue
from procedures.selectors import DossierStats, dossier_stats, dossier_stats_total
from procedures.service_index import IndexScore, IndicatorInput, months_of, ratio, score
from units.choices import Level
from units.models import AdministrativeUnit

ONLINE_SERVICES = (OnlineService.FULL, OnlineService.PARTIAL)
# The catalogue tier whose procedures a unit's desk handles: a department settles provincial ones.
HANDLING_LEVEL = {
    Level.PROVINCE: Level.PROVINCE,
    Level.DEPARTMENT: Level.PROVINCE,
    Level.DISTRICT: Level.DISTRICT,
    Level.COMMUNE: Level.COMMUNE,
}
_FROM_STATS = {
    ServiceFormula.ONLINE_DOSSIERS: lambda s: s.online_rate,
    ServiceFormula.PAID_ONLINE: lambda s: s.paid_online_rate,
    ServiceFormula.DIGITISED_RESULT: lambda s: s.digitised_result_rate,
    ServiceFormula.DIGITISED_DOSSIER: lambda s: s.digitised_dossier_rate,
    # 766: dossiers processed, or being processed, early, on time or within time, over the
    # dossiers received or processed in the period.
    ServiceFormula.PROCESSED_ON_TIME: lambda s: ratio(
        s.finished_early + s.finished_on_time + s.in_progress_on_time, s.finished + s.in_progress
    ),
}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


@dataclass(frozen=True)
class ServiceMonth:
    """The index of one month: the score and the dossier figures its rates came from."""

    month: dt.date  # first day
    score: IndexScore
    stats: DossierStats


@dataclass(frozen=True)
class ServiceIndexReport:
    unit: AdministrativeUnit
    indicators: list[ServiceIndicator]  # active, in order; `score.indicators` follow it
    months: list[ServiceMonth]

    def month(self, first: dt.date) -> ServiceMonth | None:
        return next((m for m in self.months if m.month == first), None)


def service_index_report(
    *, unit: AdministrativeUnit, first: dt.date, last: dt.date
) -> ServiceIndexReport:
    """The unit's index (its own desk and the units below it) for every month from `first`'s
    to `last`'s. Queries: 5 + one aggregate per month (a year: 17), whatever the dossiers: the
    indicators, the units below, the months' aggregates, the online dossiers' procedures per
    month, the catalogue, the entered values (the last three only when an indicator needs
    them)."""
    indicators = list(ServiceIndicator.objects.filter(active=True))
    span = months_of((first.year, first.month), (last.year, last.month))
    months = [dt.date(y, m, 1) for y, m in span]
    formulas = {i.formula for i in indicators}
    subtree = list(AdministrativeUnit.objects.filter(path__startswith=unit.path).only("pk", "path"))
    figures = {}
    for first_day in months:
        by_unit = dossier_stats(units=subtree, start=first_day, end=month_end(first_day))
        figures[first_day] = dossier_stats_total(by_unit.values())
    catalogue = _catalogue(unit, formulas)
    used = _online_services_used(subtree, months, formulas)
    entered = _entered(unit, indicators, months)
    result = []
    for first_day in months:
        stats = figures[first_day]
        inputs = []
        for indicator in indicators:
            rate = _rate(indicator, stats, catalogue, used.get(first_day, 0), entered, first_day)
            inputs.append(
                IndicatorInput(
                    code=indicator.code,
                    group=indicator.group,
                    max_points=indicator.max_points,
                    full_at=indicator.full_at,
                    rate=rate,
                )
            )
        result.append(ServiceMonth(month=first_day, score=score(inputs), stats=stats))
    return ServiceIndexReport(unit=unit, indicators=indicators, months=result)


def _rate(
    indicator: ServiceIndicator,
    stats: DossierStats,
    catalogue: tuple[int, int],
    used: int,
    entered: dict[tuple[int, dt.date], Decimal],
    first_day: dt.date,
) -> Decimal | None:
    formula = indicator.formula
    if formula in _FROM_STATS:
        rate: Decimal | None = _FROM_STATS[ServiceFormula(formula)](stats)
        return rate
    online, total = catalogue
    if formula == ServiceFormula.ONLINE_PROCEDURES:
        return ratio(online, total)
    if formula == ServiceFormula.ONLINE_SERVICES_USED:
        return ratio(min(used, online), online)
    return entered.get((indicator.pk, first_day))


def _catalogue(unit: AdministrativeUnit, formulas: set[str]) -> tuple[int, int]:
    """(procedures with an online service, all procedures) the unit's tier handles: active, of
    the national catalogue or the unit's province. As the catalogue stands now (it keeps no
    history), like the national method's publicity indicators."""
    if not formulas & {ServiceFormula.ONLINE_PROCEDURES, ServiceFormula.ONLINE_SERVICES_USED}:
        return (0, 0)
    counts = Procedure.objects.filter(
        Q(province__isnull=True) | Q(province_id=unit.province_id),
        active=True,
        level=HANDLING_LEVEL.get(Level(unit.level), unit.level),
    ).aggregate(total=Count("id"), online=Count("id", filter=Q(online_service__in=ONLINE_SERVICES)))
    return (counts["online"], counts["total"])


def _online_services_used(
    subtree: list[AdministrativeUnit], months: list[dt.date], formulas: set[str]
) -> dict[dt.date, int]:
    """{month: online services (procedures offered online) with at least one dossier submitted
    online to the unit that month}, one query."""
    if ServiceFormula.ONLINE_SERVICES_USED not in formulas or not months:
        return {}
    tz = timezone.get_default_timezone()
    begin = dt.datetime.combine(months[0], dt.time.min, tzinfo=tz)
    after = month_end(months[-1]) + dt.timedelta(days=1)
    stop = dt.datetime.combine(after, dt.time.min, tzinfo=tz)
    rows = (
        Dossier.objects.filter(
            unit_id__in=[u.pk for u in subtree],
            channel=Channel.ONLINE,
            received_at__gte=begin,
            received_at__lt=stop,
            procedure__online_service__in=ONLINE_SERVICES,
        )
        .annotate(month=TruncMonth("received_at", tzinfo=tz))
        .values_list("month", "procedure_id")
        .distinct()
    )
    used: dict[dt.date, int] = defaultdict(int)
    for month, _procedure in rows:
        used[timezone.localtime(month, tz).date().replace(day=1)] += 1
    return dict(used)


def _entered(
    unit: AdministrativeUnit, indicators: list[ServiceIndicator], months: list[dt.date]
) -> dict[tuple[int, dt.date], Decimal]:
    ids = [i.pk for i in indicators if i.formula == ServiceFormula.ENTERED]
    if not ids or not months:
        return {}
    values = ServiceIndicatorValue.objects.filter(
        unit=unit, indicator_id__in=ids, month__gte=months[0], month__lte=months[-1]
    ).values_list("indicator_id", "month", "rate")
    return {(pk, month): rate for pk, month, rate in values}
