"""Appraisal starts from the self-score (issue 14 item 3): "giữ điểm tự chấm" per leaf, "giữ
nguyên cả lĩnh vực" per area, round 2 from round 1, blanks counted and never a 0; "không phát
sinh"; 4 decimals on the sheet as in imports; unappraised units unranked in a provisional
ranking; the labelled index on confirmation pages and rankings; publishing through a
confirmation page."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import imports, selectors, services, workflow
from scoring.choices import AssessmentState as S
from scoring.choices import ScoreField as F
from scoring.exports import ranking_values
from scoring.models import Criterion, CriterionScore
from tests.scoring.factories import FULL, make_assessment, make_set, many_units
from units.choices import Level

pytestmark = pytest.mark.django_db

# Self-scores of every appraisal leaf of factories.SMALL_TREE (4 + 6 + 20 + 10 + 30 = 70) and
# no survey points yet.
SELF_ONLY = {
    "1.1": ("4", None, None, None),
    "1.2": ("6", None, None, None),
    "2.1": ("20", None, None, None),
    "2.2": ("10", None, None, None),
    "2.3": ("30", None, None, None),
}


@pytest.fixture
def cs(personas):
    return make_set(province=personas.daklak)


def score(a, code):
    return CriterionScore.objects.select_related("criterion").get(
        assessment=a, criterion__code=code
    )


def area(cs, code):
    return Criterion.objects.get(criteria_set=cs, code=code)


def last_history(s):
    return s.history.order_by("-history_date", "-history_id").first()


# --------------------------------------------------------------------------- keep one leaf


def test_keep_writes_the_self_score_with_history_and_no_reason(personas, cs):
    a = make_assessment(
        criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=SELF_ONLY
    )
    s = score(a, "1.2")
    services.score_keep(score_id=s.pk, field=F.ROUND1, version=s.version, by=personas.inspector)
    s.refresh_from_db()
    assert s.round1_score == D("6") and s.round1_reason == ""
    record = last_history(s)
    assert record.history_change_reason == "giữ điểm tự chấm"
    assert record.history_user == personas.inspector


def test_keep_after_a_change_returns_to_the_self_score_without_the_old_reason(personas, cs):
    scores = {**SELF_ONLY, "1.2": ("6", None, None, None)}
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=scores)
    s = score(a, "1.2")
    services.score_save(
        score_id=s.pk,
        field=F.ROUND1,
        value="5",
        version=s.version,
        by=personas.inspector,
        reason="Thiếu kế hoạch",
    )
    s.refresh_from_db()
    services.score_keep(score_id=s.pk, field=F.ROUND1, version=s.version, by=personas.inspector)
    s.refresh_from_db()
    assert (s.round1_score, s.round1_reason) == (D("6"), "")
    reasons = list(s.history.order_by("history_date").values_list("round1_reason", flat=True))
    assert "Thiếu kế hoạch" in reasons  # the history keeps what was said


def test_keep_refused_for_the_unit_outside_the_round_and_when_nothing_to_keep(personas, cs):
    a = make_assessment(
        criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=SELF_ONLY
    )
    s = score(a, "1.2")
    with pytest.raises(PermissionDenied):
        services.score_keep(
            score_id=s.pk, field=F.ROUND1, version=s.version, by=personas.cumgar_staff
        )
    with pytest.raises(PermissionDenied):  # round 2 is not open in round 1
        services.score_keep(score_id=s.pk, field=F.ROUND2, version=s.version, by=personas.admin)
    blank = score(a, "1.1")
    CriterionScore.objects.filter(pk=blank.pk).update(self_score=None)
    with pytest.raises(services.ScoringError) as exc:
        services.score_keep(
            score_id=blank.pk, field=F.ROUND1, version=blank.version, by=personas.inspector
        )
    assert exc.value.message == services.KEEP_NOTHING_TO_KEEP % {"code": "1.1"}
    assert score(a, "1.1").round1_score is None


def test_keep_on_a_locked_sheet_is_refused_by_the_guard(personas, cs):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.LOCKED, scores=FULL)
    s = score(a, "1.2")
    with pytest.raises(services.ScoringError) as exc:
        services.score_keep(score_id=s.pk, field=F.ROUND2, version=s.version, by=personas.admin)
    assert exc.value.code == services.ERR_ASSESSMENT_FROZEN
    assert score(a, "1.2").round2_score is None


def test_keep_button_on_the_sheet_swaps_the_row(personas, cs, client_for):
    a = make_assessment(
        criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=SELF_ONLY
    )
    s = score(a, "2.3")
    client = client_for(personas.inspector)
    body = client.get(reverse("scoring:assessment_detail", args=[a.pk])).content.decode()
    assert "Giữ điểm tự chấm: 30,00" in body
    assert 'data-figure="unscored"' in body and "Còn 5/5 tiêu chí chưa chấm" in body
    response = client.post(
        reverse("scoring:score_keep", args=[a.pk, s.pk]),
        {"field": F.ROUND1, "version": s.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert score(a, "2.3").round1_score == D("30")
    assert "Còn 4/5 tiêu chí chưa chấm" in response.content.decode()


# --------------------------------------------------------------------------- a whole area


def test_area_keep_fills_only_the_blanks_of_the_area(personas, cs):
    scores = {**SELF_ONLY, "2.1": ("20", "10", None, None), "2.3": (None, None, None, None)}
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=scores)
    plan = services.area_keep_plan(assessment=a, area_id=area(cs, "2").pk, field=F.ROUND1)
    assert [s.criterion.code for s in plan.to_write] == ["2.2"]
    assert (plan.already, plan.nothing) == (1, ["2.3"])
    assert score(a, "2.2").round1_score is None  # planning writes nothing

    done = services.area_keep(
        assessment_id=a.pk, area_id=area(cs, "2").pk, field=F.ROUND1, by=personas.inspector
    )
    assert [s.criterion.code for s in done.to_write] == ["2.2"]
    assert score(a, "2.1").round1_score == D("10")  # the council's own value stays
    assert score(a, "2.2").round1_score == D("10")  # kept from the self-score
    assert score(a, "2.3").round1_score is None  # nothing to keep: still blank, not 0
    assert score(a, "1.2").round1_score is None  # another area
    record = last_history(score(a, "2.2"))
    assert record.history_change_reason == "giữ điểm tự chấm"
    assert record.history_user == personas.inspector


def test_area_keep_round_2_starts_from_round_1(personas, cs):
    scores = {"1.1": ("4", "0", None, None), "1.2": ("6", "5", "6", None)}
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_2, scores=scores)
    services.area_keep(
        assessment_id=a.pk, area_id=area(cs, "1").pk, field=F.ROUND2, by=personas.admin
    )
    assert score(a, "1.1").round2_score == D("0")  # round 1's 0, not the self-score's 4
    assert score(a, "1.2").round2_score == D("6")  # already decided in round 2
    assert last_history(score(a, "1.1")).history_change_reason == "giữ điểm thẩm định vòng 1"


def test_area_keep_refused_to_unit_staff_and_outside_a_round(personas, cs):
    a = make_assessment(
        criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=SELF_ONLY
    )
    with pytest.raises(PermissionDenied):
        services.area_keep(
            assessment_id=a.pk, area_id=area(cs, "1").pk, field=F.ROUND1, by=personas.cumgar_staff
        )
    a.state = S.EXPLANATION
    a.save()
    with pytest.raises(PermissionDenied):
        services.area_keep(
            assessment_id=a.pk, area_id=area(cs, "1").pk, field=F.ROUND1, by=personas.inspector
        )
    assert not CriterionScore.objects.filter(assessment=a, round1_score__isnull=False).exists()


def _wide_set(personas, leaves, year):
    tree = [("1", "Lĩnh vực", str(leaves), "appraisal", "manual", {}, False)]
    tree += [
        (f"1.{i}", f"Tiêu chí {i}", "1", None, "manual", {}, False) for i in range(1, leaves + 1)
    ]
    tree += [("2", "Điều tra", "30", "survey", "manual", {}, False)]
    tree += [("2.1", "Người dân", "30", None, "manual", {}, False)]
    cs = make_set(province=personas.daklak, year=year, tree=tree)
    scores = {f"1.{i}": ("1", None, None, None) for i in range(1, leaves + 1)}
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=scores)
    return cs, a


def test_area_keep_costs_the_same_queries_for_3_or_30_leaves(personas):
    counts = []
    for leaves, year in ((3, 2030), (30, 2031)):
        cs, a = _wide_set(personas, leaves, year)
        with CaptureQueriesContext(connection) as ctx:
            done = services.area_keep(
                assessment_id=a.pk, area_id=area(cs, "1").pk, field=F.ROUND1, by=personas.admin
            )
        assert len(done.to_write) == leaves
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_area_keep_page_confirms_then_writes(personas, cs, client_for):
    a = make_assessment(
        criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=SELF_ONLY
    )
    url = reverse("scoring:area_keep", args=[a.pk, area(cs, "2").pk])
    client = client_for(personas.inspector)
    sheet = client.get(reverse("scoring:assessment_detail", args=[a.pk])).content.decode()
    assert url in sheet  # the area row offers it
    body = client.get(url).content.decode()
    assert "Sẽ ghi 3 tiêu chí; 0 tiêu chí đã chấm không đổi." in body
    assert not CriterionScore.objects.filter(assessment=a, round1_score__isnull=False).exists()
    body = client.post(url, follow=True).content.decode()
    assert "Đã giữ nguyên 3 tiêu chí của lĩnh vực 2" in body
    assert [score(a, c).round1_score for c in ("2.1", "2.2", "2.3")] == [D(20), D(10), D(30)]
    # A leaf is no area: nothing to confirm.
    leaf = reverse("scoring:area_keep", args=[a.pk, area(cs, "2.1").pk])
    assert client.get(leaf).status_code == 404
    assert client_for(personas.cumgar_staff).get(url).status_code == 403


# --------------------------------------------------------------------------- reasons, blanks


def test_round_2_needs_a_reason_only_where_it_departs_from_round_1(personas, cs):
    scores = {"1.2": ("6", "5", None, None)}
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_2, scores=scores)
    s = score(a, "1.2")
    # Equal to round 1 (though not to the self-score): no reason asked.
    services.score_save(
        score_id=s.pk, field=F.ROUND2, value="5", version=s.version, by=personas.inspector
    )
    s.refresh_from_db()
    with pytest.raises(services.ScoringError) as exc:
        services.score_save(
            score_id=s.pk, field=F.ROUND2, value="6", version=s.version, by=personas.inspector
        )
    assert exc.value.message == services.REASON_REQUIRED_ROUND2
    assert score(a, "1.2").round2_score == D("5")


def test_blanks_are_counted_and_hold_back_the_grade(personas, cs):
    scores = {**SELF_ONLY, "2.1": ("20", "10", None, None)}
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=scores)
    sheet = selectors.score_sheet(assessment=a)
    assert sheet.round_progress == ("thẩm định vòng 1", 4, 5)
    _label, result, grade = sheet.headline
    assert result.appraisal == D("10.00")  # only what was appraised
    assert grade == "còn 5/6 tiêu chí chưa chấm"  # 4 appraisal leaves + the survey leaf


def test_self_assessed_grade_ignores_the_survey_leaf(personas, cs):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=SELF_ONLY)
    label, result, grade = selectors.score_sheet(assessment=a).headline
    # 4 + 6 + 20 + 10 + 30 = 70 self-assessed points; the survey is not the unit's to score.
    assert (label, result.index, grade) == ("Chỉ số tự đánh giá", D("70.00"), "Khá")


def test_submit_confirmation_shows_the_labelled_self_assessed_index(personas, cs, client_for):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=SELF_ONLY)
    url = reverse("scoring:assessment_transition", args=[a.pk, "submit"])
    body = client_for(personas.cumgar_staff).get(url).content.decode()
    assert "Chỉ số tự đánh giá" in body
    assert "70,00 · Khá" in body
    assert "0,00 · Yếu" not in body


# --------------------------------------------------------------------------- 4 decimals


def test_sheet_cell_refuses_five_decimals_with_the_import_message(personas, cs, client_for):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=SELF_ONLY)
    s = score(a, "1.2")
    expected = "“1,23456” có quá 4 chữ số thập phân."
    assert imports.TOO_MANY_DECIMALS is services.TOO_MANY_DECIMALS
    with pytest.raises(services.ScoringError) as exc:
        imports.cell_points("1,23456")
    assert exc.value.message == expected
    response = client_for(personas.cumgar_staff).post(
        reverse("scoring:score_save", args=[a.pk, s.pk]),
        {"field": F.SELF, "value": "1,23456", "version": s.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert score(a, "1.2").self_score == D("6")
    services.score_save(
        score_id=s.pk, field=F.SELF, value="1,2345", version=s.version, by=personas.cumgar_staff
    )
    assert score(a, "1.2").self_score == D("1.2345")


# --------------------------------------------------------------------------- không phát sinh


def test_not_applicable_scores_the_maximum_with_its_reason(personas, cs, client_for):
    Criterion.objects.filter(criteria_set=cs, code__in=["1.1", "2.2"]).update(
        not_applicable_allowed=True
    )
    a = make_assessment(
        criteria_set=cs, unit=personas.cumgar, scores={**SELF_ONLY, "1.1": (None,) * 4}
    )
    s = score(a, "2.2")
    with pytest.raises(services.ScoringError) as exc:
        services.score_not_applicable_set(
            score_id=s.pk, applicable=False, reason=" ", version=s.version, by=personas.cumgar_staff
        )
    assert exc.value.message == services.NOT_APPLICABLE_REASON_REQUIRED
    reason = "Năm 2024 đơn vị không ban hành văn bản QPPL"
    services.score_not_applicable_set(
        score_id=s.pk, applicable=False, reason=reason, version=s.version, by=personas.cumgar_staff
    )
    s.refresh_from_db()
    # 2.2 is worth 10 points (factories.SMALL_TREE): "không phát sinh" scores its maximum.
    assert (s.not_applicable, s.not_applicable_reason, s.self_score) == (True, reason, D("10"))
    assert last_history(s).history_change_reason == f"không phát sinh: {reason}"
    # 1.1 requires evidence: marked "không phát sinh", its reason is the written note.
    one = score(a, "1.1")
    services.score_not_applicable_set(
        score_id=one.pk,
        applicable=False,
        reason="Không có",
        version=one.version,
        by=personas.cumgar_staff,
    )
    counts = workflow.leaf_counts([a.pk])[a.pk]
    assert counts.self_missing == [] and counts.evidence_missing == []
    body = (
        client_for(personas.inspector)
        .get(reverse("scoring:assessment_detail", args=[a.pk]))
        .content.decode()
    )
    assert 'data-figure="not-applicable"' in body and reason in body
    # Taken back, the criterion is blank again for the unit to score.
    s.refresh_from_db()
    services.score_not_applicable_set(
        score_id=s.pk, applicable=True, reason="", version=s.version, by=personas.cumgar_staff
    )
    s.refresh_from_db()
    assert (s.not_applicable, s.self_score) == (False, None)


def test_not_applicable_only_where_the_set_allows_and_while_self_assessing(personas, cs):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=SELF_ONLY)
    s = score(a, "1.2")
    with pytest.raises(services.ScoringError) as exc:
        services.score_not_applicable_set(
            score_id=s.pk, applicable=False, reason="x", version=s.version, by=personas.cumgar_staff
        )
    assert exc.value.message == services.NOT_APPLICABLE_NOT_ALLOWED % {"code": "1.2"}
    Criterion.objects.filter(criteria_set=cs, code="1.2").update(not_applicable_allowed=True)
    a.state = S.APPRAISAL_1
    a.save()
    with pytest.raises(PermissionDenied):
        services.score_not_applicable_set(
            score_id=s.pk, applicable=False, reason="x", version=s.version, by=personas.cumgar_staff
        )
    assert score(a, "1.2").self_score == D("6")


def test_criteria_import_reads_the_not_applicable_column(personas, tmp_path):
    path = tmp_path / "bo.csv"
    path.write_text(
        "ma,noi_dung,diem_toi_da,thanh_phan,khong_phat_sinh\n"
        "1,Chỉ đạo,70,tham_dinh,\n"
        "1.1,Kế hoạch,40,,\n"
        "1.2,Xử lý vi phạm,30,,x\n"
        "2,Điều tra,30,dieu_tra,\n",
        encoding="utf-8",
    )
    cs = services.criteria_set_import(
        path=path, province=personas.daklak, year=2024, level=Level.DISTRICT
    )
    allowed = dict(cs.criteria.values_list("code", "not_applicable_allowed"))
    assert allowed == {"1": False, "1.1": False, "1.2": True, "2": False}


# --------------------------------------------------------------------------- rankings


def test_provisional_ranking_lists_unappraised_units_unranked(personas, cs, client_for):
    make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=FULL)
    [other] = many_units(parent=personas.daklak, count=1, level=Level.DISTRICT)
    make_assessment(criteria_set=cs, unit=other, state=S.APPRAISAL_1, scores=SELF_ONLY)
    ranking = selectors.ranking(criteria_set=cs)
    assert [(r.unit_code, r.rank, r.appraised) for r in ranking.rows] == [
        (personas.cumgar.code, 1, True),
        (other.code, None, False),
    ]
    rows = list(ranking_values(ranking))
    assert rows[1][:4] == ["", other.code, other.name, "chưa có điểm thẩm định"]
    body = client_for(personas.admin).get(reverse("scoring:ranking_detail", args=[cs.pk]))
    text = body.content.decode()
    assert 'data-figure="not-appraised"' in text and "Chỉ số tạm tính" in text
    row = text.split(f'data-unit="{other.code}"')[1].split("</tr>")[0]
    assert "chưa có điểm thẩm định" in row and "0,00" not in row


def test_publishing_from_the_ranking_page_goes_through_a_confirmation(personas, cs, client_for):
    make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.LOCKED, scores=FULL)
    client = client_for(personas.admin)
    body = client.get(reverse("scoring:ranking_detail", args=[cs.pk])).content.decode()
    confirm = reverse("scoring:set_bulk", args=[cs.pk, "publish"])
    assert confirm in body
    assert reverse("scoring:set_publish", args=[cs.pk]) not in body  # no one-click publish
    assert "Xem trước" in client.get(confirm).content.decode()
    assert not cs.publications.exists()
    client.post(confirm)
    assert cs.publications.current().count() == 1
    body = client.get(reverse("scoring:ranking_detail", args=[cs.pk])).content.decode()
    assert "Chỉ số đã công bố" in body
    assert reverse("scoring:set_bulk", args=[cs.pk, "unpublish"]) in body
