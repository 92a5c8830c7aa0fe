from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from scoring import services
from scoring.choices import AssessmentState as S
from scoring.choices import ScoreField as F
from scoring.models import PublishedResult
from scoring.selectors import ranking, score_sheet
from tests.scoring.factories import FULL, make_assessment, make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    cs = make_set(province=personas.daklak)
    assessment = make_assessment(criteria_set=cs, unit=personas.cumgar)
    return personas, cs, assessment


def score(assessment, code):
    return assessment.scores.select_related("criterion").get(criterion__code=code)


def save(assessment, code, field, value, by, version=None, reason=""):
    s = score(assessment, code)
    return services.score_save(
        score_id=s.pk,
        field=field,
        value=value,
        version=s.version if version is None else version,
        by=by,
        reason=reason,
    )


def test_self_score_saved_and_history_kept(world):
    p, _cs, a = world
    save(a, "1.2", F.SELF, "5,5", p.cumgar_staff)
    save(a, "1.2", F.SELF, "6", p.cumgar_staff)
    s = score(a, "1.2")
    assert s.self_score == D("6") and s.version == 3
    history = list(s.history.order_by("history_date"))
    assert [h.self_score for h in history] == [D("5.5"), D("6")]
    assert history[-1].history_user == p.cumgar_staff


@pytest.mark.parametrize(
    "code, value, fragment",
    [
        ("1.2", "6.01", "vượt điểm tối đa"),
        ("1.2", "-1", "không được âm"),
        ("1.2", "abc", "không phải là số"),
        ("1.1", "2", "chỉ nhận 0 hoặc"),
        ("2.1", "15", "một mức của thang"),
        ("2.2", "7", "bội số của 2"),
    ],
)
def test_score_not_allowed_by_rule(world, code, value, fragment):
    p, _cs, a = world
    with pytest.raises(services.ScoringError) as exc:
        save(a, code, F.SELF, value, p.cumgar_staff)
    assert fragment in exc.value.message
    assert score(a, code).self_score is None and score(a, code).version == 1


def test_optimistic_lock_conflict_loses_nothing(world):
    p, _cs, a = world
    stale = score(a, "1.2").version
    save(a, "1.2", F.SELF, "4", p.cumgar_staff)
    with pytest.raises(services.ScoreConflict) as exc:
        save(a, "1.2", F.SELF, "3", p.cumgar_staff, version=stale)
    assert "4" in exc.value.message and "(3)" in exc.value.message
    assert score(a, "1.2").self_score == D("4")


@pytest.mark.parametrize(
    "state, persona, allowed",
    [
        (S.OPEN, "cumgar_staff", {F.SELF, F.SELF_NOTE}),
        (S.OPEN, "inspector", set()),
        (S.OPEN, "eakpam_staff", set()),
        (S.APPRAISAL_1, "cumgar_staff", set()),
        (S.APPRAISAL_1, "inspector", {F.ROUND1, F.SURVEY}),
        (S.APPRAISAL_1, "admin", {F.ROUND1, F.SURVEY}),
        (S.EXPLANATION, "cumgar_staff", {F.EXPLANATION}),
        (S.APPRAISAL_2, "inspector", {F.ROUND2, F.SURVEY}),
        # Lock needs the survey points: afterwards nothing is written until an unlock.
        (S.LOCKED, "inspector", set()),
        (S.LOCKED, "cumgar_staff", set()),
        (S.PUBLISHED, "admin", set()),
    ],
)
def test_who_writes_which_column(world, state, persona, allowed):
    p, _cs, a = world
    a.state = state
    assert services.writable_fields(getattr(p, persona), a) == allowed


def test_writing_a_locked_column_is_refused(world):
    p, _cs, a = world
    with pytest.raises(PermissionDenied):
        save(a, "1.2", F.ROUND1, "3", p.inspector)


def test_appraised_score_differing_needs_a_reason(world):
    p, _cs, a = world
    save(a, "1.2", F.SELF, "6", p.cumgar_staff)
    a.state = S.APPRAISAL_1
    a.save()
    with pytest.raises(services.ScoringError) as exc:
        save(a, "1.2", F.ROUND1, "4", p.inspector)
    assert exc.value.message == services.REASON_REQUIRED
    save(a, "1.2", F.ROUND1, "6", p.inspector)  # equal: no reason needed
    save(a, "1.2", F.ROUND1, "4", p.inspector, reason="Thiếu kế hoạch tuyên truyền")
    assert score(a, "1.2").round1_reason == "Thiếu kế hoạch tuyên truyền"


TRANSITION_CASES = [
    ("submit", S.OPEN, "cumgar_staff", S.SELF_ASSESSED),
    ("submit", S.OPEN, "inspector", None),
    ("start_appraisal", S.SELF_ASSESSED, "inspector", S.APPRAISAL_1),
    ("start_appraisal", S.SELF_ASSESSED, "cumgar_staff", None),
    ("request_explanation", S.APPRAISAL_1, "inspector", S.EXPLANATION),
    ("submit_explanation", S.EXPLANATION, "cumgar_staff", S.APPRAISAL_2),
    ("submit_explanation", S.EXPLANATION, "eakpam_staff", None),
    ("lock", S.APPRAISAL_2, "admin", S.LOCKED),
    ("lock", S.APPRAISAL_2, "inspector", None),
    ("lock", S.APPRAISAL_1, "admin", S.LOCKED),
]


