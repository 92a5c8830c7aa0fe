import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import services
from inspections.choices import (
    ChecklistOutcome,
    FindingKind,
    InspectionState,
    MemberRole,
    RecommendationState,
)
from inspections.models import (
    DossierCheck,
    Finding,
    Inspection,
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
)

pytestmark = pytest.mark.django_db


def test_team_without_head_is_refused_and_nothing_saved(personas):
    with pytest.raises(ValidationError) as exc:
        services.team_save(
            unit=personas.daklak,
            name="Đoàn không trưởng",
            members=[services.MemberData(name="A", role=MemberRole.MEMBER)],
        )
    assert str(services.TEAM_WITHOUT_HEAD) in str(exc.value)
    assert not InspectionTeam.objects.exists()


def test_team_with_two_heads_is_refused(personas):
    with pytest.raises(ValidationError):
        services.team_save(
            unit=personas.daklak,
            name="Đoàn hai trưởng",
            members=[
                services.MemberData(name="A", role=MemberRole.HEAD),
                services.MemberData(name="B", role=MemberRole.HEAD),
            ],
        )
    assert not InspectionTeam.objects.exists()


def test_inspection_takes_plan_period_and_checklist(personas):
    inspection = make_inspection(personas)
    assert (inspection.period_start, inspection.period_end) == (D(2018, 1, 1), D(2019, 6, 30))
    assert inspection.checklist.count() == 2
    assert inspection.state == InspectionState.PLANNED


def test_due_date_before_inspection_is_refused(personas):
    inspection = make_inspection(personas)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_add(
            inspection=inspection,
            text="Khắc phục",
            responsible_unit=personas.cumgar,
            due_on=D(2019, 9, 1),
        )
    assert "01/09/2019" in str(exc.value) and "27/09/2019" in str(exc.value)
    assert not Recommendation.objects.exists()


def test_recommendation_for_unit_outside_inspected_unit_is_refused(personas):
    inspection = make_inspection(personas)
    with pytest.raises(ValidationError):
        services.recommendation_add(
            inspection=inspection,
            text="Khắc phục",
            responsible_unit=personas.namnhun,
            due_on=D(2019, 10, 31),
        )
    assert not Recommendation.objects.exists()


def test_concluding_with_unanswered_items_is_refused(personas):
    inspection = make_inspection(personas)
    first = inspection.checklist.first()
    services.checklist_record(result=first, outcome=ChecklistOutcome.MET)
    inspection.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.inspection_conclude(inspection=inspection, by=personas.inspector)
    assert "Ứng dụng CNTT" in str(exc.value)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.IN_PROGRESS
    assert inspection.report_snapshot is None


def test_conclusion_freezes_the_report_and_blocks_edits_until_reopened(personas):
    inspection = concluded(personas)
    assert inspection.state == InspectionState.CONCLUDED
    assert inspection.report_snapshot["limitations"][0]["text"] == "Hạn chế số 1"
    # The snapshot does not follow later changes of the data behind it.
    Finding.objects.filter(inspection=inspection).update(text="Đã sửa sau kết luận")
    inspection.refresh_from_db()
    assert inspection.report_snapshot["limitations"][0]["text"] == "Hạn chế số 1"
    with pytest.raises(ValidationError) as exc:
        services.finding_add(inspection=inspection, kind=FindingKind.STRENGTH, text="Mới")
    assert str(services.INSPECTION_NOT_EDITABLE) in str(exc.value)
    with pytest.raises(ValidationError):
        services.inspection_reopen(inspection=inspection, by=personas.inspector, reason=" ")
    services.inspection_reopen(inspection=inspection, by=personas.inspector, reason="Bổ sung")
    reopening = inspection.reopenings.get()
    assert (reopening.by, reopening.reason) == (personas.inspector, "Bổ sung")
    assert reopening.previous_snapshot["limitations"][0]["text"] == "Hạn chế số 1"
    services.finding_add(inspection=inspection, kind=FindingKind.STRENGTH, text="Mới")
    assert inspection.findings.count() == 2


