"""Lost updates and one-click accidents (issue 17, item 5): plan, team and inspection edits
carry the version the user loaded and a stale save is refused with both values; irreversible
actions (conclude, verify, close, delete a finding) ask first and change nothing on GET."""

import re

import pytest
from django.urls import reverse

from cchc_portal import versioning
from inspections import services
from inspections.choices import InspectionState, RecommendationState
from inspections.models import Finding, Inspection, InspectionPlan, InspectionTeam
from tests.inspections.factories import (
    D,
    concluded,
    fill,
    make_inspection,
    make_plan,
    make_team,
    member_rows,
    target_rows,
)

pytestmark = pytest.mark.django_db


def _plan_post(plan, **changes):
    data = {
        "version": plan.version,
        "number": plan.number,
        "issued_on": "2019-03-01",
        "issuer": plan.issuer_id,
        "issuer_name": plan.issuer_name,
        "year": plan.year,
        "title": plan.title,
        "period_start": "2018-01-01",
        "period_end": "2019-06-30",
        "contents": "Công khai TTHC\nỨng dụng CNTT",
        **target_rows((plan.targets.get().unit, "27/09/2019"), initial=1, extra=3),
    }
    data.update(changes)
    return data


class TestStalePlanEdit:
    def test_second_save_on_an_old_version_is_refused_with_both_titles(self, personas, client_for):
        plan = make_plan(personas, title="Kiểm tra CCHC 2019")
        url = reverse("inspections:plan_edit", args=[plan.pk])
        loaded = _plan_post(plan)  # both opened the form on the same version
        first = client_for(personas.inspector)
        ok = first.post(url, {**loaded, "title": "Kiểm tra CCHC năm 2019 (bổ sung)"})
        assert ok.status_code == 302
        second = client_for(personas.admin)
        stale = second.post(url, {**loaded, "title": "Kế hoạch kiểm tra 2019", "year": 2020})
        html = stale.content.decode()
        assert stale.status_code == 200
        # Both values of each field the two disagree on, and who saved in between.
        assert "Kiểm tra CCHC năm 2019 (bổ sung)" in html
        assert "Kế hoạch kiểm tra 2019" in html
        assert personas.inspector.get_full_name() in html
        assert "Năm — hiện tại: “2019”; bạn nhập: “2020”." in html
        plan.refresh_from_db()
        assert plan.title == "Kiểm tra CCHC năm 2019 (bổ sung)" and plan.year == 2019
        assert plan.updated_by == personas.inspector
        # The form now carries the stored version: saving again is a deliberate overwrite.
        assert f'name="version" value="{plan.version}"' in html
        again = second.post(url, {**loaded, "version": plan.version, "title": "Kế hoạch 2019"})
        assert again.status_code == 302
        plan.refresh_from_db()
        assert plan.title == "Kế hoạch 2019"

    def test_a_refused_stale_save_changes_no_target_or_content(self, personas, client_for):
        plan = make_plan(personas)
        url = reverse("inspections:plan_edit", args=[plan.pk])
        loaded = _plan_post(plan)
        client = client_for(personas.inspector)
        assert client.post(url, loaded).status_code == 302
        cleared = target_rows(("", ""), initial=1)
        stale = client.post(url, {**loaded, "contents": "Chỉ một nội dung", **cleared})
        html = stale.content.decode()
        assert "Nội dung kiểm tra — hiện tại" in html
        # The targets are compared too, both values shown.
        assert (
            "Đơn vị được kiểm tra — hiện tại: “Huyện Cư M&#x27;gar 27/09/2019”; bạn nhập: “—”."
            in html
        )
        assert [c.text for c in plan.contents.all()] == ["Công khai TTHC", "Ứng dụng CNTT"]
        assert plan.targets.count() == 1

    def test_the_edit_form_carries_the_version(self, personas, client_for):
        plan = make_plan(personas)
        InspectionPlan.objects.filter(pk=plan.pk).update(version=7)
        html = client_for(personas.inspector).get(reverse("inspections:plan_edit", args=[plan.pk]))
        assert 'name="version" value="7"' in html.content.decode()


def test_stale_team_save_shows_both_member_lists(personas, client_for):
    team = make_team(personas)
    url = reverse("inspections:team_edit", args=[team.pk])
    loaded = {"version": team.version, "name": "Đoàn 1798", "unit": personas.daklak.pk}
    head = {"role": "head", "name": "Nguyễn Văn Trưởng", "position": "Phó Giám đốc Sở Nội vụ"}
    client = client_for(personas.inspector)
    rows = member_rows(head, {}, initial=2)  # the team had two members: the second is cleared
    response = client.post(url, {**loaded, "name": "Đoàn 1798 (kiện toàn)", **rows})
    assert response.status_code == 302
    rows = member_rows({"role": "head", "name": "Lê Văn Mới"}, {}, initial=2)
    stale = client.post(url, {**loaded, **rows})
    html = stale.content.decode()
    assert "Tên đoàn — hiện tại: “Đoàn 1798 (kiện toàn)”; bạn nhập: “Đoàn 1798”." in html
    assert "Trưởng đoàn | Lê Văn Mới" in html
    head_now = InspectionTeam.objects.get().head
    assert head_now is not None and head_now.name == "Nguyễn Văn Trưởng"


