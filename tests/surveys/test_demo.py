"""The demo's survey on a small stand-in for the demo world (the full `load_demo` runs in
tests/scoring/test_demo.py): three communes, 34 forms, the third furthest below quota,
idempotent."""

from __future__ import annotations

import pytest

from scoring import services as scoring_services
from surveys import demo, selectors
from surveys.models import Response, Survey
from tests.factories import UnitFactory, UserFactory
from tests.scoring.factories import make_set
from units.choices import Level, Role

TREE = [
    ("1", "Chỉ đạo", "70", "appraisal", "manual", {}, False),
    ("1.1", "Kế hoạch", "70", None, "manual", {}, False),
    ("9", "Điều tra xã hội học", "30", "survey", "manual", {}, False),
    ("9.1", "Đại biểu HĐND", "6", None, "manual", {}, False),
    ("9.4", "Người dân, doanh nghiệp", "24", None, "manual", {}, False),
]


def test_the_demo_survey(personas):
    p = personas
    UserFactory(username="quantri.daklak", role=Role.PROVINCIAL_ADMIN, unit=p.daklak)
    UserFactory(username="thanhtra.daklak", role=Role.PROVINCIAL_INSPECTOR, unit=p.daklak)
    cs = make_set(province=p.daklak, year=2026, level=Level.COMMUNE, tree=TREE)
    third = UnitFactory(code="24301", name="Xã Ea Tul", level=Level.COMMUNE, parent=p.cumgar)
    for unit in (p.eakpam, p.quangphu, third):
        scoring_services.assessment_ensure(criteria_set=cs, unit=unit)
    lines: list[str] = []
    demo.load(out=lines.append)
    assert lines == [
        "Điều tra xã hội học: Khảo sát sự hài lòng về CCHC cấp xã năm 2026 (3 xã, 34 phiếu)"
    ]
    survey = Survey.objects.get()
    # Per commune: citizens 7 online + 2 paper, businesses 2 + 1, deputies 1 + 1 = 14; the
    # third commune half of each: 4 + 1 + 1 = 6. 14 + 14 + 6 = 34.
    assert Response.objects.count() == 34
    # Quotas 12 / 3 / 2: every commune short of citizens (9 of 12), the third of every group.
    below = {(r.unit.code, r.group) for r in selectors.below_quota(survey)}
    assert below == {
        ("24259", "nguoi_dan"),
        ("24280", "nguoi_dan"),
        ("24301", "nguoi_dan"),
        ("24301", "doanh_nghiep"),
        ("24301", "dai_bieu_hdnd"),
    }
    demo.load(out=lines.append)
    assert Survey.objects.count() == 1 and Response.objects.count() == 34


def test_without_its_criteria_set_the_demo_survey_is_not_made(personas):
    demo.load(out=lambda _line: pytest.fail("nothing to say"))
    assert not Survey.objects.exists()
