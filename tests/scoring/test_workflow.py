"""States enforced on every write path; guarded transitions; bulk and command (issue 14)."""

from decimal import Decimal as D

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import services, workflow
from scoring.choices import AssessmentState as S
from scoring.choices import ScoreField as F
from scoring.models import Assessment, CriterionScore, Evidence, PublishedRanking
from tests.scoring.factories import FULL, make_assessment, make_set, many_units
from units.choices import Level

pytestmark = pytest.mark.django_db

ALL_STATES = list(S)
FROZEN = {S.LOCKED, S.PUBLISHED}
# Who would write which cell in each state were it not frozen (locked: the council's round 2).
WRITER = {
    S.OPEN: ("cumgar_staff", F.SELF),
    S.SELF_ASSESSED: ("admin", F.ROUND1),
    S.APPRAISAL_1: ("inspector", F.ROUND1),
    S.EXPLANATION: ("cumgar_staff", F.EXPLANATION),
    S.APPRAISAL_2: ("inspector", F.ROUND2),
    S.LOCKED: ("inspector", F.ROUND2),
    S.PUBLISHED: ("admin", F.ROUND2),
}


def frozen_error(exc):
    return exc.value.code == services.ERR_ASSESSMENT_FROZEN


def snapshot(a):
    a.refresh_from_db()
    scores = list(
        CriterionScore.objects.filter(assessment=a)
        .order_by("pk")
        .values_list("self_score", "round1_score", "round2_score", "explanation", "version")
    )
    return a.state, a.bonus_points, a.penalty_points, scores, Evidence.objects.count()


@pytest.fixture
def cs(personas):
    return make_set(province=personas.daklak)


# --------------------------------------------------------------------------- write paths


@pytest.mark.parametrize("state", ALL_STATES)
def test_score_cell_refused_exactly_when_frozen(personas, cs, state):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=state)
    persona, field = WRITER[state]
    s = a.scores.get(criterion__code="1.2")
    before = snapshot(a)
    call = dict(
        score_id=s.pk,
        field=field,
        value="5",
        version=s.version,
        by=getattr(personas, persona),
        reason="lý do",
    )
    if state in FROZEN:
        with pytest.raises(services.ScoringError) as exc:
            services.score_save(**call)
        assert frozen_error(exc)
        assert "không thể sửa điểm tiêu chí 1.2" in exc.value.message
        assert snapshot(a) == before
    else:
        try:
            services.score_save(**call)
        except PermissionDenied:  # the role rules (self_assessed: nobody writes), not the state
            assert state == S.SELF_ASSESSED
            assert snapshot(a) == before
        else:
            assert snapshot(a) != before


@pytest.mark.parametrize("state", ALL_STATES)
def test_evidence_refused_exactly_when_frozen(personas, cs, state):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=state)
    s = a.scores.select_related("criterion", "assessment").get(criterion__code="1.1")
    upload = SimpleUploadedFile("kh.pdf", b"%PDF-1.4 ke hoach")
    before = snapshot(a)
    if state in FROZEN:
        with pytest.raises(services.ScoringError) as exc:
            services.evidence_add(score=s, upload=upload, by=personas.cumgar_staff)
        assert frozen_error(exc)
        assert snapshot(a) == before
    elif state in (S.OPEN, S.EXPLANATION):
        services.evidence_add(score=s, upload=upload, by=personas.cumgar_staff)
        assert Evidence.objects.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.evidence_add(score=s, upload=upload, by=personas.cumgar_staff)


def test_evidence_refused_when_locked_after_the_page_was_loaded(personas, cs):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.OPEN)
    s = a.scores.select_related("criterion", "assessment").get(criterion__code="1.1")
    Assessment.objects.filter(pk=a.pk).update(state=S.LOCKED)  # s.assessment still says open
    with pytest.raises(services.ScoringError) as exc:
        services.evidence_add(
            score=s, upload=SimpleUploadedFile("kh.pdf", b"%PDF-1.4"), by=personas.cumgar_staff
        )
    assert frozen_error(exc) and Evidence.objects.count() == 0


@pytest.mark.parametrize("state", ALL_STATES)
def test_bonus_refused_exactly_when_frozen(personas, cs, state):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=state)
    before = snapshot(a)
    call = dict(assessment_id=a.pk, bonus="1", penalty="0,5", note="QĐ khen", by=personas.admin)
    if state in FROZEN:
        with pytest.raises(services.ScoringError) as exc:
            services.bonus_penalty_set(**call)
        assert frozen_error(exc)
        assert snapshot(a) == before
    elif state in (S.APPRAISAL_1, S.EXPLANATION, S.APPRAISAL_2):
        services.bonus_penalty_set(**call)
        a.refresh_from_db()
        assert (a.bonus_points, a.penalty_points) == (D("1"), D("0.5"))
    else:
        with pytest.raises(PermissionDenied):
            services.bonus_penalty_set(**call)


