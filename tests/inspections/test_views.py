import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections import services
from inspections.choices import InspectionState, RecommendationState
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    Recommendation,
)
from tests.inspections.factories import (
    D,
    concluded,
    fill,
    make_dossiers,
    make_inspection,
    make_plan,
    make_team,
    member_rows,
    target_rows,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _status(client_for, user, url, method="get", **kw):
    client = client_for(user)
    return getattr(client, method)(url, **kw).status_code


class TestInspectionPageAccess:
    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("anonymous", 302),
            ("admin", 200),
            ("inspector", 200),
            ("cumgar_staff", 200),
            ("eakpam_staff", 404),
            ("namnhun_staff", 404),
        ],
    )
    def test_detail(self, personas, client_for, who, expected):
        inspection = make_inspection(personas)
        url = reverse("inspections:inspection_detail", args=[inspection.pk])
        assert _status(client_for, personas.all_users()[who], url) == expected

    def test_other_province_admin_gets_404(self, personas, client_for):
        inspection = make_inspection(personas)
        url = reverse("inspections:inspection_detail", args=[inspection.pk])
        assert _status(client_for, personas.laichau_admin, url) == 404

    def test_commune_staff_see_inspections_of_their_commune(self, personas, client_for):
        plan = make_plan(
            personas,
            targets=[services.TargetData(unit=personas.eakpam, scheduled_on=D(2019, 9, 27))],
        )
        inspection = make_inspection(personas, plan=plan, unit=personas.eakpam)
        url = reverse("inspections:inspection_detail", args=[inspection.pk])
        assert _status(client_for, personas.eakpam_staff, url) == 200
        assert _status(client_for, personas.cumgar_staff, url) == 200  # its district

    def test_page_shows_sections_and_placeholders(self, personas, client_for):
        inspection = make_inspection(personas)
        fill(inspection)
        page = client_for(personas.inspector).get(inspection.get_absolute_url())
        html = page.content.decode()
        for marker in ('id="checklist"', 'id="findings"', 'id="recommendations"', "Hạn chế số 1"):
            assert marker in html
        assert 'hx-post="' in html
        staff_html = client_for(personas.cumgar_staff).get(inspection.get_absolute_url())
        assert 'id="finding-form"' not in staff_html.content.decode()

    @pytest.mark.parametrize("n", [1, 12])
    def test_detail_query_count_is_fixed(
        self, personas, client_for, django_assert_max_num_queries, n
    ):
        inspection = make_inspection(personas)
        fill(inspection, findings=n, recommendations=n)
        client = client_for(personas.inspector)
        with django_assert_max_num_queries(30):
            assert client.get(inspection.get_absolute_url()).status_code == 200


