"""The questionnaire editor (/surveys/sets/<set>/questionnaires/new/, /questionnaires/<id>/edit/):
the admin builds a questionnaire in the portal; a refused save names the field and writes
nothing; an answered questionnaire is never edited, only copied."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scoring.models import Criterion
from surveys import services
from surveys.choices import RespondentGroup
from surveys.models import Question, Questionnaire
from tests.surveys.factories import CITIZENS, answer_values, make_survey_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sw(personas):
    return make_survey_world(personas)


def post_data(*, title, group, options, questions, extra_option_rows=2, extra_question_rows=3):
    """A browser's POST of the editor: the formsets' rows, blank ones included."""
    data = {"title": title, "group": group}
    rows = [*options, *[("", "")] * extra_option_rows]
    data |= {"options-TOTAL_FORMS": str(len(rows)), "options-INITIAL_FORMS": "0"}
    for n, (value, label) in enumerate(rows):
        data |= {f"options-{n}-value": str(value), f"options-{n}-label": label}
    rows = [*questions, *[("", "")] * extra_question_rows]
    data |= {"questions-TOTAL_FORMS": str(len(rows)), "questions-INITIAL_FORMS": "0"}
    for n, (text, criterion) in enumerate(rows):
        data |= {f"questions-{n}-text": text, f"questions-{n}-criterion": str(criterion)}
    return data


def leaf(sw, code: str) -> Criterion:
    return Criterion.objects.get(criteria_set=sw.criteria_set, code=code)


def test_the_admin_builds_a_questionnaire_in_the_portal(sw, client_for):
    url = reverse("surveys:questionnaire_new", args=[sw.criteria_set.pk])
    page = client_for(sw.p.admin).get(url)
    assert page.status_code == 200
    assert "3.1 Hài lòng về thủ tục" in page.content.decode()  # the set's survey leaves offered
    assert "1.1 Kế hoạch CCHC" not in page.content.decode()  # an appraisal criterion is not
    response = client_for(sw.p.admin).post(
        url,
        post_data(
            title="Phiếu đại biểu HĐND",
            group=RespondentGroup.DEPUTIES,
            options=[(1, "Không đồng ý"), (2, "Phân vân"), (3, "Đồng ý")],
            questions=[
                ("Công khai TTHC có đầy đủ?", leaf(sw, "3.2").pk),
                ("Giải quyết TTHC có đúng hạn?", leaf(sw, "3.1").pk),
            ],
        ),
    )
    made = Questionnaire.objects.get(criteria_set=sw.criteria_set, group=RespondentGroup.DEPUTIES)
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:questionnaire_detail", args=[made.pk])
    assert (made.title, made.version, made.scale_min, made.scale_max) == (
        "Phiếu đại biểu HĐND", 1, 1, 3,
    )  # fmt: skip
    assert [(q.position, q.text, q.criterion.code) for q in made.questions.all()] == [
        (1, "Công khai TTHC có đầy đủ?", "3.2"),
        (2, "Giải quyết TTHC có đúng hạn?", "3.1"),
    ]
    assert made.share(2) == services.Decimal("0.5")  # linear on 1…3, as the import reads it


def test_a_second_questionnaire_of_a_group_is_its_next_version(sw, client_for):
    url = reverse("surveys:questionnaire_new", args=[sw.criteria_set.pk])
    client_for(sw.p.admin).post(
        url,
        post_data(
            title="Phiếu người dân (sửa đổi)",
            group=CITIZENS,
            options=[(1, "Không"), (5, "Có")],
            questions=[("Có hài lòng?", leaf(sw, "3.1").pk)],
        ),
    )
    versions = Questionnaire.objects.filter(criteria_set=sw.criteria_set, group=CITIZENS)
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]


def test_refused_saves_name_the_field_and_write_nothing(sw, client_for):
    before = Questionnaire.objects.count(), Question.objects.count()
    url = reverse("surveys:questionnaire_new", args=[sw.criteria_set.pk])
    duplicate = client_for(sw.p.admin).post(
        url,
        post_data(
            title="Phiếu",
            group=RespondentGroup.DEPUTIES,
            options=[(1, "Không"), (1, "Có")],
            questions=[("Có hài lòng?", leaf(sw, "3.1").pk)],
        ),
    )
    assert duplicate.status_code == 422
    assert "mức 1 trùng với dòng 1" in duplicate.content.decode()
    # An appraisal criterion posted by hand is not among the choices.
    appraisal = client_for(sw.p.admin).post(
        url,
        post_data(
            title="Phiếu",
            group=RespondentGroup.DEPUTIES,
            options=[(1, "Không"), (2, "Có")],
            questions=[("Có hài lòng?", leaf(sw, "1.1").pk)],
        ),
    )
    assert appraisal.status_code == 422
    assert 'data-row="question-1"' in appraisal.content.decode()
    row = appraisal.content.decode().split('data-row="question-1"')[1].split("</tr>")[0]
    assert "Hãy chọn một lựa chọn hợp lệ." in row  # the error sits in the row it is about
    empty = client_for(sw.p.admin).post(
        url, post_data(title="Phiếu", group=RespondentGroup.DEPUTIES, options=[], questions=[])
    )
    assert empty.status_code == 422
    assert "Phiếu chưa có câu hỏi nào." in empty.content.decode()
    assert "Thang trả lời cần ít nhất 2 mức khác nhau." in empty.content.decode()
    assert (Questionnaire.objects.count(), Question.objects.count()) == before


def test_an_unanswered_questionnaire_is_edited_in_place(sw, client_for):
    businesses = sw.businesses
    url = reverse("surveys:questionnaire_edit", args=[businesses.pk])
    page = client_for(sw.p.admin).get(url)
    assert "Thủ tục đầu tư có thuận lợi?" in page.content.decode()  # the rows as they are
    response = client_for(sw.p.admin).post(
        url,
        post_data(
            title="Phiếu doanh nghiệp 2",
            group=RespondentGroup.CITIZENS,  # ignored: a version belongs to its group
            options=[(1, "Không"), (2, "Một phần"), (3, "Có")],
            questions=[
                ("Thủ tục đầu tư có thuận lợi?", leaf(sw, "3.1").pk),
                ("Cán bộ có tận tình?", leaf(sw, "3.2").pk),
            ],
        ),
    )
    assert response.status_code == 302
    businesses.refresh_from_db()
    assert (businesses.title, businesses.version, businesses.group) == (
        "Phiếu doanh nghiệp 2", 1, RespondentGroup.BUSINESSES,
    )  # fmt: skip
    assert businesses.questions.count() == 2 and businesses.scale_max == 3


def test_an_answered_questionnaire_is_never_edited(sw, client_for):
    citizens = sw.citizens
    services.paper_response_enter(
        survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS,
        values=answer_values(citizens, [5, 4]), by=sw.p.admin,
    )  # fmt: skip
    url = reverse("surveys:questionnaire_edit", args=[citizens.pk])
    detail = reverse("surveys:questionnaire_detail", args=[citizens.pk])
    assert client_for(sw.p.admin).get(url)["Location"] == detail
    client_for(sw.p.admin).post(
        url,
        post_data(
            title="Đổi", group=CITIZENS, options=[(1, "A"), (2, "B")],
            questions=[("Câu mới", leaf(sw, "3.1").pk)],
        ),
    )  # fmt: skip
    citizens.refresh_from_db()
    assert citizens.title == "Phiếu người dân" and citizens.questions.count() == 2
    assert url not in client_for(sw.p.admin).get(detail).content.decode()  # no "Sửa phiếu"
    with pytest.raises(services.SurveyError):
        services.questionnaire_save(
            questionnaire=citizens, criteria_set=sw.criteria_set, group=CITIZENS, title="Đổi",
            questions=[("Câu", leaf(sw, "3.1"))], options=[(1, "A"), (2, "B")], by=sw.p.admin,
        )  # fmt: skip


def test_the_service_refuses_a_criterion_that_is_not_a_survey_leaf(sw):
    with pytest.raises(services.SurveyError) as refused:
        services.questionnaire_save(
            criteria_set=sw.criteria_set, group=RespondentGroup.DEPUTIES, title="Phiếu",
            questions=[("Câu", leaf(sw, "3"))], options=[(1, "A"), (2, "B")], by=sw.p.admin,
        )  # fmt: skip
    assert "không phải tiêu chí điều tra" in str(refused.value.message_dict["questions"])
    assert not Questionnaire.objects.filter(group=RespondentGroup.DEPUTIES).exists()