@pytest.mark.parametrize("state", ALL_STATES)
def test_admin_read_only_exactly_when_frozen(personas, cs, state):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=state)
    s = a.scores.get(criterion__code="1.2")
    request = RequestFactory().get("/")
    request.user = personas.admin
    personas.admin.is_superuser = True
    for model, obj in ((Assessment, a), (CriterionScore, s)):
        model_admin = site._registry[model]
        assert model_admin.has_change_permission(request, obj) is (state not in FROZEN)
        assert model_admin.has_delete_permission(request, obj) is (state not in FROZEN)


def test_sheet_cell_on_locked_sheet_shows_the_message(personas, cs, client_for):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.LOCKED, scores=FULL)
    s = a.scores.get(criterion__code="1.2")
    version = s.version
    url = reverse("scoring:score_save", args=[a.pk, s.pk])
    response = client_for(personas.inspector).post(
        url, {"field": F.ROUND2, "value": "1", "version": s.version}, follow=True
    )
    assert "đã chốt điểm" in response.content.decode()
    s.refresh_from_db()
    assert s.round2_score is None and s.version == version


# --------------------------------------------------------------------------- guards


def test_submit_lists_every_unscored_and_every_missing_evidence(personas, cs):
    a = make_assessment(
        criteria_set=cs, unit=personas.cumgar, scores={"1.2": ("6", None, None, None)}
    )
    with pytest.raises(services.ScoringError) as exc:
        services.assessment_transition(
            assessment_id=a.pk, action="submit", by=personas.cumgar_staff
        )
    message = exc.value.message
    assert "chưa chấm điểm tự đánh giá 4 tiêu chí: 1.1, 2.1, 2.2, 2.3" in message
    assert "thiếu tài liệu kiểm chứng hoặc thuyết minh 1 tiêu chí: 1.1" in message
    a.refresh_from_db()
    assert a.state == S.OPEN


def test_request_explanation_lists_every_leaf_not_appraised(personas, cs):
    scores = {code: (v[0], None, None, v[3]) for code, v in FULL.items()}
    scores["2.2"] = ("10", "8", None, None)
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_1, scores=scores)
    with pytest.raises(services.ScoringError) as exc:
        services.assessment_transition(
            assessment_id=a.pk, action="request_explanation", by=personas.inspector
        )
    assert "chưa chấm thẩm định vòng 1 4 tiêu chí: 1.1, 1.2, 2.1, 2.3" in exc.value.message
    a.refresh_from_db()
    assert a.state == S.APPRAISAL_1


def test_lock_lists_unappraised_leaves_and_missing_survey(personas, cs):
    scores = dict(FULL)
    scores["1.2"] = ("6", None, None, None)
    scores["3.1"] = (None, None, None, None)
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_2, scores=scores)
    with pytest.raises(services.ScoringError) as exc:
        services.assessment_transition(assessment_id=a.pk, action="lock", by=personas.admin)
    assert "chưa có điểm thẩm định cuối cùng 1 tiêu chí: 1.2" in exc.value.message
    assert "chưa có điểm điều tra xã hội học 1 tiêu chí: 3.1" in exc.value.message
    a.refresh_from_db()
    assert a.state == S.APPRAISAL_2


def test_publish_names_every_unit_not_locked(personas, cs):
    make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.LOCKED, scores=FULL)
    others = many_units(parent=personas.daklak, count=2, level=Level.DISTRICT)
    for unit in others:
        make_assessment(criteria_set=cs, unit=unit, state=S.APPRAISAL_2, scores=FULL)
    outcomes = workflow.run(criteria_set=cs, action="publish", by=personas.admin)
    refused = sorted(o.unit.name for o in outcomes if o.status == workflow.REFUSED)
    assert refused == ["Xã số 0", "Xã số 1"]
    assert [o.status for o in outcomes if o.unit == personas.cumgar] == [workflow.SKIPPED]
    assert not PublishedRanking.objects.exists()
    assert set(cs.assessments.values_list("state", flat=True)) == {S.LOCKED, S.APPRAISAL_2}


# --------------------------------------------------------------------------- unlock, unpublish


def test_unlock_needs_admin_and_reason_and_is_kept_in_history(personas, cs):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.LOCKED, scores=FULL)
    with pytest.raises(PermissionDenied):
        services.assessment_transition(
            assessment_id=a.pk, action="unlock", by=personas.inspector, reason="sai điểm"
        )
    with pytest.raises(services.ScoringError) as exc:
        services.assessment_transition(assessment_id=a.pk, action="unlock", by=personas.admin)
    assert "cần ghi lý do mở khóa" in exc.value.message
    a.refresh_from_db()
    assert a.state == S.LOCKED
    services.assessment_transition(
        assessment_id=a.pk, action="unlock", by=personas.admin, reason="Sai điểm tiêu chí 2.3"
    )
    a.refresh_from_db()
    assert a.state == S.APPRAISAL_2
    last = a.history.order_by("-history_date").first()
    assert (last.state, last.history_user, last.history_change_reason) == (
        S.APPRAISAL_2,
        personas.admin,
        "Sai điểm tiêu chí 2.3",
    )


