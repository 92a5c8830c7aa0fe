"""The demo reproduces the source facts, on the page, in Excel and in PDF."""

import datetime as dt
import html
import io
import re
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from cchc_portal.demo import load_demo
from cchc_portal.templatetags.portal import num
from scoring import demo as scoring_demo
from scoring.choices import AssessmentState as S
from scoring.models import (
    Assessment,
    CriteriaSet,
    CriterionScore,
    PublishedRanking,
    PublishedResult,
)
from scoring.selectors import ranking, unit_history
from units.models import AdministrativeUnit, User
from units.resolver import resolve_unit

pytestmark = pytest.mark.django_db


def _state():
    """What a second `load_demo` must leave as it found: the units (of every app, the two trees),
    the users and their units, the scoring rows."""
    return (
        list(
            AdministrativeUnit.objects.order_by("code", "valid_from").values_list(
                "code", "name", "level", "parent__code", "valid_from", "valid_until", "path"
            )
        ),
        list(User.objects.order_by("username").values_list("username", "unit")),
        list(CriteriaSet.objects.order_by("pk").values_list("pk", "year", "status")),
        list(Assessment.objects.order_by("pk").values_list("pk", "state", "updated_at")),
        list(CriterionScore.objects.order_by("pk").values_list("pk", "version", "self_score")),
        PublishedResult.objects.count(),
        list(PublishedRanking.objects.order_by("pk").values_list("pk", "published_at")),
    )


def test_demo_reproduces_the_sources_and_lives_in_2026(client_for):
    # One load for every check: load_demo takes half a minute on SQLite.
    load_demo(out=lambda _line: None)
    before = _state()
    load_demo(out=lambda _line: None)
    assert _state() == before  # idempotent
    _check_sources(client_for)
    _check_daklak_2024(client_for)
    _check_daklak_2025_ranking_command()
    _check_history_across_the_merger(client_for)
    _check_daklak_2026(client_for)


def _check_sources(client_for):

    ninh_binh = CriteriaSet.objects.get(province__code="37", year=2018)
    assert ninh_binh.criteria.filter(parent__isnull=True, component="appraisal").count() == 8
    assert set(ninh_binh.criteria.filter(is_leaf=True).values_list("rule", flat=True)) == {
        "manual",
        "yes_no",
        "rate",
        "tiers",
        "deduction",
    }
    kim_son = next(r for r in ranking(criteria_set=ninh_binh).rows if r.unit_code == "376")
    assert (kim_son.appraisal, kim_son.survey, kim_son.index) == (
        D("65.55"),
        D("20.83"),
        D("86.38"),
    )
    assert not ranking(criteria_set=ninh_binh).provisional

    lai_chau = {cs.year: cs for cs in CriteriaSet.objects.filter(province__code="12")}
    r2022 = {r.unit_code: r for r in ranking(criteria_set=lai_chau[2022]).rows}
    r2023 = {r.unit_code: r for r in ranking(criteria_set=lai_chau[2023]).rows}
    assert len(r2022) == len(r2023) == 8
    assert r2022["112"].rank == 5 and r2023["112"].rank == 7
    assert r2023["112"].change == -2 and r2023["112"].change_label == "▼ 2"
    ranks = [r.rank for r in r2023.values()]
    assert len(set(ranks)) < len(ranks)  # a tie

    # The same figures on the page, in Excel and in PDF, for Nậm Nhùn's own user.
    client = client_for(User.objects.get(username="namnhun"))
    page = client.get(reverse("scoring:ranking_detail", args=[lai_chau[2023].pk])).content.decode()
    assert "79,52" in page and "▼ 2" in page
    xlsx = client.get(reverse("scoring:ranking_xlsx", args=[lai_chau[2023].pk]))
    rows = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.iter_rows(
        values_only=True
    )
    nam_nhun = next(r for r in rows if r and r[1] == "112")
    assert (nam_nhun[0], nam_nhun[7], nam_nhun[9]) == (7, 79.52, "▼ 2")
    pdf = client.get(reverse("scoring:ranking_pdf", args=[lai_chau[2023].pk])).content
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())  # names wrap
    assert "Huyện Nậm Nhùn" in text and "79,52" in text
    # …and never Đắk Lắk's, published or provisional.
    for daklak in CriteriaSet.objects.filter(province__code="66"):
        assert client.get(reverse("scoring:ranking_detail", args=[daklak.pk])).status_code == 404

    public = client_for(None).get(reverse("public:ranking_detail", args=[ninh_binh.pk]))
    assert "86,38" in public.content.decode()


