"""A recommendation given to a person (issue 17, item 1): a user of the unit who can open it,
told by notification with the unit's staff, shown on the tracker and the pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections import services
from notifications import kinds
from notifications.models import Notification
from tests.factories import UserFactory
from tests.inspections.factories import DUE, fill, make_inspection
from units.choices import Role

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _told(kind):
    return sorted(
        Notification.objects.filter(kind=kind.name).values_list("recipient__username", flat=True)
    )


def test_the_person_is_told_at_conclusion_even_from_the_district_above(personas):
    """A district official answering for a commune's recommendation is not the commune's staff:
    the unit's staff and the person are told, once each."""
    inspection = make_inspection(personas)
    fill(inspection, recommendations=0)
    services.recommendation_add(
        inspection=inspection,
        text="Niêm yết TTHC tại xã",
        responsible_unit=personas.eakpam,
        responsible_person=personas.cumgar_staff,
        due_on=DUE,
    )
    services.inspection_conclude(inspection=inspection, by=personas.inspector)
    assert _told(kinds.RECOMMENDATION_NEW) == sorted(
        [personas.eakpam_staff.username, personas.cumgar_staff.username]
    )


@pytest.mark.parametrize("who", ["namnhun_staff", "inspector", "eakpam_staff"])
def test_a_person_who_could_not_open_it_is_refused(personas, who):
    """Another district's staff, a provincial role, or a commune's staff for the district's
    own recommendation (they cannot see the district's records)."""
    inspection = make_inspection(personas)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_add(
            inspection=inspection,
            text="Công khai TTHC",
            responsible_unit=personas.cumgar,
            responsible_person=getattr(personas, who),
            due_on=DUE,
        )
    assert "responsible_person" in exc.value.error_dict
    assert not inspection.recommendations.exists()


def test_the_form_offers_the_units_people_and_the_pages_show_the_person(personas, client_for):
    inspection = make_inspection(personas)
    outsider = UserFactory(unit=personas.namnhun, role=Role.UNIT_STAFF)
    client = client_for(personas.inspector)
    page = client.get(inspection.get_absolute_url())
    people = set(page.context["recommendation_form"].fields["responsible_person"].queryset)
    assert {personas.cumgar_staff, personas.eakpam_staff} <= people
    assert outsider not in people and personas.inspector not in people
    url = reverse("inspections:recommendation_add", args=[inspection.pk])
    response = client.post(
        url,
        {
            "text": "Số hóa kết quả giải quyết TTHC",
            "responsible_unit": personas.cumgar.pk,
            "responsible_person": personas.cumgar_staff.pk,
            "due_on": "2019-10-31",
        },
        **HTMX,
    )
    name = personas.cumgar_staff.get_full_name()
    assert name in response.content.decode()
    rec = inspection.recommendations.get()
    assert rec.responsible_person == personas.cumgar_staff
    tracker = client.get(reverse("inspections:recommendation_list")).content.decode()
    assert name in tracker
    assert name in client.get(rec.get_absolute_url()).content.decode()


def test_a_new_limitation_reaches_the_recommendation_form_without_reload(personas, client_for):
    """The findings' htmx answer carries the recommendations section out of band, so its
    "Tồn tại liên quan" list offers the limitation just added."""
    inspection = make_inspection(personas)
    url = reverse("inspections:finding_add", args=[inspection.pk])
    response = client_for(personas.inspector).post(
        url, {"kind": "limitation", "text": "Chưa niêm yết đủ TTHC"}, **HTMX
    )
    html = response.content.decode()
    oob = html[html.index('<section id="recommendations"') :]
    assert 'hx-swap-oob="true"' in oob[:120]
    finding = inspection.findings.get()
    assert f'<option value="{finding.pk}">Chưa niêm yết đủ TTHC</option>' in oob