def test_published_must_be_unpublished_before_unlock(personas, cs):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.LOCKED, scores=FULL)
    workflow.run(criteria_set=cs, action="publish", by=personas.admin)
    a.refresh_from_db()
    assert a.state == S.PUBLISHED
    with pytest.raises(services.ScoringError) as exc:
        services.assessment_transition(
            assessment_id=a.pk, action="unlock", by=personas.admin, reason="x"
        )
    assert "thu hồi công bố trước" in exc.value.message
    refused = workflow.run(criteria_set=cs, action="unpublish", by=personas.admin, reason="  ")
    assert [o.status for o in refused] == [workflow.REFUSED]
    assert "cần ghi lý do thu hồi" in refused[0].message
    workflow.run(criteria_set=cs, action="unpublish", by=personas.admin, reason="Khiếu nại")
    a.refresh_from_db()
    assert a.state == S.LOCKED
    last = a.history.order_by("-history_date").first()
    assert (last.history_user, last.history_change_reason) == (personas.admin, "Khiếu nại")


# --------------------------------------------------------------------------- bulk, command


def bulk_world(personas, cs, count):
    units = many_units(parent=personas.daklak, count=count, level=Level.DISTRICT)
    complete = dict(FULL)
    incomplete = {**FULL, "2.3": ("30", None, None, None)}
    for i, unit in enumerate(units):
        make_assessment(
            criteria_set=cs,
            unit=unit,
            state=S.APPRAISAL_2,
            scores=incomplete if i == 0 else complete,
        )
    return units


def test_bulk_lock_locks_the_complete_and_names_the_rest(personas, cs):
    units = bulk_world(personas, cs, 3)
    outcomes = workflow.run(criteria_set=cs, action="lock", by=personas.admin)
    by_code = {o.unit.code: o for o in outcomes}
    assert by_code[units[0].code].status == workflow.REFUSED
    assert "2.3" in by_code[units[0].code].message
    assert [by_code[u.code].status for u in units[1:]] == [workflow.DONE, workflow.DONE]
    states = dict(cs.assessments.values_list("unit__code", "state"))
    assert states == {
        units[0].code: S.APPRAISAL_2,
        units[1].code: S.LOCKED,
        units[2].code: S.LOCKED,
    }


@pytest.mark.parametrize("action", ["lock", "publish"])
def test_bulk_query_count_does_not_grow_with_units(personas, action):
    counts = []
    # A first, unmeasured run: the year's first published report opens its sequence in the
    # document register (a one-off insert, not a cost per unit).
    for count, start in ((1, 70000), (2, 71000), (6, 72000)):
        # Later sets first: each is measured with no earlier set to rank against.
        criteria_set = make_set(province=personas.daklak, year=2030 - count)
        for unit in many_units(
            parent=personas.daklak, count=count, level=Level.DISTRICT, start=start
        ):
            state = S.APPRAISAL_2 if action == "lock" else S.LOCKED
            make_assessment(criteria_set=criteria_set, unit=unit, state=state, scores=FULL)
        with CaptureQueriesContext(connection) as ctx:
            outcomes = workflow.run(criteria_set=criteria_set, action=action, by=personas.admin)
        assert [o.status for o in outcomes] == [workflow.DONE] * count
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[2]


def test_bulk_open_creates_missing_assessments(personas, cs):
    make_assessment(criteria_set=cs, unit=personas.cumgar)
    new = many_units(parent=personas.daklak, count=2, level=Level.DISTRICT)
    outcomes = workflow.run(criteria_set=cs, action="open", by=personas.admin)
    by_unit = {o.unit.pk: o.status for o in outcomes}
    assert by_unit[personas.cumgar.pk] == workflow.SKIPPED
    assert [by_unit[u.pk] for u in new] == [workflow.DONE, workflow.DONE]
    assert set(cs.assessments.values_list("unit_id", flat=True)) == set(by_unit)


def test_command_gives_the_same_outcomes_and_exits_non_zero(personas, cs, capsys):
    units = bulk_world(personas, cs, 3)
    with pytest.raises(CommandError) as exc:
        call_command(
            "assessment_transition",
            "lock",
            "--set",
            str(cs.pk),
            "--all",
            "--by",
            personas.admin.username,
        )
    assert units[0].code in str(exc.value) and "2.3" in str(exc.value)
    assert units[1].code not in str(exc.value)
    states = dict(cs.assessments.values_list("unit__code", "state"))
    assert states == {
        units[0].code: S.APPRAISAL_2,
        units[1].code: S.LOCKED,
        units[2].code: S.LOCKED,
    }