OLD_DAY, NEW_DAY = dt.date(2024, 12, 31), dt.date(2025, 12, 31)


def _set(code: str, year: int, level: str) -> CriteriaSet:
    day = dt.date(year, 12, 31)
    return CriteriaSet.objects.get(province=resolve_unit(code, on=day), year=year, level=level)


def _expected_ranks(indices: dict[str, D]) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of the figures, worked out here from the demo's table."""
    return {
        code: 1 + sum(1 for other in indices.values() if other > v) for code, v in indices.items()
    }


def _published_day(criteria_set: CriteriaSet) -> dt.date:
    publication = criteria_set.publications.current().get()
    return timezone.localtime(publication.published_at).date()


def _check_daklak_2024(client_for):
    """The old province's 2024 district index is published in spring 2025 (no longer open)."""
    districts = _set("66", 2024, "district")
    assert districts.province.valid_until == dt.date(2025, 6, 30)  # the old Đắk Lắk
    assert _published_day(districts) == dt.date(2025, 4, 15)
    assert set(districts.assessments.values_list("state", flat=True)) == {S.PUBLISHED}
    rows = {r.unit_code: r for r in ranking(criteria_set=districts).rows}
    old_districts = set(
        AdministrativeUnit.objects.subtree_of(districts.province)
        .filter(level="district")
        .values_list("code", flat=True)
    )
    assert set(rows) == old_districts and len(rows) == 15
    assert (rows["648"].appraisal, rows["648"].survey, rows["648"].index) == (
        D("62.12"),
        D("23.50"),
        D("85.62"),
    )
    assert rows["648"].rank == 2 and rows["643"].rank == 1
    assert rows["647"].index == D("81.50")
    # Buôn Đôn claimed more than the council granted.
    buon_don = Assessment.objects.get(criteria_set=districts, unit=rows["647"].unit_id)
    claimed = buon_don.scores.filter(criterion__component="appraisal").aggregate(
        total=Sum("self_score")
    )["total"]
    assert claimed == D("63.40")

    # The old district's staff read their published result.
    cumgar = client_for(User.objects.get(username="cumgar"))
    page = cumgar.get(reverse("scoring:ranking_detail", args=[districts.pk])).content.decode()
    assert "85,62" in page and "Huyện Cư M'gar" in page
    home = cumgar.get(reverse("home")).content.decode()
    assert "Xếp hạng đã công bố năm 2024" in home and "2/15" in home


def _ranking_rows(*args: str) -> dict[str, tuple[int, D]]:
    out = io.StringIO()
    call_command("ranking", *args, stdout=out)
    rows = {}
    for line in out.getvalue().splitlines():
        match = re.match(r"\s*(\d+)\s+(\S+)\s", line)
        if match:
            numbers = re.findall(r"\d+\.\d\d", line)
            rows[match.group(2)] = (int(match.group(1)), D(numbers[4]))
    return rows


def _check_daklak_2025_ranking_command():
    communes = _set("66", 2025, "commune")
    departments = _set("66", 2025, "department")
    assert communes.province.valid_from == dt.date(2025, 7, 1)  # the merged Đắk Lắk
    assert _published_day(communes) == _published_day(departments) == dt.date(2026, 3, 20)

    codes = list(
        AdministrativeUnit.objects.subtree_of(communes.province)
        .filter(level="commune")
        .valid_on(NEW_DAY)
        .values_list("code", flat=True)
    )
    assert len(codes) == 102
    figures = scoring_demo.daklak_2025_commune_figures(codes)
    indices = {code: D(a) + D(s) for code, (a, s) in figures.items()}
    listed = _ranking_rows("--province", "66", "--year", "2025", "--level", "commune")
    assert set(listed) == set(codes)
    ranks = _expected_ranks(indices)
    assert {code: (ranks[code], indices[code]) for code in codes} == listed
    assert max(indices.values()) == D("88.10")  # the best commune, as the demo's table says
    assert 1 <= sum(1 for v in indices.values() if v < 70) <= 6  # a few below 70
    assert listed["24280"][1] == D("87.62")  # Xã Cư M’gar

    table = scoring_demo.DAKLAK_2025_DEPARTMENTS
    adjust = scoring_demo.DAKLAK_2025_BONUS_PENALTY
    indices = {}
    for code, (appraisal, survey) in table.items():
        bonus, penalty, _reason = adjust.get(code, ("0", "0", ""))
        indices[code] = D(appraisal) + D(survey) + D(bonus) - D(penalty)
    listed = _ranking_rows("--province", "66", "--year", "2025", "--level", "department")
    ranks = _expected_ranks(indices)
    assert listed == {code: (ranks[code], indices[code]) for code in table}
    assert len(listed) == 15
    assert listed["66-STP"] == (2, D("89.26"))  # Sở Tư pháp: 63.56 + 25.20 + 0.50


