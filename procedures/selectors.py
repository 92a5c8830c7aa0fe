"""Reads: dossier statistics per unit and period, procedure counts by online-service level.

Definitions (also in docs/formats.md, "Dossier statistics", with their sources in
docs/domain.md). A period is the calendar days `start`…`end` inclusive in the portal's time zone,
i.e. the instants [start 00:00, end+1 00:00). The one rule per dossier is written twice, as SQL
here and in Python in `procedures.rules.standing` (what a dossier's page shows); the tests hold
them equal on every edge.

- **not accepted** (không tiếp nhận): presented in the period and refused by the desk; never
  received, so in no other figure.
- **received**: received in the period, whatever their status except *not accepted*: a withdrawn
  dossier was received. Split by channel.
- **carried over**: received before the period, neither ended before it nor refused.
- The dossiers *handled* in the period are the carried-over ones plus the received ones; each
  ends the period finished, withdrawn or in progress (handled = finished + withdrawn + in
  progress).
- **withdrawn** (rút hồ sơ): handled dossiers the applicant withdrew in the period. A withdrawal
  ends at `finished_at` (the one-stop system closes the dossier there), or on receipt when the
  export gives no end.
- **finished early / on time / late**: handled dossiers finished in the period, not withdrawn,
  judged against the appointment: late when finished after `due_at` (one second counts); early
  when finished on a calendar day before the due day; on time otherwise (on the due day, by the
  due time). No due date = on time.
- **in progress on time / overdue**: handled dossiers not ended by the period's end; overdue when
  `due_at` is before the end of the period, except while the applicant holds the dossier
  (*supplement requested*: the agency's clock is stopped).
- **supplement requested**: in progress with status *supplement requested* (also counted in the
  in-progress columns, always as on time).
- **returned** (đã trả kết quả): results handed back (`returned_at`) in the period; a withdrawn or
  refused dossier has no result to hand back.
- **digitised dossier**: received dossiers digitised; **paid online**: received dossiers paid
  online; both rates are over *received*. **digitised result**: finished dossiers whose result
  was digitised, the rate is over *finished*. **on-time rate** = (early + on time) / finished;
  **online rate** = online / received.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures import figures
from procedures.choices import Channel, DossierStatus
from procedures.models import Dossier, Procedure
from units.choices import Level
from units.models import AdministrativeUnit
from units.querysets import path_visible

NO_RESULT = (DossierStatus.WITHDRAWN, DossierStatus.NOT_ACCEPTED)
ONE_DAY = dt.timedelta(days=1)
_ZONE_NAME = re.compile(r"[A-Za-z0-9_/+-]+")


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class DossierStats:
    """Dossier figures of one unit (or a total) over a period; every rate is computed."""

    unit_id: int | None
    carried_over: int = 0
    received: int = 0
    received_in_person: int = 0
    received_online: int = 0
    received_postal: int = 0
    finished_early: int = 0
    finished_on_time: int = 0
    finished_late: int = 0
    in_progress_on_time: int = 0
    in_progress_overdue: int = 0
    returned: int = 0
    supplement_requested: int = 0
    digitised_dossier: int = 0
    digitised_result: int = 0
    paid_online: int = 0
    withdrawn: int = 0
    not_accepted: int = 0

    @property
    def finished(self) -> int:
        return self.finished_early + self.finished_on_time + self.finished_late

    @property
    def in_progress(self) -> int:
        return self.in_progress_on_time + self.in_progress_overdue

    @property
    def handled(self) -> int:
        return self.carried_over + self.received

    @property
    def is_empty(self) -> bool:
        """No dossier at all in the period: none received, carried over, withdrawn or refused."""
        return self.handled + self.withdrawn + self.not_accepted == 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.finished_early + self.finished_on_time, self.finished)

    @property
    def online_rate(self) -> Decimal | None:
        return _rate(self.received_online, self.received)

    @property
    def digitised_dossier_rate(self) -> Decimal | None:
        return _rate(self.digitised_dossier, self.received)

    @property
    def digitised_result_rate(self) -> Decimal | None:
        return _rate(self.digitised_result, self.finished)

    @property
    def paid_online_rate(self) -> Decimal | None:
        return _rate(self.paid_online, self.received)


COUNT_FIELDS = [f.name for f in fields(DossierStats) if f.name != "unit_id"]


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in the portal's time zone."""
    tz = timezone.get_default_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    stop = dt.datetime.combine(end + ONE_DAY, dt.time.min, tzinfo=tz)
    return begin, stop