def test_stale_inspection_save_is_refused(personas, client_for):
    inspection = make_inspection(personas)
    url = reverse("inspections:inspection_edit", args=[inspection.pk])
    loaded = {
        "version": inspection.version,
        "plan": inspection.plan_id,
        "team": inspection.team_id,
        "unit": personas.cumgar.pk,
        "kind": "cchc",
        "scheduled_on": "2019-09-27",
        "held_on": "2019-09-27",
    }
    client = client_for(personas.inspector)
    assert client.post(url, {**loaded, "held_on": "2019-09-28"}).status_code == 302
    stale = client.post(url, {**loaded, "representatives": "Ông A, Chủ tịch UBND"})
    html = stale.content.decode()
    assert "Ngày kiểm tra thực tế — hiện tại: “28/09/2019”; bạn nhập: “27/09/2019”." in html
    inspection.refresh_from_db()
    assert inspection.held_on == D(2019, 9, 28) and inspection.representatives == ""


def test_services_without_a_version_do_not_check(personas):
    """Commands and the demo save without a form: no version, no refusal, still counted."""
    plan = make_plan(personas)
    assert plan.version == 1
    again = make_plan(personas, plan=plan, title="Đổi tên")
    assert again.version == 2 and again.title == "Đổi tên"


def test_stale_edit_message_quotes_dates_and_lists():
    assert versioning.show(D(2019, 9, 27)) == "27/09/2019"
    assert versioning.show(["A", "B"]) == "A; B"
    assert versioning.show("") == "—"