def _check_history_across_the_merger(client_for):
    """The new Xã Cư M’gar shows its predecessors' 2024 figures, labelled, then its own 2025
    result with the rank change "mới"."""
    old_2024 = _set("66", 2024, "commune")
    predecessors = {
        code: resolve_unit(code, on=OLD_DAY).name for code in ("24280", "24274", "24289")
    }
    assert predecessors["24280"] == "Xã Ea KPam"
    published = {r.unit_code: r for r in ranking(criteria_set=old_2024).rows}
    cumgar_communes = AdministrativeUnit.objects.subtree_of(resolve_unit("648", on=OLD_DAY))
    assert set(cumgar_communes.filter(level="commune").values_list("code", flat=True)) <= set(
        published
    )
    client = client_for(User.objects.get(username="cumgar.xa"))
    page = html.unescape(
        client.get(reverse("scoring:unit_history", args=["24280"])).content.decode()
    )
    for code, name in predecessors.items():
        assert f"trước 01/07/2025: {name}" in page
        assert num(published[code].index) in page
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S)
    own_2025 = next(r for r in rows if "Bộ chỉ số CCHC cấp xã năm 2025" in r)
    new_communes = _set("66", 2025, "commune")
    codes = AdministrativeUnit.objects.subtree_of(new_communes.province).filter(level="commune")
    figures = scoring_demo.daklak_2025_commune_figures(
        list(codes.valid_on(NEW_DAY).values_list("code", flat=True))
    )
    rank = _expected_ranks({code: D(a) + D(s) for code, (a, s) in figures.items()})["24280"]
    assert "87,62" in own_2025 and f"{rank}/102" in own_2025
    assert "mới" in own_2025

    history = unit_history(
        unit=resolve_unit("24280", on=NEW_DAY), user=User.objects.get(username="cumgar.xa")
    )
    assert [(y.year, y.predecessor is None) for y in history.years] == [
        (2024, False),
        (2024, False),
        (2024, False),
        (2025, True),
    ]
    assert history.years[-1].change_label == "mới"


def _check_daklak_2026(client_for):
    communes = _set("66", 2026, "commune")
    departments = _set("66", 2026, "department")
    assert communes.self_assessment_due_on == dt.date(2026, 12, 15)
    assert departments.self_assessment_due_on == dt.date(2027, 1, 10)
    assert not communes.publications.exists() and not departments.publications.exists()

    def states(criteria_set):
        return dict(
            criteria_set.assessments.order_by()
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )

    commune_states = states(communes)
    assert sum(commune_states.values()) == 102
    assert commune_states[S.OPEN] > 102 / 2  # most communes are self-assessing
    assert commune_states[S.SELF_ASSESSED] >= 5
    assert commune_states[S.APPRAISAL_1] == 4
    assert set(commune_states) == {S.OPEN, S.SELF_ASSESSED, S.APPRAISAL_1}
    department_states = states(departments)
    assert department_states == {S.OPEN: 10, S.SELF_ASSESSED: 3, S.APPRAISAL_1: 2}
    # Some self-scores entered while self-assessing, none appraised yet.
    open_scored = CriterionScore.objects.filter(
        assessment__criteria_set=communes, assessment__state=S.OPEN, self_score__isnull=False
    )
    assert open_scored.values("assessment").distinct().count() >= 20
    assert not CriterionScore.objects.filter(
        assessment__criteria_set__in=[communes, departments], round1_score__isnull=False
    ).exists()
    # Units in appraisal have a full self-assessment, evidence notes included.
    in_appraisal = CriterionScore.objects.filter(
        assessment__criteria_set=communes,
        assessment__state=S.APPRAISAL_1,
        criterion__component="appraisal",
    )
    assert not in_appraisal.filter(self_score__isnull=True).exists()
    assert not in_appraisal.filter(criterion__evidence_required=True, self_note="").exists()

    for username, due in (("cumgar.xa", "15/12/2026"), ("stp.daklak", "10/01/2027")):
        client = client_for(User.objects.get(username=username))
        home = client.get(reverse("home")).content.decode()
        assert "Đánh giá năm 2026" in home and "Đang tự đánh giá" in home
        assert f"Hạn tự đánh giá: {due}, " in home
    stp = client_for(User.objects.get(username="stp.daklak")).get(reverse("home")).content.decode()
    assert "89,26" in stp and "2/15" in stp  # its published 2025 result
