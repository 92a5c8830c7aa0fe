"""Dossier statistics over 1,000,000 and 5,000,000 dossiers, 196 units, a 6-month period.

Portal: `procedures.selectors.dossier_stats` for every unit of the province (one row each), from
the day figures (`procedures.figures`) and read from the dossiers (its fallback), the statistics
page through the test client as a provincial admin (province and its districts with everything
below, the chart and the table), and one unit's figures. Limit: one hand-written
aggregate (`LIMIT_SQL` below) that reads the same rows as the same five disjoint index ranges
(`procedures.selectors._branches`, through the covering (unit, date) indexes) and computes the
same columns; its figures are checked equal to the selector's.
"""

from __future__ import annotations

from urllib.parse import urlencode

from tests.benchmarks import data
from tests.benchmarks.harness import (
    Context,
    Result,
    count_queries,
    explain,
    get_page,
    make_user,
    median_time,
    portal_client,
)

SECTION = "Dossier statistics"

_AGGREGATE = """
SELECT unit_id,
  count(*) FILTER (WHERE carried),
  count(*) FILTER (WHERE rec),
  count(*) FILTER (WHERE rec AND channel = 'in_person'),
  count(*) FILTER (WHERE rec AND channel = 'online'),
  count(*) FILTER (WHERE rec AND channel = 'postal'),
  count(*) FILTER (WHERE fin AND NOT wd AND early),
  count(*) FILTER (WHERE fin AND NOT wd AND NOT early AND NOT late),
  count(*) FILTER (WHERE fin AND NOT wd AND late),
  count(*) FILTER (WHERE unf AND NOT overdue),
  count(*) FILTER (WHERE unf AND overdue),
  count(*) FILTER (WHERE returned_at >= %(b)s AND returned_at < %(e)s AND ok AND NOT wd),
  count(*) FILTER (WHERE unf AND status = 'supplement_requested'),
  count(*) FILTER (WHERE rec AND digitised_dossier),
  count(*) FILTER (WHERE fin AND NOT wd AND digitised_result),
  count(*) FILTER (WHERE rec AND paid_online),
  count(*) FILTER (WHERE fin AND wd),
  count(*) FILTER (WHERE NOT ok AND received_at >= %(b)s AND received_at < %(e)s)
FROM (
  SELECT unit_id, channel, status, received_at, returned_at, digitised_dossier,
    digitised_result, paid_online, rec, carried, ok, wd,
    (rec OR carried) AND ended >= %(b)s AND ended < %(e)s AS fin,
    (rec OR carried) AND (ended IS NULL OR ended >= %(e)s) AS unf,
    coalesce(finished_at > due_at, false) AS late,
    coalesce(finished_at < timezone('Asia/Ho_Chi_Minh',
      date_trunc('day', due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')), false) AS early,
    coalesce(due_at < %(e)s AND status <> 'supplement_requested', false) AS overdue
  FROM (
    SELECT *,
      received_at >= %(b)s AND received_at < %(e)s AND ok AS rec,
      received_at < %(b)s AND (ended IS NULL OR ended >= %(b)s) AND ok AS carried
    FROM (
      SELECT *, status = 'withdrawn' AS wd,
        CASE WHEN status = 'withdrawn' THEN coalesce(finished_at, received_at)
          ELSE finished_at END AS ended
      FROM (
{rows}
      ) d
    ) d
  ) d
) d
GROUP BY unit_id
"""

# The five disjoint ranges of `procedures.selectors._branches`, each one index range scan.
_BRANCHES = [
    "received_at >= %(b)s AND received_at < %(e)s",
    "received_at < %(b)s AND finished_at >= %(b)s",
    "received_at < %(b)s AND finished_at IS NULL",
    "returned_at >= %(b)s AND returned_at < %(e)s AND received_at < %(b)s AND finished_at < %(b)s",
    "returned_at >= %(b)s AND returned_at < %(e)s AND received_at >= %(e)s",
]
LIMIT_SQL = _AGGREGATE.replace(
    "{rows}",
    "\n      UNION ALL\n".join(
        "      SELECT unit_id, channel, status, received_at, due_at, finished_at, returned_at,"
        " digitised_dossier, digitised_result, paid_online,"
        " status <> 'not_accepted' AS ok"
        f" FROM procedures_dossier WHERE unit_id = ANY(%(units)s) AND {branch}"
        for branch in _BRANCHES
    ),
)