def test_conclusion_emails_the_responsible_unit_once(personas, django_capture_on_commit_callbacks):
    personas.cumgar_staff.email = "noivu@cumgar.local"
    personas.cumgar_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        concluded(personas)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["noivu@cumgar.local"]
    assert "31/10/2019" in mail.outbox[0].body
    assert services.notify_new_recommendations() == 0


def test_reminders_three_days_before_due_are_sent_once(personas):
    personas.cumgar_staff.email = "noivu@cumgar.local"
    personas.cumgar_staff.save()
    inspection = concluded(personas)
    assert len(mail.outbox) == 1  # the new recommendation, told at conclusion
    mail.outbox.clear()
    assert inspection.recommendations.get().due_on == D(2019, 10, 31)
    assert services.send_due_reminders(today=D(2019, 10, 27)) == 0  # 4 days before
    assert services.send_due_reminders(today=D(2019, 10, 28)) == 1
    assert services.send_due_reminders(today=D(2019, 10, 29)) == 0  # already reminded
    assert len(mail.outbox) == 1
    assert "sắp đến hạn khắc phục (31/10/2019)" in mail.outbox[0].body


def test_overdue_is_computed_not_stored(personas):
    concluded(personas)
    rec = Recommendation.objects.get()
    assert rec.state == RecommendationState.OPEN
    assert Recommendation.objects.overdue(D(2019, 10, 31)).count() == 0
    assert Recommendation.objects.overdue(D(2019, 11, 1)).count() == 1
    assert rec.days_overdue(D(2019, 11, 5)) == 5
    rec.state = RecommendationState.VERIFIED
    rec.save()
    assert Recommendation.objects.overdue(D(2019, 11, 1)).count() == 0
    assert Recommendation.objects.open().count() == 0


def test_visible_to_scopes_recommendations_and_inspections(personas):
    concluded(personas)
    assert Recommendation.objects.visible_to(personas.cumgar_staff).count() == 1
    assert Recommendation.objects.visible_to(personas.inspector).count() == 1
    assert Recommendation.objects.visible_to(personas.eakpam_staff).count() == 0
    assert Recommendation.objects.visible_to(personas.namnhun_staff).count() == 0
    assert Recommendation.objects.visible_to(personas.laichau_admin).count() == 0
    assert Inspection.objects.visible_to(personas.cumgar_staff).count() == 1
    assert Inspection.objects.visible_to(personas.namnhun_staff).count() == 0


def test_remediation_then_send_back_then_verify(personas):
    concluded(personas)
    rec = Recommendation.objects.get()
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.remediation_report(
        recommendation=rec, by=personas.cumgar_staff, text="Đã chấn chỉnh", files=[upload]
    )
    rec.refresh_from_db()
    assert rec.state == RecommendationState.REPORTED
    assert rec.remediations.get().attachments.count() == 1
    with pytest.raises(ValidationError):
        services.recommendation_send_back(recommendation=rec, by=personas.inspector, note="")
    services.recommendation_send_back(recommendation=rec, by=personas.inspector, note="Thiếu")
    assert rec.state == RecommendationState.SENT_BACK
    with pytest.raises(ValidationError):  # nothing reported to verify
        services.recommendation_verify(recommendation=rec, by=personas.inspector)
    services.remediation_report(recommendation=rec, by=personas.cumgar_staff, text="Bổ sung")
    services.recommendation_verify(recommendation=rec, by=personas.inspector)
    rec.refresh_from_db()
    assert rec.state == RecommendationState.VERIFIED
    with pytest.raises(ValidationError):
        services.remediation_report(recommendation=rec, by=personas.cumgar_staff, text="Nữa")


