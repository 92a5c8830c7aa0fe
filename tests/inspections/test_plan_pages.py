"""Plans as a person uses them (issue 17, item 2): a list with links, numbers, dates and
progress; an inspection created from a plan's target; the month calendar."""

import re

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Inspection
from tests.inspections.factories import D, make_inspection, make_plan, make_team

pytestmark = pytest.mark.django_db


def test_plan_list_links_number_and_title_and_shows_the_year_whole(personas, client_for):
    plan = make_plan(personas, title="Kiểm tra CCHC năm 2019")
    html = client_for(personas.inspector).get(reverse("inspections:plan_list")).content.decode()
    url = plan.get_absolute_url()
    assert f'<a href="{url}">{plan.number}</a>' in html
    assert f'<a href="{url}">Kiểm tra CCHC năm 2019</a>' in html
    assert "<td >2019</td>" in html or ">2019</td>" in html
    assert "2.019" not in html
    assert "01/03/2019" in html and "0/1 = 0 %" in html


class TestInspectionFromPlan:
    def _plan(self, personas):
        return make_plan(
            personas,
            targets=[
                services.TargetData(unit=personas.cumgar, scheduled_on=D(2019, 9, 27)),
                services.TargetData(
                    unit=personas.eakpam, scheduled_on=D(2019, 9, 30), body="Bộ phận một cửa"
                ),
            ],
        )

    def test_the_plan_page_offers_each_target_with_its_body(self, personas, client_for):
        plan = self._plan(personas)
        html = client_for(personas.inspector).get(plan.get_absolute_url()).content.decode()
        assert "Bộ phận một cửa" in html
        assert html.count('class="btn btn-sm btn-outline-primary text-nowrap target-create"') == 2

    def test_the_form_offers_only_the_targets_and_prefills_the_date(self, personas, client_for):
        plan = self._plan(personas)
        target = plan.targets.get(unit=personas.eakpam)
        url = reverse("inspections:inspection_create")
        response = client_for(personas.inspector).get(url, {"plan": plan.pk, "target": target.pk})
        form = response.context["form"]
        units = set(form.fields["unit"].queryset)
        assert units == {personas.cumgar, personas.eakpam}  # not the ~200 units of the province
        assert list(form.fields["plan"].queryset) == [plan]
        html = response.content.decode()
        assert 'name="scheduled_on" value="30/09/2019"' in html  # dd/mm/yyyy in any browser
        assert 'value="Bộ phận một cửa"' in html
        assert re.search(
            rf'<option value="{personas.eakpam.pk}" data-search="xa ea kpam 24280" selected>', html
        )

    def test_posting_from_the_plan_creates_the_inspection_and_marks_the_target(
        self, personas, client_for
    ):
        plan = self._plan(personas)
        team = make_team(personas)
        target = plan.targets.get(unit=personas.cumgar)
        client = client_for(personas.inspector)
        url = reverse("inspections:inspection_create") + f"?plan={plan.pk}&target={target.pk}"
        data = {
            "plan": plan.pk,
            "team": team.pk,
            "unit": personas.cumgar.pk,
            "kind": "cchc",
            "scheduled_on": "2019-09-27",
        }
        assert client.post(url, data).status_code == 302
        inspection = Inspection.objects.get()
        html = client.get(plan.get_absolute_url()).content.decode()
        assert f'href="{inspection.get_absolute_url()}"' in html
        assert html.count("target-create") == 1  # only Ea KPam's is left to create

    def test_a_unit_outside_the_plan_is_refused(self, personas, client_for):
        plan = make_plan(personas)  # Cư M'gar only
        team = make_team(personas)
        url = reverse("inspections:inspection_create") + f"?plan={plan.pk}"
        response = client_for(personas.inspector).post(
            url,
            {
                "plan": plan.pk,
                "team": team.pk,
                "unit": personas.eakpam.pk,
                "kind": "cchc",
                "scheduled_on": "2019-09-27",
            },
        )
        assert response.status_code == 200 and response.context["form"].errors["unit"]
        assert not Inspection.objects.exists()

    @pytest.mark.parametrize("query", ["plan=abc", "plan=1&target=x", "plan=" + "9" * 40])
    def test_bad_ids_are_404(self, personas, client_for, query):
        url = reverse("inspections:inspection_create") + "?" + query
        assert client_for(personas.inspector).get(url).status_code == 404

    def test_another_plans_target_is_404(self, personas, client_for):
        plan, other = make_plan(personas), make_plan(personas)
        url = reverse("inspections:inspection_create")
        query = {"plan": plan.pk, "target": other.targets.get().pk}
        assert client_for(personas.inspector).get(url, query).status_code == 404