def _due_day_start() -> Combinable:
    """00:00 local time of the day `due_at` falls on, as the database computes it fastest: a
    dossier finished before it was finished *early* (before the appointed day).

    PostgreSQL truncates in the portal's time zone by name. SQLite has no time zones: Django
    would call a Python function per row (most of the query's time over the demo's 272,000
    dossiers), while SQLite's own datetime() shifts by the zone's fixed offset (Vietnam has
    kept +07:00 without daylight saving since 1975) and gives the text form Django stores.
    """
    tz = timezone.get_default_timezone()
    if connection.vendor == "sqlite":
        offset = tz.utcoffset(dt.datetime(2000, 1, 1)) or dt.timedelta(0)
        hours = int(offset.total_seconds() // 3600)
        return Func(
            F("due_at"),
            Value(f"{hours:+d} hours"),
            Value("start of day"),
            Value(f"{-hours:+d} hours"),
            function="datetime",
            output_field=DateTimeField(),
        )
    name = str(tz)
    if not _ZONE_NAME.fullmatch(name):  # inlined in SQL below: a zone name, nothing else
        raise ValueError(f"unexpected time zone name {name!r}")
    return Func(
        F("due_at"),
        template=f"timezone('{name}', date_trunc('day', %(expressions)s AT TIME ZONE '{name}'))",
        output_field=DateTimeField(),
    )


def _conditions(begin: dt.datetime, stop: dt.datetime) -> dict[str, ExpressionWrapper[Q]]:
    """The per-dossier facts the figures are counted from, each a small boolean column; the
    counting itself is `_COUNTS` (they are combined there, once per row)."""

    def fact(condition: Q) -> ExpressionWrapper[Q]:
        return ExpressionWrapper(condition, output_field=BooleanField())

    refused = Q(status=DossierStatus.NOT_ACCEPTED)
    withdrawn = Q(status=DossierStatus.WITHDRAWN)
    # A withdrawal without an end time ended on receipt.
    withdrawn_on_receipt = withdrawn & Q(finished_at__isnull=True)
    received_in = Q(received_at__gte=begin, received_at__lt=stop)
    supplement = Q(status=DossierStatus.SUPPLEMENT_REQUESTED)
    return {
        "is_received": fact(received_in & ~refused),
        "is_refused": fact(received_in & refused),
        "is_carried": fact(
            Q(received_at__lt=begin)
            & (Q(finished_at__gte=begin) | (Q(finished_at__isnull=True) & ~withdrawn))
            & ~refused
        ),
        "ends_in": fact(
            Q(finished_at__gte=begin, finished_at__lt=stop) | (withdrawn_on_receipt & received_in)
        ),
        "open_at_end": fact((Q(finished_at__isnull=True) & ~withdrawn) | Q(finished_at__gte=stop)),
        "is_withdrawn": fact(withdrawn),
        "is_late": fact(Q(due_at__isnull=False, finished_at__gt=F("due_at"))),
        "is_early": fact(Q(due_at__isnull=False, finished_at__lt=_due_day_start())),
        # The applicant holds a dossier waiting for a supplement: the clock is stopped.
        "is_overdue": fact(Q(due_at__isnull=False, due_at__lt=stop) & ~supplement),
        "returned_in": fact(
            Q(returned_at__gte=begin, returned_at__lt=stop) & ~Q(status__in=NO_RESULT)
        ),
        "supplement": fact(supplement),
        "in_person": fact(Q(channel=Channel.IN_PERSON)),
        "online": fact(Q(channel=Channel.ONLINE)),
        "postal": fact(Q(channel=Channel.POSTAL)),
    }


# The figures from the facts above, in COUNT_FIELDS order. Written as SQL over the ORM's inner
# query instead of 15 `Count(filter=Q(...))`: Django spent ~20 ms building and compiling those
# (more than the query itself takes for one unit), and the database evaluates each fact once per
# row instead of once per column it appears in. NULL facts (no due date, not finished) count as
# false.
_COUNTS = """
SELECT bucket,
  COUNT(*) FILTER (WHERE carried),
  COUNT(*) FILTER (WHERE received),
  COUNT(*) FILTER (WHERE received AND in_person),
  COUNT(*) FILTER (WHERE received AND online),
  COUNT(*) FILTER (WHERE received AND postal),
  COUNT(*) FILTER (WHERE finished AND NOT withdrawn AND early),
  COUNT(*) FILTER (WHERE finished AND NOT withdrawn AND NOT early AND NOT late),
  COUNT(*) FILTER (WHERE finished AND NOT withdrawn AND late),
  COUNT(*) FILTER (WHERE unfinished AND NOT overdue),
  COUNT(*) FILTER (WHERE unfinished AND overdue),
  COUNT(*) FILTER (WHERE returned_in),
  COUNT(*) FILTER (WHERE unfinished AND supplement),
  COUNT(*) FILTER (WHERE received AND digitised_dossier),
  COUNT(*) FILTER (WHERE finished AND NOT withdrawn AND digitised_result),
  COUNT(*) FILTER (WHERE received AND paid_online),
  COUNT(*) FILTER (WHERE finished AND withdrawn),
  COUNT(*) FILTER (WHERE refused)
FROM (
  SELECT bucket, received, carried, refused, withdrawn, digitised_dossier, digitised_result,
    paid_online,
    (received OR carried) AND ends_in AS finished,
    (received OR carried) AND open_at_end AS unfinished,
    COALESCE(is_early, FALSE) AS early,
    COALESCE(is_late, FALSE) AS late,
    COALESCE(is_overdue, FALSE) AS overdue,
    COALESCE(returned_in, FALSE) AS returned_in,
    supplement, in_person, online, postal
  FROM (
    SELECT bucket, digitised_dossier, digitised_result, paid_online,
      COALESCE(is_received, FALSE) AS received, COALESCE(is_carried, FALSE) AS carried,
      COALESCE(is_refused, FALSE) AS refused, COALESCE(is_withdrawn, FALSE) AS withdrawn,
      COALESCE(ends_in, FALSE) AS ends_in, COALESCE(open_at_end, FALSE) AS open_at_end,
      is_early, is_late, is_overdue, returned_in, supplement, in_person, online, postal
    FROM ({inner}) facts
  ) facts
) facts
GROUP BY bucket
"""


def _branches(begin: dt.datetime, stop: dt.datetime) -> list[Q]:
    """The only dossiers that can count, as disjoint ranges (their `UNION ALL` is the rows the
    figures are counted from, each once), each one range of a (unit, date) index so no other
    rows are read, however many years the table holds before or after the period:

    - received in the period (most rows: the covering index makes it an index-only scan);
    - received before it and finished in or after it, or not finished: the carried-over
      candidates, found on (unit, finished_at) with `received_at` tested in the index;
    - returned in it but neither of the above (finished before the period, or received after
      it): found on (unit, returned_at) with both dates tested in the index.

    Before the split, one four-way `OR` was planned as one bitmap scan of the unit's rows
    finished since the period's start: at 5,000,000 dossiers and a period 18 months before the
    data's end, ~25× the rows that count, heap pages included.
    """
    returned = Q(returned_at__gte=begin, returned_at__lt=stop)
    return [
        Q(received_at__gte=begin, received_at__lt=stop),
        Q(received_at__lt=begin, finished_at__gte=begin),
        Q(received_at__lt=begin, finished_at__isnull=True),
        returned & Q(received_at__lt=begin, finished_at__lt=begin),
        returned & Q(received_at__gte=stop),
    ]


# Where `dossier_stats` reads: AUTO answers from the day figures whenever they can give the
# figures (no `dossiers` narrowing: whole days, every dossier of the units), DIRECT always reads
# the dossiers (the benchmark's and the property test's reference).
AUTO = "auto"
DIRECT = "direct"
FIGURES = "figures"


def dossier_stats(
    *,
    units: Iterable[AdministrativeUnit],
    start: dt.date,
    end: dt.date,
    include_descendants: bool = False,
    dossiers: QuerySet[Dossier] | None = None,
    visible_to: Any = None,
    source: str = AUTO,
) -> dict[int, DossierStats]:
    """Figures per unit (keyed by unit id) for the period `start`…`end` (inclusive).

    One aggregate query, whatever the number of units and dossiers, plus one for the units
    below with `include_descendants` and one to read `units` when it is a queryset. With
    `include_descendants` a unit's figures include the units below it; a dossier counts for the
    *deepest* requested unit it lies under, so asking for a district and its communes together
    gives the district's own desk and each commune apart. `visible_to` (a user) counts only the
    dossiers that user sees. `dossiers` narrows the dossiers counted (procedure field, level,
    channel…; it must not be sliced): those figures are read from the dossiers themselves;
    without it they are sums of the day figures (`procedures.figures`), which do not grow with
    the dossiers. Both give the same figures (tests/procedures/test_figures.py).
    """
    unit_list = list(units)
    result = {u.pk: DossierStats(unit_id=u.pk) for u in unit_list}
    if not unit_list:
        return result
    members: dict[int, list[int]] = {u.pk: [] for u in unit_list}
    if include_descendants:
        # Every unit below those asked for, each counted for the deepest one asked for: one
        # small query on the units, so the big one filters by unit id alone.
        deepest_first = sorted(unit_list, key=lambda u: len(u.path), reverse=True)
        scope = Q()
        for u in unit_list:
            scope |= Q(path__startswith=u.path)
        for pk, path in AdministrativeUnit.objects.filter(scope).values_list("pk", "path"):
            if visible_to is None or path_visible(visible_to, path):
                owner = next(u for u in deepest_first if path.startswith(u.path))
                members[owner.pk].append(pk)
    else:
        for u in unit_list:
            if visible_to is None or path_visible(visible_to, u.path):
                members[u.pk].append(u.pk)
    if dossiers is None and source != DIRECT:
        return _from_figures(result, members, start, end)
    if source == FIGURES:
        raise ValueError("narrowed dossiers cannot be read from the day figures")
    return _from_dossiers(result, members, start, end, dossiers)


def _from_dossiers(
    result: dict[int, DossierStats],
    members: dict[int, list[int]],
    start: dt.date,
    end: dt.date,
    dossiers: QuerySet[Dossier] | None,
) -> dict[int, DossierStats]:
    begin, stop = period_bounds(start, end)
    qs = (dossiers if dossiers is not None else Dossier.objects.all()).order_by()
    all_ids = [pk for ids in members.values() for pk in ids]
    if not all_ids:
        return result
    if all(ids == [pk] for pk, ids in members.items() if ids):
        bucket: Combinable = F("unit_id")
    else:
        bucket = Case(
            *(When(unit_id__in=ids, then=Value(pk)) for pk, ids in members.items() if ids),
            output_field=IntegerField(),
        )
    qs = qs.filter(unit_id__in=all_ids).annotate(bucket=bucket)
    conditions = _conditions(begin, stop)
    inner = qs.annotate(**conditions).values(
        "bucket", "digitised_dossier", "digitised_result", "paid_online", *conditions
    )
    parts: list[str] = []
    params: list[Any] = []
    for branch in _branches(begin, stop):
        part_sql, part_params = inner.filter(branch).query.sql_with_params()
        parts.append(part_sql)
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS.replace("{inner}", " UNION ALL ".join(parts)), params)
        for unit_id, *counts in cursor.fetchall():
            result[unit_id] = DossierStats(
                unit_id=unit_id, **dict(zip(COUNT_FIELDS, counts, strict=True))
            )
    return result


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _figure_ranges(start: dt.date, end: dt.date) -> list[tuple[str, dt.date | None, dt.date, int]]:
    """The rows that sum to a period's figures, as (table, first day or None, last day, in
    the period): before it (for carried over), whole months from the month rows and only the
    edge days from the day rows; in it, the same. So a period over years of history reads
    a few dozen rows per unit."""
    ranges: list[tuple[str, dt.date | None, dt.date, int]] = []
    first = _month_start(start)
    if first > dt.date.min:
        ranges.append((figures.MONTHS, None, first - ONE_DAY, 0))
    if first < start:
        ranges.append((figures.TABLE, first, start - ONE_DAY, 0))
    full_from = start if start.day == 1 else _next_month(start)
    full_to = end if _next_month(end) - ONE_DAY == end else _month_start(end) - ONE_DAY
    if full_from <= full_to:
        if start < full_from:
            ranges.append((figures.TABLE, start, full_from - ONE_DAY, 1))
        ranges.append((figures.MONTHS, full_from, full_to, 1))
        if full_to < end:
            ranges.append((figures.TABLE, full_to + ONE_DAY, end, 1))
    else:
        ranges.append((figures.TABLE, start, end, 1))
    return ranges


