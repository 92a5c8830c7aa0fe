"""Demo criteria sets, assessments and rankings reproducing the source articles.

- Ninh Bình 2018 (districts): Huyện Kim Sơn appraisal 65,55 + survey 20,83 = 86,38 (published).
- Lai Châu 2022 and 2023: all 8 district-level units; Huyện Nậm Nhùn 5th in 2022, 7th of 8 in
  2023 (▼ 2); Than Uyên and Tân Uyên tie for 3rd in 2023. Both published.
- Đắk Lắk 2024: Huyện Cư M'gar open for self-assessment (user `cumgar`), Huyện Buôn Đôn in
  appraisal round 1 (work for `thanhtra.daklak`).

Idempotent: a set that already exists is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D

from django.conf import settings

from scoring import services
from scoring.choices import AssessmentState, Component, Rule
from scoring.models import CriteriaSet, Criterion, CriterionScore
from units.choices import Level
from units.models import AdministrativeUnit, User

CRITERIA_FILE = settings.BASE_DIR / "fixtures" / "scoring_criteria_district.xlsx"

NINH_BINH_2018 = {  # unit code: (appraisal, survey)
    "376": ("65.55", "20.83"),  # Kim Sơn (source article 003)
    "370": ("63.10", "21.40"),
    "372": ("60.25", "19.95"),
    "373": ("62.80", "20.10"),
    "374": ("66.05", "22.35"),
    "375": ("61.70", "20.40"),
    "377": ("59.90", "19.80"),
}
LAI_CHAU = {
    2022: {
        "105": ("63.50", "23.00"),  # 86.50 → 1
        "110": ("62.10", "22.10"),  # 84.20 → 2
        "106": ("61.40", "22.50"),  # 83.90 → 3
        "109": ("60.30", "21.80"),  # 82.10 → 4
        "112": ("59.85", "21.50"),  # 81.35 → 5 Nậm Nhùn
        "111": ("58.52", "21.50"),  # 80.02 → 6
        "107": ("57.44", "21.00"),  # 78.44 → 7
        "108": ("56.60", "21.00"),  # 77.60 → 8
    },
    2023: {
        "105": ("64.62", "23.50"),  # 88.12 → 1
        "106": ("62.90", "22.50"),  # 85.40 → 2
        "110": ("61.55", "22.50"),  # 84.05 → 3
        "111": ("61.85", "22.20"),  # 84.05 → 3 (tie)
        "109": ("60.30", "22.00"),  # 82.30 → 5
        "108": ("59.26", "21.50"),  # 80.76 → 6
        "112": ("58.02", "21.50"),  # 79.52 → 7 Nậm Nhùn (▼ 2)
        "107": ("56.18", "21.00"),  # 77.18 → 8
    },
}


def load(*, out: Callable[[str], None]) -> None:
    admin = User.objects.filter(is_superuser=True).first()
    ninh_binh = _published_set("37", 2018, NINH_BINH_2018, admin, legal="Quyết định của UBND tỉnh")
    out(f"Chỉ số CCHC: {ninh_binh}")
    for year, figures in LAI_CHAU.items():
        out(f"Chỉ số CCHC: {_published_set('12', year, figures, admin)}")
    out(f"Chỉ số CCHC: {_daklak_2024()}")


def _import_set(province_code: str, year: int, legal: str = "") -> tuple[CriteriaSet, bool]:
    province = AdministrativeUnit.objects.by_code(province_code)
    existing = CriteriaSet.objects.filter(
        province=province, level=Level.DISTRICT, year=year
    ).first()
    if existing is not None:
        return existing, False
    criteria_set = services.criteria_set_import(
        path=CRITERIA_FILE,
        province=province,
        year=year,
        level=Level.DISTRICT,
        name=f"Bộ chỉ số CCHC cấp huyện năm {year} — {province.name}",
        legal_basis=legal or f"Quyết định số {100 + year % 100}/QĐ-UBND",
        bonus_cap=D("3"),
        penalty_cap=D("5"),
    )
    return criteria_set, True


def _published_set(province_code, year, figures, admin, legal="") -> CriteriaSet:
    criteria_set, created = _import_set(province_code, year, legal)
    if not created:
        return criteria_set
    leaves = list(Criterion.objects.filter(criteria_set=criteria_set, is_leaf=True))
    for code, (appraisal, survey) in figures.items():
        unit = AdministrativeUnit.objects.by_code(code)
        assessment = services.assessment_ensure(criteria_set=criteria_set, unit=unit)
        appraisal_points = distribute(
            [c for c in leaves if c.component == Component.APPRAISAL], D(appraisal)
        )
        survey_points = distribute(
            [c for c in leaves if c.component == Component.SURVEY], D(survey)
        )
        scores = list(CriterionScore.objects.filter(assessment=assessment))
        for s in scores:
            if s.criterion_id in appraisal_points:
                points = appraisal_points[s.criterion_id]
                # The unit claimed a little more than the council granted on flexible leaves.
                s.self_score = points
                s.round1_score = points
                if s.criterion.rule == Rule.MANUAL and points < s.criterion.max_points:
                    s.self_score = s.criterion.max_points
                    s.round1_reason = "Tài liệu kiểm chứng chưa đầy đủ."
            else:
                s.survey_points = survey_points[s.criterion_id]
        CriterionScore.objects.bulk_update(
            scores, ["self_score", "round1_score", "round1_reason", "survey_points"]
        )
        assessment.state = AssessmentState.LOCKED
        assessment.save()
    services.ranking_publish(criteria_set=criteria_set, by=admin)
    return criteria_set


def distribute(leaves: list[Criterion], target: D) -> dict[int, D]:
    """Leaf scores that sum to `target`: fixed-step leaves full, the shortfall taken from leaves
    that accept any value (manual, rate), so every score is one its rule allows."""
    points = {c.pk: c.max_points for c in leaves}
    shortfall = sum(points.values(), D(0)) - target
    flexible = [c for c in leaves if c.rule in (Rule.MANUAL, Rule.RATE)]
    for c in sorted(flexible, key=lambda c: (c.position, c.code)):
        if shortfall <= 0:
            break
        taken = min(shortfall, c.max_points / 2)  # keep every leaf at half or better
        points[c.pk] -= taken
        shortfall -= taken
    if shortfall > 0:
        raise ValueError(f"cannot reach {target}")
    return points


def _daklak_2024() -> CriteriaSet:
    criteria_set, created = _import_set("66", 2024)
    if not created:
        return criteria_set
    cumgar = services.assessment_ensure(
        criteria_set=criteria_set, unit=AdministrativeUnit.objects.by_code("648")
    )
    # Cư M'gar has started: the first area is self-scored, the rest is to do.
    for s in cumgar.scores.select_related("criterion").filter(criterion__code__startswith="1."):
        s.self_score = s.criterion.max_points
        s.save()
    buondon = services.assessment_ensure(
        criteria_set=criteria_set, unit=AdministrativeUnit.objects.by_code("647")
    )
    leaves = [
        s.criterion
        for s in buondon.scores.select_related("criterion")
        if s.criterion.component == Component.APPRAISAL
    ]
    points = distribute(leaves, D("63.40"))
    for s in buondon.scores.all():
        if s.criterion_id in points:
            s.self_score = points[s.criterion_id]
            s.self_note = "Có báo cáo kèm theo."
            s.save()
    buondon.state = AssessmentState.APPRAISAL_1
    buondon.save()
    return criteria_set
