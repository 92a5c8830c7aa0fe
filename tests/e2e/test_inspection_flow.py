"""Inspections in the browser: an inspector plans, inspects, concludes and prints (flow 1); the
unit reports remediation, the inspector verifies it and the unit sees it verified (flow 4)."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from inspections.choices import InspectionState, MemberRole, RecommendationState
from inspections.models import Inspection, InspectionTeam, Recommendation
from tests.inspections.factories import concluded

pytestmark = pytest.mark.django_db(transaction=True)

FORM_SUBMIT = "form.inspections-form button[type=submit]"


def pdf_text(path) -> str:
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def test_plan_team_inspect_conclude_and_print(personas, page, login, tmp_path, screenshot):
    base = page.base_url
    login("insp66")

    # A plan with two contents and Cư M'gar as target.
    page.goto(base + "/inspections/plans/")
    page.click("text=Kế hoạch mới")
    page.fill("#id_number", "15/KH-SNV")
    page.fill("#id_issued_on", "2019-09-01")
    page.fill("#id_year", "2019")
    page.fill("#id_title", "Kiểm tra CCHC năm 2019")
    page.fill("#id_period_start", "2018-01-01")
    page.fill("#id_period_end", "2019-06-30")
    page.fill("#id_contents", "Công khai TTHC\nỨng dụng CNTT")
    page.fill("#id_targets-0-unit_filter", "648")
    page.select_option("#id_targets-0-unit", str(personas.cumgar.pk))
    page.fill("#id_targets-0-scheduled_on", "27/09/2019")
    page.click(FORM_SUBMIT)
    expect(page.locator("#plan-progress")).to_contain_text("0/1 = 0 %")
    plan_url = page.url

    # A team: two heads are refused with the rule spelled out, one head is saved.
    page.goto(base + "/inspections/teams/")
    page.click("text=Đoàn kiểm tra mới")
    page.fill("#id_name", "Đoàn 1798")
    # Two heads are refused with the rule spelled out: the inspector herself, from the
    # portal's users, and an outside member typed by name.
    page.select_option("#id_members-0-role", "head")
    page.select_option("#id_members-0-user", str(personas.inspector.pk))
    page.fill("#id_members-0-position", "Phó Giám đốc Sở Nội vụ")
    page.select_option("#id_members-1-role", "head")
    page.fill("#id_members-1-name", "Lê Văn Hai")
    page.click(FORM_SUBMIT)
    expect(page.locator(".alert-danger")).to_contain_text(
        "Đoàn kiểm tra phải có đúng một trưởng đoàn."
    )
    assert not InspectionTeam.objects.exists()
    page.select_option("#id_members-1-role", "secretary")
    page.fill("#id_members-1-name", "Lê Thị Ký")
    page.click(FORM_SUBMIT)
    expect(page.locator("h1")).to_have_text("Đoàn 1798")
    team = InspectionTeam.objects.get()
    assert [m.role for m in team.members.order_by("pk")] == [MemberRole.HEAD, MemberRole.SECRETARY]
    assert team.head is not None and team.head.user == personas.inspector

    # The inspection of the district, from the plan's page.
    # The target's own link: only the plan's targets offered, unit and date filled in.
    page.goto(plan_url)
    page.click("#plan-targets .target-create")
    expect(page.locator("#id_unit option")).to_have_count(2)  # "---------" and Cư M'gar
    expect(page.locator("#id_unit")).to_have_value(str(personas.cumgar.pk))
    expect(page.locator("#id_scheduled_on")).to_have_value("27/09/2019")
    page.select_option("#id_team", label="Đoàn 1798")
    page.fill("#id_held_on", "27/09/2019")
    page.click(FORM_SUBMIT)
    expect(page.locator("#inspection-state")).to_be_visible()
    expect(page.locator("main dl")).to_contain_text(
        f"Trưởng đoàn: {personas.inspector.get_full_name()}"
    )

    # Checklist results via htmx (no reload: a marker on window survives).
    page.evaluate("window.__noReload = true")
    for left in (1, 0):
        item = page.locator("#checklist .unanswered").first
        item.locator("select[name=outcome]").select_option("met")
        item.locator(".checklist-form button[type=submit]").click()
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
    page.select_option(f"{form} select[name=responsible_person]", str(personas.cumgar_staff.pk))
    page.fill(f"{form} input[name=due_on]", "01/09/2019")
    page.press(f"{form} input[name=due_on]", "Enter")
    expect(page.locator("#recommendations")).to_contain_text("01/09/2019")
    expect(page.locator("#recommendations li.recommendation")).to_have_count(0)
    page.fill(f"{form} input[name=due_on]", "31/10/2019")
    page.press(f"{form} input[name=due_on]", "Enter")
    expect(page.locator("#recommendations li.recommendation")).to_have_count(1)
    expect(page.locator("#recommendations li.recommendation")).to_contain_text("31/10/2019")
    assert page.evaluate("window.__noReload") is True

    # Conclude, then download and read the PDF.
    page.click("#conclude-form button[type=submit]")
    # The confirmation step says what concluding does and changes nothing by itself.
    expect(page.locator("h1")).to_have_text("Xác nhận kết luận kiểm tra")
    assert Inspection.objects.get().state == InspectionState.IN_PROGRESS
    page.click("#confirm-button")
    expect(page.locator("#inspection-state")).to_have_text("Đã kết luận")
    inspection = Inspection.objects.get()
    assert inspection.state == InspectionState.CONCLUDED
    assert inspection.findings.count() == 1 and inspection.recommendations.count() == 1
    assert inspection.recommendations.get().responsible_person == personas.cumgar_staff
    with page.expect_download() as info:
        page.click("#report-pdf")
    path = tmp_path / "report.pdf"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".pdf")
    text = pdf_text(path)
    for needle in (
        "15/KH-SNV",
        "Huyện Cư M'gar",
        "01/01/2018",
        "30/06/2019",
        "Tỷ lệ hồ sơ trực tuyến mức độ 3, 4 còn thấp",
        "Nâng tỷ lệ hồ sơ trực tuyến",
        "31/10/2019",
    ):
        assert needle in text, needle
    screenshot()


def test_remediation_reported_verified_and_seen(
    personas, page, login, logout, tmp_path, screenshot
):
    base = page.base_url
    inspection = concluded(personas)  # due 31/10/2019: long overdue
    rec = Recommendation.objects.get(inspection=inspection)

    # The unit's staff find the overdue recommendation and report remediation with a file.
    login("cumgar")
    page.goto(base + "/inspections/recommendations/")
    expect(page.locator("#recommendation-counts")).to_contain_text("Quá hạn: 1")
    row = page.locator("tr.overdue")
    expect(row).to_have_count(1)
    row.get_by_role("link", name=rec.text).click()
    expect(page.locator("#rec-state")).to_contain_text("Quá hạn")
    page.fill("#remediation-form textarea[name=text]", "Đã triển khai dịch vụ công mức độ 4")
    attachment = tmp_path / "ket-qua.pdf"
    attachment.write_bytes(b"%PDF-1.4\n% remediation report\n%%EOF\n")
    page.set_input_files("#remediation-form input[type=file]", str(attachment))
    page.click("#remediation-form button[type=submit]")
    expect(page.locator("#rec-state")).to_contain_text("Đã báo cáo – chờ xác nhận")
    expect(page.locator(".remediation")).to_contain_text("ket-qua.pdf")
    rec.refresh_from_db()
    assert rec.state == RecommendationState.REPORTED
    logout()

    # The inspector reads the report, opens the file and verifies.
    login("insp66")
    page.goto(base + f"/inspections/{inspection.pk}/")
    page.get_by_role("link", name=rec.text).click()
    with page.expect_download() as info:
        page.click(".remediation a:text('ket-qua.pdf')")
    saved = tmp_path / "downloaded.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes() == attachment.read_bytes()
    page.fill("#verify-form textarea[name=note]", "Đã kiểm tra trên cổng dịch vụ công")
    page.click("#verify-form button[type=submit]")
    expect(page.locator(".confirm-facts")).to_contain_text("Đã triển khai dịch vụ công mức độ 4")
    page.click("#confirm-button")
    expect(page.locator("#rec-state")).to_contain_text("Đã xác nhận")
    rec.refresh_from_db()
    assert rec.state == RecommendationState.VERIFIED
    logout()

    # The unit sees it verified: no longer overdue in its list, the verdict on the page.
    login("cumgar")
    page.goto(base + "/inspections/recommendations/")
    expect(page.locator("#recommendation-counts")).to_contain_text("Quá hạn: 0")
    expect(page.locator("tr.overdue")).to_have_count(0)
    page.get_by_role("link", name=rec.text).click()
    expect(page.locator("#rec-state")).to_have_text("Đã xác nhận")
    expect(page.locator(".remediation .text-success")).to_contain_text(
        "Đã xác nhận: Đã kiểm tra trên cổng dịch vụ công"
    )
    expect(page.locator("#remediation-form")).to_have_count(0)
    screenshot()