@pytest.mark.parametrize("action, state, persona, target", TRANSITION_CASES)
def test_transitions_and_who_may(personas, action, state, persona, target):
    cs = make_set(province=personas.daklak)
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=state, scores=FULL)
    a.scores.filter(criterion__code="1.1").update(self_note="Kế hoạch số 12/KH-UBND")
    user = getattr(personas, persona)
    if target is None:
        with pytest.raises(PermissionDenied):
            services.assessment_transition(assessment_id=a.pk, action=action, by=user)
        a.refresh_from_db()
        assert a.state == state
    else:
        services.assessment_transition(assessment_id=a.pk, action=action, by=user)
        a.refresh_from_db()
        assert a.state == target


def test_transition_from_wrong_state_refused(world):
    p, _cs, a = world
    with pytest.raises(services.ScoringError):
        services.assessment_transition(assessment_id=a.pk, action="lock", by=p.admin)


def test_submit_blocked_while_evidence_missing(personas):
    cs = make_set(province=personas.daklak)
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)
    with pytest.raises(services.ScoringError) as exc:
        services.assessment_transition(
            assessment_id=a.pk, action="submit", by=personas.cumgar_staff
        )
    assert "1.1" in exc.value.message and "1.2" not in exc.value.message
    assert [c.code for c in score_sheet(assessment=a).missing_evidence] == ["1.1"]
    save(a, "1.1", F.SELF_NOTE, "Kế hoạch số 12/KH-UBND", personas.cumgar_staff)
    services.assessment_transition(assessment_id=a.pk, action="submit", by=personas.cumgar_staff)
    a.refresh_from_db()
    assert a.state == S.SELF_ASSESSED


def test_evidence_file_satisfies_the_requirement(world):
    p, _cs, a = world
    pdf = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.evidence_add(score=score(a, "1.1"), upload=pdf, by=p.cumgar_staff)
    assert score_sheet(assessment=a).missing_evidence == []


@pytest.mark.parametrize(
    "name, content, ok",
    [
        ("a.pdf", b"%PDF-1.7 ...", True),
        ("a.png", b"\x89PNG\r\n\x1a\n....", True),
        ("a.pdf", b"MZ\x90\x00 not a pdf", False),  # the name lies; the content decides
        ("a.html", b"<script>alert(1)</script>", False),
    ],
)
def test_evidence_type_checked_by_content(world, name, content, ok):
    p, _cs, a = world
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    if ok:
        evidence = services.evidence_add(score=score(a, "1.2"), upload=upload, by=p.cumgar_staff)
        assert evidence.size == len(content)
    else:
        with pytest.raises(services.ScoringError):
            services.evidence_add(score=score(a, "1.2"), upload=upload, by=p.cumgar_staff)


def test_evidence_size_limit(world, monkeypatch):
    p, _cs, a = world
    monkeypatch.setattr(services, "EVIDENCE_MAX_BYTES", 10)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 20)
    with pytest.raises(services.ScoringError):
        services.evidence_add(score=score(a, "1.2"), upload=upload, by=p.cumgar_staff)


def test_bonus_and_penalty_caps(world):
    p, _cs, a = world
    a.state = S.APPRAISAL_1
    a.save()
    with pytest.raises(services.ScoringError):
        services.bonus_penalty_set(
            assessment_id=a.pk, bonus="2.5", penalty="0", note="", by=p.inspector
        )
    services.bonus_penalty_set(
        assessment_id=a.pk, bonus="2", penalty="1", note="Giải thưởng", by=p.inspector
    )
    a.refresh_from_db()
    assert (a.bonus_points, a.penalty_points) == (D(2), D(1))
    with pytest.raises(PermissionDenied):
        services.bonus_penalty_set(
            assessment_id=a.pk, bonus="1", penalty="0", note="", by=p.cumgar_staff
        )


def test_publish_freezes_a_snapshot_that_later_edits_never_rewrite(personas):
    cs = make_set(province=personas.daklak)
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.LOCKED, scores=FULL)
    other = make_assessment(criteria_set=cs, unit=personas.quangphu, state=S.OPEN, scores=FULL)
    with pytest.raises(services.ScoringError) as exc:
        services.ranking_publish(criteria_set=cs, by=personas.admin)
    assert "Thị trấn Quảng Phú" in exc.value.message
    other.delete()
    publication = services.ranking_publish(criteria_set=cs, by=personas.admin)
    a.refresh_from_db()
    assert a.state == S.PUBLISHED
    assert PublishedResult.objects.get(ranking=publication).index == D("85.38")
    with pytest.raises(services.ScoringError):
        services.ranking_unpublish(criteria_set=cs, by=personas.admin, reason=" ")
    services.ranking_unpublish(
        criteria_set=cs, by=personas.admin, reason="Sai số liệu tiêu chí 2.3"
    )
    a.refresh_from_db()
    assert a.state == S.LOCKED
    s = score(a, "2.3")
    s.round1_score = D("30")
    s.save()
    assert ranking(criteria_set=cs).rows[0].index == D("87.83")  # live again
    publication.refresh_from_db()
    assert publication.withdrawn_reason == "Sai số liệu tiêu chí 2.3"
    assert publication.results.get().index == D("85.38")  # the old snapshot is untouched
    services.ranking_publish(criteria_set=cs, by=personas.admin)
    assert ranking(criteria_set=cs).rows[0].index == D("87.83")


def test_ranking_uses_round2_over_round1_and_survey_points(personas):
    cs = make_set(province=personas.daklak)
    scores = dict(FULL)
    scores["1.2"] = ("6", "5", "6", None)  # round 2 restores the point
    make_assessment(criteria_set=cs, unit=personas.cumgar, scores=scores)
    row = ranking(criteria_set=cs).rows[0]
    assert (row.appraisal, row.survey, row.index, row.grade) == (
        D("65.55"),
        D("20.83"),
        D("86.38"),
        "Tốt",
    )