def _figures_sql(ids: str, start: dt.date, end: dt.date) -> tuple[str, list[Any]]:
    """The figures of a period per unit: flows over the rows in it, stocks over every row up to
    its first day's eve (carried over) and up to its last day (in progress)."""
    as_day: Any = (lambda d: d) if connection.vendor == "postgresql" else dt.date.isoformat
    columns = ", ".join(figures.COLUMNS)
    parts: list[str] = []
    params: list[Any] = []
    for table, lo, hi, inside in _figure_ranges(start, end):
        where = f"unit_id IN ({ids}) AND day <= %s"
        params.append(as_day(hi))
        if lo is not None:
            where += " AND day >= %s"
            params.append(as_day(lo))
        parts.append(f"SELECT unit_id, {inside} AS inside, {columns} FROM {table} WHERE {where}")
    sql = (
        "SELECT unit_id, "
        + ", ".join(f"SUM(CASE WHEN inside = 1 THEN {c} ELSE 0 END)" for c in figures.FLOWS)
        + ", SUM(CASE WHEN inside = 0 THEN open_delta ELSE 0 END)"
        + ", SUM(open_delta), SUM(overdue_delta), SUM(supplement_delta)"
        + f" FROM ({' UNION ALL '.join(parts)}) f GROUP BY unit_id"
    )
    return sql, params


