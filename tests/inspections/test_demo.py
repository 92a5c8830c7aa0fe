"""The demo reproduces the articles' facts, lives on 01/12/2026 with the new Tỉnh Đắk Lắk's
2026 plans, and a second run changes nothing."""

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from inspections import demo as inspections_demo
from inspections.choices import (
    InspectionKind,
    InspectionState,
    MemberRole,
    RecommendationState,
)
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    Recommendation,
    Remediation,
)
from inspections.selectors import plans_with_progress
from units import demo as units_demo
from units.models import User
from units.resolver import resolve_unit

pytestmark = pytest.mark.django_db

NOW = dt.date(2026, 12, 1)  # the demo's "today"


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The units and inspections demo, loaded once for the module inside a transaction rolled
    back when the module ends."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            units_demo.load(out=lambda s: None)
            inspections_demo.load(out=lambda s: None)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_world, db):
    """The demo inside this test's savepoint, on 01/12/2026 10:00 in Vietnam."""
    moment = dt.datetime.combine(NOW, dt.time(10), tzinfo=timezone.get_default_timezone())
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _counts():
    return (
        InspectionPlan.objects.count(),
        Inspection.objects.count(),
        Finding.objects.count(),
        Recommendation.objects.count(),
        Remediation.objects.count(),
        sorted(Recommendation.objects.values_list("state", flat=True)),
        sorted(Inspection.objects.values_list("state", flat=True)),
    )


def test_second_run_changes_nothing(demo):
    before = _counts()
    inspections_demo.load(out=lambda s: None)
    assert _counts() == before


def test_cumgar_inspection_by_doan_1798(demo):
    inspection = Inspection.objects.get(unit__code="648", plan__year=2019)
    assert inspection.team.name == "Đoàn 1798"
    assert inspection.held_on == dt.date(2019, 9, 27)
    assert (inspection.period_start, inspection.period_end) == (
        dt.date(2018, 1, 1),
        dt.date(2019, 6, 30),
    )
    assert sorted(inspection.sites.values_list("code", flat=True)) == [
        "24259",
        "24274",
        "24280",
        "648",
    ]
    # The 2019 sites are the old communes (Ea KPam, not the new Xã Cư M'gar that took 24280).
    assert {s.valid_until for s in inspection.sites.all()} == {dt.date(2025, 6, 30)}
    assert inspection.plan.issuer == resolve_unit("66", on=dt.date(2019, 9, 27))
    assert inspection.state == InspectionState.CONCLUDED
    limitations = inspection.findings.filter(kind="limitation").values_list("text", flat=True)
    assert any("mức độ 3 và 4 còn thấp" in t for t in limitations)
    notes = " ".join(inspection.checklist.values_list("note", flat=True))
    for fact in ("25 TTHC", "22 TTHC", "12 TTHC", "17/17", "272.000", "129", "iDesk"):
        assert fact in notes
    recs = Recommendation.objects.filter(inspection=inspection)
    assert recs.overdue().count() == 1
    assert recs.open().count() == 2


def test_kimson_appraisal_visit(demo):
    inspection = Inspection.objects.get(unit__code="376")
    assert inspection.kind == InspectionKind.INDEX_APPRAISAL
    assert inspection.held_on == dt.date(2019, 4, 24)
    head = inspection.team.members.get(role=MemberRole.HEAD)
    assert (head.name, head.position) == ("Trần Đức Minh", "Phó Giám đốc Sở Nội vụ")
    assert inspection.assessment is None  # no scoring demo on this branch: the link is skipped
    notes = " ".join(inspection.checklist.values_list("note", flat=True))
    assert "65,55" in notes and "20,83" in notes and "86,38" in notes


def test_lapvo_plan_and_camera_recommendation(demo):
    plan = InspectionPlan.objects.get(number="49/KH-UBND")
    assert plan.issued_on == dt.date(2022, 2, 18) and plan.issuer.code == "875"
    assert any("thiết bị" in c.text for c in plan.contents.all())
    rec = Recommendation.objects.get(inspection__plan=plan)
    assert "camera" in rec.text and rec.finding and "camera" in rec.finding.text
    assert rec.inspection.kind == InspectionKind.TTHC_CONTROL


def test_lacduong_plan_8_of_8(demo, client_for):
    lacduong = resolve_unit("675", on=dt.date(2019, 12, 31))
    plan = plans_with_progress(InspectionPlan.objects.filter(issuer=lacduong)).get()
    assert (plan.inspected, plan.planned) == (8, 8)
    inspector = User.objects.get(username="quantri.daklak")
    assert client_for(inspector).get(plan.get_absolute_url()).status_code == 404  # other province


