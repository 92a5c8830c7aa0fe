"""The role dashboard at `/`: its figures agree with the selectors behind its pages, unit staff
see only what is theirs (and published), and it costs a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import services as inspection_services
from inspections.models import InspectionPlan, Recommendation
from inspections.selectors import dashboard_counts, plans_with_progress
from procedures.choices import Channel
from procedures.dashboard import Quarter
from procedures.models import Procedure
from procedures.selectors import dossier_stats
from procedures.services import dossiers_import_file
from scoring import services as scoring_services
from scoring.choices import AssessmentState
from scoring.models import Assessment
from scoring.selectors import ranking
from tests.factories import UnitFactory, UserFactory
from tests.inspections.factories import concluded, fill, make_inspection, make_plan
from tests.procedures.factories import DossierFactory, at
from tests.scoring.factories import FULL, make_assessment, make_set
from units.choices import Level, Role

LOWER = {
    "1.1": ("4", "0", None, None),
    "1.2": ("6", "3", None, None),
    "2.1": ("20", "10", None, None),
    "2.2": ("10", "6", None, None),
    "2.3": ("30", "12", None, None),
    "3.1": (None, None, None, "15"),
}

ADMIN_QUERIES = 17
STAFF_QUERIES = 16


def _panels(response) -> dict[str, object]:
    return {p.template: p for p in response.context["panels"]}


def build_world(p, *, extra_districts: int = 0):
    """Đắk Lắk: Cư M'gar and Krông Pắc (plus `extra_districts`), a published 2023 ranking, an
    unpublished 2024 round, a 2019 plan, recommendations (one overdue) and 2024 dossiers."""
    krongpac = UnitFactory(
        code="649", name="Huyện Krông Pắc", level=Level.DISTRICT, parent=p.daklak
    )
    extra = [
        UnitFactory(code=f"{700 + i}", name=f"Huyện số {i}", level=Level.DISTRICT, parent=p.daklak)
        for i in range(extra_districts)
    ]
    districts = [p.cumgar, krongpac, *extra]
    # Scoring: 2022 and 2023 published (so 2023 has rank changes), 2024 still open.
    for year, scores in ((2022, {p.cumgar: LOWER, krongpac: FULL}), (2023, None)):
        criteria_set = make_set(province=p.daklak, year=year)
        for i, unit in enumerate(districts):
            chosen = (scores or {}).get(unit) or (FULL if unit == p.cumgar else LOWER)
            if i >= 2 and year == 2023:
                chosen = LOWER
            make_assessment(
                criteria_set=criteria_set, unit=unit, state=AssessmentState.LOCKED, scores=chosen
            )
        scoring_services.ranking_publish(criteria_set=criteria_set, by=p.admin)
    set_2024 = make_set(province=p.daklak, year=2024)
    make_assessment(criteria_set=set_2024, unit=p.cumgar, state=AssessmentState.OPEN, scores=FULL)
    make_assessment(
        criteria_set=set_2024, unit=krongpac, state=AssessmentState.APPRAISAL_1, scores=LOWER
    )
    # Inspections: one plan of 2019 over all districts, two inspected; overdue and current
    # recommendations for Cư M'gar, one for Krông Pắc.
    today = timezone.localdate()
    targets = [
        inspection_services.TargetData(unit=u, scheduled_on=dt.date(2019, 9, 27)) for u in districts
    ]
    plan = make_plan(p, targets=targets)
    make_plan(p, year=2018, title="Kế hoạch 2018", targets=targets[:1])
    concluded(p, plan=plan)
    inspection = make_inspection(p, plan=plan, unit=krongpac)
    fill(inspection, recommendations=1, due=today + dt.timedelta(days=30))
    inspection_services.inspection_conclude(inspection=inspection, by=p.inspector)
    current = make_inspection(p, plan=plan, unit=p.cumgar)
    fill(current, recommendations=2, due=today + dt.timedelta(days=10))
    # Dossiers of 2024 (and one of 2023): early, late, online, digitised, paid online.
    for unit in [*districts, p.eakpam]:
        DossierFactory(unit=unit)
        DossierFactory(unit=unit, channel=Channel.ONLINE, digitised_result=True, paid_online=True)
        DossierFactory(unit=unit, finished_at=at(2024, 1, 20), received_at=at(2024, 1, 10))
    DossierFactory(
        unit=p.cumgar, received_at=at(2023, 3, 1), due_at=at(2023, 3, 5), finished_at=at(2023, 3, 2)
    )
    return krongpac


@pytest.fixture
def world(personas):
    return build_world(personas)


def test_admin_dashboard_agrees_with_the_selectors(personas, world, client_for):
    p = personas
    response = client_for(p.admin).get("/")
    assert response.status_code == 200
    panels = _panels(response)
    html = response.content.decode()

    # Inspections: the latest year with plans, inspected / planned as the plan list counts them.
    plans = panels["inspections/_dashboard_plans.html"]
    expected = list(
        plans_with_progress(InspectionPlan.objects.visible_to(p.admin).filter(year=2019))
    )
    assert plans.context["year"] == 2019
    assert plans.context["planned"] == sum(x.planned for x in expected) == 2
    assert plans.context["inspected"] == sum(x.inspected for x in expected) == 2
    assert "2/2" in html and "100\u00a0%" in html
    recs = panels["inspections/_dashboard_recommendations.html"]
    assert recs.context["counts"] == dashboard_counts(p.admin)
    worst = recs.context["units"]
    assert worst[0]["responsible_unit_id"] == p.cumgar.pk  # the one with an overdue one
    open_by_unit = Counter(
        Recommendation.objects.visible_to(p.admin).open().values_list("responsible_unit", flat=True)
    )
    assert {u["responsible_unit_id"]: u["open"] for u in worst} == dict(open_by_unit)

    # Scoring: the latest published ranking, bars in rank order with their grades.
    chart_panel = panels["scoring/_dashboard_ranking.html"]
    set_2023 = chart_panel.context["criteria_set"]
    assert set_2023.year == 2023
    published = ranking(criteria_set=set_2023)
    assert not published.provisional
    assert [row[1] for row in chart_panel.context["chart"].rows] == [
        r.index for r in published.rows
    ]
    top = published.rows[0]
    assert chart_panel.context["chart"].rows[0][0] == f"1. {top.unit_name} ({top.grade})"
    assert chart_panel.link == f"/scoring/rankings/{set_2023.pk}/"
    states = panels["scoring/_dashboard_states.html"]
    assert states.context["criteria_set"].year == 2024
    actual = Counter(
        Assessment.objects.filter(criteria_set=states.context["criteria_set"]).values_list(
            "state", flat=True
        )
    )
    assert {s: n for s, _label, n in states.context["states"] if n} == dict(actual)

    # Procedures: the latest quarter with dossiers (Q1 2024, not today's), rates per district
    # with its communes exactly as the statistics page behind the panel shows them.
    rates = panels["procedures/_dashboard_rates.html"]
    assert rates.context["quarter"] == Quarter(2024, 1)
    assert "Quý I/2024" in rates.title
    assert rates.context["stale"]  # today (the test run) is long after 2024
    assert "Quý I/2024." in html and "chưa có hồ sơ" in html
    assert rates.link == "/procedures/stats/?start=2024-01-01&end=2024-03-31"
    page = {r["unit"]: r for r in client_for(p.admin).get(rates.link).context["table"].data.data}
    rows = {label: values for label, *values in rates.context["chart"].rows}
    assert set(rows) == {p.cumgar.name, world.name}
    for name, (on_time, online) in rows.items():
        assert on_time == float(page[name]["on_time_rate"] * 100)
        assert online == float(page[name]["online_rate"] * 100)
    figures = dossier_stats(
        units=[p.cumgar],
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 3, 31),
        include_descendants=True,
    )[p.cumgar.pk]
    assert figures.received == 6  # its own desk and Ea KPam's
    assert rows[p.cumgar.name][1] == 33.33  # 2 of 6 online, rates kept to 4 places

    # Heat-table: points lost per area of the 2023 publication, from the factory's scores:
    # Cư M'gar (FULL) lost 1 / 4,45 / 9,17 and Krông Pắc (LOWER) 7 / 32 / 15 on areas 1 / 2 / 3
    # (maxima 10 / 60 / 30): the province lost 40 %, 30,4 % and 40,3 %, so area 3 is weakest.
    heat = panels["scoring/_dashboard_heat.html"].context["heat"]
    lost = {row.unit_code: [c.lost for c in cells] for row, cells in heat.rows}
    assert lost == {
        "648": [D("1.00"), D("4.45"), D("9.17")],
        "649": [D("7.00"), D("32.00"), D("15.00")],
    }
    assert heat.weakest_area == ("3", "Điều tra xã hội học")
    assert "Lĩnh vực yếu nhất toàn tỉnh: <strong>3. Điều tra xã hội học</strong>" in html
    assert "40,3\u00a0%" in html
    by_code = {row.unit_code: cells for row, cells in heat.rows}
    assert [c.level for c in by_code["649"]] == [5, 5, 5]  # 70 %, 53 %, 50 % lost
    assert [c.level for c in by_code["648"]] == [2, 2, 4]  # 10 %, 7,4 %, 30,6 %
    assert 'class="num heat-5"' in html


def test_unit_staff_dashboard_shows_their_own_figures(personas, world, client_for):
    p = personas
    response = client_for(p.cumgar_staff).get("/")
    assert response.status_code == 200
    panels = _panels(response)
    html = response.content.decode()

    # Scoring: index, grade and rank from the 2023 publication, change since 2022.
    own = panels["scoring/_dashboard_unit.html"].context
    published = ranking(criteria_set=_set_of(p, 2023))
    row = next(r for r in published.rows if r.unit_id == p.cumgar.pk)
    assert (own["row"].index, own["row"].grade, own["row"].rank) == (row.index, row.grade, 1)
    assert own["units"] == len(published.rows) == 2
    assert own["change"] == "▲ 1"  # second in 2022, first in 2023
    assert "1/2" in html and "▲ 1" in html
    assert own["assessment"].state == AssessmentState.OPEN
    assert own["assessment"].criteria_set.year == 2024
    assert "Đang tự đánh giá" in html
    client = client_for(p.cumgar_staff)
    # … and they are the ranking page's row for the unit (the page behind the panel).
    page = client.get(panels["scoring/_dashboard_unit.html"].link).context["ranking"]
    page_row = next(r for r in page.rows if r.unit_code == p.cumgar.code)
    assert (own["row"].index, own["row"].rank, own["change"], len(page.rows)) == (
        page_row.index,
        page_row.rank,
        page_row.change_label,
        own["units"],
    )

    # Trend: index and rank of every published year, as the unit's history page shows them.
    trend = panels["scoring/_dashboard_trend.html"]
    assert trend.link == f"/scoring/units/{p.cumgar.code}/"
    history = client.get(trend.link).context["history"]
    # 2022: LOWER = 0 + 3 + 10 + 6 + 12 + survey 15 = 46,00 (2nd); 2023: FULL = 85,38 (1st).
    assert [(y.year, y.result.index, y.result.rank) for y in history.years] == [
        (2022, D("46.00"), 2),
        (2023, D("85.38"), 1),
    ]
    assert trend.context["chart"].rows == [
        [f"{y.year} (hạng {y.result.rank}/{y.units})", y.result.index] for y in history.years
    ]

    # Areas: points lost against the average of the units of the same published ranking.
    areas = panels["scoring/_dashboard_areas.html"]
    lost_rows = {label: values for label, *values in areas.context["chart"].rows}
    others = {r.unit_code: dict(r.lost_per_area) for r in page.rows}
    for code, title in page.area_titles:
        mine, average = lost_rows[f"{code}. {title}"]
        assert mine == others[p.cumgar.code][code]
        mean = sum(o[code] for o in others.values()) / len(others)
        assert average == mean.quantize(D("0.01"), rounding=ROUND_HALF_UP)  # DOMAIN: half up
    assert lost_rows["1. Chỉ đạo, điều hành"] == [D("1.00"), D("4.00")]  # (1 + 7) / 2

    # Inspections: their open recommendations, overdue first, each linking to its page.
    recs = panels["inspections/_dashboard_own.html"].context
    assert recs["counts"] == dashboard_counts(p.cumgar_staff)
    assert recs["counts"] == {
        "open": 3,
        "overdue": 1,
        "not_reported": 3,
        "reported": 0,
        "sent_back": 0,
    }
    # … the tracker filtered the same way counts the same (open = not yet verified).
    tracker = "/inspections/recommendations/"
    in_list = sum(
        client.get(f"{tracker}?state={state}").context["table"].paginator.count
        for state in ("open", "reported", "sent_back")
    )
    overdue = client.get(f"{tracker}?overdue=true").context["table"].paginator.count
    assert (in_list, overdue) == (recs["counts"]["open"], recs["counts"]["overdue"])
    assert html.count('data-link="remediation"') == 3
    listed = recs["recommendations"]
    assert [r.overdue_flag for r in listed] == [True, False, False]
    assert all(r.responsible_unit_id == p.cumgar.pk for r in listed)
    for r in listed:
        assert f"/inspections/recommendations/{r.pk}/" in html
    assert "list-group-item-danger" in html

    # Procedures: Cư M'gar with its communes in Q1 2024, against Q4 2023 and the province,
    # as the statistics page (which starts from the user's own unit) counts them.
    panel = panels["procedures/_dashboard_unit.html"]
    comparison = panel.context["comparison"]
    page_total = client.get(panel.link).context["table"].data.data[-1]
    assert page_total["total"]
    current = comparison.current
    assert (current.on_time_rate, current.online_rate) == (
        page_total["on_time_rate"],
        page_total["online_rate"],
    )
    assert (current.received, current.digitised_result, current.paid_online) == (6, 2, 2)
    before = client.get(panel.context["previous_link"]).context["table"].data.data[-1]
    assert panel.context["previous_link"].endswith("start=2023-10-01&end=2023-12-31")
    assert comparison.previous.on_time_rate == before["on_time_rate"]
    assert comparison.previous.received == 0
    province = dossier_stats(
        units=[p.daklak],
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 3, 31),
        include_descendants=True,
    )[p.daklak.pk]
    assert comparison.province == dataclasses.replace(province, unit_id=None)
    assert comparison.province.received == 9  # Krông Pắc's three as well
    assert "Toàn tỉnh" in html and "Quý IV/2023" in html


def _set_of(p, year):
    from scoring.models import CriteriaSet

    return CriteriaSet.objects.get(province=p.daklak, year=year)


def test_staff_never_see_another_units_unpublished_index(personas, world, client_for):
    p = personas
    krongpac_staff = UserFactory(username="krongpac", role=Role.UNIT_STAFF, unit=world)
    live = ranking(criteria_set=_set_of(p, 2024), live=True)
    krongpac_live = next(r for r in live.rows if r.unit_id == world.pk)

    html = client_for(p.cumgar_staff).get("/").content.decode()
    assert world.name not in html  # neither its 2024 scores nor even its published row
    # Krông Pắc's own dashboard shows its published 2023 row, not the 2024 round in appraisal.
    response = client_for(krongpac_staff).get("/")
    own = _panels(response)["scoring/_dashboard_unit.html"].context
    assert own["year"] == 2023
    assert own["row"].unit_id == world.pk
    assert own["assessment"].state == AssessmentState.APPRAISAL_1
    # Staff of another province see nothing of Đắk Lắk.
    other = client_for(p.namnhun_staff).get("/")
    assert "scoring/_dashboard_unit.html" not in _panels(other)
    assert p.cumgar.name not in other.content.decode()
    assert krongpac_live.unit_name not in other.content.decode()


@pytest.mark.parametrize("extra_districts", [0, 12])
def test_dashboard_costs_a_fixed_number_of_queries(
    personas, client_for, django_assert_max_num_queries, extra_districts
):
    p = personas
    build_world(p, extra_districts=extra_districts)
    client = client_for(p.admin)
    with django_assert_max_num_queries(ADMIN_QUERIES):
        assert client.get("/").status_code == 200
    client = client_for(p.cumgar_staff)
    with django_assert_max_num_queries(STAFF_QUERIES):
        assert client.get("/").status_code == 200


def test_query_count_does_not_grow_with_the_data(personas, client_for):
    p = personas
    build_world(p)

    def count(user):
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        return len(queries)

    small = (count(p.admin), count(p.cumgar_staff))
    for i in range(10):
        unit = UnitFactory(
            code=f"{24300 + i}", name=f"Xã mới {i}", level=Level.COMMUNE, parent=p.cumgar
        )
        DossierFactory(unit=unit, channel=Channel.ONLINE)
        inspection = make_inspection(p, unit=p.cumgar)
        fill(inspection, recommendations=2)
    assert (count(p.admin), count(p.cumgar_staff)) == small


def test_province_without_a_publication_says_so(personas, client_for):
    p = personas
    criteria_set = make_set(province=p.laichau, year=2024)
    make_assessment(criteria_set=criteria_set, unit=p.namnhun, state=AssessmentState.OPEN)
    response = client_for(p.laichau_admin).get("/")
    panel = _panels(response)["scoring/_dashboard_ranking.html"]
    assert panel.context["chart"] is None
    assert panel.link == f"/scoring/rankings/{criteria_set.pk}/"
    assert "chưa công bố" in response.content.decode()
    # Nậm Nhùn's staff: no published ranking, but their open assessment and its state.
    own = _panels(client_for(p.namnhun_staff).get("/"))["scoring/_dashboard_unit.html"]
    assert "row" not in own.context
    assert own.context["assessment"].criteria_set_id == criteria_set.pk


def test_quarter_figures_are_cached_until_dossiers_are_imported(
    personas, world, client_for, tmp_path
):
    """The quarter's figures are cached (the second visit reads no dossiers) and an import
    through the one-stop export (COPY + upsert, no model signals) shows at the next visit."""
    p = personas
    client = client_for(p.cumgar_staff)

    def figures():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        panel = _panels(response)["procedures/_dashboard_unit.html"]
        # dossier_stats: its sums of the day and month figures (procedures.figures)
        aggregates = [q for q in queries if "figures" in q["sql"] and "SUM(" in q["sql"]]
        return panel.context["comparison"].current, len(aggregates)

    first, reads = figures()
    assert (first.received, reads) == (6, 2)  # this quarter and the one before
    again, reads = figures()
    assert (again, reads) == (first, 0)
    procedure = Procedure.objects.first()
    path = tmp_path / "mot-cua.csv"
    path.write_text(
        "ma_ho_so,ma_tthc,ma_don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,"
        "ngay_tra_ket_qua,trang_thai,so_hoa_ho_so,so_hoa_ket_qua,thanh_toan_truc_tuyen\n"
        f"MC-1,{procedure.code},24280,Trực tuyến,05/02/2024 08:00,09/02/2024,"
        "07/02/2024 10:00,,Đã giải quyết,có,có,không\n",
        encoding="utf-8",
    )
    dossiers_import_file(path=path)
    after, reads = figures()
    assert reads == 2
    assert (after.received, after.received_online) == (7, 3)


def test_commune_staff_figures_agree_with_their_stats_page(personas, world, client_for):
    """A commune's panel links to the statistics page without a unit filter (the page's unit
    choice lists no communes): the page starts from the commune, and its total is the panel's."""
    p = personas
    client = client_for(p.eakpam_staff)
    panel = _panels(client.get("/"))["procedures/_dashboard_unit.html"]
    comparison = panel.context["comparison"]
    page = client.get(panel.link)
    assert page.status_code == 200
    total = page.context["table"].data.data[-1]
    assert (comparison.current.received, comparison.current.online_rate) == (
        total["received"],
        total["online_rate"],
    )
    assert comparison.current.received == 3
    assert comparison.province.received == 9  # the province's figure, not only the commune's