def limit_figures(unit_ids: list[int]) -> dict[int, tuple]:
    from django.db import connection

    from procedures.selectors import period_bounds

    b, e = period_bounds(*data.PERIOD)
    with connection.cursor() as cursor:
        cursor.execute(LIMIT_SQL, {"b": b, "e": e, "units": unit_ids})
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def limit_params(unit_ids: list[int]) -> dict:
    from procedures.selectors import period_bounds

    b, e = period_bounds(*data.PERIOD)
    return {"b": b, "e": e, "units": unit_ids}


def portal_figures(units: list, source: str = "auto") -> dict[int, tuple]:
    from procedures.selectors import COUNT_FIELDS, dossier_stats

    stats = dossier_stats(units=units, start=data.PERIOD[0], end=data.PERIOD[1], source=source)
    return {pk: tuple(getattr(s, name) for name in COUNT_FIELDS) for pk, s in stats.items()}


def measure(ctx: Context, world: data.World, admin, label: str) -> list[Result]:
    units = world.units
    ids = [u.pk for u in units]
    portal = portal_figures(units)
    direct = portal_figures(units, "direct")
    limit = limit_figures(ids)
    zero = (0,) * 17
    for name, other in (("the day figures", portal), ("the direct selector", direct)):
        same = all(other.get(pk, zero) == limit.get(pk, zero) for pk in {*other, *limit})
        assert same, f"the hand-written SQL and {name} disagree"
    received = sum(f[1] for f in limit.values())
    t_portal = median_time(lambda: portal_figures(units), ctx.repeat)
    t_direct = median_time(lambda: portal_figures(units, "direct"), ctx.repeat)
    t_limit = median_time(lambda: limit_figures(ids), ctx.repeat)

    client = portal_client(admin)
    url = "/procedures/stats/?" + urlencode(
        {"start": data.PERIOD[0].isoformat(), "end": data.PERIOD[1].isoformat()}
    )
    get_page(client, url)  # warm: templates, translations, the chart's cache
    t_page = median_time(lambda: get_page(client, url), max(ctx.repeat, 5))
    page_queries = count_queries(lambda: get_page(client, url))

    # One unit: the district with the most dossiers, its own desk.
    busiest = max(world.districts, key=lambda u: limit.get(u.pk, (0, 0))[1])
    t_one = median_time(lambda: portal_figures([busiest]), max(ctx.repeat, 5))
    t_one_limit = median_time(lambda: limit_figures([busiest.pk]), max(ctx.repeat, 5))

    plan = explain(LIMIT_SQL, limit_params(ids))
    print(f"   EXPLAIN (ANALYZE) of the limit, {label} dossiers:\n{plan}", flush=True)
    top = next((line.strip() for line in plan.splitlines() if "Scan" in line), "")
    what = f"{label} dossiers, {len(units)} units, 6 months ({received:,} received)"
    return [
        Result(
            SECTION,
            f"selector from the day figures, {what}",
            t_portal,
            t_limit,
            "figures equal the aggregate's",
            True,  # asserted above
            notes=[f"limit: the direct aggregate; its plan: {top[:100]}"],
        ),
        Result(
            SECTION,
            f"selector read from the dossiers (the fallback), {what}",
            t_direct,
            t_limit,
            "≤ 1.5×",
            t_direct <= 1.5 * t_limit,
        ),
        Result(
            SECTION,
            f"page /procedures/stats/ (admin, province + 15 districts), {label} dossiers, "
            f"{page_queries} queries",
            t_page,
            t_limit,
            "≤ 100 ms",
            t_page <= 0.100,
        ),
        Result(
            SECTION,
            f"one unit ({busiest.name}, own desk), {label} dossiers",
            t_one,
            t_one_limit,
            "≤ 10 ms",
            t_one <= 0.010,
        ),
    ]


def run(ctx: Context) -> list[Result]:
    from units.choices import Role

    first = ctx.size(1_000_000, 10_000)
    second = ctx.size(5_000_000, 50_000)
    world = data.build(dossiers=first, criteria=False)
    admin = make_user("bench-stats-admin", role=Role.PROVINCIAL_ADMIN, unit=world.province)
    results = measure(ctx, world, admin, f"{first:,}")
    data.add_dossiers(world, second - first)
    results += measure(ctx, world, admin, f"{second:,}")
    load = ", ".join(f"{k} {v:.0f} s" for k, v in world.timings.items())
    results[0].notes.append(f"data: {load}")
    return results