def _from_figures(
    result: dict[int, DossierStats],
    members: dict[int, list[int]],
    start: dt.date,
    end: dt.date,
) -> dict[int, DossierStats]:
    owner = {pk: bucket for bucket, ids in members.items() for pk in ids}
    if not owner:
        return result
    totals: dict[int, list[int]] = {}
    ids = ", ".join(str(int(pk)) for pk in owner)
    sql, params = _figures_sql(ids, start, end)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for unit_id, *sums in cursor.fetchall():
            into = totals.setdefault(owner[unit_id], [0] * len(sums))
            for k, value in enumerate(sums):
                into[k] += int(value or 0)
    for bucket, sums in totals.items():
        flows = dict(zip(figures.FLOWS, sums, strict=False))
        carried, open_, overdue, supplement = sums[len(figures.FLOWS) :]
        result[bucket] = DossierStats(
            unit_id=bucket,
            carried_over=carried,
            in_progress_on_time=open_ - overdue,
            in_progress_overdue=overdue,
            supplement_requested=supplement,
            **flows,
        )
    return result


def dossier_stats_total(stats: Iterable[DossierStats]) -> DossierStats:
    """The sum of several units' figures (rates are recomputed from the sums, never averaged)."""
    totals = dict.fromkeys(COUNT_FIELDS, 0)
    for s in stats:
        for name in COUNT_FIELDS:
            totals[name] += getattr(s, name)
    return DossierStats(unit_id=None, **totals)


