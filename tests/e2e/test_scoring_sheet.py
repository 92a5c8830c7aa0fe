"""Scoring in the browser (flow 2): a unit self-scores with htmx (subtotals follow, refusals show
at the cell, a stale save is refused), uploads evidence and submits; the council appraises one
criterion with a different score; the unit then sees the appraised score on its sheet."""

import io
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from scoring.choices import AssessmentState
from scoring.models import Assessment, CriterionScore, Evidence
from tests.scoring.factories import FULL, make_assessment, make_set

pytestmark = pytest.mark.django_db(transaction=True)


def small_pdf(path):
    """A real one-page PDF, as a scanner would produce (smaller)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_self_score_cells(personas, page, login):
    cs = make_set(province=personas.daklak)
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)
    score = CriterionScore.objects.get(assessment=a, criterion__code="1.2")
    login("cumgar")
    page.goto(f"{page.base_url}/scoring/assessments/{a.pk}/")
    other = CriterionScore.objects.get(assessment=a, criterion__code="2.2")
    other_cell = page.locator(f"#score-{other.pk} input[name=value]").first
    other_cell.evaluate("el => { el.value = '7'; }")  # typed, not yet saved
    cell = page.locator(f"#score-{score.pk} input[name=value]").first
    cell.fill("3,5")
    cell.press("Tab")
    expect(page.locator(".subtotal .subtotal-self").first).to_have_text("7,50")
    expect(page.locator(".total-self")).to_have_text("67,50")
    assert other_cell.input_value() == "7"  # only the saved row was swapped

    # Someone else saves the cell meanwhile: this page's version is now stale.
    CriterionScore.objects.filter(pk=score.pk).update(self_score=1, version=99)
    page.allow(409, f"/scoring/assessments/{a.pk}/scores/{score.pk}/")
    cell = page.locator(f"#score-{score.pk} input[name=value]").first
    cell.fill("2")
    cell.press("Tab")
    expect(page.locator(f"#score-{score.pk} .cell-error")).to_contain_text("vừa được")
    score.refresh_from_db()
    assert score.self_score == 1


def test_self_score_evidence_submit_then_see_appraised(
    personas, page, login, logout, tmp_path, screenshot
):
    cs = make_set(province=personas.daklak)
    # Everything scored but 1.1, the yes/no criterion that requires evidence.
    a = make_assessment(
        criteria_set=cs,
        unit=personas.cumgar,
        scores={code: (v[0], None, None, None) for code, v in FULL.items() if code != "1.1"},
    )
    scores = {s.criterion.code: s for s in a.scores.select_related("criterion")}
    row_11, row_12 = f"#score-{scores['1.1'].pk}", f"#score-{scores['1.2'].pk}"
    save_url = f"/scoring/assessments/{a.pk}/scores/"

    # The unit's staff reach their sheet from the dashboard.
    login("cumgar")
    page.click("a[data-figure=assessment-state]")
    expect(page.locator(".assessment-state")).to_have_text("Đang tự đánh giá")
    expect(page.locator(".alert-warning")).to_contain_text("1.1")

    # Submitting too early: the confirmation page lists every problem and offers no button.
    page.click("a:text('Gửi tự đánh giá')")
    expect(page.locator(".transition-problems")).to_contain_text("1.1")
    expect(page.locator(".assessment-state")).to_have_text("Đang tự đánh giá")
    page.click("a:text('Quay lại bảng điểm')")

    # A score above the criterion's maximum: the message is at the field, nothing is stored.
    page.allow(422, save_url)
    cell = page.locator(f"{row_12} input[name=value]").first
    cell.fill("7")
    cell.press("Tab")
    expect(page.locator(f"{row_12} .cell-error")).to_have_text("Điểm 7,00 vượt điểm tối đa 6,00.")
    expect(page.locator(f"{row_12} input[name=value]").first).to_have_value("7")
    expect(page.locator(row_12)).to_have_class("table-danger")
    assert CriterionScore.objects.get(pk=scores["1.2"].pk).self_score == D(6)
    expect(page.locator(".total-self")).to_have_text("66,00")  # 6 + 20 + 10 + 30, unchanged

    # Criterion 1.1: the score, then its evidence (a real PDF through the file picker).
    cell = page.locator(f"{row_11} input[name=value]").first
    cell.fill("4")
    cell.press("Tab")
    expect(page.locator(".total-self")).to_have_text("70,00")
    pdf = small_pdf(tmp_path / "ke-hoach-cchc-2024.pdf")
    page.set_input_files(f"{row_11} input[type=file]", str(pdf))
    page.click(f"{row_11} button:text('Tải lên')")
    expect(page.locator(".alert-success")).to_contain_text("Đã tải lên tài liệu kiểm chứng")
    expect(page.locator(f"{row_11} a:text('ke-hoach-cchc-2024.pdf')")).to_be_visible()
    expect(page.locator(".alert-warning")).to_have_count(0)
    evidence = Evidence.objects.get(score=scores["1.1"])
    assert evidence.content_type == "application/pdf"
    assert evidence.file.read() == pdf.read_bytes()

    page.click("a:text('Gửi tự đánh giá')")
    page.click("button:text('Xác nhận')")
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi tự đánh giá")
    expect(page.locator(".assessment-state")).to_have_text("Đã tự đánh giá")
    assert Assessment.objects.get(pk=a.pk).state == AssessmentState.SELF_ASSESSED
    # Submitted: the unit can no longer type its scores.
    expect(page.locator(f"{row_12} input[name=value]")).to_have_count(0)
    logout()

    # The inspector opens the evidence and appraises 1.2 lower, with a reason.
    login("insp66")
    page.goto(page.base_url + "/scoring/assessments/")
    page.click('a:text("Huyện Cư M\'gar")')
    page.click("a:text('Bắt đầu thẩm định vòng 1')")
    page.click("button:text('Xác nhận')")
    expect(page.locator(".assessment-state")).to_have_text("Thẩm định vòng 1")
    with page.expect_download() as info:
        page.click(f"{row_11} a:text('ke-hoach-cchc-2024.pdf')")
    assert info.value.suggested_filename == "ke-hoach-cchc-2024.pdf"
    downloaded = tmp_path / "downloaded.pdf"
    info.value.save_as(downloaded)
    assert downloaded.read_bytes() == pdf.read_bytes()

    cell = page.locator(f"{row_12} input[name=value]").first
    cell.fill("4,5")
    cell.press("Tab")
    expect(page.locator(f"{row_12} .cell-error")).to_contain_text("cần ghi lý do")
    assert CriterionScore.objects.get(pk=scores["1.2"].pk).round1_score is None
    reason = page.locator(f"{row_12} input[name=reason]")
    reason.fill("Chưa có kế hoạch tuyên truyền năm 2024")
    reason.press("Tab")
    expect(page.locator(f"{row_12} .cell-error")).to_have_count(0)
    expect(page.locator(f"{row_12} input[name=value]").first).to_have_value("4,50")
    saved = CriterionScore.objects.get(pk=scores["1.2"].pk)
    assert (saved.self_score, saved.round1_score) == (D(6), D("4.5"))
    assert saved.round1_reason == "Chưa có kế hoạch tuyên truyền năm 2024"
    logout()

    # The unit sees the appraised score and the reason on its own sheet.
    login("cumgar")
    page.click("a[data-figure=assessment-state]")
    expect(page.locator(".assessment-state")).to_have_text("Thẩm định vòng 1")
    round1 = page.locator(f"{row_12} td").nth(5)
    expect(round1.locator(".num")).to_have_text("4,50")
    expect(round1).to_contain_text("Chưa có kế hoạch tuyên truyền năm 2024")
    expect(page.locator(f"{row_12} td").nth(3)).to_have_text("6,00")
    screenshot()


def test_round1_reason_typed_before_the_value_keeps_both(personas, page, login):
    """Issue 14 item 9: typing the reason first used to post the blank value at once; the row
    swapped under the value being typed and the value was lost."""
    cs = make_set(province=personas.daklak)
    a = make_assessment(
        criteria_set=cs,
        unit=personas.cumgar,
        scores={code: (v[0], None, None, None) for code, v in FULL.items()},
        state=AssessmentState.APPRAISAL_1,
    )
    score = CriterionScore.objects.get(assessment=a, criterion__code="1.2")
    row = f"#score-{score.pk}"
    login("insp66")
    page.goto(f"{page.base_url}/scoring/assessments/{a.pk}/")
    reason = page.locator(f"{row} input[name=reason]")
    reason.fill("Chưa có kế hoạch tuyên truyền năm 2024")
    cell = page.locator(f"{row} input[name=value]").first
    cell.click()  # leaving the reason for the value, as a user does
    cell.press_sequentially("4,5", delay=60)
    cell.press("Tab")
    expect(page.locator(f"{row} input[name=value]").first).to_have_value("4,50")
    expect(page.locator(f"{row} .cell-error")).to_have_count(0)
    saved = CriterionScore.objects.get(pk=score.pk)
    assert (saved.self_score, saved.round1_score) == (D(6), D("4.5"))
    assert saved.round1_reason == "Chưa có kế hoạch tuyên truyền năm 2024"