def test_demo_user_cumgar_has_something_to_remediate(demo, client_for):
    user = User.objects.get(username="cumgar")
    html = client_for(user).get(reverse("inspections:recommendation_list")).content.decode()
    assert "table-danger overdue" in html
    assert "văn hóa công sở" in html


# --- 2026: the new Tỉnh Đắk Lắk -----------------------------------------------------------


def _plan_2026(number):
    return plans_with_progress(InspectionPlan.objects.filter(number=number)).get()


def test_2026_plan_of_communes_issued_by_the_new_province(demo):
    plan = _plan_2026("15/KH-SNV")
    assert plan.issued_on == dt.date(2026, 1, 20) and plan.year == 2026
    assert plan.issuer == resolve_unit("66", on=NOW)
    assert plan.issuer.valid_from == dt.date(2025, 7, 1)
    assert str(plan) == "15/KH-SNV (20/01/2026)"
    targets = list(plan.targets.select_related("unit"))
    assert len(targets) == 8
    assert {t.unit.level for t in targets} == {"commune"}
    assert all(t.unit.valid_from == dt.date(2025, 7, 1) for t in targets)  # new communes only
    assert resolve_unit("24280", on=NOW) in [t.unit for t in targets]  # Xã Cư M'gar
    assert max(t.scheduled_on for t in targets) == dt.date(2026, 12, 16)
    assert (plan.inspected, plan.planned) == (6, 8)


def test_2026_plan_of_departments_includes_the_justice_department(demo):
    plan = _plan_2026("16/KH-SNV")
    units = [t.unit for t in plan.targets.select_related("unit")]
    assert len(units) == 5 and {u.level for u in units} == {"department"}
    assert resolve_unit("66-STP", on=NOW) in units
    assert (plan.inspected, plan.planned) == (3, 5)
    states = sorted(plan.inspections.values_list("state", flat=True))
    assert states == ["concluded"] * 3 + ["in_progress", "planned"]


def test_2026_team_formed_by_decision(demo):
    team = Inspection.objects.filter(plan__number="15/KH-SNV").first().team
    assert (team.decision_number, team.decision_date) == ("35/QĐ-SNV", dt.date(2026, 2, 10))
    members = list(team.members.all())
    head = team.head
    assert (head.position, head.organisation) == (
        "Phó Giám đốc Sở Nội vụ",
        "Sở Nội vụ tỉnh Đắk Lắk",
    )
    assert sum(m.role == MemberRole.SECRETARY for m in members) == 1
    assert {m.organisation for m in members} - {"Sở Nội vụ tỉnh Đắk Lắk"}  # other departments
    assert any(m.user and m.user.username == "thanhtra.daklak" for m in members)


def test_2026_concluded_inspections_have_frozen_reports(demo):
    visits = Inspection.objects.filter(plan__year=2026)
    done = visits.filter(state__in=[InspectionState.CONCLUDED, InspectionState.CLOSED])
    assert done.count() == 9
    for inspection in done:
        assert inspection.report_snapshot["notice_number"].endswith("/TB-SNV")
        assert inspection.report_snapshot["issuer"] == "SỞ NỘI VỤ"
        assert inspection.report_snapshot["issuer_parent"] == "UBND TỈNH ĐẮK LẮK"
        assert not inspection.checklist.filter(outcome="").exists()
        assert inspection.concluded_at.date() > inspection.held_on
        assert inspection.findings.filter(kind="strength").exists()
    assert visits.filter(state=InspectionState.CLOSED).count() == 1  # all verified
    planned = visits.filter(state=InspectionState.PLANNED)
    assert sorted(planned.values_list("scheduled_on", flat=True)) == [
        dt.date(2026, 12, 9),
        dt.date(2026, 12, 10),
        dt.date(2026, 12, 16),
    ]
    assert not planned.filter(held_on__isnull=False).exists()


def test_2026_recommendations_on_1_december(demo):
    recs = Recommendation.objects.filter(inspection__plan__year=2026)
    verified = recs.filter(state=RecommendationState.VERIFIED)
    assert verified.count() == 5
    for rec in verified:
        remediation = rec.remediations.get()
        assert remediation.accepted and remediation.reported_on <= rec.due_on
        assert rec.verified_at.date() > remediation.reported_on
    reported = recs.filter(state=RecommendationState.REPORTED)
    assert reported.count() == 4 and all(r.remediations.get().accepted is None for r in reported)
    overdue = recs.overdue(NOW)
    assert set(overdue.values_list("responsible_unit__code", flat=True)) == {
        "24280",
        "24265",
        "66-STP",
        "24133",  # reported in November, due 30/11, not yet verified
    }
    due_in_december = recs.open().filter(due_on__gte=NOW, due_on__lte=dt.date(2026, 12, 31))
    assert due_in_december.count() == 8
    # Xã Cư M'gar's digitisation report came back: it must report again (issue 17).
    [sent_back] = recs.filter(state=RecommendationState.SENT_BACK)
    assert sent_back.responsible_unit.code == "24280"
    assert sent_back.remediations.get().accepted is False
    assert not recs.filter(notified_at__isnull=True).exists()  # the demo sends no mail