# --- Breakdowns: the page's rows and `dossier_stats --by` ------------------------------------

BY_CHILD = "child"
BY_LEVEL = "level"
BREAKDOWNS = (BY_CHILD, BY_LEVEL)
# The order of the level rows under a unit's own desk.
_LEVEL_ORDER = (Level.DISTRICT, Level.COMMUNE, Level.DEPARTMENT)


@dataclass(frozen=True)
class StatsLine:
    """One row of a breakdown: a unit (code and name) or a group of units (no code)."""

    code: str
    name: str
    stats: DossierStats
    units: int = 1


def dossier_stats_breakdown(
    *,
    unit: AdministrativeUnit,
    by: str,
    start: dt.date,
    end: dt.date,
    dossiers: QuerySet[Dossier] | None = None,
    visible_to: Any = None,
) -> list[StatsLine]:
    """A unit's figures broken down, first row always the unit's own desk (the dossiers it
    received itself), then:

    - `by="child"`: one row per unit directly below it, each with everything under it
      (the statistics page's rows);
    - `by="level"`: one row per level below it, all its units together: "Cấp xã (6 đơn vị)" is
      every commune below the unit, however deep (Lạc Dương's 98,8 % district desk against
      99,7 % for its communes).

    The rows add up to the unit with `include_descendants`. A fixed number of queries whatever
    the rows: by child 3 (the children, the units below them, the aggregate), by level 2 (the
    units below, the aggregate: the level rows are sums of the units' own figures, the rates
    recomputed from the sums).
    """
    if by == BY_CHILD:
        units = [unit, *unit.children.order_by("code")]
        by_unit = dossier_stats(
            units=units,
            start=start,
            end=end,
            include_descendants=True,
            dossiers=dossiers,
            visible_to=visible_to,
        )
        return [StatsLine(u.code, u.name, by_unit[u.pk]) for u in units]
    if by != BY_LEVEL:
        raise ValueError(f"unknown breakdown {by!r}")
    below = list(
        AdministrativeUnit.objects.filter(path__startswith=unit.path)
        .exclude(pk=unit.pk)
        .only("pk", "path", "level")
    )
    by_unit = dossier_stats(
        units=[unit, *below], start=start, end=end, dossiers=dossiers, visible_to=visible_to
    )
    lines = [StatsLine(unit.code, unit.name, by_unit[unit.pk])]
    levels = [lv for lv in _LEVEL_ORDER if lv != unit.level]
    for level in levels:
        members = [u for u in below if u.level == level]
        if members:
            lines.append(
                StatsLine(
                    "",
                    _("%(level)s (%(count)s đơn vị)")
                    % {"level": level.label, "count": len(members)},
                    dossier_stats_total(by_unit[u.pk] for u in members),
                    units=len(members),
                )
            )
    return lines


