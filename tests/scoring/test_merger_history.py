"""History across 1 July 2025: a new commune's page and dashboard trend show, labelled, the
published figures of the communes it was formed from; its first own rank change is "mới"; a
reused code names the unit holding it today and links to the earlier holder."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import services
from scoring.choices import AssessmentState
from scoring.models import PublishedResult
from tests.factories import UnitFactory
from tests.scoring.factories import FULL, make_assessment, make_set, two_tier
from units.choices import TWO_TIER_FROM, Level

pytestmark = pytest.mark.django_db

LOWER = {
    "1.1": ("4", "0", None, None),
    "1.2": ("6", "3", None, None),
    "2.1": ("20", "10", None, None),
    "2.2": ("10", "6", None, None),
    "2.3": ("30", "12", None, None),
    "3.1": (None, None, None, "15"),
}  # 0 + 3 + 10 + 6 + 12 + survey 15 = 46,00; FULL = 85,38


def publish(province, year, by, scores_by_unit):
    cs = make_set(province=province, year=year, level=Level.COMMUNE)
    for unit, scores in scores_by_unit.items():
        make_assessment(criteria_set=cs, unit=unit, state=AssessmentState.LOCKED, scores=scores)
    services.ranking_publish(criteria_set=cs, by=by)
    return cs


@pytest.fixture
def merged(personas):
    """2024: Ea KPam 1st (85,38) and Quảng Phú 2nd (46,00) of 2 in the old Đắk Lắk; 2025: the new
    Xã Cư M'gar 2nd (46,00) of 2 in the merged province."""
    p = personas
    tier = two_tier(p)
    publish(p.daklak, 2024, p.admin, {p.eakpam: FULL, p.quangphu: LOWER})
    other = UnitFactory(
        code="24300",
        name="Xã Quảng Hiệp",
        level=Level.COMMUNE,
        parent=tier.daklak,
        valid_from=TWO_TIER_FROM,
    )
    new_set = publish(tier.daklak, 2025, tier.admin, {tier.cumgar: LOWER, other: FULL})
    return tier, new_set


def history_url(code: str) -> str:
    return reverse("scoring:unit_history", args=[code])


def test_the_new_communes_history_shows_its_predecessors_before_the_merger(
    personas, merged, client_for
):
    tier, _new_set = merged
    response = client_for(tier.admin).get(history_url("24280"))
    assert response.status_code == 200
    assert response.context["unit"] == tier.cumgar  # the code's holder today
    years = response.context["history"].years
    shown = [
        (y.year, y.predecessor_label, y.result.index, y.result.rank, y.units, y.change_label)
        for y in years
    ]
    assert shown == [
        (2024, "trước 01/07/2025: Thị trấn Quảng Phú", D("46.00"), 2, 2, "mới"),
        (2024, "trước 01/07/2025: Xã Ea KPam", D("85.38"), 1, 2, "mới"),
        (2025, "", D("46.00"), 2, 2, "mới"),
    ]
    html = response.content.decode()
    assert "trước 01/07/2025: Xã Ea KPam" in html
    assert html.count('data-predecessor="') == 2
    assert response.context["chart"].rows[1] == ["2024, Xã Ea KPam (hạng 1/2)", D("85.38")]


def test_a_rank_change_across_the_merger_is_new(personas, merged, client_for):
    """Even were a predecessor's rank stored as the successor's previous rank, the first year
    after the merger compares with nothing: those were ranks among other units."""
    tier, new_set = merged
    PublishedResult.objects.filter(ranking__criteria_set=new_set, unit=tier.cumgar).update(
        previous_rank=1
    )
    years = client_for(tier.admin).get(history_url("24280")).context["history"].years
    assert (years[-1].year, years[-1].change, years[-1].change_label) == (2025, None, "mới")