def test_second_run_changes_nothing_in_2026(demo):
    before = _counts()
    snapshots = dict(Inspection.objects.values_list("pk", "report_snapshot"))
    inspections_demo.load(out=lambda s: None)
    assert _counts() == before
    assert dict(Inspection.objects.values_list("pk", "report_snapshot")) == snapshots


@pytest.mark.parametrize(
    ("username", "text"),
    [
        ("cumgar.xa", "Cập nhật, niêm yết đầy đủ danh mục TTHC cấp xã"),
        ("stp.daklak", "Rà soát quy trình cấp phiếu lý lịch tư pháp"),
    ],
)
def test_new_unit_staff_have_an_overdue_recommendation_to_remediate(
    demo, client_for, username, text
):
    user = User.objects.get(username=username)
    own = Recommendation.objects.visible_to(user).overdue(NOW)
    assert own.filter(responsible_unit=user.unit, text__startswith=text).exists()
    html = client_for(user).get("/").content.decode()
    assert "Kiến nghị cần khắc phục" in html and text in html
    tracker = client_for(user).get(reverse("inspections:recommendation_list")).content.decode()
    assert "table-danger overdue" in tracker and text in tracker
    other = {"cumgar.xa": "lý lịch tư pháp", "stp.daklak": "danh mục TTHC cấp xã"}[username]
    assert other not in tracker  # each sees only its own unit's


def test_inspector_has_reports_to_verify(demo, client_for):
    user = User.objects.get(username="thanhtra.daklak")
    to_verify = Recommendation.objects.visible_to(user).filter(state=RecommendationState.REPORTED)
    assert to_verify.count() == 4
    client = client_for(user)
    html = client.get("/").content.decode()
    assert "Kế hoạch kiểm tra năm 2026" in html and "9/13" in html
    listing = client.get(
        reverse("inspections:recommendation_list"), {"state": RecommendationState.REPORTED}
    ).content.decode()
    assert listing.count("Đã báo cáo – chờ xác nhận") >= 4
    rec = to_verify.first()
    page = client.get(rec.get_absolute_url()).content.decode()
    assert "Xác nhận đã khắc phục" in page  # the verify action is offered
    inspections = client.get(reverse("inspections:inspection_list")).content.decode()
    assert "Sở Tư pháp" in inspections and "Xã Cư M’gar" in inspections


def test_new_units_recommendations_are_given_to_their_official(demo):
    """cumgar.xa answers for Xã Cư M’gar's 2026 recommendations (issue 17)."""
    user = User.objects.get(username="cumgar.xa")
    recs = Recommendation.objects.filter(inspection__plan__year=2026, responsible_unit=user.unit)
    assert recs.count() == 3
    assert set(recs.values_list("responsible_person__username", flat=True)) == {"cumgar.xa"}


def test_default_checklist_template_has_its_second_revision(demo):
    """The demo copies the migration's CCHC template into v2 with a two-tier line, once."""
    from inspections.models import ChecklistTemplate

    revisions = ChecklistTemplate.objects.filter(name="Danh mục kiểm tra công tác CCHC")
    assert list(revisions.values_list("revision", flat=True)) == [2, 1]
    v2 = revisions.get(revision=2)
    lines = [i.text for i in v2.items.all()]
    assert len(lines) == 8 and lines[-1] == inspections_demo.TEMPLATE_2026_EXTRA
    assert v2.previous == revisions.get(revision=1)
    assert v2.created_by is not None and v2.created_by.username == "thanhtra.daklak"
    inspections_demo.load(out=lambda s: None)
    assert revisions.count() == 2


def test_commune_visit_has_a_photo_of_its_one_stop_desk(demo):
    from PIL import Image

    from inspections.models import InspectionPhoto

    photo = InspectionPhoto.objects.get(inspection__unit__code="24280", inspection__plan__year=2026)
    assert photo.name == inspections_demo.PHOTO_2026_NAME
    assert "một cửa" in photo.checklist_result.text
    with Image.open(photo.file.path) as stored:
        assert stored.size == (1600, 1200)