def test_remediation_attachment_of_wrong_type_saves_nothing(personas):
    concluded(personas)
    rec = Recommendation.objects.get()
    bad = SimpleUploadedFile("virus.exe", b"MZ")
    with pytest.raises(ValidationError) as exc:
        services.remediation_report(
            recommendation=rec, by=personas.cumgar_staff, text="x", files=[bad]
        )
    assert "virus.exe" in str(exc.value)
    assert not rec.remediations.exists()


def test_close_needs_every_recommendation_verified(personas):
    inspection = concluded(personas)
    with pytest.raises(ValidationError):
        services.inspection_close(inspection=inspection)


class TestDossierChecks:
    def test_other_unit_and_outside_period_are_refused(self, personas):
        inspection = make_inspection(personas)
        other = make_dossiers(personas.namnhun, [D(2018, 5, 1)], prefix="X")[0]
        late = make_dossiers(personas.cumgar, [D(2019, 7, 1)], prefix="L")[0]
        with pytest.raises(ValidationError) as exc:
            services.dossier_check_pick(inspection=inspection, dossier=other)
        assert other.code in str(exc.value)
        with pytest.raises(ValidationError) as exc:
            services.dossier_check_pick(inspection=inspection, dossier=late)
        assert "01/07/2019" in str(exc.value) and "30/06/2019" in str(exc.value)
        assert not DossierCheck.objects.exists()

    def test_period_edges_are_inside(self, personas):
        inspection = make_inspection(personas)
        first, last = make_dossiers(personas.cumgar, [D(2018, 1, 1), D(2019, 6, 30)])
        services.dossier_check_pick(inspection=inspection, dossier=first)
        services.dossier_check_pick(inspection=inspection, dossier=last)
        assert inspection.dossier_checks.count() == 2

    def test_draw_is_reproducible_from_its_seed(self, personas):
        days = [D(2018, 1, 1) + dt.timedelta(days=i) for i in range(40)]
        make_dossiers(personas.cumgar, days)
        make_dossiers(personas.namnhun, days[:5], prefix="N")
        a = services.dossier_check_draw(inspection=make_inspection(personas), seed=12345)
        b = services.dossier_check_draw(inspection=make_inspection(personas), seed=12345)
        assert a.dossier_id == b.dossier_id and a.seed == 12345
        assert a.dossier.unit == personas.cumgar
        seeds = {
            services.dossier_check_draw(inspection=make_inspection(personas), seed=s).dossier_id
            for s in range(8)
        }
        assert len(seeds) > 1  # different seeds draw different dossiers

    def test_draw_skips_already_checked(self, personas):
        make_dossiers(personas.cumgar, [D(2018, 1, 1), D(2018, 1, 2)])
        inspection = make_inspection(personas)
        first = services.dossier_check_draw(inspection=inspection, seed=1)
        second = services.dossier_check_draw(inspection=inspection, seed=1)
        assert first.dossier_id != second.dossier_id

    def test_draw_without_dossiers_is_a_clear_error(self, personas):
        with pytest.raises(ValidationError) as exc:
            services.dossier_check_draw(inspection=make_inspection(personas), seed=1)
        assert str(services.NO_DOSSIERS) in str(exc.value)

    @pytest.mark.parametrize("n", [5, 200])
    def test_draw_costs_fixed_queries(self, personas, django_assert_max_num_queries, n):
        make_dossiers(personas.cumgar, [D(2018, 2, 1)] * n)
        inspection = make_inspection(personas)
        with django_assert_max_num_queries(8):
            services.dossier_check_draw(inspection=inspection, seed=7)


def test_plan_targets_must_lie_under_the_issuer(personas):
    with pytest.raises(ValidationError):
        make_plan(
            personas,
            targets=[services.TargetData(unit=personas.namnhun, scheduled_on=D(2019, 9, 1))],
        )


def test_fill_helper_sets_in_progress(personas):
    inspection = make_inspection(personas)
    fill(inspection)
    assert inspection.state == InspectionState.IN_PROGRESS
    assert make_team(personas, name="Khác").head.name == "Nguyễn Văn Trưởng"
