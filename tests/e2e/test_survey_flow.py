"""The online survey in the browser (issue 20): a citizen answers on a 390×844 phone with
JavaScript off through a one-time link, and the link is refused the second time; the provincial
admin types in a paper form, reads the live completion and closes the survey, which writes the
points the answers import gives for the same answers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from scoring.imports import survey_answers_import
from scoring.models import CriterionScore
from surveys import services
from surveys.choices import Channel
from surveys.models import Response
from tests.surveys.factories import CITIZENS, make_survey_world

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def _phone(browser, live_server):
    context = browser.new_context(
        locale="vi-VN", viewport=PHONE, java_script_enabled=False, device_scale_factor=1
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_answer_on_a_phone_then_paper_form_then_close(
    personas, browser, live_server, page, login, screenshot, tmp_path
):
    sw = make_survey_world(personas)
    services.quota_set(
        survey=sw.survey, unit=personas.eakpam, group=CITIZENS, target=4, by=personas.admin
    )
    raw = services.tokens_create(
        survey=sw.survey, unit=personas.eakpam, group=CITIZENS, count=1, by=personas.admin
    )[0]
    link = f"{live_server.url}/s/{raw}/"

    context, phone = _phone(browser, live_server)
    try:
        phone.goto(link)
        expect(phone.locator(".survey-progress-text")).to_have_text("Câu 1/2 · đã trả lời 0/2")
        expect(phone.locator(".survey-meta")).to_contain_text("Xã Ea KPam")
        phone.screenshot(path=str(tmp_path / "phone-question.png"), full_page=True)
        phone.get_by_text("Rất hài lòng").click()
        phone.get_by_role("button", name="Tiếp").click()
        expect(phone.locator(".survey-progress-text")).to_have_text("Câu 2/2 · đã trả lời 1/2")
        # The connection drops here: the same link, opened afresh, resumes at question 2.
        phone.goto(link)
        expect(phone.locator(".survey-progress-text")).to_have_text("Câu 2/2 · đã trả lời 1/2")
        phone.get_by_text("Hài lòng", exact=True).click()
        phone.get_by_role("button", name="Xem lại").click()
        expect(phone.locator(".survey-review")).to_contain_text("Rất hài lòng")
        phone.screenshot(path=str(tmp_path / "phone-review.png"), full_page=True)
        phone.get_by_role("button", name="Gửi phiếu").click()
        expect(phone.locator("h1")).to_have_text("Cảm ơn bạn đã trả lời")
        phone.screenshot(path=str(tmp_path / "phone-done.png"), full_page=True)
        # A second use of the link is refused, like an unknown link.
        assert phone.goto(link).status == 404
        expect(phone.locator("main")).to_contain_text("không hợp lệ hoặc đã được sử dụng")
        phone.screenshot(path=str(tmp_path / "phone-used.png"), full_page=True)
    finally:
        context.close()
    assert Response.objects.filter(channel=Channel.ONLINE).count() == 1

    # Staff type in a paper form through the same questions.
    page.set_viewport_size({"width": 1440, "height": 900})
    login(personas.admin.username)
    page.goto(f"{page.base_url}/surveys/")
    page.get_by_role("link", name=sw.survey.name).click()
    page.fill("#id_unit", "24280")
    page.select_option("#id_group", CITIZENS)
    page.get_by_role("button", name="Mở phiếu").click()
    page.set_viewport_size(PHONE)
    screenshot("paper-phone")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator(".survey-question").nth(0).get_by_text("Không hài lòng", exact=True).click()
    page.locator(".survey-question").nth(1).get_by_text("Bình thường").click()
    page.get_by_role("button", name="Lưu phiếu giấy").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu phiếu giấy của Xã Ea KPam")
    paper = Response.objects.get(channel=Channel.PAPER)
    assert paper.entered_by == personas.admin

    page.get_by_role("link", name="Quay lại đợt khảo sát").click()
    row = page.locator("table.completion tbody tr").first
    expect(row).to_contain_text("Xã Ea KPam")
    expect(row).to_contain_text("50,00")  # 2 of 4
    screenshot("detail-desktop")
    page.set_viewport_size(PHONE)
    screenshot("detail-phone")
    page.set_viewport_size({"width": 1440, "height": 900})

    page.get_by_role("link", name="Người dân (v1)").click()
    expect(page.locator("main")).to_contain_text("75,00")  # the share of "Hài lòng" (4 of 1…5)
    screenshot("questionnaire")
    page.go_back()
    page.get_by_role("link", name="Đóng đợt và tính điểm").click()
    expect(page.locator(".alert-warning")).to_contain_text("Không mở lại được")
    screenshot("close-confirm")
    page.get_by_role("button", name="Xác nhận: đóng đợt và tính điểm").click()
    expect(page.locator(".alert-success")).to_contain_text("2 điểm điều tra")

    # 3.1: online 5, paper 2 → mean 3.5 → 0.625 × 20 = 12.5; 3.2: 4 and 3 → 0.625 × 10 = 6.25.
    def points():
        return {
            c: v
            for c, v in CriterionScore.objects.filter(
                assessment__unit=personas.eakpam, survey_points__isnull=False
            ).values_list("criterion__code", "survey_points")
        }

    assert points() == {"3.1": D("12.5"), "3.2": D("6.25")}
    # The import path, given the same answers, finds nothing to change.
    answers = tmp_path / "tra-loi.csv"
    answers.write_text(
        "ma_don_vi,nhom,ma_tieu_chi,tra_loi\n"
        "24280,nguoi_dan,3.1,5\n24280,nguoi_dan,3.2,4\n24280,nguoi_dan,3.1,2\n24280,nguoi_dan,3.2,3\n",
        encoding="utf-8",
    )
    result = survey_answers_import(path=answers, criteria_set=sw.criteria_set, by=personas.admin)
    assert result.changed == 0 and points() == {"3.1": D("12.5"), "3.2": D("6.25")}
