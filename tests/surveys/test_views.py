"""Survey pages: the public form (no login, one question per screen, resume, once), the
council's pages (links as a QR sheet, paper forms, closing after confirmation, exports)."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from scoring.imports import survey_answers_import
from scoring.models import CriterionScore
from surveys import services
from surveys.choices import Channel, SurveyState
from surveys.models import Response, Survey, Token
from tests.surveys.factories import BUSINESSES, CITIZENS, make_survey_world


@pytest.fixture
def sw(personas):
    return make_survey_world(personas)


def _link(sw, group=CITIZENS, unit=None):
    raw = services.tokens_create(
        survey=sw.survey, unit=unit or sw.p.eakpam, group=group, count=1, by=sw.p.admin
    )[0]
    return raw, reverse("survey_public:form", args=[raw])


def _body(response) -> str:
    return response.content.decode()


def test_the_public_form_asks_one_question_at_a_time_and_resumes(sw):
    _raw, url = _link(sw)
    client = Client()
    first = client.get(url)
    assert first.status_code == 200
    body = _body(first)
    assert "Câu 1/2" in body and "Thủ tục có dễ thực hiện không?" in body and "Xã Ea KPam" in body
    q1, q2 = sw.citizens.questions.all()
    moved = client.post(url, {"cau": 1, f"q_{q1.pk}": 4, "action": "next"})
    assert moved.status_code == 302 and moved["Location"].endswith("?cau=2")
    # The connection drops; the same link, opened again, resumes at the first unanswered one.
    again = Client().get(url)
    assert "Câu 2/2" in _body(again) and "đã trả lời 1/2" in _body(again)
    client.post(url, {"cau": 2, f"q_{q2.pk}": 5, "action": "next"})
    review = client.get(url)
    assert "Xem lại câu trả lời" in _body(review) and "Rất hài lòng" in _body(review)
    done = client.post(url, {"cau": 3, "action": "submit"})
    assert done.status_code == 302 and done["Location"] == reverse("survey_public:done")
    stored = Response.objects.get()
    assert sorted(stored.answers.values_list("value", flat=True)) == [4, 5]
    assert stored.channel == Channel.ONLINE


def test_an_unanswered_question_is_named_and_nothing_moves(sw):
    _raw, url = _link(sw)
    response = Client().post(url, {"cau": 1, "action": "next"})
    assert response.status_code == 422
    assert "Hãy chọn một câu trả lời." in _body(response)
    assert Token.objects.get().draft == {}


def test_a_used_link_answers_exactly_like_an_unknown_one(sw):
    _raw, url = _link(sw)
    q1, q2 = sw.citizens.questions.all()
    client = Client()
    client.post(url, {"cau": 1, f"q_{q1.pk}": 3, "action": "next"})
    client.post(url, {"cau": 2, f"q_{q2.pk}": 3, "action": "next"})
    client.post(url, {"cau": 3, "action": "submit"})
    used = Client().get(url)
    unknown = Client().get(reverse("survey_public:form", args=["x" * 24]))
    assert used.status_code == unknown.status_code == 404
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", _body(r))  # noqa: E731
    assert strip(used) == strip(unknown)
    assert "không hợp lệ hoặc đã được sử dụng" in _body(used)
    again = Client().post(url, {"cau": 3, "action": "submit"})
    assert again.status_code == 404 and Response.objects.count() == 1


def test_a_closed_survey_says_so(sw):
    _raw, url = _link(sw)
    Survey.objects.filter(pk=sw.survey.pk).update(state=SurveyState.CLOSED)
    response = Client().get(url)
    assert response.status_code == 410
    assert "đã kết thúc" in _body(response) and sw.survey.closes_on.strftime("%d/%m/%Y") in _body(
        response
    )


def test_the_form_needs_its_csrf_token(sw):
    _raw, url = _link(sw)
    q1 = sw.citizens.questions.first()
    client = Client(enforce_csrf_checks=True)
    client.get(url)
    refused = client.post(url, {"cau": 1, f"q_{q1.pk}": 4, "action": "next"})
    assert refused.status_code == 403 and Token.objects.get().draft == {}


def test_too_many_bad_links_from_one_address_get_429(sw, settings):
    settings.SURVEY_RATE_MISSES = 3
    _raw, url = _link(sw)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(3):
        assert client.get(reverse("survey_public:form", args=[f"guess{i}"])).status_code == 404
    assert client.get(reverse("survey_public:form", args=["guess9"])).status_code == 429
    assert client.get(url).status_code == 429  # the address is throttled, whatever it asks
    assert Client(REMOTE_ADDR="198.51.100.4").get(url).status_code == 200


def test_the_public_form_sets_no_session(sw):
    _raw, url = _link(sw)
    response = Client().get(url)
    assert "sessionid" not in response.cookies


# --------------------------------------------------------------------------- council pages


def test_links_print_as_a_qr_sheet_of_24_a_page(sw, client_for):
    response = client_for(sw.p.admin).post(
        reverse("surveys:survey_tokens", args=[sw.survey.pk]),
        {
            "tokens-unit": "24280",
            "tokens-group": CITIZENS,
            "tokens-count": 30,
            "tokens-format": "pdf",
        },
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2  # 24 + 6
    text = reader.pages[0].extract_text()
    assert "Xã Ea KPam" in text and "Người dân" in text and "SỞ NỘI VỤ" in text
    assert text.count("Số ") >= 24
    assert Token.objects.filter(unit=sw.p.eakpam, group=CITIZENS).count() == 30


def test_links_as_csv_open_the_form(sw, client_for):
    response = client_for(sw.p.admin).post(
        reverse("surveys:survey_tokens", args=[sw.survey.pk]),
        {
            "tokens-unit": "24259",
            "tokens-group": BUSINESSES,
            "tokens-count": 3,
            "tokens-format": "csv",
        },
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "stt,ma_don_vi,ten_don_vi,nhom,duong_dan" and len(lines) == 4
    path = lines[1].split(",")[-1].split("127.0.0.1:8000", 1)[-1].split("testserver", 1)[-1]
    assert Client().get(path).status_code == 200


def test_a_link_for_a_unit_of_another_province_is_refused(sw, client_for):
    response = client_for(sw.p.admin).post(
        reverse("surveys:survey_tokens", args=[sw.survey.pk]),
        {"tokens-unit": "112", "tokens-group": CITIZENS, "tokens-count": 3, "tokens-format": "csv"},
    )
    assert response.status_code == 422
    assert "Không có đơn vị mã 112" in _body(response) and Token.objects.count() == 0


def test_staff_enter_a_paper_form(sw, client_for):
    url = reverse("surveys:survey_paper", args=[sw.survey.pk])
    query = f"?unit=24259&group={BUSINESSES}"
    client = client_for(sw.p.inspector)
    page = client.get(url + query)
    assert "Thủ tục đầu tư có thuận lợi?" in _body(page)
    q = sw.businesses.questions.get()
    saved = client.post(url + query, {f"q_{q.pk}": 2})
    assert saved.status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.entered_by, response.unit) == (
        Channel.PAPER, sw.p.inspector, sw.p.quangphu,
    )  # fmt: skip


def test_closing_asks_first_then_writes_points(sw, client_for):
    services.paper_response_enter(
        survey=sw.survey, unit=sw.p.eakpam, group=BUSINESSES,
        values={sw.businesses.questions.get().pk: 4}, by=sw.p.admin,
    )  # fmt: skip
    url = reverse("surveys:survey_close", args=[sw.survey.pk])
    client = client_for(sw.p.admin)
    confirm = client.get(url)
    assert "Không mở lại được" in _body(confirm)
    assert Survey.objects.get(pk=sw.survey.pk).state == SurveyState.OPEN
    assert client.post(url).status_code == 302
    points = CriterionScore.objects.get(criterion__code="3.1", assessment__unit=sw.p.eakpam)
    assert points.survey_points == D("15")  # (4 − 1) / 4 × 20


def test_the_detail_page_shows_completion_in_fixed_queries(
    sw, client_for, django_assert_max_num_queries
):
    services.quota_set(survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS, target=4, by=sw.p.admin)
    services.paper_response_enter(
        survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS,
        values={q.pk: 5 for q in sw.citizens.questions.all()}, by=sw.p.admin,
    )  # fmt: skip
    client = client_for(sw.p.admin)
    url = reverse("surveys:survey_detail", args=[sw.survey.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        body = _body(client.get(url))
    assert "Xã Ea KPam" in body and "25,00" in body  # 1 of 4
    for _i in range(5):
        services.paper_response_enter(
            survey=sw.survey, unit=sw.p.quangphu, group=BUSINESSES,
            values={sw.businesses.questions.get().pk: 3}, by=sw.p.admin,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_the_export_re_imports_to_the_same_points(sw, client_for, tmp_path):
    for values in ([5, 1], [2, 4], [3, 3]):
        services.paper_response_enter(
            survey=sw.survey, unit=sw.p.eakpam, group=CITIZENS,
            values=dict(zip([q.pk for q in sw.citizens.questions.all()], values, strict=True)),
            by=sw.p.admin,
        )  # fmt: skip
    response = client_for(sw.p.admin).get(reverse("surveys:survey_export", args=[sw.survey.pk]))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    answers = [r for r in book.worksheets[0].iter_rows(values_only=True)]
    header = answers.index(("ma_don_vi", "nhom", "ma_tieu_chi", "tra_loi", "hinh_thuc"))
    lines = ["ma_don_vi,nhom,ma_tieu_chi,tra_loi"] + [
        f"{r[0]},{r[1]},{r[2]},{r[3]}" for r in answers[header + 1 :]
    ]
    assert len(lines) == 7
    path = tmp_path / "tra-loi.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    services.survey_close(survey=sw.survey, by=sw.p.admin)
    closed = CriterionScore.objects.get(criterion__code="3.1", assessment__unit=sw.p.eakpam)
    # 5, 2, 3 → mean 10/3 → (10/3 − 1) / 4 × 20 = 11.666… → 11.6667 (4 decimals, half up)
    assert closed.survey_points == D("11.6667")
    result = survey_answers_import(path=path, criteria_set=sw.criteria_set, by=sw.p.admin)
    assert (result.rows, result.changed) == (2, 0)  # the same points: nothing to write


def test_a_questionnaire_uploads_downloads_and_uploads_again_as_the_next_version(
    sw, client_for, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(sw.p.admin)
    download = client.get(reverse("surveys:questionnaire_xlsx", args=[sw.citizens.pk]))
    content = b"".join(download.streaming_content)
    upload = SimpleUploadedFile(
        "phieu.xlsx",
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = client.post(
        reverse("surveys:questionnaire_import", args=[sw.criteria_set.pk]),
        {"file": upload, "group": CITIZENS, "title": "Phiếu người dân 2"},
    )
    assert response.status_code == 302
    again = sw.citizens.__class__.objects.get(
        criteria_set=sw.criteria_set, group=CITIZENS, version=2
    )
    assert [(q.position, q.text, q.criterion.code) for q in again.questions.all()] == [
        (q.position, q.text, q.criterion.code) for q in sw.citizens.questions.all()
    ]
    assert [(o.value, o.label) for o in again.options.all()] == [
        (o.value, o.label) for o in sw.citizens.options.all()
    ]


def test_a_refused_questionnaire_upload_lists_rows_and_saves_nothing(sw, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "stt,noi_dung,ma_tieu_chi,gia_tri,nhan\n1,,3.1,,\n,,,5,Tốt\n,,,1,Kém\n"
    response = client_for(sw.p.admin).post(
        reverse("surveys:questionnaire_import", args=[sw.criteria_set.pk]),
        {
            "file": SimpleUploadedFile("p.csv", body.encode(), content_type="text/csv"),
            "group": CITIZENS,
            "title": "x",
        },
    )
    assert response.status_code == 422
    assert "Dòng 2, cột noi_dung: cần ghi nội dung." in _body(response)
    assert sw.citizens.__class__.objects.filter(group=CITIZENS).count() == 1


def test_back_from_the_review_goes_to_the_last_question(sw):
    _raw, url = _link(sw, group=BUSINESSES)
    q = sw.businesses.questions.get()
    client = Client()
    client.post(url, {"cau": 1, f"q_{q.pk}": 4, "action": "next"})
    back = client.post(url, {"cau": 2, "action": "back"})
    assert back["Location"].endswith("?cau=1")
    page = client.get(back["Location"])
    assert "Câu 1/1" in _body(page) and 'value="4" checked' in _body(page)


def test_sending_an_unfinished_form_names_the_questions_left(sw):
    _raw, url = _link(sw)
    q1 = sw.citizens.questions.first()
    client = Client()
    client.post(url, {"cau": 1, f"q_{q1.pk}": 4, "action": "next"})
    response = client.post(url, {"cau": 3, "action": "submit"})
    assert response.status_code == 422
    assert "Chưa trả lời câu 2." in _body(response) and Response.objects.count() == 0
