"""Surveys' services: questionnaires and their versions, links, answering once, paper forms,
closing into the assessments, the rate limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from scoring.choices import AssessmentState
from scoring.models import CriterionScore
from surveys import selectors, services
from surveys.choices import Channel, SurveyState
from surveys.models import Answer, Question, Questionnaire, Response, Survey, Token
from tests.scoring.factories import make_assessment
from tests.surveys.factories import (
    BUSINESSES,
    CITIZENS,
    answer_values,
    import_questionnaire,
    make_survey_world,
    questionnaire_csv,
)


@pytest.fixture
def sw(personas):
    return make_survey_world(personas)


def _submit(sw, unit, group, values):
    raw = services.tokens_create(survey=sw.survey, unit=unit, group=group, count=1, by=sw.p.admin)
    token = selectors.token_lookup(raw[0])
    questionnaire = sw.citizens if group == CITIZENS else sw.businesses
    return services.response_submit(token=token, values=answer_values(questionnaire, values))


# --------------------------------------------------------------------------- questionnaires


def test_questionnaire_import_reads_questions_and_scale(sw):
    q = sw.citizens
    assert (q.version, q.scale_min, q.scale_max) == (1, 1, 5)
    assert [(x.position, x.criterion.code) for x in q.questions.all()] == [(1, "3.1"), (2, "3.2")]
    assert [o.value for o in q.options.all()] == [5, 4, 3, 2, 1]
    assert q.share(4) == D("0.75")  # (4 − 1) / (5 − 1)


def test_a_second_import_is_the_next_version(sw):
    again = import_questionnaire(
        criteria_set=sw.criteria_set,
        group=CITIZENS,
        text=questionnaire_csv([(1, "Câu mới", "3.1")]),
        by=sw.p.admin,
    )
    assert again.version == 2 and Questionnaire.objects.get(pk=sw.citizens.pk).version == 1


def test_a_bad_questionnaire_names_row_and_column_and_saves_nothing(sw):
    before = Questionnaire.objects.count(), Question.objects.count()
    text = "stt,noi_dung,ma_tieu_chi,gia_tri,nhan\n1,Câu một,1.1,,\nx,Câu hai,3.1,,\n,,,5,Tốt\n"
    with pytest.raises(services.QuestionnaireImportError) as caught:
        import_questionnaire(criteria_set=sw.criteria_set, group=CITIZENS, text=text, by=sw.p.admin)
    assert caught.value.errors == [
        "Dòng 2, cột ma_tieu_chi: “1.1” không phải tiêu chí điều tra (lá) của bộ chỉ số.",
        "Dòng 3, cột stt: “x” không phải là số nguyên.",
    ]
    assert (Questionnaire.objects.count(), Question.objects.count()) == before


def test_an_answered_questionnaire_cannot_change_only_be_copied(sw):
    _submit(sw, sw.p.eakpam, CITIZENS, [5, 4])
    with pytest.raises(services.SurveyError) as caught:
        services.questionnaire_ensure_editable(sw.citizens)
    assert "không sửa được" in caught.value.messages[0]
    copy = services.questionnaire_copy(questionnaire=sw.citizens, by=sw.p.admin)
    assert copy.version == 2
    assert [q.text for q in copy.questions.all()] == [q.text for q in sw.citizens.questions.all()]
    assert [o.label for o in copy.options.all()] == [o.label for o in sw.citizens.options.all()]


def test_replacing_an_answered_questionnaire_is_refused_and_changes_nothing(sw, tmp_path):
    _submit(sw, sw.p.eakpam, CITIZENS, [5, 4])
    path = tmp_path / "phieu.csv"
    path.write_text(questionnaire_csv([(1, "Khác hẳn", "3.1")]), encoding="utf-8")
    with pytest.raises(services.SurveyError):
        services.questionnaire_import(
            path=path, criteria_set=sw.criteria_set, group=CITIZENS, title="x", by=sw.p.admin,
            replace=sw.citizens,
        )  # fmt: skip
    assert [q.text for q in Question.objects.filter(questionnaire=sw.citizens)] == [
        "Thủ tục có dễ thực hiện không?",
        "Cán bộ có tận tình?",
    ]


def test_only_a_provincial_admin_builds_questionnaires(sw):
    with pytest.raises(services.SurveyError):
        services.questionnaire_copy(questionnaire=sw.citizens, by=sw.p.inspector)


def test_a_survey_refuses_mixed_scales_and_two_questionnaires_for_one_group(sw):
    other = import_questionnaire(
        criteria_set=sw.criteria_set,
        group=BUSINESSES,
        text=questionnaire_csv([(1, "Câu", "3.1")], scale=[(1, "Có"), (0, "Không")]),
        by=sw.p.admin,
    )
    with pytest.raises(services.SurveyError) as caught:
        services.survey_create(
            criteria_set=sw.criteria_set, name="x", closes_on=timezone.localdate(),
            questionnaires=[sw.citizens, sw.businesses, other], by=sw.p.admin,
        )  # fmt: skip
    messages = caught.value.messages
    assert any("Hai phiếu cho cùng nhóm “Doanh nghiệp”" in m for m in messages)
    assert any("cùng thang trả lời" in m for m in messages)
    assert Survey.objects.count() == 1


# --------------------------------------------------------------------------- links and answers


def test_tokens_are_random_long_and_stored_only_as_digests(sw):
    raws = services.tokens_create(
        survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS, count=50, by=sw.p.admin
    )
    assert len(set(raws)) == 50
    # token_urlsafe(18): 18 random bytes = 144 bits, 24 base64url characters.
    assert all(len(r) == 24 for r in raws)
    stored = set(Token.objects.values_list("digest", flat=True))
    assert not stored & set(raws)
    assert all(services.token_digest(r) in stored for r in raws)


def test_a_link_submits_once(sw):
    raw = services.tokens_create(
        survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS, count=1, by=sw.p.admin
    )[0]
    token = selectors.token_lookup(raw)
    services.draft_save(token=token, values={sw.citizens.questions.first().pk: 4})
    assert Token.objects.get(pk=token.pk).draft == {str(sw.citizens.questions.first().pk): 4}
    last = sw.citizens.questions.last()
    response = services.response_submit(token=selectors.token_lookup(raw), values={last.pk: 2})
    assert (response.channel, response.entered_by, response.unit, response.group) == (
        Channel.ONLINE, None, sw.p.eakpam, CITIZENS,
    )  # fmt: skip
    assert sorted(response.answers.values_list("value", flat=True)) == [2, 4]
    spent = Token.objects.get(pk=token.pk)
    assert spent.used_on == timezone.localdate() and spent.draft == {}
    assert selectors.token_lookup(raw) is None  # a spent link looks like an unknown one
    with pytest.raises(services.SurveyError) as caught:
        services.response_submit(token=token, values={last.pk: 2})
    assert caught.value.code == services.ERR_TOKEN_SPENT
    assert Response.objects.count() == 1


def test_a_response_keeps_no_trace_of_who_answered():
    fields = {f.name for f in Response._meta.get_fields()}
    assert fields == {
        "id", "survey", "questionnaire", "unit", "group", "channel", "entered_by",
        "submitted_on", "answers",
    }  # fmt: skip


def test_an_incomplete_or_off_scale_form_is_refused(sw):
    raw = services.tokens_create(
        survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS, count=1, by=sw.p.admin
    )[0]
    token = selectors.token_lookup(raw)
    first, _second = sw.citizens.questions.all()
    with pytest.raises(services.SurveyError) as caught:
        services.response_submit(token=token, values={first.pk: 9})
    assert caught.value.messages == [
        "Câu 1: câu trả lời không thuộc thang của phiếu.",
        "Chưa trả lời câu 2.",
    ]
    assert Response.objects.count() == 0 and selectors.token_lookup(raw) is not None


def test_a_closed_or_expired_survey_takes_no_answers(sw):
    raw = services.tokens_create(
        survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS, count=1, by=sw.p.admin
    )[0]
    Survey.objects.filter(pk=sw.survey.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(services.SurveyError):
        services.response_submit(
            token=selectors.token_lookup(raw), values=answer_values(sw.citizens, [5, 5])
        )
    assert Response.objects.count() == 0


def test_paper_forms_are_marked_and_name_who_typed_them(sw):
    response = services.paper_response_enter(
        survey=sw.survey, unit=sw.p.quangphu, group=BUSINESSES,
        values=answer_values(sw.businesses, [3]), by=sw.p.inspector,
    )  # fmt: skip
    assert (response.channel, response.entered_by) == (Channel.PAPER, sw.p.inspector)
    with pytest.raises(services.SurveyError):
        services.paper_response_enter(
            survey=sw.survey, unit=sw.p.quangphu, group=BUSINESSES,
            values=answer_values(sw.businesses, [3]), by=sw.p.eakpam_staff,
        )  # fmt: skip
    assert Response.objects.count() == 1


# --------------------------------------------------------------------------- closing


def _points(sw, unit, code):
    return CriterionScore.objects.get(
        assessment__criteria_set=sw.criteria_set, assessment__unit=unit, criterion__code=code
    )


def test_closing_writes_the_documented_points_with_history(sw):
    for values in ([5, 4], [4, 4], [4, 1], [3, 2]):
        _submit(sw, sw.p.eakpam, CITIZENS, values)
    _submit(sw, sw.p.eakpam, BUSINESSES, [2])
    result = services.survey_close(survey=sw.survey, by=sw.p.admin)
    # 3.1 (max 20): answers 5, 4, 4, 3 and the business's 2 → mean 3.6 → (3.6 − 1) / 4 = 0.65
    # → 13; 3.2 (max 10): 4, 4, 1, 2 → mean 2.75 → 0.4375 → 4.375.
    s31, s32 = _points(sw, sw.p.eakpam, "3.1"), _points(sw, sw.p.eakpam, "3.2")
    assert (s31.survey_points, s32.survey_points) == (D("13"), D("4.375"))
    assert result.changed == 2
    last = s31.history.latest()
    assert (last.history_user, last.history_change_reason) == (sw.p.admin, "từ khảo sát trực tuyến")
    survey = Survey.objects.get(pk=sw.survey.pk)
    assert (survey.state, survey.closed_by) == (SurveyState.CLOSED, sw.p.admin)
    with pytest.raises(services.SurveyError):
        services.survey_close(survey=survey, by=sw.p.admin)


def test_closing_is_refused_when_an_answered_unit_is_locked_and_writes_nothing(sw):
    make_assessment(criteria_set=sw.criteria_set, unit=sw.p.eakpam, state=AssessmentState.LOCKED)
    _submit(sw, sw.p.eakpam, CITIZENS, [5, 5])
    with pytest.raises(services.SurveyError) as caught:
        services.survey_close(survey=sw.survey, by=sw.p.admin)
    assert "Xã Ea KPam" in caught.value.messages[0]
    assert Survey.objects.get(pk=sw.survey.pk).state == SurveyState.OPEN
    assert not CriterionScore.objects.filter(survey_points__isnull=False).exists()


def test_only_the_provincial_admin_closes(sw):
    with pytest.raises(services.SurveyError):
        services.survey_close(survey=sw.survey, by=sw.p.inspector)
    assert Survey.objects.get(pk=sw.survey.pk).state == SurveyState.OPEN


# --------------------------------------------------------------------------- completion


def test_completion_counts_answers_against_quotas_in_fixed_queries(sw, django_assert_num_queries):
    services.quota_set(survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS, target=4, by=sw.p.admin)
    services.quota_set(
        survey=sw.survey, unit=sw.p.quangphu, group=BUSINESSES, target=2, by=sw.p.admin
    )
    _submit(sw, sw.p.eakpam, CITIZENS, [5, 4])
    services.paper_response_enter(
        survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS,
        values=answer_values(sw.citizens, [3, 3]), by=sw.p.admin,
    )  # fmt: skip
    with django_assert_num_queries(4):
        rows = selectors.survey_completion(sw.survey)
    assert [(r.unit.code, r.group, r.answered, r.paper, r.issued, r.quota) for r in rows] == [
        ("24259", BUSINESSES, 0, 0, 0, 2),
        ("24280", CITIZENS, 2, 1, 1, 4),
    ]
    assert [r.rate for r in rows] == [D(0), D("0.5")]
    for _i in range(3):
        _submit(sw, sw.p.quangphu, BUSINESSES, [4])
    with django_assert_num_queries(4):
        assert len(selectors.survey_completion(sw.survey)) == 2


def test_the_anonymised_answers_are_sorted_not_in_submission_order(sw):
    _submit(sw, sw.p.eakpam, CITIZENS, [2, 5])
    _submit(sw, sw.p.eakpam, CITIZENS, [4, 1])
    rows = selectors.anonymised_answers(sw.survey)
    assert rows == [
        ["24280", CITIZENS, "3.1", 2, "online"],
        ["24280", CITIZENS, "3.1", 4, "online"],
        ["24280", CITIZENS, "3.2", 1, "online"],
        ["24280", CITIZENS, "3.2", 5, "online"],
    ]
    assert Answer.objects.count() == 4


# --------------------------------------------------------------------------- reminders


def test_reminders_reach_the_staff_of_units_below_quota_once_a_day(sw):
    from notifications.models import Notification
    from tests.factories import UserFactory
    from units.choices import Role

    quangphu_staff = UserFactory(username="quangphu", role=Role.UNIT_STAFF, unit=sw.p.quangphu)
    services.quota_set(survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS, target=2, by=sw.p.admin)
    services.quota_set(
        survey=sw.survey, unit=sw.p.quangphu, group=BUSINESSES, target=1, by=sw.p.admin
    )
    _submit(sw, sw.p.eakpam, CITIZENS, [5, 4])  # 1 of 2: below
    _submit(sw, sw.p.quangphu, BUSINESSES, [3])  # 1 of 1: done
    assert services.survey_remind(survey=sw.survey, by=sw.p.admin) == 1
    notes = list(Notification.objects.all())
    assert [n.recipient for n in notes] == [sw.p.eakpam_staff]
    assert notes[0].kind == "surveys.below_quota"
    assert notes[0].text == (
        f"Đợt khảo sát “{sw.survey.name}”: Xã Ea KPam mới có 1/2 phiếu của nhóm Người dân; "
        f"hạn trả lời {sw.survey.closes_on:%d/%m/%Y}. Đề nghị đơn vị đôn đốc phát và thu phiếu."
    )
    services.survey_remind(survey=sw.survey, by=sw.p.admin)  # the same day: nobody twice
    assert Notification.objects.count() == 1
    assert not Notification.objects.filter(recipient=quangphu_staff).exists()
    with pytest.raises(services.SurveyError):
        services.survey_remind(survey=sw.survey, by=sw.p.inspector)


def test_a_closed_surveys_quota_cannot_be_changed(sw):
    services.quota_set(survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS, target=5, by=sw.p.admin)
    Survey.objects.filter(pk=sw.survey.pk).update(state=SurveyState.CLOSED)
    sw.survey.refresh_from_db()
    with pytest.raises(services.SurveyError, match="Đợt khảo sát đã đóng"):
        services.quota_set(
            survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS, target=50, by=sw.p.admin
        )
    assert sw.survey.quotas.get(unit=sw.p.eakpam).target == 5
