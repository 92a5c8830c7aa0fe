"""Plan targets as a formset (issue 17): each row a unit chosen with the picker, its planned
date and body. A unit is the one that exists on its row's date (codes were reused after
1 July 2025), chosen among the units the editor sees; errors name the row and the field, and
a refused form saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inspections import forms
from inspections.models import InspectionPlan
from tests.factories import UnitFactory
from tests.inspections.factories import make_plan, target_rows
from tests.scoring.factories import two_tier
from units.choices import Level
from units.widgets import ERR_UNIT_NOT_OFFERED

pytestmark = pytest.mark.django_db


def post_plan(client, issuer, *rows, url=None, extra=2, **changes):
    data = {
        "number": "12/KH-UBND",
        "issued_on": "2024-01-15",
        "issuer": issuer.pk,
        "year": 2024,
        "title": "Kiểm tra công tác CCHC",
        "period_start": "2024-01-01",
        "period_end": "2026-12-31",
        "contents": "Niêm yết TTHC",
        **target_rows(*rows, extra=extra),
        **changes,
    }
    return client.post(url or reverse("inspections:plan_create"), data)


def test_targets_are_saved_from_the_rows_and_empty_rows_are_ignored(personas, client_for):
    tier = two_tier(personas)
    response = post_plan(
        client_for(tier.admin),
        tier.daklak,
        (personas.eakpam, "10/09/2024"),
        (tier.cumgar, "10/09/2026", "Bộ phận một cửa"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    targets = [
        (t.unit, t.body, t.scheduled_on.isoformat())
        for t in InspectionPlan.objects.get().targets.order_by("scheduled_on")
    ]
    assert targets == [
        (personas.eakpam, "", "2024-09-10"),
        (tier.cumgar, "Bộ phận một cửa", "2026-09-10"),
    ]


def test_a_unit_not_existing_on_its_date_is_refused_naming_the_row(personas, client_for):
    tier = two_tier(personas)
    # Xã Ea KPam ended on 30/06/2025: it cannot be visited in 2026 (its code now names the
    # new Xã Cư M'gar).
    response = post_plan(
        client_for(tier.admin),
        tier.daklak,
        (tier.cumgar, "10/09/2026"),
        (personas.eakpam, "10/09/2026"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Đơn vị được kiểm tra, dòng 2 — Đơn vị: Xã Ea KPam không có hiệu lực vào ngày 10/09/2026."
        in html
    )
    assert "dòng 1" not in html
    assert not InspectionPlan.objects.exists()


def test_a_unit_outside_the_scope_posted_by_hand_is_a_field_error(personas, client_for):
    foreign = UnitFactory(
        code="03550", name="Xã Nậm Ban", level=Level.COMMUNE, parent=personas.namnhun
    )
    response = post_plan(
        client_for(personas.inspector),
        personas.daklak,
        (personas.cumgar, "10/09/2024"),
        (foreign, "10/09/2024"),
    )
    html = response.content.decode()
    assert f"Đơn vị được kiểm tra, dòng 2 — Đơn vị: {ERR_UNIT_NOT_OFFERED}" in html
    assert "Xã Nậm Ban" not in html  # neither offered nor echoed
    assert not InspectionPlan.objects.exists()


def test_half_filled_rows_name_the_missing_field(personas, client_for):
    response = post_plan(
        client_for(personas.inspector),
        personas.daklak,
        (personas.cumgar, "10/09/2024"),
        (personas.eakpam, ""),
        ("", "11/09/2024", "Văn phòng"),
        (personas.quangphu, "31/02/2024"),
    )
    html = response.content.decode()
    assert f"dòng 2 — Ngày dự kiến: {forms.TARGET_WITHOUT_DATE}" in html
    assert f"dòng 3 — Đơn vị: {forms.TARGET_WITHOUT_UNIT}" in html
    assert "dòng 4 — Ngày dự kiến: Nhập ngày theo dạng ngày/tháng/năm" in html
    assert not InspectionPlan.objects.exists()


def test_the_edit_form_shows_the_targets_as_rows_and_clearing_a_row_removes_it(
    personas, client_for
):
    plan = make_plan(personas)  # Huyện Cư M'gar on 27/09/2019
    client = client_for(personas.inspector)
    url = reverse("inspections:plan_edit", args=[plan.pk])
    html = client.get(url).content.decode()
    assert 'name="targets-0-scheduled_on" value="27/09/2019"' in html
    assert f'<option value="{personas.cumgar.pk}" data-search="huyen cu mgar 648" selected>' in html
    assert 'name="targets-TOTAL_FORMS" value="4"' in html  # one row and three spare ones
    data = {
        "version": plan.version,
        "number": plan.number,
        "issuer": plan.issuer_id,
        "year": plan.year,
        "title": plan.title,
        "period_start": "01/01/2018",
        "period_end": "30/06/2019",
        "contents": "Công khai TTHC",
    }
    rows = target_rows(("", ""), (personas.stp, "01/10/2019"), initial=1)
    assert client.post(url, {**data, **rows}).status_code == 302
    assert [(t.unit, t.scheduled_on.isoformat()) for t in plan.targets.all()] == [
        (personas.stp, "2019-10-01")
    ]


def test_the_form_page_reads_the_units_once_for_all_rows(
    personas, client_for, django_assert_max_num_queries
):
    plan = make_plan(personas)
    client = client_for(personas.inspector)
    url = reverse("inspections:plan_edit", args=[plan.pk])
    client.get(url)  # warm the session and the user
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    make_plan(
        personas,
        plan=plan,
        targets=[
            forms.TargetData(unit=u, scheduled_on=plan.period_start)
            for u in (personas.cumgar, personas.eakpam, personas.quangphu, personas.stp)
        ],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)  # four rows more, no query more
