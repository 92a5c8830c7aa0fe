"""Demo criteria sets, assessments and rankings: the source articles' figures and the province
as it stands in December 2026.

Seed facts (district level, old units, resolved on 31 December of their year):

- Ninh Bình 2018: Huyện Kim Sơn appraisal 65,55 + survey 20,83 = 86,38 (published).
- Lai Châu 2022 and 2023: all 8 district-level units; Huyện Nậm Nhùn 5th in 2022, 7th of 8 in
  2023 (▼ 2); Than Uyên and Tân Uyên tie for 3rd in 2023. Both published.

The old Tỉnh Đắk Lắk (until 30/06/2025):

- 2024, districts: all 15 published on 15/04/2025; Huyện Cư M'gar 2nd (85,62), Huyện Buôn Đôn
  claimed 63,40 appraisal points and was granted 60,15 (user `cumgar` reads a published result).
- 2024, communes: all 180 communes published on 15/04/2025, among them the three that formed
  the new Xã Cư M’gar on 01/07/2025 (Ea KPam 24280, Ea H'đinh 24274, Xã Cư M'gar 24289), so its
  history shows "trước 01/07/2025: …".

The new Tỉnh Đắk Lắk (from 01/07/2025), criteria files modelled on Hà Nội 5666/QĐ-UBND:

- 2025, its 102 communes and 15 departments, published on 20/03/2026 (best commune 88,10, a few
  below 70; Xã Cư M’gar 87,62; Sở Tư pháp 2nd of the departments).
- 2026, both open: most units self-assessing, some submitted, a few in appraisal round 1;
  self-assessment due 15/12/2026 (communes) and 10/01/2027 (departments).

Figures are tables and a deterministic generator (no randomness): the tests derive their
expected ranks from the same tables. Idempotent: a set that already exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import ROUND_DOWN
from decimal import Decimal as D
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from scoring import services
from scoring.choices import AssessmentState, Component, Rule
from scoring.models import Assessment, CriteriaSet, Criterion, CriterionScore, PublishedRanking
from units.choices import Level, Role
from units.models import AdministrativeUnit, User
from units.resolver import year_end

FIXTURES = settings.BASE_DIR / "fixtures"
CRITERIA_FILE = FIXTURES / "scoring_criteria_district.xlsx"
COMMUNE_FILE = FIXTURES / "scoring_criteria_commune.xlsx"
DEPARTMENT_FILE = FIXTURES / "scoring_criteria_department.xlsx"
CENT = D("0.01")
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


# The old Tỉnh Đắk Lắk's 2024 index of its 15 district-level units (appraisal, survey).
DAKLAK_2024_DISTRICTS = {
    "643": ("63.85", "24.60"),  # Thành phố Buôn Ma Thuột, 88.45 → 1
    "648": ("62.12", "23.50"),  # Huyện Cư M'gar, 85.62 → 2
    "651": ("61.05", "23.10"),  # 84.15
    "654": ("60.70", "22.80"),  # 83.50
    "644": ("60.20", "22.90"),  # 83.10
    "650": ("59.75", "22.35"),  # 82.10
    "647": ("60.15", "21.35"),  # Huyện Buôn Đôn, 81.50 (self-assessed 63.40)
    "655": ("59.10", "22.25"),  # 81.35
    "657": ("58.85", "22.15"),  # 81.00
    "649": ("58.40", "22.00"),  # 80.40
    "645": ("57.35", "21.80"),  # 79.15
    "656": ("56.95", "21.65"),  # 78.60
    "653": ("56.30", "21.40"),  # 77.70
    "652": ("55.60", "21.25"),  # 76.85
    "646": ("54.90", "21.10"),  # Huyện Ea Súp, 76.00 → 15
}
BUON_DON_SELF_APPRAISAL = D("63.40")
# 2024 communes of the old province: generated (commune_figures), except these.
DAKLAK_2024_COMMUNES_NAMED = {
    "24280": ("61.25", "23.40"),  # Xã Ea KPam, 84.65
    "24289": ("60.05", "23.05"),  # Xã Cư M'gar (old), 83.10
    "24274": ("58.70", "22.60"),  # Xã Ea H'đinh, 81.30
}
# The new Tỉnh Đắk Lắk's 2025 index: communes generated, except these; departments all named.
DAKLAK_2025_COMMUNES_NAMED = {
    "24280": ("63.12", "24.50"),  # Xã Cư M’gar (new), 87.62
}
DAKLAK_2025_DEPARTMENTS = {
    "66-SNV": ("64.35", "25.50"),  # 89.85 → 1
    "66-STP": ("63.56", "25.20"),  # Sở Tư pháp, 88.76 + 0.50 bonus = 89.26 → 2
    "66-VPUBND": ("62.90", "24.50"),  # 87.40
    "66-STC": ("61.92", "24.20"),  # 86.12
    "66-TTT": ("61.30", "24.00"),  # 85.30
    "66-SKHCN": ("60.96", "23.70"),  # 84.66
    "66-SGDDT": ("59.85", "23.20"),  # 83.05
    "66-SCT": ("59.27", "23.20"),  # 82.47
    "66-SYT": ("58.58", "22.70"),  # 81.28
    "66-SXD": ("58.10", "22.80"),  # 80.90
    "66-SNNMT": ("57.05", "22.30"),  # 79.35
    "66-SVHTTDL": ("56.74", "21.90"),  # 78.64
    "66-SNGV": ("56.15", "21.70"),  # 77.85
    "66-SDTTG": ("55.42", "21.50"),  # 76.92
    "66-BQLKCN": ("53.48", "20.70"),  # 74.18 → 15
}
# (bonus, penalty, reason) granted by the council in 2025.
DAKLAK_2025_BONUS_PENALTY = {
    "66-STP": ("0.50", "0", "Sáng kiến cấp phiếu lý lịch tư pháp trên ứng dụng VNeID."),
    "66-BQLKCN": ("0", "1.00", "Chậm báo cáo CCHC quý III/2025 theo yêu cầu của UBND tỉnh."),
}
BONUS_CAP, PENALTY_CAP = D("2"), D("3")

PUBLISHED_2024 = dt.datetime(2025, 4, 15, 9, 0)
PUBLISHED_2025 = dt.datetime(2026, 3, 20, 9, 0)
DUE_2025 = dt.date(2025, 12, 15)
DUE_2026_COMMUNES = dt.date(2026, 12, 15)
DUE_2026_DEPARTMENTS = dt.date(2027, 1, 10)

# 2026: the units that have submitted (self_assessed) or are in appraisal round 1 by now; every
# other unit is self-assessing, some without a score yet.
DAKLAK_2026_SUBMITTED_SHARE = D("0.22")
DAKLAK_2026_APPRAISAL_1: dict[str, tuple[str, ...]] = {
    Level.COMMUNE: ("24235", "24373", "24490", "22015"),  # Buôn Đôn, Ea Kar, Krông Pắc, Tuy Hòa
    Level.DEPARTMENT: ("66-SNV", "66-STC"),
}
DAKLAK_2026_SUBMITTED_NAMED: dict[str, tuple[str, ...]] = {
    Level.DEPARTMENT: ("66-VPUBND", "66-TTT", "66-SKHCN")
}
# How far the named units have got: the areas they have self-scored.
DAKLAK_2026_OPEN_AREAS = {"24280": 3, "66-STP": 2}


def load(*, out: Callable[[str], None]) -> None:
    admin = User.objects.get(is_superuser=True)  # created by the units part of the demo
    ninh_binh = _published_set("37", 2018, NINH_BINH_2018, admin, legal="Quyết định của UBND tỉnh")
    out(f"Chỉ số CCHC: {ninh_binh}")
    for year, figures in LAI_CHAU.items():
        out(f"Chỉ số CCHC: {_published_set('12', year, figures, admin)}")
    for criteria_set in (
        _daklak_2024_districts(admin),
        _daklak_2024_communes(admin),
        *_daklak_2025(admin),
        *_daklak_2026(),
    ):
        out(f"Chỉ số CCHC: {criteria_set}")
    out(f"Chỉ số CCHC: {_notices()} thông báo mẫu.")


def _notices() -> int:
    """The bell of the demo users: the province hears of the 2026 self-assessments sent in,
    each unit of its 2025 results (already read). Keyed, so a second load adds nothing."""
    from notifications import kinds
    from notifications.models import Notification
    from notifications.services import Notice, mail_muted, notify

    def notices(state: str, year: int, *, province: bool) -> list[Notice]:
        assessments = Assessment.objects.filter(
            state=state, criteria_set__year=year, criteria_set__province__code="66"
        ).select_related("unit", "criteria_set")
        return [
            Notice(
                target=a,
                unit=a.unit,
                staff=not province,
                roles=(Role.PROVINCIAL_ADMIN, Role.PROVINCIAL_INSPECTOR) if province else (),
                params={"unit": a.unit.name, "set": a.criteria_set.name},
                url=reverse("scoring:assessment_detail", args=[a.pk]),
                key=f"demo-{state}:{a.pk}",
            )
            for a in assessments
        ]

    with mail_muted():
        submitted = notify(
            kind=kinds.ASSESSMENT_SUBMITTED,
            notices=notices(AssessmentState.SELF_ASSESSED, 2026, province=True)[:5],
        )
        published = notify(
            kind=kinds.ASSESSMENT_PUBLISHED,
            notices=notices(AssessmentState.PUBLISHED, 2025, province=False),
            now=timezone.make_aware(PUBLISHED_2025),
        )
    Notification.objects.filter(
        kind=kinds.ASSESSMENT_PUBLISHED.name, key__startswith="demo-", read_at=None
    ).update(read_at=timezone.make_aware(PUBLISHED_2025))
    return len(submitted) + len(published)


def _import_set(
    province_code: str,
    year: int,
    legal: str = "",
    *,
    level: str = Level.DISTRICT,
    path: Path = CRITERIA_FILE,
    name: str = "",
    bonus_cap: D = D("3"),
    penalty_cap: D = D("5"),
    due: dt.date | None = None,
) -> tuple[CriteriaSet, bool]:
    # The province as it stood at the end of the year: 66 in 2024 is the old Đắk Lắk, in 2025
    # the merged one (services.criteria_set_province, the resolver's dated rule).
    province = services.criteria_set_province(code=province_code, year=year)
    existing = CriteriaSet.objects.filter(province=province, level=level, year=year).first()
    if existing is not None:
        return existing, False
    criteria_set = services.criteria_set_import(
        path=path,
        province=province,
        year=year,
        level=level,
        name=name or f"Bộ chỉ số CCHC cấp huyện năm {year} — {province.name}",
        legal_basis=legal or f"Quyết định số {100 + year % 100}/QĐ-UBND",
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
        self_assessment_due_on=due,
    )
    return criteria_set, True


def _published_set(province_code, year, figures, admin, legal="") -> CriteriaSet:
    criteria_set, created = _import_set(province_code, year, legal)
    if not created:
        return criteria_set
    leaves = list(Criterion.objects.filter(criteria_set=criteria_set, is_leaf=True))
    units = services.set_units(criteria_set)
    for code, (appraisal, survey) in figures.items():
        unit = units.resolve(code, on=year_end(year))
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


# --------------------------------------------------------------------------- figures


def _unit_fraction(*parts: str) -> D:
    """A number in [0, 1) fixed by its arguments (md5, so the same on every run and machine)."""
    digest = hashlib.md5("|".join(parts).encode(), usedforsecurity=False).hexdigest()
    return D(int(digest[:8], 16)) / D(2**32)


def commune_figures(
    codes: list[str], *, year: int, best: D, named: dict[str, tuple[str, str]]
) -> dict[str, tuple[str, str]]:
    """{code: (appraisal, survey)} for a province's communes: indices from `best` down to about
    `best` − 19 (a long middle, a few stragglers below 70), shuffled over the communes by a
    hash of the code; survey points 72–86 % of 30. `named` figures replace generated ones."""
    ordered = sorted(codes, key=lambda code: _unit_fraction(str(year), "order", code))
    last = max(len(ordered) - 1, 1)
    figures = {}
    for k, code in enumerate(ordered):
        x = D(k) / D(last)
        par_index = (best - 14 * x - 5 * x**6).quantize(CENT)
        survey = (
            30 * (D("0.72") + D("0.14") * _unit_fraction(str(year), "survey", code))
        ).quantize(CENT)
        survey = min(survey, par_index - 47)  # appraisal no lower than the criteria allow
        figures[code] = (str(par_index - survey), str(survey))
    figures.update(named)
    return figures


def spread(leaves: list[Criterion], target: D, *, salt: str) -> dict[int, D]:
    """Leaf points summing to `target`, each one its rule allows, lost unevenly across the
    areas (unlike `distribute`, which the seed figures keep): about a third of the units have
    one violation on a deduction leaf; the rest is taken from manual and rate leaves in
    proportion to a weight fixed by `salt`, none below half its maximum (nor its threshold)."""
    points = {c.pk: c.max_points for c in leaves}
    shortfall = sum(points.values(), D(0)) - target
    if shortfall < 0:
        raise ValueError(f"{target} is above the maximum")
    for c in sorted(leaves, key=lambda c: c.code):
        step = D(c.rule_params.get("per_violation", 0)) if c.rule == Rule.DEDUCTION else D(0)
        if step and step <= shortfall and _unit_fraction(salt, c.code) < D("0.3"):
            points[c.pk] -= step
            shortfall -= step
    floor = {
        c.pk: (c.max_points * max(D("0.5"), D(c.rule_params.get("threshold", 0)))).quantize(
            CENT, rounding=ROUND_DOWN
        )
        + (CENT if c.rule_params.get("threshold") else 0)  # stay clear of the threshold
        for c in leaves
        if c.rule in (Rule.MANUAL, Rule.RATE)
    }
    flexible = sorted((c for c in leaves if c.pk in floor), key=lambda c: c.code)
    weight = {c.pk: c.max_points * (D("0.3") + _unit_fraction(salt, "w", c.code)) for c in flexible}
    for _round in range(6):
        room = [c for c in flexible if points[c.pk] > floor[c.pk]]
        if shortfall <= 0 or not room:
            break
        total = sum(weight[c.pk] for c in room)
        planned = shortfall
        for c in room:
            share = (planned * weight[c.pk] / total).quantize(CENT, rounding=ROUND_DOWN)
            taken = min(share, points[c.pk] - floor[c.pk])
            points[c.pk] -= taken
            shortfall -= taken
    for c in flexible:  # the cents the rounding left
        taken = min(shortfall, points[c.pk] - floor[c.pk])
        points[c.pk] -= taken
        shortfall -= taken
    if shortfall > 0:
        raise ValueError(f"cannot reach {target}")
    return points


def _stamp(publication: PublishedRanking, when: dt.datetime) -> None:
    # ranking_publish stamps the publication with the time of loading; the demo's happened on
    # the province's day (the snapshot itself is what the service froze).
    PublishedRanking.objects.filter(pk=publication.pk).update(
        published_at=timezone.make_aware(when)
    )


def _assessments_create(
    criteria_set: CriteriaSet,
    states: dict[str, str],
    scores_for: Callable[[str], dict[int, dict]],
) -> dict[str, int]:
    """The set's assessments of these unit codes (resolved on 31 December of its year) in the
    given states, with a score per leaf as services.assessment_ensure makes them, filled with
    `scores_for(code)` ({criterion id: field values}). Two bulk inserts for the lot (the demo
    writes some 20,000 scores; one save per row took most of load_demo's time)."""
    resolver = services.set_units(criteria_set)
    day = year_end(criteria_set.year)
    unit_ids = {code: resolver.resolve_id(code, on=day) for code in states}
    Assessment.objects.bulk_create(
        [
            Assessment(criteria_set=criteria_set, unit_id=unit_ids[code], state=state)
            for code, state in states.items()
        ]
    )
    by_unit = dict(criteria_set.assessments.values_list("unit_id", "pk"))
    leaves = Criterion.objects.filter(criteria_set=criteria_set, is_leaf=True)
    leaf_ids = list(leaves.values_list("pk", flat=True))
    scores: list[CriterionScore] = []
    for code in states:
        values = scores_for(code)
        assessment_id = by_unit[unit_ids[code]]
        scores.extend(
            CriterionScore(assessment_id=assessment_id, criterion_id=pk, **values.get(pk, {}))
            for pk in leaf_ids
        )
    CriterionScore.objects.bulk_create(scores, batch_size=2000)
    return {code: by_unit[unit_ids[code]] for code in states}


def _publish_figures(
    criteria_set: CriteriaSet,
    figures: dict[str, tuple[str, str]],
    admin: User,
    *,
    when: dt.datetime,
    bonus_penalty: dict[str, tuple[str, str, str]] | None = None,
    self_appraisal: dict[str, D] | None = None,
) -> None:
    """Assessments of the set's units with these (appraisal, survey) figures, locked and
    published: the unit's self-scores a little higher than the council's on the leaves it lost
    points on, with the council's reason."""
    leaves = list(Criterion.objects.filter(criteria_set=criteria_set, is_leaf=True))
    appraisal_leaves = [c for c in leaves if c.component == Component.APPRAISAL]
    survey_leaves = [c for c in leaves if c.component == Component.SURVEY]

    def scores_for(code: str) -> dict[int, dict]:
        appraisal, survey = figures[code]
        salt = f"{criteria_set.year}|{criteria_set.level}|{code}"
        granted = spread(appraisal_leaves, D(appraisal), salt=salt)
        claimed = (
            spread(appraisal_leaves, self_appraisal[code], salt=salt + "|self")
            if self_appraisal and code in self_appraisal
            else None
        )
        values: dict[int, dict[str, D | str]] = {
            pk: {"survey_points": points}
            for pk, points in spread(survey_leaves, D(survey), salt=salt + "|survey").items()
        }
        for criterion in appraisal_leaves:
            round1 = granted[criterion.pk]
            if claimed is not None:
                self_score = claimed[criterion.pk]
            elif criterion.rule == Rule.MANUAL:
                self_score = criterion.max_points
            else:
                self_score = round1
            values[criterion.pk] = {"self_score": self_score, "round1_score": round1}
            if self_score != round1:
                values[criterion.pk]["round1_reason"] = (
                    "Tài liệu kiểm chứng chưa chứng minh đầy đủ kết quả tự chấm."
                )
            if criterion.evidence_required:
                values[criterion.pk]["self_note"] = "Có văn bản kèm theo trong hồ sơ đánh giá."
        return values

    assessments = _assessments_create(
        criteria_set, dict.fromkeys(figures, AssessmentState.LOCKED), scores_for
    )
    for code, (bonus, penalty, note) in (bonus_penalty or {}).items():
        Assessment.objects.filter(pk=assessments[code]).update(
            bonus_points=D(bonus), penalty_points=D(penalty), bonus_penalty_note=note
        )
    _stamp(
        services.ranking_publish(criteria_set=criteria_set, by=admin, at=timezone.make_aware(when)),
        when,
    )


def _level_codes(criteria_set: CriteriaSet) -> list[str]:
    """Codes of the units of the set's level in its province that existed in its year."""
    return list(
        AdministrativeUnit.objects.subtree_of(criteria_set.province)
        .filter(level=criteria_set.level)
        .valid_on(year_end(criteria_set.year))
        .order_by("code")
        .values_list("code", flat=True)
    )


# --------------------------------------------------------------------------- Đắk Lắk


def _daklak_2024_districts(admin: User) -> CriteriaSet:
    criteria_set, created = _import_set("66", 2024, due=dt.date(2024, 12, 20))
    if created:
        _publish_figures(
            criteria_set,
            DAKLAK_2024_DISTRICTS,
            admin,
            when=PUBLISHED_2024,
            self_appraisal={"647": BUON_DON_SELF_APPRAISAL},
        )
    return criteria_set


def _daklak_2024_communes(admin: User) -> CriteriaSet:
    criteria_set, created = _import_set(
        "66",
        2024,
        "Quyết định số 124/QĐ-UBND",
        level=Level.COMMUNE,
        path=COMMUNE_FILE,
        name="Bộ chỉ số CCHC cấp xã năm 2024 — Tỉnh Đắk Lắk",
        bonus_cap=BONUS_CAP,
        penalty_cap=PENALTY_CAP,
        due=dt.date(2024, 12, 20),
    )
    if created:
        figures = commune_figures(
            _level_codes(criteria_set), year=2024, best=D("86.90"), named=DAKLAK_2024_COMMUNES_NAMED
        )
        _publish_figures(criteria_set, figures, admin, when=PUBLISHED_2024)
    return criteria_set


def daklak_2025_commune_figures(codes: list[str]) -> dict[str, tuple[str, str]]:
    """The 2025 figures of the new province's communes (codes as of 31/12/2025)."""
    return commune_figures(codes, year=2025, best=D("88.10"), named=DAKLAK_2025_COMMUNES_NAMED)


def _new_sets(year: int, due: dict[str, dt.date]) -> list[tuple[CriteriaSet, bool]]:
    legal = "Quyết định số 2850/QĐ-UBND ngày 28/11/2025 của UBND tỉnh Đắk Lắk"
    return [
        _import_set(
            "66",
            year,
            legal,
            level=level,
            path=path,
            name=f"Bộ chỉ số CCHC {label} năm {year} — Tỉnh Đắk Lắk",
            bonus_cap=BONUS_CAP,
            penalty_cap=PENALTY_CAP,
            due=due[level],
        )
        for level, path, label in (
            (Level.COMMUNE, COMMUNE_FILE, "cấp xã"),
            (Level.DEPARTMENT, DEPARTMENT_FILE, "các sở, ban, ngành"),
        )
    ]


def _daklak_2025(admin: User) -> list[CriteriaSet]:
    (communes, new_communes), (departments, new_departments) = _new_sets(
        2025, {Level.COMMUNE: DUE_2025, Level.DEPARTMENT: DUE_2025}
    )
    if new_communes:
        figures = daklak_2025_commune_figures(_level_codes(communes))
        _publish_figures(communes, figures, admin, when=PUBLISHED_2025)
    if new_departments:
        _publish_figures(
            departments,
            DAKLAK_2025_DEPARTMENTS,
            admin,
            when=PUBLISHED_2025,
            bonus_penalty=DAKLAK_2025_BONUS_PENALTY,
        )
    return [communes, departments]


def daklak_2026_state(level: str, code: str) -> str:
    """Where a unit's 2026 assessment stands on the demo's today (1 December 2026)."""
    if code in DAKLAK_2026_APPRAISAL_1[level]:
        return AssessmentState.APPRAISAL_1
    if code in DAKLAK_2026_OPEN_AREAS:
        return AssessmentState.OPEN
    if code in DAKLAK_2026_SUBMITTED_NAMED.get(level, ()):
        return AssessmentState.SELF_ASSESSED
    if level == Level.COMMUNE and _unit_fraction("2026", "state", code) < (
        DAKLAK_2026_SUBMITTED_SHARE
    ):
        return AssessmentState.SELF_ASSESSED
    return AssessmentState.OPEN


def _daklak_2026() -> list[CriteriaSet]:
    sets = _new_sets(
        2026, {Level.COMMUNE: DUE_2026_COMMUNES, Level.DEPARTMENT: DUE_2026_DEPARTMENTS}
    )
    for criteria_set, created in sets:
        if created:
            _open_2026(criteria_set)
    return [criteria_set for criteria_set, _created in sets]


def _open_2026(criteria_set: CriteriaSet) -> None:
    """Every unit's 2026 assessment: submitted ones fully self-scored (with a note where
    evidence is required), the others part of the way (the areas done so far), some not yet."""
    level = criteria_set.level
    leaves = list(Criterion.objects.filter(criteria_set=criteria_set, is_leaf=True))
    appraisal_leaves = [c for c in leaves if c.component == Component.APPRAISAL]
    states = {code: daklak_2026_state(level, code) for code in _level_codes(criteria_set)}

    def scores_for(code: str) -> dict[int, dict]:
        salt = f"2026|{level}|{code}"
        if states[code] == AssessmentState.OPEN:
            areas = DAKLAK_2026_OPEN_AREAS.get(code)
            if areas is None:
                areas = int(_unit_fraction(salt, "areas") * 7)  # 0–6 areas done
            done = {str(a) for a in range(1, areas + 1)}
            return {
                c.pk: {"self_score": c.max_points}
                for c in appraisal_leaves
                if c.code.split(".")[0] in done
            }
        # Units claim 62–68 of the 70 appraisal points.
        target = (62 + 6 * _unit_fraction(salt, "claim")).quantize(CENT)
        claimed = spread(appraisal_leaves, target, salt=salt)
        return {
            c.pk: {
                "self_score": claimed[c.pk],
                "self_note": "Có văn bản kèm theo trong hồ sơ tự đánh giá."
                if c.evidence_required
                else "",
            }
            for c in appraisal_leaves
        }

    _assessments_create(criteria_set, states, scores_for)