def test_command_units_by_code_and_success_exit(personas, cs):
    units = bulk_world(personas, cs, 3)
    call_command(
        "assessment_transition",
        "lock",
        "--set",
        str(cs.pk),
        "--unit",
        units[1].code,
        "--by",
        personas.admin.username,
    )
    states = dict(cs.assessments.values_list("unit__code", "state"))
    assert states[units[1].code] == S.LOCKED and states[units[2].code] == S.APPRAISAL_2


def test_command_refuses_unknown_code_and_role(personas, cs):
    bulk_world(personas, cs, 1)
    with pytest.raises(CommandError) as exc:
        call_command(
            "assessment_transition",
            "lock",
            "--set",
            str(cs.pk),
            "--unit",
            "99999",
            "--by",
            personas.admin.username,
        )
    assert "99999" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command(
            "assessment_transition",
            "lock",
            "--set",
            str(cs.pk),
            "--all",
            "--by",
            personas.inspector.username,
        )
    assert "không có quyền chốt điểm" in str(exc.value)
    assert not cs.assessments.filter(state=S.LOCKED).exists()


# --------------------------------------------------------------------------- pages


def test_confirmation_page_then_success_message(personas, cs, client_for):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.APPRAISAL_2, scores=FULL)
    url = reverse("scoring:assessment_transition", args=[a.pk, "lock"])
    client = client_for(personas.admin)
    body = client.get(url).content.decode()
    assert "85,38" in body  # FULL: 64.55 appraised + 20.83 survey
    assert "64,55" in body
    a.refresh_from_db()
    assert a.state == S.APPRAISAL_2  # GET changes nothing
    body = client.post(url, follow=True).content.decode()
    assert "Đã chốt điểm" in body
    a.refresh_from_db()
    assert a.state == S.LOCKED


@pytest.mark.parametrize(
    ("action", "state", "who", "button"),
    [
        ("submit", S.OPEN, "cumgar_staff", "Gửi tự đánh giá"),
        ("request_explanation", S.APPRAISAL_1, "inspector", "Chuyển đơn vị giải trình"),
        ("lock", S.APPRAISAL_2, "admin", "Chốt điểm"),
    ],
)
def test_the_sheet_buttons_ask_before_they_act(
    personas, cs, client_for, action, state, who, button
):
    """Issue 17: "Gửi tự đánh giá", "Chuyển đơn vị giải trình" and "Chốt điểm" are links to
    their confirmation page, never a form that acts at once; opening it changes nothing."""
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=state, scores=FULL)
    client = client_for(getattr(personas, who))
    sheet = client.get(reverse("scoring:assessment_detail", args=[a.pk])).content.decode()
    url = reverse("scoring:assessment_transition", args=[a.pk, action])
    assert f'href="{url}">{button}</a>' in sheet
    assert f'action="{url}"' not in sheet
    page = client.get(url).content.decode()
    assert "Xác nhận" in page and 'method="post"' in page
    a.refresh_from_db()
    assert a.state == state


def test_opening_a_set_for_its_units_asks_first(personas, cs, client_for):
    client = client_for(personas.admin)
    page = client.get(reverse("scoring:set_detail", args=[cs.pk])).content.decode()
    bulk = reverse("scoring:set_bulk", args=[cs.pk, "open"])
    assert f'href="{bulk}"' in page
    assert reverse("scoring:set_open", args=[cs.pk]) not in page
    before = cs.assessments.count()
    client.get(bulk)
    assert cs.assessments.count() == before


def test_confirmation_page_lists_every_problem(personas, cs, client_for):
    a = make_assessment(criteria_set=cs, unit=personas.cumgar)
    url = reverse("scoring:assessment_transition", args=[a.pk, "submit"])
    body = client_for(personas.cumgar_staff).get(url).content.decode()
    assert "1.1, 1.2, 2.1, 2.2, 2.3" in body and "tài liệu kiểm chứng" in body


def test_bulk_page_previews_then_lists_per_unit(personas, cs, client_for):
    units = bulk_world(personas, cs, 2)
    url = reverse("scoring:set_bulk", args=[cs.pk, "lock"])
    client = client_for(personas.admin)
    body = client.get(url).content.decode()
    assert units[0].name in body and "2.3" in body
    assert not cs.assessments.filter(state=S.LOCKED).exists()
    body = client.post(url).content.decode()
    assert "đã thực hiện" in body
    assert cs.assessments.filter(state=S.LOCKED).count() == 1
    assert client_for(personas.cumgar_staff).get(url).status_code in (403, 404)
