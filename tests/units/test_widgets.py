"""The searchable unit picker (units.widgets): the units each role may choose, grouped by
level with today's units first and the pre-2025 tree as history, options carrying their
folded name and code for the filter script; a unit outside the scope posted by hand is a
field error."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from inspections.models import Inspection
from tests.inspections.factories import make_inspection, make_plan, make_team
from tests.scoring.factories import two_tier
from units.models import AdministrativeUnit
from units.widgets import ERR_UNIT_NOT_OFFERED, UnitChoiceField, fold

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Xã Cư M’gar", "xa cu mgar"),
        ("Huyện Cư M'gar", "huyen cu mgar"),
        ("Tỉnh Đắk Lắk", "tinh dak lak"),
        ("Thị trấn  Quảng Phú", "thi tran quang phu"),
    ],
)
def test_fold_drops_accents_case_and_punctuation(name, folded):
    assert fold(name) == folded


def _offered(html: str) -> set[str]:
    """Names of the units offered by the unit filter of a list page."""
    select = re.search(r'<select name="unit"[^>]*data-unit-picker[^>]*>(.*?)</select>', html, re.S)
    assert select, "no unit picker on the page"
    return set(re.findall(r"<option value=\"\d+\"[^>]*>([^<]+) \(", select.group(1)))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "inspector",
            {
                "Tỉnh Đắk Lắk",
                "Huyện Cư M'gar",
                "Xã Ea KPam",
                "Thị trấn Quảng Phú",
                "Sở Tư pháp",
            },
        ),
        ("cumgar_staff", {"Huyện Cư M'gar", "Xã Ea KPam", "Thị trấn Quảng Phú"}),
        ("eakpam_staff", {"Xã Ea KPam"}),
        ("namnhun_staff", {"Huyện Nậm Nhùn"}),
        ("stp_staff", {"Sở Tư pháp"}),
    ],
)
def test_each_role_is_offered_the_units_of_its_scope(personas, client_for, persona, expected):
    user = getattr(personas, persona)
    html = client_for(user).get(reverse("inspections:inspection_list")).content.decode()
    names = {n.replace("&#x27;", "'") for n in _offered(html)}
    assert names == expected


def test_options_carry_folded_name_and_code(personas, client_for):
    response = client_for(personas.inspector).get(reverse("inspections:inspection_list"))
    option = f'<option value="{personas.cumgar.pk}" data-search="huyen cu mgar 648">'
    assert option in response.content.decode()


def test_current_units_come_first_grouped_by_level_then_history(personas):
    tier = two_tier(personas)  # the old tree ends on 30/06/2025; the new Xã Cư M'gar begins
    field = UnitChoiceField(AdministrativeUnit.objects.visible_to(tier.admin))
    html = field.widget.render("unit", None)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    labels = [label for label, _options in groups]
    assert labels == [
        "Tỉnh",
        "Sở, ban, ngành",
        "Xã, phường",
        "Lịch sử: tỉnh đã sáp nhập",
        "Lịch sử: huyện (đến 30/06/2025)",
        "Lịch sử: xã, phường cũ",
    ]
    members = {label: re.findall(r">([^<]+)</option>", options) for label, options in groups}
    assert members["Xã, phường"] == ["Xã Cư M&#x27;gar (24280)"]
    assert members["Lịch sử: huyện (đến 30/06/2025)"] == ["Huyện Cư M&#x27;gar (648)"]
    assert members["Lịch sử: xã, phường cũ"] == [
        "Thị trấn Quảng Phú (24259)",
        "Xã Ea KPam (24280)",
    ]
    assert html.index("Xã Cư M&#x27;gar") < html.index("Xã Ea KPam")


def test_the_unit_filter_counts_the_unit_and_the_units_below_it(personas, client_for):
    make_inspection(personas)  # at Huyện Cư M'gar
    client = client_for(personas.inspector)
    url = reverse("inspections:inspection_list")
    for unit, count in ((personas.daklak, 1), (personas.cumgar, 1), (personas.eakpam, 0)):
        response = client.get(url, {"unit": unit.pk})
        assert response.context["table"].paginator.count == count, unit


def test_a_unit_outside_the_scope_in_a_filter_is_refused(personas, client_for):
    make_inspection(personas)
    html = client_for(personas.namnhun_staff).get(
        reverse("inspections:inspection_list"), {"unit": personas.cumgar.pk}
    )
    assert str(ERR_UNIT_NOT_OFFERED) in html.content.decode()
    assert html.context["table"].paginator.count == 0


def test_a_unit_outside_the_scope_posted_for_an_inspection_is_a_field_error(personas, client_for):
    plan = make_plan(personas)
    team = make_team(personas)
    response = client_for(personas.inspector).post(
        reverse("inspections:inspection_create"),
        {
            "plan": plan.pk,
            "team": team.pk,
            "unit": personas.namnhun.pk,
            "kind": "cchc",
            "scheduled_on": "2019-09-27",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == [str(ERR_UNIT_NOT_OFFERED)]
    assert not Inspection.objects.exists()


def test_the_tracker_filters_by_the_responsible_unit_and_below(personas, client_for):
    from tests.inspections.factories import fill

    fill(make_inspection(personas), recommendations=2)  # both for Huyện Cư M'gar
    client = client_for(personas.inspector)
    url = reverse("inspections:recommendation_list")
    for unit, count in ((personas.daklak, 2), (personas.cumgar, 2), (personas.stp, 0)):
        response = client.get(url, {"unit": unit.pk})
        assert response.context["table"].paginator.count == count, unit


@pytest.mark.parametrize("url_name", ["procedures:stats", "procedures:dossier_list"])
def test_the_procedures_filters_use_the_picker_within_the_scope(personas, client_for, url_name):
    url = reverse(url_name)
    html = client_for(personas.namnhun_staff).get(url).content.decode()
    assert _offered(html) == {"Huyện Nậm Nhùn"}
    refused = client_for(personas.namnhun_staff).get(url, {"unit": personas.cumgar.pk})
    assert str(ERR_UNIT_NOT_OFFERED) in refused.content.decode()
