"""An inspector plans, inspects, concludes and prints; the unit reports remediation; the
inspector verifies it. Everything through the browser."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from inspections.choices import RecommendationState
from inspections.models import Recommendation

pytestmark = pytest.mark.django_db(transaction=True)


def test_plan_inspect_conclude_print_remediate_verify(personas, page, login, tmp_path):
    base = page.base_url
    login("insp66")

    # A team with its head.
    page.goto(base + "/inspections/teams/new/")
    page.fill("#id_name", "Đoàn 1798")
    page.fill("#id_members", "trưởng đoàn | Trần Văn Trưởng | Phó Giám đốc Sở Nội vụ | Sở Nội vụ")
    page.click("form.inspections-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Đoàn 1798"

    # A plan with two contents and Cư M'gar as target.
    page.goto(base + "/inspections/plans/new/")
    page.fill("#id_number", "15/KH-SNV")
    page.fill("#id_issued_on", "2019-09-01")
    page.fill("#id_year", "2019")
    page.fill("#id_title", "Kiểm tra CCHC năm 2019")
    page.fill("#id_period_start", "2018-01-01")
    page.fill("#id_period_end", "2019-06-30")
    page.fill("#id_contents", "Công khai TTHC\nỨng dụng CNTT")
    page.fill("#id_targets", "648 | 27/09/2019")
    page.click("form.inspections-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "0/1 = 0 %" in page.locator("#plan-progress").inner_text()

    # The inspection.
    page.click("text=Thêm cuộc kiểm tra")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_team", label="Đoàn 1798")
    page.select_option("#id_unit", label="Huyện Cư M'gar")
    page.fill("#id_scheduled_on", "2019-09-27")
    page.fill("#id_held_on", "2019-09-27")
    page.click("form.inspections-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    detail_url = page.url

    # Checklist results via htmx (no reload: a marker on window survives).
    page.evaluate("window.__noReload = true")
    for left in (1, 0):
        item = page.locator("#checklist .unanswered").first
        item.locator("select[name=outcome]").select_option("met")
        item.locator("button[type=submit]").click()
        expect(page.locator("#checklist .unanswered")).to_have_count(left)

    # A finding typed and submitted with Enter; focus comes back to the first field.
    page.select_option("#finding-form select[name=kind]", "limitation")
    page.fill("#finding-form input[name=text]", "Tỷ lệ hồ sơ trực tuyến mức độ 3, 4 còn thấp")
    page.press("#finding-form input[name=text]", "Enter")
    expect(page.locator("#findings li.finding-limitation")).to_have_count(1)
    page.wait_for_function("document.activeElement && document.activeElement.name === 'kind'")

    # A recommendation: first with a due date before the visit (refused), then a good one.
    form = "#recommendation-form"
    page.fill(f"{form} input[name=text]", "Nâng tỷ lệ hồ sơ trực tuyến")
    page.select_option(f"{form} select[name=responsible_unit]", label="Huyện Cư M'gar")
    page.fill(f"{form} input[name=due_on]", "2019-09-01")
    page.press(f"{form} input[name=due_on]", "Enter")
    expect(page.locator("#recommendations")).to_contain_text("01/09/2019")
    page.fill(f"{form} input[name=due_on]", "2019-10-31")
    page.press(f"{form} input[name=due_on]", "Enter")
    expect(page.locator("#recommendations li.recommendation")).to_have_count(1)
    assert page.evaluate("window.__noReload") is True

    # Conclude, then download and read the PDF.
    page.click("#conclude-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#inspection-state").inner_text() == "Đã kết luận"
    with page.expect_download() as info:
        page.click("#report-pdf")
    path = tmp_path / "report.pdf"
    info.value.save_as(path)
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages).split()
    )
    for needle in (
        "15/KH-SNV",
        "Huyện Cư M'gar",
        "01/01/2018",
        "30/06/2019",
        "Tỷ lệ hồ sơ trực tuyến mức độ 3, 4 còn thấp",
        "Nâng tỷ lệ hồ sơ trực tuyến",
        "31/10/2019",
    ):
        assert needle in text

    # The unit's staff report remediation with a file.
    rec = Recommendation.objects.get()
    page.click("#user-menu")
    page.click("text=Đăng xuất")
    page.wait_for_load_state("networkidle")
    login("cumgar")
    page.goto(base + "/inspections/recommendations/")
    assert page.locator("tr.overdue").count() == 1
    page.click("text=Nâng tỷ lệ hồ sơ trực tuyến")
    page.wait_for_load_state("networkidle")
    page.fill("#remediation-form textarea[name=text]", "Đã triển khai dịch vụ công mức độ 4")
    attachment = tmp_path / "ket-qua.pdf"
    attachment.write_bytes(b"%PDF-1.4 remediation")
    page.set_input_files("#remediation-form input[type=file]", str(attachment))
    page.click("#remediation-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Đã báo cáo khắc phục" in page.locator("#rec-state").inner_text()

    # The inspector verifies.
    page.click("#user-menu")
    page.click("text=Đăng xuất")
    page.wait_for_load_state("networkidle")
    login("insp66")
    page.goto(base + f"/inspections/recommendations/{rec.pk}/")
    assert "ket-qua.pdf" in page.content()
    page.click("text=Xác nhận đã khắc phục")
    page.wait_for_load_state("networkidle")
    assert "Đã xác nhận" in page.locator("#rec-state").inner_text()
    rec.refresh_from_db()
    assert rec.state == RecommendationState.VERIFIED
    assert re.search(r"/inspections/\d+/$", detail_url)