def test_the_ranking_across_the_merger_says_new(personas, merged, client_for):
    tier, new_set = merged
    rows = client_for(tier.admin).get(reverse("scoring:ranking_detail", args=[new_set.pk]))
    changes = {r.unit_name: r.change_label for r in rows.context["ranking"].rows}
    assert changes == {"Xã Cư M'gar": "mới", "Xã Quảng Hiệp": "mới"}


def test_a_reused_code_links_to_the_unit_that_held_it_before(personas, merged, client_for):
    tier, _ = merged
    client = client_for(tier.admin)
    html = client.get(history_url("24280")).content.decode()
    earlier = f"{history_url('24280')}?on=2025-06-30"
    assert f'href="{earlier}" data-unit="{personas.eakpam.pk}"' in html
    assert "Xã Ea KPam (24280, đến 30/06/2025)" in html
    old = client.get(earlier)
    assert old.context["unit"] == personas.eakpam
    assert [(y.year, y.predecessor) for y in old.context["history"].years] == [(2024, None)]
    assert f'data-unit="{tier.cumgar.pk}"' in old.content.decode()  # and back


def test_a_code_held_only_in_the_past_opens_its_last_holder(personas, merged, client_for):
    tier, _ = merged
    # Quảng Phú's code 24259 went to no new unit: the page shows the old commune.
    response = client_for(tier.admin).get(history_url("24259"))
    assert response.context["unit"] == personas.quangphu
    assert response.context["other_holders"] == []


@pytest.mark.parametrize(
    ("user", "status"),
    [("laichau_admin", 404), ("namnhun_staff", 404), ("eakpam_staff", 200)],
)
def test_who_may_open_the_reused_code(personas, merged, client_for, user, status):
    # Ea KPam's staff see their old commune (the only holder in their scope).
    response = client_for(getattr(personas, user)).get(history_url("24280"))
    assert response.status_code == status
    if status == 200:
        assert response.context["unit"] == personas.eakpam


def _count(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_history_and_trend_query_counts_do_not_grow_with_predecessor_years(
    personas, merged, client_for, django_assert_max_num_queries
):
    tier, _ = merged
    staff = client_for(tier.cumgar_staff)
    page_before, _r = _count(staff, history_url("24280"))
    dashboard_before, response = _count(staff, "/")
    trend = next(p for p in response.context["panels"] if p.template.endswith("_trend.html"))
    assert [y.year for y in trend.context["history"].years] == [2024, 2024, 2025]
    # Four more years of predecessors' publications (each with other units ranked).
    p = personas
    for year in range(2019, 2023):
        others = {UnitFactory(level=Level.COMMUNE, parent=p.cumgar): LOWER for _ in range(3)}
        publish(p.daklak, year, p.admin, {p.eakpam: FULL, p.quangphu: LOWER, **others})
    page_after, response = _count(staff, history_url("24280"))
    assert len(response.context["history"].years) == 3 + 4 * 2
    dashboard_after, _r = _count(staff, "/")
    assert (page_after, dashboard_after) == (page_before, dashboard_before)
    with django_assert_max_num_queries(6):
        staff.get(history_url("24280"))


def test_the_dashboard_trend_labels_the_predecessors(personas, merged, client_for):
    tier, _ = merged
    response = client_for(tier.cumgar_staff).get("/")
    panels = {p.template: p for p in response.context["panels"]}
    own = panels["scoring/_dashboard_unit.html"].context
    assert (own["year"], own["row"].rank, own["change"]) == (2025, 2, "mới")
    labels = [
        label for label, _value in panels["scoring/_dashboard_trend.html"].context["chart"].rows
    ]
    assert labels == [
        "2024, Thị trấn Quảng Phú (hạng 2/2)",
        "2024, Xã Ea KPam (hạng 1/2)",
        "2025 (hạng 2/2)",
    ]


def test_the_labels_are_translated(personas, merged, client_for):
    tier, _ = merged
    client = client_for(tier.admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(history_url("24280")).content.decode()
    assert "before 01/07/2025: Xã Ea KPam" in html
    assert "Code 24280 is also the code of:" in html and "valid from 01/07/2025" in html
