"""The whole index workflow in the browser (issue 14): the unit self-assesses and submits; the
council appraises round 1 starting from the self-scores ("giữ nguyên cả lĩnh vực") and changes
one with a reason; the unit explains with a file; round 2; the admin locks and publishes — every
transition through its confirmation page."""

import io
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from scoring.choices import AssessmentState
from scoring.models import Assessment, Criterion, CriterionScore, ExplanationMessage
from tests.scoring.factories import make_assessment, make_set

pytestmark = pytest.mark.django_db(transaction=True)


def small_pdf(path):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_self_assessment_to_publication(personas, page, login, logout, tmp_path, screenshot):
    cs = make_set(province=personas.daklak)
    # Self-scores of factories.SMALL_TREE but 1.1, which the unit scores in the browser.
    a = make_assessment(
        criteria_set=cs,
        unit=personas.cumgar,
        scores={
            "1.2": ("6", None, None, None),
            "2.1": ("20", None, None, None),
            "2.2": ("10", None, None, None),
            "2.3": ("30", None, None, None),
        },
    )
    scores = {s.criterion.code: s for s in a.scores.select_related("criterion")}
    row = {code: f"#score-{s.pk}" for code, s in scores.items()}
    areas = {c.code: f"#crit-{c.pk}" for c in Criterion.objects.filter(criteria_set=cs)}
    sheet_url = f"{page.base_url}/scoring/assessments/{a.pk}/"

    # --- the unit: the last self-score, its evidence, submit through the confirmation page
    login("cumgar")
    page.goto(sheet_url)
    cell = page.locator(f"{row['1.1']} input[name=value]").first
    cell.fill("4")
    cell.press("Tab")
    expect(page.locator(".total-self")).to_have_text("70,00")
    page.set_input_files(
        f"{row['1.1']} input[type=file]", str(small_pdf(tmp_path / "ke-hoach-2024.pdf"))
    )
    page.click(f"{row['1.1']} button:text('Tải lên')")
    expect(page.locator(".alert-success")).to_contain_text("Đã tải lên tài liệu kiểm chứng")
    page.click("a:text('Gửi tự đánh giá')")
    # The confirmation names the figure: the self-assessed index (70 of 70 appraisal points,
    # no survey yet), not "0,00 · Yếu".
    expect(page.locator(".index-label")).to_have_text("Chỉ số tự đánh giá")
    expect(page.locator("[data-figure=index]")).to_have_text("70,00 · Khá")
    page.click("button:text('Xác nhận')")
    expect(page.locator(".assessment-state")).to_have_text("Đã tự đánh giá")
    logout()

    # --- the council: round 1 from the self-scores
    login("insp66")
    page.goto(sheet_url)
    page.click("a:text('Bắt đầu thẩm định vòng 1')")
    page.click("button:text('Xác nhận')")
    expect(page.locator(".assessment-state")).to_have_text("Thẩm định vòng 1")
    expect(page.locator("[data-figure=unscored]")).to_contain_text("Còn 5/5 tiêu chí chưa chấm")
    # 2.3 differs: the reason first (it waits for the value), then the value.
    page.locator(f"{row['2.3']} input[name=reason]").fill("Tỷ lệ trực tuyến 91,83 %")
    cell = page.locator(f"{row['2.3']} input[name=value]").first
    expect(cell).to_have_attribute("placeholder", "30,00")  # what keeping would write
    cell.click()
    cell.press_sequentially("27,55", delay=40)
    cell.press("Tab")
    expect(page.locator(f"{row['2.3']} input[name=value]").first).to_have_value("27,55")
    # Area 2: the other two leaves keep their self-scores, 2.3 stays as typed.
    page.click(f"{areas['2']} a.area-keep")
    expect(page.locator("[data-figure=keep-summary]")).to_contain_text(
        "Sẽ ghi 2 tiêu chí; 1 tiêu chí đã chấm không đổi."
    )
    page.click("button:text('Xác nhận')")
    expect(page.locator(".alert-success")).to_contain_text("Đã giữ nguyên 2 tiêu chí")
    # Area 1 leaf by leaf: "Giữ điểm tự chấm".
    page.click(f"{row['1.1']} button:text('Giữ điểm tự chấm')")
    expect(page.locator(f"{row['1.1']} input[name=value]").first).to_have_value("4,00")
    page.click(f"{row['1.2']} button:text('Giữ điểm tự chấm')")
    expect(page.locator("[data-figure=unscored]")).to_contain_text("Còn 0/5 tiêu chí chưa chấm")
    survey = page.locator(f"{row['3.1']} input[name=value]").first
    survey.fill("20,83")
    survey.press("Tab")
    # 4 + 6 + 20 + 10 + 27,55 = 67,55 appraised; + 20,83 survey = 88,38 (Tốt ≥ 80).
    expect(page.locator(".total-appraisal")).to_have_text("67,55")
    expect(page.locator(".total-index")).to_have_text("88,38")
    kept = CriterionScore.objects.get(pk=scores["2.1"].pk)
    assert kept.round1_score == D(20)
    assert kept.history.latest().history_change_reason == "giữ điểm tự chấm"
    page.click("a:text('Chuyển đơn vị giải trình')")
    page.click("button:text('Xác nhận')")
    expect(page.locator(".assessment-state")).to_have_text("Giải trình")
    logout()

    # --- the unit explains 2.3 with a file, then sends its explanation
    login("cumgar")
    page.goto(sheet_url)
    expect(page.locator(f"{row['2.3']} td.round1 .diff-mark")).to_be_visible()
    page.click(f"{row['2.3']} a.thread-link")
    expect(page.locator(".thread-round1")).to_contain_text("Tỷ lệ trực tuyến 91,83 %")
    expect(page.locator(".thread-self")).to_contain_text("30,00")
    page.fill("#id_text", "Bổ sung danh sách 1.204 hồ sơ trực tuyến bị sót khi thống kê")
    page.set_input_files("#id_file", str(small_pdf(tmp_path / "danh-sach-ho-so.pdf")))
    page.click("button:text('Gửi')")
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi giải trình.")
    expect(page.locator(".thread-message a.thread-file")).to_have_text("danh-sach-ho-so.pdf")
    message = ExplanationMessage.objects.get(score=scores["2.3"])
    assert [f.original_name for f in message.files.all()] == ["danh-sach-ho-so.pdf"]
    page.click("a:text('Quay lại bảng điểm')")
    # The self-assessment's file stays where it was.
    expect(page.locator(f"{row['1.1']} a:text('ke-hoach-2024.pdf')")).to_be_visible()
    page.click("a:text('Gửi giải trình')")
    page.click("button:text('Xác nhận')")
    expect(page.locator(".assessment-state")).to_have_text("Thẩm định vòng 2")
    logout()

    # --- round 2: the council accepts part of the explanation
    login("insp66")
    page.goto(sheet_url)
    page.locator(f"{row['2.3']} input[name=reason]").fill("Chấp nhận một phần giải trình")
    cell = page.locator(f"{row['2.3']} input[name=value]").first
    expect(cell).to_have_attribute("placeholder", "27,55")  # round 2 starts from round 1
    cell.click()
    cell.press_sequentially("29", delay=40)
    cell.press("Tab")
    # 4 + 6 + 20 + 10 + 29 = 69,00; + 20,83 = 89,83.
    expect(page.locator(".total-appraisal")).to_have_text("69,00")
    expect(page.locator(".total-index")).to_have_text("89,83")
    page.click(f"{row['2.3']} a.thread-link")
    expect(page.locator(".thread-round2")).to_contain_text("Chấp nhận một phần giải trình")
    expect(page.locator(".thread-round2 .diff-mark")).to_be_visible()
    logout()

    # --- the admin locks, then publishes from the ranking page through its confirmation
    login("admin66")
    page.goto(sheet_url)
    page.click("a:text('Chốt điểm')")
    expect(page.locator("[data-figure=index]")).to_contain_text("89,83")
    page.click("button:text('Xác nhận')")
    expect(page.locator(".assessment-state")).to_have_text("Đã chốt điểm")
    page.goto(f"{page.base_url}/scoring/rankings/{cs.pk}/")
    expect(page.locator(".index-label")).to_have_text("Chỉ số tạm tính")
    page.click("a.publish-link")
    expect(page.locator(".bulk-outcomes")).to_contain_text("sẽ thực hiện")
    assert not cs.publications.exists()
    page.click("button:text('Xác nhận')")
    expect(page.locator(".bulk-outcomes")).to_contain_text("đã thực hiện")
    assert Assessment.objects.get(pk=a.pk).state == AssessmentState.PUBLISHED
    page.goto(f"{page.base_url}/scoring/rankings/{cs.pk}/")
    expect(page.locator(".index-label")).to_have_text("Chỉ số đã công bố")
    expect(page.locator(f"tr[data-unit='{personas.cumgar.code}']")).to_contain_text("89,83")
    screenshot()
