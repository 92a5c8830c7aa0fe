"""The demo reproduces the articles' facts and a second run changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections import demo as inspections_demo
from inspections.choices import InspectionKind, InspectionState, MemberRole
from inspections.models import Finding, Inspection, InspectionPlan, Recommendation
from inspections.selectors import plans_with_progress
from units import demo as units_demo
from units.models import User
from units.resolver import resolve_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    units_demo.load(out=lambda s: None)
    inspections_demo.load(out=lambda s: None)


def _counts():
    return (
        InspectionPlan.objects.count(),
        Inspection.objects.count(),
        Finding.objects.count(),
        Recommendation.objects.count(),
    )


def test_second_run_changes_nothing(demo):
    before = _counts()
    inspections_demo.load(out=lambda s: None)
    assert _counts() == before


def test_cumgar_inspection_by_doan_1798(demo):
    inspection = Inspection.objects.get(unit__code="648")
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