class TestCalendar:
    URL = "/inspections/calendar/"

    def test_held_planned_and_targets_in_their_days(self, personas, client_for):
        plan = make_plan(
            personas,
            targets=[
                services.TargetData(unit=personas.cumgar, scheduled_on=D(2019, 9, 27)),
                services.TargetData(unit=personas.eakpam, scheduled_on=D(2019, 9, 12)),
            ],
        )
        held = make_inspection(personas, plan=plan)  # Cư M'gar, held 27/09/2019
        client = client_for(personas.inspector)
        response = client.get(self.URL, {"month": "2019-09"})
        cal = response.context["cal"]
        by_day = {day: [e.label for e in entries] for day, entries in cal.days_with_entries}
        assert by_day == {D(2019, 9, 12): ["Xã Ea KPam"], D(2019, 9, 27): ["Huyện Cư M'gar"]}
        html = response.content.decode()
        assert f'href="{held.get_absolute_url()}"' in html
        assert "calendar-held" in html and "calendar-planned" in html
        assert "Lịch kiểm tra tháng 09/2019" in html
        assert cal.weeks[0][0][0] == D(2019, 8, 26)  # Monday first
        assert client.get(self.URL, {"month": "2019-10"}).context["cal"].count == 0

    @pytest.mark.parametrize("n", [1, 4])
    def test_fixed_queries(self, personas, client_for, django_assert_num_queries, n):
        plan = make_plan(personas)
        for _ in range(n):
            make_inspection(personas, plan=plan)
        client = client_for(personas.inspector)
        assert client.get(self.URL, {"month": "2019-09"}).context["cal"].count == n
        with django_assert_num_queries(5):  # session, user, their unit, inspections, targets
            client.get(self.URL, {"month": "2019-09"})

    def test_staff_see_their_units_inspections_only(self, personas, client_for):
        make_inspection(personas)
        staff = client_for(personas.namnhun_staff)
        assert staff.get(self.URL, {"month": "2019-09"}).context["cal"].count == 0
        own = client_for(personas.cumgar_staff)
        assert own.get(self.URL, {"month": "2019-09"}).context["cal"].count == 1

    @pytest.mark.parametrize("month", ["9999-12", "2019-13", "2019", "x-y", "1" * 40 + "-01"])
    def test_hostile_months_are_404(self, personas, client_for, month):
        response = client_for(personas.inspector).get(self.URL, {"month": month})
        assert response.status_code == 404


def test_calendar_and_new_inspection_never_500_on_hostile_parameters(personas, client_for):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = client_for(personas.inspector)
    values = st.one_of(
        st.text(max_size=30),
        st.sampled_from(["9999-12", "0000-00", "2019-09-31", "-1", "9" * 40, "1e309", "٣-٣"]),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
    )

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(["month", "plan", "target", "page"]), values))
    def check(query):
        for url in ("/inspections/calendar/", reverse("inspections:inspection_create")):
            assert client.get(url, query).status_code in (200, 404), (url, query)

    check()


class TestStatisticsAfterThePage:
    """The dossier figures cost one aggregate over up to hundreds of thousands of dossiers:
    an open inspection's page loads them after itself; a concluded one shows the figures its
    notice froze, with no dossier query at all."""

    def test_open_inspection_defers_the_figures(self, personas, client_for):
        from tests.inspections.factories import make_dossiers

        inspection = make_inspection(personas)
        make_dossiers(personas.cumgar, [D(2018, 5, 2), D(2019, 1, 3)])
        client = client_for(personas.inspector)
        html = client.get(inspection.get_absolute_url()).content.decode()
        url = reverse("inspections:inspection_statistics", args=[inspection.pk])
        assert f'hx-get="{url}"' in html and f'href="{url}"' in html  # and without JavaScript
        section = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "Hồ sơ tiếp nhận trong kỳ" in section and "<html" not in section
        page = client.get(url).content.decode()
        assert "<html" in page and "Hồ sơ tiếp nhận trong kỳ" in page

    def test_concluded_inspection_shows_the_frozen_figures_without_counting(
        self, personas, client_for
    ):
        from tests.inspections.factories import concluded, make_dossiers

        make_dossiers(personas.cumgar, [D(2018, 5, 2), D(2019, 1, 3)])
        inspection = concluded(personas)
        frozen = inspection.report_snapshot["statistics"]
        assert frozen and frozen[1][0] == "Hồ sơ tiếp nhận trong kỳ"
        make_dossiers(personas.cumgar, [D(2018, 6, 1)], prefix="LATE")  # imported afterwards
        response = client_for(personas.inspector).get(inspection.get_absolute_url())
        assert response.context["statistics"] == [list(r) for r in frozen]
        assert "hx-get" not in response.content.decode().split('id="unit-statistics"')[1][:80]