def procedure_online_levels(*, procedures: QuerySet[Procedure]) -> list[dict[str, Any]]:
    """Counts of procedures per handling level by online service, in one query.

    Rows: {"level", "level_label", "total", "legacy_1".."legacy_4", "online_full",
    "online_partial"}, in the order province, district, commune, e.g. the
    "240 level 2, 43 level 3, 7 level 4" district procedures of Lạc Dương.
    """
    from procedures.choices import OnlineService

    aggregates = {f"legacy_{i}": Count("id", filter=Q(legacy_online_level=i)) for i in range(1, 5)}
    aggregates["online_full"] = Count("id", filter=Q(online_service=OnlineService.FULL))
    aggregates["online_partial"] = Count("id", filter=Q(online_service=OnlineService.PARTIAL))
    aggregates["total"] = Count("id")
    rows = list(procedures.order_by().values("level").annotate(**aggregates))
    order = [level.value for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)]
    labels = dict(Level.choices)
    for row in rows:
        row["level_label"] = labels.get(row["level"], row["level"])
    rows.sort(key=lambda row: order.index(row["level"]) if row["level"] in order else len(order))
    return rows


# --- the dossier list's total -------------------------------------------------------------------

# Above this many rows by the planner's estimate, PostgreSQL's COUNT(*) reads them all (hundreds
# of milliseconds on a province's millions); the list then says "khoảng 272.000" instead.
COUNT_EXACT_MAX = 50_000


@dataclass(frozen=True)
class ListTotal:
    """How many rows a list holds: exact, or the planner's estimate rounded (`estimated`)."""

    value: int
    estimated: bool


def _planner_rows(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows `queryset` returns (EXPLAIN, nothing is read)."""
    import json

    try:
        plan = json.loads(queryset.explain(format="json"))
        # Django flattens EXPLAIN's one-element JSON array to its object; accept either.
        if isinstance(plan, list):
            plan = plan[0]
        return int(plan["Plan"]["Plan Rows"])
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def list_total(queryset: QuerySet[Any]) -> ListTotal:
    """The total of a list: an exact COUNT(*), except on PostgreSQL when the planner expects
    more than COUNT_EXACT_MAX rows, where its estimate is rounded to the thousand and said to
    be one. SQLite: 1 query; PostgreSQL: 1 (EXPLAIN) or 2 (EXPLAIN, COUNT)."""
    if connection.vendor == "postgresql":
        estimate = _planner_rows(queryset.order_by())
        if estimate is not None and estimate > COUNT_EXACT_MAX:
            return ListTotal(value=round(estimate, -3), estimated=True)
    return ListTotal(value=queryset.count(), estimated=False)