class TestConclusionConfirmation:
    def test_get_shows_what_will_happen_and_changes_nothing(self, personas, client_for):
        inspection = make_inspection(personas)
        fill(inspection)
        url = reverse("inspections:inspection_conclude", args=[inspection.pk])
        response = client_for(personas.inspector).get(url, {"notice_number": "12/TB-SNV"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Xác nhận kết luận kiểm tra" in html
        assert "12/TB-SNV" in html and "Huyện Cư M&#x27;gar" in html
        assert 'id="confirm-button"' in html
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.IN_PROGRESS

    def test_get_lists_what_stands_in_the_way_without_a_button(self, personas, client_for):
        inspection = make_inspection(personas, held_on=None)
        url = reverse("inspections:inspection_conclude", args=[inspection.pk])
        html = client_for(personas.inspector).get(url).content.decode()
        assert str(services.HELD_ON_REQUIRED) in html
        assert "Chưa có kết quả cho 2 nội dung kiểm tra" in html
        assert 'id="confirm-button"' not in html

    def test_the_page_asks_before_concluding(self, personas, client_for):
        inspection = make_inspection(personas)
        html = client_for(personas.inspector).get(inspection.get_absolute_url()).content.decode()
        assert re.search(r'<form method="get" [^>]*id="conclude-form"', html)

    @pytest.mark.parametrize(
        "who,expected", [("cumgar_staff", 403), ("laichau_admin", 404), ("inspector", 200)]
    )
    def test_confirmation_access(self, personas, client_for, who, expected):
        inspection = make_inspection(personas)
        url = reverse("inspections:inspection_conclude", args=[inspection.pk])
        assert client_for(getattr(personas, who)).get(url).status_code == expected


class TestVerifyConfirmation:
    def _reported(self, personas):
        rec = concluded(personas).recommendations.get()
        services.remediation_report(
            recommendation=rec, by=personas.cumgar_staff, text="Đã niêm yết đủ 120 TTHC"
        )
        return rec

    def test_get_shows_the_report_and_the_note_and_changes_nothing(self, personas, client_for):
        rec = self._reported(personas)
        url = reverse("inspections:recommendation_verify", args=[rec.pk])
        html = client_for(personas.inspector).get(url, {"note": "Đạt yêu cầu"}).content.decode()
        assert "Đã niêm yết đủ 120 TTHC" in html and "Đạt yêu cầu" in html
        assert 'name="note" value="Đạt yêu cầu"' in html
        rec.refresh_from_db()
        assert rec.state == RecommendationState.REPORTED

    def test_confirming_verifies(self, personas, client_for):
        rec = self._reported(personas)
        url = reverse("inspections:recommendation_verify", args=[rec.pk])
        assert client_for(personas.inspector).post(url, {"note": "Đạt"}).status_code == 302
        rec.refresh_from_db()
        assert rec.state == RecommendationState.VERIFIED

    def test_nothing_to_verify_has_no_button(self, personas, client_for):
        rec = concluded(personas).recommendations.get()
        url = reverse("inspections:recommendation_verify", args=[rec.pk])
        html = client_for(personas.inspector).get(url).content.decode()
        assert str(services.NOT_REPORTED) in html and 'id="confirm-button"' not in html

    @pytest.mark.parametrize("who,expected", [("cumgar_staff", 403), ("laichau_admin", 404)])
    def test_confirmation_access(self, personas, client_for, who, expected):
        rec = self._reported(personas)
        url = reverse("inspections:recommendation_verify", args=[rec.pk])
        assert client_for(getattr(personas, who)).get(url).status_code == expected


def test_close_asks_first(personas, client_for):
    inspection = concluded(personas)
    rec = inspection.recommendations.get()
    services.remediation_report(recommendation=rec, by=personas.cumgar_staff, text="Xong")
    services.recommendation_verify(recommendation=rec, by=personas.inspector)
    url = reverse("inspections:inspection_close", args=[inspection.pk])
    client = client_for(personas.inspector)
    assert 'id="confirm-button"' in client.get(url).content.decode()
    assert Inspection.objects.get(pk=inspection.pk).state == InspectionState.CONCLUDED
    assert client.post(url).status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).state == InspectionState.CLOSED


def test_deleting_a_finding_asks_first_without_javascript(personas, client_for):
    inspection = make_inspection(personas)
    finding = services.finding_add(inspection=inspection, kind="strength", text="Niêm yết đủ")
    url = reverse("inspections:finding_delete", args=[inspection.pk, finding.pk])
    client = client_for(personas.inspector)
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page and "hx-confirm" in page
    html = client.get(url).content.decode()
    assert "Niêm yết đủ" in html and 'id="confirm-button"' in html
    assert Finding.objects.filter(pk=finding.pk).exists()
    client.post(url)
    assert not Finding.objects.filter(pk=finding.pk).exists()


class TestRemediationSeenByBothSides:
    """Issue 17, item 4: after a send-back both dashboards say "Bị trả lại", a report waits
    as "chờ xác nhận", and each count links to the tracker filtered to it."""

    def test_each_status_on_both_dashboards(self, personas, client_for):
        rec = concluded(personas).recommendations.get()
        staff, inspector = personas.cumgar_staff, personas.inspector

        def figures(user):
            html = client_for(user).get("/").content.decode()
            return {
                name: re.search(rf'data-figure="{name}"[^>]*>(\d+)<', html).group(1)
                for name in ("not-reported", "reported", "sent-back", "overdue")
            }

        # Concluded, nothing reported, due 31/10/2019: long overdue.
        expected = {"not-reported": "1", "reported": "0", "sent-back": "0", "overdue": "1"}
        assert figures(staff) == figures(inspector) == expected
        services.remediation_report(recommendation=rec, by=staff, text="Đã niêm yết")
        expected = {"not-reported": "0", "reported": "1", "sent-back": "0", "overdue": "1"}
        assert figures(staff) == figures(inspector) == expected
        services.recommendation_send_back(recommendation=rec, by=inspector, note="Thiếu ảnh")
        expected = {"not-reported": "0", "reported": "0", "sent-back": "1", "overdue": "1"}
        assert figures(staff) == figures(inspector) == expected
        html = client_for(staff).get("/").content.decode()
        assert "Bị trả lại" in html and "Báo cáo lại" in html
        services.remediation_report(recommendation=rec, by=staff, text="Bổ sung ảnh")
        services.recommendation_verify(recommendation=rec, by=inspector)
        expected = {"not-reported": "0", "reported": "0", "sent-back": "0", "overdue": "0"}
        assert figures(staff) == figures(inspector) == expected

    def test_the_tracker_filters_sent_back(self, personas, client_for):
        rec = concluded(personas).recommendations.get()
        services.remediation_report(recommendation=rec, by=personas.cumgar_staff, text="x")
        services.recommendation_send_back(recommendation=rec, by=personas.inspector, note="y")
        client = client_for(personas.cumgar_staff)
        url = reverse("inspections:recommendation_list")
        assert client.get(url, {"state": "sent_back"}).context["table"].paginator.count == 1
        assert client.get(url, {"state": "open"}).context["table"].paginator.count == 0
        # Overdue stands out on the recommendation's page too.
        html = client.get(rec.get_absolute_url()).content.decode()
        assert "rec-overdue" in html and "Bị trả lại" in html


@pytest.mark.parametrize("name", ["team_edit", "inspection_edit"])
def test_the_version_travels_hidden_without_a_label(personas, client_for, name):
    obj = make_team(personas) if name == "team_edit" else make_inspection(personas)
    html = client_for(personas.inspector).get(reverse(f"inspections:{name}", args=[obj.pk]))
    page = html.content.decode()
    assert f'type="hidden" name="version" value="{obj.version}"' in page
    assert 'for="id_version"' not in page  # no stray "Phiên bản" label above the form