class TestFindingsHtmx:
    def test_inspector_adds_a_finding_and_gets_the_section(self, personas, client_for):
        inspection = make_inspection(personas)
        url = reverse("inspections:finding_add", args=[inspection.pk])
        response = client_for(personas.inspector).post(
            url, {"kind": "limitation", "text": "Camera chưa đảm bảo"}, **HTMX
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert body.startswith('<section id="findings"') and "Camera chưa đảm bảo" in body
        assert Finding.objects.filter(inspection=inspection).count() == 1

    @pytest.mark.parametrize(
        ("who", "expected"),
        [("anonymous", 302), ("cumgar_staff", 403), ("eakpam_staff", 404), ("namnhun_staff", 404)],
    )
    def test_others_cannot_edit_findings(self, personas, client_for, who, expected):
        inspection = make_inspection(personas)
        url = reverse("inspections:finding_add", args=[inspection.pk])
        data = {"kind": "limitation", "text": "x"}
        assert _status(client_for, personas.all_users()[who], url, "post", data=data) == expected
        assert not Finding.objects.exists()

    def test_concluded_inspection_refuses_edits_until_reopened(self, personas, client_for):
        inspection = concluded(personas)
        client = client_for(personas.inspector)
        url = reverse("inspections:finding_add", args=[inspection.pk])
        response = client.post(url, {"kind": "strength", "text": "Sau kết luận"}, **HTMX)
        assert str(services.INSPECTION_NOT_EDITABLE) in response.content.decode()
        assert not Finding.objects.filter(text="Sau kết luận").exists()
        reopen = reverse("inspections:inspection_reopen", args=[inspection.pk])
        assert client.post(reopen, {"reason": "Bổ sung ưu điểm"}).status_code == 302
        client.post(url, {"kind": "strength", "text": "Sau kết luận"}, **HTMX)
        assert Finding.objects.filter(text="Sau kết luận").exists()
        page = client.get(inspection.get_absolute_url()).content.decode()
        assert "Bổ sung ưu điểm" in page  # the reopening is in the history

    def test_staff_cannot_reopen(self, personas, client_for):
        inspection = concluded(personas)
        reopen = reverse("inspections:inspection_reopen", args=[inspection.pk])
        data = {"reason": "x"}
        assert _status(client_for, personas.cumgar_staff, reopen, "post", data=data) == 403


class TestRecommendationsHtmx:
    def test_due_date_before_inspection_shows_error_and_saves_nothing(self, personas, client_for):
        inspection = make_inspection(personas)
        url = reverse("inspections:recommendation_add", args=[inspection.pk])
        response = client_for(personas.inspector).post(
            url,
            {"text": "Khắc phục", "responsible_unit": personas.cumgar.pk, "due_on": "2019-09-01"},
            **HTMX,
        )
        assert response.status_code == 200
        assert "01/09/2019" in response.content.decode()
        assert not Recommendation.objects.exists()

    def test_valid_recommendation_is_added(self, personas, client_for):
        inspection = make_inspection(personas)
        url = reverse("inspections:recommendation_add", args=[inspection.pk])
        client_for(personas.inspector).post(
            url,
            {"text": "Khắc phục", "responsible_unit": personas.eakpam.pk, "due_on": "2019-10-15"},
            **HTMX,
        )
        assert Recommendation.objects.get().responsible_unit == personas.eakpam


class TestChecklistAndConclusion:
    def test_conclude_with_unanswered_items_shows_error(self, personas, client_for):
        inspection = make_inspection(personas)
        services.finding_add(inspection=inspection, kind="strength", text="Tốt")
        client = client_for(personas.inspector)
        url = reverse("inspections:inspection_conclude", args=[inspection.pk])
        response = client.post(url, follow=True)
        assert "Chưa có kết quả cho 2 nội dung" in response.content.decode()
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.IN_PROGRESS

    def test_record_checklist_then_conclude(self, personas, client_for):
        inspection = make_inspection(personas)
        client = client_for(personas.inspector)
        for result in inspection.checklist.all():
            url = reverse("inspections:checklist_record", args=[inspection.pk, result.pk])
            response = client.post(url, {"outcome": "met", "note": "ok"}, **HTMX)
            assert response.status_code == 200
        url = reverse("inspections:inspection_conclude", args=[inspection.pk])
        client.post(url, {"notice_number": "12/TB-SNV"})
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.CONCLUDED
        assert inspection.report_snapshot["notice_number"] == "12/TB-SNV"


class TestDossierChecksViews:
    def test_pick_of_other_unit_shows_error(self, personas, client_for):
        inspection = make_inspection(personas)
        other = make_dossiers(personas.namnhun, [D(2018, 5, 1)])[0]
        url = reverse("inspections:dossier_check_pick", args=[inspection.pk])
        response = client_for(personas.inspector).post(url, {"code": other.code}, **HTMX)
        assert other.code in response.content.decode()
        assert not inspection.dossier_checks.exists()

    def test_draw_and_record(self, personas, client_for):
        make_dossiers(personas.cumgar, [D(2018, 5, 1), D(2018, 6, 1)])
        inspection = make_inspection(personas)
        client = client_for(personas.inspector)
        url = reverse("inspections:dossier_check_draw", args=[inspection.pk])
        assert client.post(url, {"seed": "42"}, **HTMX).status_code == 200
        check = inspection.dossier_checks.get()
        assert check.seed == 42
        url = reverse("inspections:dossier_check_record", args=[inspection.pk, check.pk])
        client.post(url, {"result": "compliant", "note": "Đúng hạn"}, **HTMX)
        check.refresh_from_db()
        assert check.result == "compliant"


class TestPlansAndTeams:
    @pytest.mark.parametrize(
        ("who", "expected"),
        [("anonymous", 302), ("inspector", 200), ("admin", 200), ("cumgar_staff", 403)],
    )
    def test_plan_list_access(self, personas, client_for, who, expected):
        url = reverse("inspections:plan_list")
        assert _status(client_for, personas.all_users()[who], url) == expected

    @pytest.mark.parametrize("n", [1, 6])
    def test_plan_list_progress_and_queries(
        self, personas, client_for, django_assert_max_num_queries, n
    ):
        for _ in range(n):
            concluded(personas)
        client = client_for(personas.inspector)
        with django_assert_max_num_queries(8):
            html = client.get(reverse("inspections:plan_list")).content.decode()
        assert html.count("1/1 = 100 %") == n

    def test_plan_detail_progress(self, personas, client_for):
        plan = make_plan(
            personas,
            targets=[
                services.TargetData(unit=personas.cumgar, scheduled_on=D(2019, 9, 27)),
                services.TargetData(unit=personas.eakpam, scheduled_on=D(2019, 9, 28)),
            ],
        )
        inspection = make_inspection(personas, plan=plan)
        fill(inspection)
        services.inspection_conclude(inspection=inspection, by=personas.inspector)
        html = client_for(personas.inspector).get(plan.get_absolute_url()).content.decode()
        assert "1/2 = 50 %" in html
        assert _status(client_for, personas.laichau_admin, plan.get_absolute_url()) == 404
        assert _status(client_for, personas.cumgar_staff, plan.get_absolute_url()) == 403

    def test_new_inspection_link_of_a_plan_keeps_its_id_whole(self, personas, client_for):
        """Ids are numbers, not amounts: plan 1234 links to ?plan=1234, never ?plan=1.234
        (Vietnamese number formatting groups thousands with a dot)."""
        plan = make_plan(personas, contents=(), targets=[])  # nothing points at it yet
        InspectionPlan.objects.filter(pk=plan.pk).update(id=1234)
        plan = InspectionPlan.objects.get(pk=1234)
        html = client_for(personas.inspector).get(plan.get_absolute_url()).content.decode()
        assert "?plan=1234" in html

    def test_create_plan_through_the_form(self, personas, client_for):
        client = client_for(personas.inspector)
        response = client.post(
            reverse("inspections:plan_create"),
            {
                "number": "49/KH-UBND",
                "issued_on": "2022-02-18",
                "issuer": personas.daklak.pk,
                "year": 2022,
                "title": "Kiểm tra kiểm soát TTHC",
                "period_start": "2022-01-01",
                "period_end": "2022-12-31",
                "contents": "Niêm yết TTHC\nThiết bị một cửa",
                **target_rows(
                    (personas.cumgar, "01/03/2022"), (personas.eakpam, "02/03/2022"), extra=3
                ),
            },
        )
        plan = InspectionPlan.objects.get()
        assert response.status_code == 302
        assert [c.text for c in plan.contents.all()] == ["Niêm yết TTHC", "Thiết bị một cửa"]
        assert plan.targets.count() == 2

    def test_bad_target_rows_name_the_row_and_save_nothing(self, personas, client_for):
        response = client_for(personas.inspector).post(
            reverse("inspections:plan_create"),
            {
                "number": "1/KH",
                "issuer": personas.daklak.pk,
                "year": 2022,
                "title": "T",
                "period_start": "2022-01-01",
                "period_end": "2022-12-31",
                "contents": "A",
                **target_rows(
                    (personas.cumgar, "01/03/2022"),
                    (personas.namnhun, "01/03/2022"),
                    (personas.cumgar, "2022/99/99"),
                ),
            },
        )
        html = response.content.decode()
        assert "dòng 2 — Đơn vị" in html and "dòng 3 — Ngày dự kiến" in html
        assert "dòng 1 —" not in html
        assert not InspectionPlan.objects.exists()

    def test_team_without_head_through_the_form(self, personas, client_for):
        client = client_for(personas.inspector)
        data = {"name": "Đoàn 1798", "unit": personas.daklak.pk}
        member = {"role": "member", "name": "Lê Văn A", "position": "Chuyên viên"}
        response = client.post(reverse("inspections:team_create"), {**data, **member_rows(member)})
        assert str(services.TEAM_WITHOUT_HEAD) in response.content.decode()
        assert not InspectionTeam.objects.exists()
        head = {"role": "head", "name": "Trần Đức Minh", "position": "Phó Giám đốc Sở Nội vụ"}
        response = client.post(reverse("inspections:team_create"), {**data, **member_rows(head)})
        assert response.status_code == 302
        assert InspectionTeam.objects.get().head.name == "Trần Đức Minh"

    def test_team_pages_are_provincial(self, personas, client_for):
        team = make_team(personas)
        assert _status(client_for, personas.inspector, team.get_absolute_url()) == 200
        assert _status(client_for, personas.cumgar_staff, team.get_absolute_url()) == 403
        assert _status(client_for, personas.laichau_admin, team.get_absolute_url()) == 404

    def test_create_inspection_through_the_form(self, personas, client_for):
        plan = make_plan(personas)
        team = make_team(personas)
        response = client_for(personas.inspector).post(
            reverse("inspections:inspection_create"),
            {
                "plan": plan.pk,
                "team": team.pk,
                "unit": personas.cumgar.pk,
                "kind": "cchc",
                "scheduled_on": "2019-09-27",
            },
        )
        inspection = Inspection.objects.get()
        assert response.status_code == 302
        assert inspection.period_start == plan.period_start


class TestTrackerAndRemediation:
    @pytest.mark.parametrize("n", [1, 8])
    def test_tracker_lists_overdue_first_with_fixed_queries(
        self, personas, client_for, django_assert_max_num_queries, n
    ):
        for _ in range(n):
            concluded(personas)
        fresh = make_inspection(personas, held_on=dt.date.today())
        services.recommendation_add(
            inspection=fresh,
            text="Chưa đến hạn",
            responsible_unit=personas.cumgar,
            due_on=dt.date.today() + dt.timedelta(days=10),
        )
        client = client_for(personas.cumgar_staff)
        with django_assert_max_num_queries(10):
            html = client.get(reverse("inspections:recommendation_list")).content.decode()
        assert html.count("table-danger overdue") == n
        assert html.index("Khắc phục hạn chế số 1") < html.index("Chưa đến hạn")

    def test_tracker_scopes_by_unit(self, personas, client_for):
        concluded(personas)
        url = reverse("inspections:recommendation_list")
        assert "Khắc phục hạn chế" in client_for(personas.cumgar_staff).get(url).content.decode()
        assert (
            "Khắc phục hạn chế" not in client_for(personas.namnhun_staff).get(url).content.decode()
        )
        assert _status(client_for, None, url) == 302

    def test_remediation_access_and_flow(self, personas, client_for):
        concluded(personas)
        rec = Recommendation.objects.get()
        url = reverse("inspections:remediation_report", args=[rec.pk])
        data = {"text": "Đã khắc phục"}
        assert _status(client_for, personas.namnhun_staff, url, "post", data=data) == 404
        assert _status(client_for, personas.eakpam_staff, url, "post", data=data) == 404
        assert _status(client_for, personas.inspector, url, "post", data=data) == 403
        assert not rec.remediations.exists()
        upload = SimpleUploadedFile("anh.png", b"\x89PNG data", content_type="image/png")
        client = client_for(personas.cumgar_staff)
        response = client.post(url, {"text": "Đã khắc phục", "files": [upload]})
        assert response.status_code == 302
        rec.refresh_from_db()
        assert rec.state == RecommendationState.REPORTED
        attachment = rec.remediations.get().attachments.get()
        download = reverse("inspections:attachment_download", args=[attachment.pk])
        assert client.get(download).status_code == 200
        assert _status(client_for, personas.namnhun_staff, download) == 404
        verify = reverse("inspections:recommendation_verify", args=[rec.pk])
        assert _status(client_for, personas.cumgar_staff, verify, "post") == 403
        assert _status(client_for, personas.inspector, verify, "post") == 302
        rec.refresh_from_db()
        assert rec.state == RecommendationState.VERIFIED

    def test_send_back_needs_a_note(self, personas, client_for):
        concluded(personas)
        rec = Recommendation.objects.get()
        services.remediation_report(recommendation=rec, by=personas.cumgar_staff, text="x")
        client = client_for(personas.inspector)
        url = reverse("inspections:recommendation_send_back", args=[rec.pk])
        response = client.post(url, {"note": ""}, follow=True)
        assert str(services.SEND_BACK_NOTE_REQUIRED) in response.content.decode()
        rec.refresh_from_db()
        assert rec.state == RecommendationState.REPORTED
        client.post(url, {"note": "Thiếu ảnh chụp"})
        rec.refresh_from_db()
        assert rec.state == RecommendationState.SENT_BACK

    def test_recommendation_detail_access(self, personas, client_for):
        concluded(personas)
        rec = Recommendation.objects.get()
        url = rec.get_absolute_url()
        assert _status(client_for, personas.cumgar_staff, url) == 200
        assert _status(client_for, personas.inspector, url) == 200
        assert _status(client_for, personas.namnhun_staff, url) == 404
        assert _status(client_for, None, url) == 302


def test_nav_entries(personas, client_for):
    html = client_for(personas.cumgar_staff).get("/").content.decode()
    assert reverse("inspections:recommendation_list") in html
    assert reverse("inspections:plan_list") not in html
    html = client_for(personas.inspector).get("/").content.decode()
    assert reverse("inspections:plan_list") in html


class TestListsAndForms:
    @pytest.mark.parametrize("n", [1, 7])
    def test_inspection_list_scoped_with_fixed_queries(
        self, personas, client_for, django_assert_max_num_queries, n
    ):
        plan = make_plan(personas)
        team = make_team(personas)
        for _ in range(n):
            make_inspection(personas, plan=plan, team=team)
        url = reverse("inspections:inspection_list")
        client = client_for(personas.cumgar_staff)
        with django_assert_max_num_queries(8):
            html = client.get(url).content.decode()
        assert html.count("/inspections/") >= n
        assert "Huyện Cư M&#x27;gar" in html or "Huyện Cư M'gar" in html
        other = client_for(personas.namnhun_staff).get(url).content.decode()
        assert "27/09/2019" not in other

    @pytest.mark.parametrize("n", [1, 5])
    def test_team_list_with_fixed_queries(
        self, personas, client_for, django_assert_max_num_queries, n
    ):
        for i in range(n):
            make_team(personas, name=f"Đoàn {i}")
        client = client_for(personas.inspector)
        with django_assert_max_num_queries(8):
            html = client.get(reverse("inspections:team_list")).content.decode()
        assert all(f"Đoàn {i}" in html for i in range(n))
        assert _status(client_for, personas.cumgar_staff, reverse("inspections:team_list")) == 403
        assert _status(client_for, None, reverse("inspections:team_list")) == 302

    @pytest.mark.parametrize(
        ("who", "expected"),
        [("anonymous", 302), ("cumgar_staff", 403), ("inspector", 200), ("admin", 200)],
    )
    def test_create_forms_are_provincial(self, personas, client_for, who, expected):
        user = personas.all_users()[who]
        for name in ("inspection_create", "plan_create", "team_create"):
            assert _status(client_for, user, reverse(f"inspections:{name}")) == expected

    def test_editing_a_concluded_inspection_through_the_form_is_refused(self, personas, client_for):
        inspection = concluded(personas)
        url = reverse("inspections:inspection_edit", args=[inspection.pk])
        response = client_for(personas.inspector).post(
            url,
            {
                "plan": inspection.plan_id,
                "team": inspection.team_id,
                "unit": personas.cumgar.pk,
                "kind": "cchc",
                "scheduled_on": "2019-09-28",
            },
        )
        assert str(services.INSPECTION_NOT_EDITABLE) in response.content.decode()
        inspection.refresh_from_db()
        assert inspection.scheduled_on == D(2019, 9, 27)

    def test_without_htmx_the_section_endpoints_redirect_back(self, personas, client_for):
        inspection = make_inspection(personas)
        url = reverse("inspections:finding_add", args=[inspection.pk])
        response = client_for(personas.inspector).post(url, {"kind": "strength", "text": "Tốt"})
        assert response.status_code == 302
        assert response["Location"] == inspection.get_absolute_url()

    def test_tracker_counts_open_and_overdue(self, personas, client_for):
        concluded(personas)
        from inspections.selectors import dashboard_counts

        assert dashboard_counts(personas.cumgar_staff) == {
            "open": 1,
            "overdue": 1,
            "not_reported": 1,
            "reported": 0,
            "sent_back": 0,
        }
        assert set(dashboard_counts(personas.namnhun_staff).values()) == {0}
        html = (
            client_for(personas.cumgar_staff)
            .get(reverse("inspections:recommendation_list"))
            .content.decode()
        )
        assert "Quá hạn: <strong>1</strong>" in html


def test_close_is_offered_only_when_every_recommendation_is_verified(personas, client_for):
    inspection = concluded(personas)
    client = client_for(personas.inspector)
    close_url = reverse("inspections:inspection_close", args=[inspection.pk])
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert close_url not in page
    assert "Còn 1 kiến nghị chưa được xác nhận khắc phục" in page
    inspection.recommendations.update(state=RecommendationState.VERIFIED)
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert close_url in page and "close-blocked" not in page
