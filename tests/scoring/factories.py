"""Small criteria sets and assessments for scoring tests (the demo set lives in fixtures/)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

from scoring import services
from scoring.choices import AssessmentState, CriteriaSetStatus
from scoring.models import Assessment, CriteriaSet, CriterionScore
from tests.factories import UnitFactory, UserFactory
from units.choices import TWO_TIER_FROM, Level, Role
from units.models import AdministrativeUnit, UnitLineage, User

OLD_UNTIL = TWO_TIER_FROM - dt.timedelta(days=1)

# code, title, max, component, rule, params, evidence_required
SMALL_TREE = [
    ("1", "Chỉ đạo, điều hành", "10", "appraisal", "manual", {}, False),
    ("1.1", "Kế hoạch CCHC", "4", None, "yes_no", {}, True),
    ("1.2", "Tuyên truyền", "6", None, "manual", {}, False),
    ("2", "Thủ tục hành chính", "60", "appraisal", "manual", {}, False),
    (
        "2.1",
        "Hồ sơ đúng hạn",
        "20",
        None,
        "tiers",
        {"tiers": [["0.9", "10"], ["0.99", "20"]]},
        False,
    ),
    ("2.2", "Văn bản QPPL", "10", None, "deduction", {"per_violation": "2"}, False),
    ("2.3", "Trực tuyến", "30", None, "rate", {}, False),
    ("3", "Điều tra xã hội học", "30", "survey", "manual", {}, False),
    ("3.1", "Người dân", "30", None, "manual", {}, False),
]


def make_set(*, province, year=2024, level=Level.DISTRICT, tree=SMALL_TREE) -> CriteriaSet:
    criteria_set = CriteriaSet.objects.create(
        province=province,
        level=level,
        year=year,
        name=f"Bộ chỉ số {year}",
        legal_basis="2071/QĐ-UBND",
        status=CriteriaSetStatus.ACTIVE,
        appraisal_max=D(70),
        survey_max=D(30),
        bonus_cap=D(2),
        penalty_cap=D(3),
        grade_thresholds=services.DEFAULT_THRESHOLDS,
    )
    rows = []
    for position, (code, title, mx, comp, rule, params, evidence) in enumerate(tree):
        rows.append(
            {
                "row": position,
                "code": code,
                "parent": code.rpartition(".")[0] or None,
                "title": title,
                "max_points": D(mx),
                "component": comp or next(t[3] for t in tree if t[0] == code.split(".")[0]),
                "rule": rule,
                "rule_params": params,
                "metric": "",
                "evidence_required": evidence,
            }
        )
    services.criteria_create(criteria_set=criteria_set, rows=rows)
    return criteria_set


def make_assessment(*, criteria_set, unit, state=AssessmentState.OPEN, scores=None):
    """An assessment with scores {code: (self, round1, round2, survey)}."""
    assessment = services.assessment_ensure(criteria_set=criteria_set, unit=unit)
    for score in CriterionScore.objects.filter(assessment=assessment).select_related("criterion"):
        values = (scores or {}).get(score.criterion.code)
        if values:
            score.self_score, score.round1_score, score.round2_score, score.survey_points = (
                None if v is None else D(v) for v in values
            )
            score.save()
    Assessment.objects.filter(pk=assessment.pk).update(state=state)
    assessment.refresh_from_db()
    return assessment


FULL = {
    "1.1": ("4", "4", None, None),
    "1.2": ("6", "5", None, None),
    "2.1": ("20", "20", None, None),
    "2.2": ("10", "8", None, None),
    "2.3": ("30", "27.55", None, None),
    "3.1": (None, None, None, "20.83"),
}
# appraisal 4 + 5 + 20 + 8 + 27.55 = 64.55; + survey 20.83 = 85.38


def many_units(*, parent, count, level=Level.COMMUNE, start=70000):
    return [
        UnitFactory(code=f"{start + i}", name=f"Xã số {i}", level=level, parent=parent)
        for i in range(count)
    ]


@dataclass
class TwoTier:
    """The personas' Đắk Lắk after 1 July 2025: the old units end on 30/06/2025, the merged
    province (code 66 again) and the new Xã Cư M'gar (code 24280, Xã Ea KPam's) begin on
    01/07/2025, formed from Xã Ea KPam and Thị trấn Quảng Phú."""

    old_daklak: AdministrativeUnit
    daklak: AdministrativeUnit
    cumgar: AdministrativeUnit  # the new commune
    admin: User
    cumgar_staff: User


def two_tier(p) -> TwoTier:
    old = [p.daklak, p.cumgar, p.eakpam, p.quangphu]
    AdministrativeUnit.objects.filter(pk__in=[u.pk for u in old]).update(valid_until=OLD_UNTIL)
    for unit in old:
        unit.refresh_from_db()
    daklak = UnitFactory(
        code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE, valid_from=TWO_TIER_FROM
    )
    cumgar = UnitFactory(
        code="24280",
        name="Xã Cư M'gar",
        level=Level.COMMUNE,
        parent=daklak,
        valid_from=TWO_TIER_FROM,
    )
    for predecessor, successor in ((p.daklak, daklak), (p.eakpam, cumgar), (p.quangphu, cumgar)):
        UnitLineage.objects.create(
            predecessor=predecessor, successor=successor, effective_on=TWO_TIER_FROM
        )
    # What the lineage import maintains (units.services): a successor answers for the subtrees
    # of the units it was formed from.
    AdministrativeUnit.objects.filter(pk=daklak.pk).update(inherited_paths=p.daklak.path)
    AdministrativeUnit.objects.filter(pk=cumgar.pk).update(
        inherited_paths=f"{p.eakpam.path} {p.quangphu.path}"
    )
    daklak.refresh_from_db()
    cumgar.refresh_from_db()
    return TwoTier(
        old_daklak=p.daklak,
        daklak=daklak,
        cumgar=cumgar,
        admin=UserFactory(username="admin66new", role=Role.PROVINCIAL_ADMIN, unit=daklak),
        cumgar_staff=UserFactory(username="cumgarxa", role=Role.UNIT_STAFF, unit=cumgar),
    )
