"""Ranking of 170 commune-level units with a full criteria tree (8 areas, 32 criteria, 96 leaves).

Portal: the ranking page `/scoring/rankings/<id>/` through the test client as a provincial admin
(live provisional ranking: scores → indices → ranks, the table, two SVG charts), its server time
and query count, at 8 and at 170 assessed units. Limit: the same indices and area subtotals
computed with `scoring.index` on data already in memory (tree nodes and every unit's leaf points
loaded beforehand), plus the one query that reads those points. Target: page ≤ 3× that.
"""

from __future__ import annotations

from decimal import Decimal

from tests.benchmarks import data
from tests.benchmarks.harness import (
    Context,
    Result,
    count_queries,
    get_page,
    make_user,
    median_time,
    portal_client,
)

SECTION = "Ranking"


def in_memory(criteria_set):
    """(nodes, areas, {unit id: (leaf points, bonus, penalty)}) read once, outside the timing."""
    from scoring import index
    from scoring.models import Assessment, Criterion

    criteria = list(Criterion.objects.filter(criteria_set=criteria_set))
    nodes = [index.Node(c.pk, c.parent_id, c.max_points, c.component) for c in criteria]
    areas = [c.pk for c in criteria if c.parent_id is None]
    survey = {c.pk for c in criteria if c.component == "survey"}
    units = {
        a.pk: (a.unit_id, a.bonus_points, a.penalty_points)
        for a in Assessment.objects.filter(criteria_set=criteria_set)
    }
    points: dict[int, dict[int, Decimal | None]] = {}
    for aid, cid, r1, r2, sv in points_query(criteria_set):
        points.setdefault(aid, {})[cid] = sv if cid in survey else (r2 if r2 is not None else r1)
    return nodes, areas, {units[a][0]: (p, units[a][1], units[a][2]) for a, p in points.items()}


def points_query(criteria_set):
    from scoring.models import CriterionScore

    return list(
        CriterionScore.objects.filter(assessment__criteria_set=criteria_set).values_list(
            "assessment_id", "criterion_id", "round1_score", "round2_score", "survey_points"
        )
    )


def pure_ranking(criteria_set, nodes, areas, by_unit):
    """What the page computes, with `scoring.index` alone."""
    from scoring import index

    results, subtotals = {}, {}
    for unit_id, (points, bonus, penalty) in by_unit.items():
        results[unit_id] = index.par_index(
            appraisal=index.component_total(nodes, points, "appraisal"),
            survey=index.component_total(nodes, points, "survey"),
            bonus=bonus,
            penalty=penalty,
            bonus_cap=criteria_set.bonus_cap,
            penalty_cap=criteria_set.penalty_cap,
            appraisal_max=criteria_set.appraisal_max,
        )
        totals = index.subtotals(nodes, points)
        subtotals[unit_id] = [index.round2(totals[a]) for a in areas]
    return index.rank_rows(results, thresholds=criteria_set.thresholds()), subtotals


def measure_page(ctx: Context, client, url: str) -> tuple[float, int]:
    get_page(client, url)  # warm: templates, translations
    return median_time(lambda: get_page(client, url), ctx.repeat), count_queries(
        lambda: get_page(client, url)
    )


def run(ctx: Context) -> list[Result]:
    from scoring.models import Assessment
    from units.choices import Level, Role

    province, districts, communes = data.load_units()
    criteria_set = data.load_criteria(province, communes, count=ctx.size(data.RANKED_COMMUNES, 20))
    admin = make_user("bench-ranking-admin", role=Role.PROVINCIAL_ADMIN, unit=province)
    client = portal_client(admin)
    url = f"/scoring/rankings/{criteria_set.pk}/"

    # The same tree assessed for 8 units (8 of the districts, the district-level set of the same
    # year): the page must run the same number of queries.
    small_set = data.load_criteria(province, districts[:8], level=Level.DISTRICT)
    t_small, q_small = measure_page(ctx, client, f"/scoring/rankings/{small_set.pk}/")

    t_page, q_page = measure_page(ctx, client, url)
    nodes, areas, by_unit = in_memory(criteria_set)
    assert len(by_unit) == Assessment.objects.filter(criteria_set=criteria_set).count()
    repeat = max(ctx.repeat, 5)
    t_pure = median_time(lambda: pure_ranking(criteria_set, nodes, areas, by_unit), repeat)
    t_query = median_time(lambda: points_query(criteria_set), repeat)
    limit = t_pure + t_query

    # Where the page's time goes (for the notes): the selector alone.
    from scoring import selectors

    t_selector = median_time(lambda: selectors.ranking(criteria_set=criteria_set), repeat)
    ranked, _sub = pure_ranking(criteria_set, nodes, areas, by_unit)
    page_ranking = selectors.ranking(criteria_set=criteria_set)
    assert {r.key: (r.rank, r.result.index) for r in ranked} == {
        r.unit_id: (r.rank, r.index) for r in page_ranking.rows
    }, "the pure computation and the page's selector disagree"
    return [
        Result(
            SECTION,
            f"page, {len(by_unit)} communes × 96 leaves ({q_page} queries; 8 units: {q_small})",
            t_page,
            limit,
            "≤ 3× pure + 1 query; queries fixed",
            t_page <= 3 * limit and q_page == q_small,
            notes=[
                f"limit = pure arithmetic {t_pure * 1000:.1f} ms + the points query "
                f"{t_query * 1000:.1f} ms; selector alone {t_selector * 1000:.1f} ms; "
                f"page with 8 units {t_small * 1000:.1f} ms"
            ],
        )
    ]
